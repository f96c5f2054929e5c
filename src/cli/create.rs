//! `rudder create NAME`: a new chart with Jinja templates, as `helm create` makes one.

use std::io::Write;
use std::path::PathBuf;

/// Create a new chart: Chart.yaml, values.yaml and values.schema.json, .helmignore, and Jinja
/// templates for a Deployment, Service and ServiceAccount, an Ingress and a
/// HorizontalPodAutoscaler (both off by default), shared macros (_helpers.tpl) and NOTES.txt.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chart directory to create; its last component is the chart's name (letters, digits,
    /// '.', '_' and '-'). An existing directory must be empty.
    name: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    // The error names the path already; no context to add.
    let created = rudder::chart::create::create(&args.name)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Creating {}", created.dir.display())?;
    out.flush()?;
    Ok(())
}
