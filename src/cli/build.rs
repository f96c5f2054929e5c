//! `rudder build DIR`: print what `kustomize build DIR` prints.

use std::io::Write;
use std::path::PathBuf;

use rudder::overlay::{self, BuildOptions, LoadRestrictor};

/// Build a kustomization directory and print the resulting YAML stream.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory holding kustomization.yaml (default: the current directory).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Where files may be loaded from: LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.
    #[arg(long, default_value = "LoadRestrictionsRootOnly", value_parser = ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"])]
    load_restrictor: String,
    /// Write the output to this file instead of standard output (written whole, or not at all).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Fetch remote resources: git repository URLs in resources: (https://host/org/repo//dir?ref=v1,
    /// git@host:org/repo.git//dir, ssh://, file://), cloned with the system git into a temporary
    /// directory. Refused by default, since a build then runs git and reads what the repository holds.
    #[arg(long)]
    allow_remote: bool,
    /// Render helmCharts: entries (as kustomize's --enable-helm). Without it a kustomization
    /// with charts is refused.
    #[arg(long)]
    enable_helm: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let opts = BuildOptions {
        load_restrictor: if args.load_restrictor == "LoadRestrictionsNone" {
            LoadRestrictor::None
        } else {
            LoadRestrictor::RootOnly
        },
        allow_remote: args.allow_remote,
        enable_helm: args.enable_helm,
        chart_renderer: Some(std::sync::Arc::new(rudder::pipeline::LocalChartRenderer)),
        ..Default::default()
    };
    let docs = overlay::build(&args.dir, &opts)?;
    let values: Vec<_> = docs.into_iter().map(|d| d.value).collect();
    let text = rudder::yaml::to_stream(&values);
    match args.output {
        Some(path) => write_atomically(&path, text.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Writes to a temporary file beside `path`, then renames it into place (`build -o`,
/// `template --output-dir`).
pub(super) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.rudder-tmp-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    fs_err::write(&tmp, bytes)?;
    fs_err::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(())
}
