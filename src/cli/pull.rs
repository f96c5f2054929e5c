//! `rudder pull REF`: download a chart package, verified, as `helm pull`.

use std::path::PathBuf;

use anyhow::Context;
use rudder::{pipeline, repo};

use super::chart_ref::{Bar, ChartRefArgs};

/// Download a chart package from a repository (REPO/CHART) or a URL, after checking its
/// sha256 against the repository index; optionally unpack it.
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// REPO/CHART or the http(s) URL of a package.
    reference: String,
    #[command(flatten)]
    chart: ChartRefArgs,
    /// Directory to write the package (or, with --untar, the chart) to.
    #[arg(short = 'd', long = "destination", default_value = ".")]
    destination: PathBuf,
    /// Unpack the chart instead of keeping the .tgz (all or nothing: the chart directory
    /// appears only when every file was written).
    #[arg(long)]
    untar: bool,
    /// With --untar: directory, under the destination, to unpack into.
    #[arg(long, default_value = ".", requires = "untar")]
    untardir: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let bar = Bar::new();
    let opts = args.chart.to_options(&bar)?;
    let package = pipeline::fetch_chart_ref(&args.reference, &opts)
        .with_context(|| format!("pulling {}", repo::redact(&args.reference)))?
        .with_context(|| {
            format!(
                "pulling {}: not a REPO/CHART of a configured repository nor an http(s) URL",
                args.reference
            )
        })?;
    drop(bar);
    if !package.verified() {
        eprintln!(
            "warning: {}: sha256 not verified (--insecure-skip-digest)",
            package.file_name()
        );
    }
    if args.untar {
        let dir = args.destination.join(&args.untardir);
        repo::unpack(&package, &dir).with_context(|| format!("unpacking {}", package.file_name()))?;
    } else {
        let path = args.destination.join(package.file_name());
        package
            .persist(&path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
