//! `rudder package CHART`: write a byte-reproducible `NAME-VERSION.tgz`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rudder::chart::{self, package::PackageOptions};

/// Package a chart directory into NAME-VERSION.tgz (same input, same bytes).
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// Chart directory.
    chart: PathBuf,
    /// Directory to write the package to (created when missing).
    #[arg(short = 'd', long = "destination", default_value = ".")]
    destination: PathBuf,
    /// Set the chart's version (SemVer) in the package.
    #[arg(long)]
    version: Option<String>,
    /// Set the chart's appVersion in the package.
    #[arg(long)]
    app_version: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let chart = chart::load(&args.chart).context("loading the chart")?;
    let opts = PackageOptions {
        version: args.version.clone(),
        app_version: args.app_version.clone(),
    };
    let pkg = chart::package::package(&chart, &opts).with_context(|| format!("packaging chart '{}'", chart.name()))?;
    let path = args.destination.join(&pkg.file_name);
    write_atomically(&path, &pkg.bytes).with_context(|| format!("writing {}", path.display()))?;
    println!("Successfully packaged chart and saved it to: {}", path.display());
    Ok(())
}

/// Writes the package beside its final name, then renames it into place, creating the
/// directory when missing as Helm does. The file gets 0666 less the umask (0644 as a rule)
/// as Helm's do: a temporary file's 0600 would hide it from a web server serving the folder.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir)?;
    super::build::write_atomically(path, bytes)
}
