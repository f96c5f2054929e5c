//! `rudder create NAME`: a new chart with Jinja templates, as `helm create` makes one.

use std::io::Write;
use std::path::PathBuf;

/// Create a new chart with Jinja templates, as helm create does.
///
/// Writes Chart.yaml, values.yaml, values.schema.json, .helmignore and templates for a Deployment,
/// Service and ServiceAccount, an Ingress and a HorizontalPodAutoscaler (both off by default),
/// shared macros (templates/_helpers.tpl) and NOTES.txt. The chart renders with `rudder template`
/// as it is; edit values.yaml and the templates from there.
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
