//! `rudder template [RELEASE] CHART`: render a chart locally, as `helm template` does.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use rudder::chart::render::{KubeVersion, Release, RenderOptions, StreamOptions};
use rudder::pipeline;

use super::build::write_atomically;
use super::chart_ref::{Bar, ChartRefArgs};
use super::values_flags::ValuesFlags;

/// Render a chart's templates and print the documents (in Helm's install order of kinds,
/// each headed `# Source: CHART/templates/FILE`).
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// Release name, then chart (a directory, a .tgz, REPO/CHART or a package URL); with
    /// one argument, the chart (release name "release-name").
    #[arg(value_name = "[RELEASE] CHART", num_args = 1..=2, required = true)]
    names: Vec<String>,
    #[command(flatten)]
    values: ValuesFlags,
    #[command(flatten)]
    fetch: ChartRefArgs,
    /// Namespace of the release (Release.Namespace).
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    /// Only print documents from these templates (path in the chart or glob, e.g.
    /// templates/service.yaml); repeatable.
    #[arg(short = 's', long = "show-only", value_name = "FILE")]
    show_only: Vec<String>,
    /// Write each template's documents to DIR/CHART/templates/FILE instead of printing.
    #[arg(long, value_name = "DIR", conflicts_with = "post_render")]
    output_dir: Option<PathBuf>,
    /// Print the files of the chart's crds/ directories first.
    #[arg(long)]
    include_crds: bool,
    /// Leave out documents annotated helm.sh/hook.
    #[arg(long)]
    no_hooks: bool,
    /// Kubernetes version for Capabilities.KubeVersion (default v1.37.0).
    #[arg(long, value_name = "VERSION")]
    kube_version: Option<String>,
    /// Extra API versions for Capabilities.APIVersions (group/version or
    /// group/version/Kind); repeat or separate with commas.
    #[arg(short = 'a', long = "api-versions", value_name = "G/V", value_delimiter = ',')]
    api_versions: Vec<String>,
    /// Feed the rendered documents as resources to the kustomization in DIR and print
    /// what it builds.
    #[arg(long, value_name = "OVERLAY_DIR")]
    post_render: Option<PathBuf>,
    /// Make any undefined value an error.
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (release, chart) = match args.names.as_slice() {
        [chart] => ("release-name".to_string(), chart.clone()),
        [release, chart] => (release.clone(), chart.clone()),
        _ => unreachable!("clap takes one or two names"),
    };
    let kube_version = match &args.kube_version {
        Some(v) => KubeVersion::parse(v)
            .map_err(anyhow::Error::msg)
            .context("--kube-version")?,
        None => KubeVersion::default(),
    };
    let opts = RenderOptions {
        release: Release {
            name: release,
            namespace: args.namespace.clone(),
            ..Release::default()
        },
        kube_version,
        api_versions: args.api_versions.clone(),
        strict: args.strict,
        ..RenderOptions::default()
    };
    let stream = StreamOptions {
        include_crds: args.include_crds,
        no_hooks: args.no_hooks,
        show_only: args.show_only.clone(),
    };
    let bar = Bar::new();
    let fetch = args.fetch.to_options(&bar)?;
    let loaded = pipeline::load_chart_ref(&chart, &fetch)?;
    drop(bar);
    let out = pipeline::render_loaded(&loaded, &args.values.to_options(), &opts)?;
    if let Some(dir) = &args.post_render {
        let docs = pipeline::post_render(&out.rendered, &stream, dir)?;
        let values: Vec<_> = docs.into_iter().map(|d| d.value).collect();
        return print(&rudder::yaml::to_stream(&values));
    }
    if let Some(dir) = &args.output_dir {
        let files = rudder::chart::render::to_files(&out.rendered, &stream)?;
        for (name, text) in files {
            let path = dir.join(&name);
            if let Some(parent) = path.parent() {
                fs_err::create_dir_all(parent)?;
            }
            write_atomically(&path, text.as_bytes())?;
            println!("wrote {}", path.display());
        }
        return Ok(());
    }
    print(&rudder::chart::render::to_helm_stream(&out.rendered, &stream)?)
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
