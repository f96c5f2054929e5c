//! `rudder lint PATH...`: schemas, deprecated APIs and best-practice rules over plain
//! manifests, built overlays and (through the pipeline) charts; reports for CI.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rudder::lint::{self, Format, Input, KubeVersion, Options, Severity, Target};
use rudder::overlay::{self, BuildOptions};
use rudder::pipeline;

use super::chart_ref::{Bar, ChartRefArgs};
use super::values_flags::ValuesFlags;

/// Lint manifests, overlays and charts: strict schema validation against the Kubernetes
/// OpenAPI (and CRDs in the input), deprecated and removed APIs, best-practice rules.
///
/// Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on usage errors.
/// Rules can be switched off with --disable, in .rudder-lint.yaml (looked up from the
/// current directory to the repository root) and per object with the annotation
/// rudder.dev/lint-ignore: RULE[,RULE].
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// Files, directories (walked for *.yaml, *.yml, *.json; a directory with a kustomization
    /// is built first), - for standard input, or a chart as REPO/CHART or a package URL.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Kubernetes version to check against (deprecated and removed APIs); default 1.32.
    #[arg(long, value_name = "VERSION")]
    kube_version: Option<KubeVersion>,
    /// Fail on warnings too (same as --fail-on warning).
    #[arg(long)]
    strict: bool,
    /// Output format: text, json, sarif or junit.
    #[arg(short, long, default_value = "text", value_name = "FORMAT")]
    output: Format,
    /// Lowest severity that makes the exit status 1: error, warning or info [default: error].
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    /// Switch a rule off (repeatable, or comma-separated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    disable: Vec<String>,
    /// A file of CustomResourceDefinitions whose schemas validate custom resources (repeatable).
    #[arg(long, value_name = "FILE")]
    crd: Vec<PathBuf>,
    /// Skip objects whose kind has no schema instead of reporting them.
    #[arg(long)]
    ignore_missing_schemas: bool,
    /// Report namespaced objects without metadata.namespace.
    #[arg(long)]
    require_namespace: bool,
    /// Values for charts (as `rudder template` takes them).
    #[command(flatten)]
    values: ValuesFlags,
    /// How REPO/CHART and URL paths are fetched (as `rudder template` fetches them).
    #[command(flatten)]
    fetch: Box<ChartRefArgs>,
    /// List the rules with their severity and explanation, then exit.
    #[arg(long, exclusive = true)]
    list_rules: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.list_rules {
        let mut out = std::io::stdout().lock();
        for r in lint::RULES {
            writeln!(out, "{:<20} {:<8} {}", r.id, r.severity, r.summary)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (opts, fail_on) = match options(&args) {
        Ok(v) => v,
        Err(e) => return Ok(usage_error(&e)),
    };
    let kube = args.kube_version.map(|v| (v.major, v.minor));
    let mut input = Input::new();
    let bar = Bar::new();
    let fetch = args.fetch.to_options(&bar)?;
    for path in &args.paths {
        // A path that is not on disk may be a chart in a configured repository, or a URL.
        if let Some(reference) = path.to_str().filter(|_| !path.exists() && path.as_os_str() != "-")
            && let Some(package) = pipeline::fetch_chart_ref(reference, &fetch)
                .with_context(|| format!("fetching {}", rudder::repo::redact(reference)))?
        {
            let chart = rudder::chart::load_archive_bytes(&package.bytes()?, reference)
                .with_context(|| format!("loading {}", rudder::repo::redact(reference)))?;
            input.add_chart(pipeline::lint_loaded_chart(
                &chart,
                reference,
                &args.values.to_options(),
                kube,
            ));
            continue;
        }
        let targets = match lint::targets(std::slice::from_ref(path)) {
            Ok(t) => t,
            Err(e) => return Ok(usage_error(&e.into())),
        };
        add_targets(&mut input, &targets, &args, kube)?;
    }
    drop(bar);
    let report = lint::lint(&input, &opts);
    let text = lint::render(&report, args.output, env!("CARGO_PKG_VERSION"));
    let code = if report.fails(fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: freeing every document's tree one by one would cost about a
    // tenth of the run on big inputs (bench/lint.py), for memory the exit returns anyway.
    std::mem::forget(input);
    std::mem::forget(report);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(code)
}

/// Reads, builds or renders local targets into `input`.
fn add_targets(input: &mut Input, targets: &[Target], args: &Args, kube: Option<(u32, u32)>) -> anyhow::Result<()> {
    for t in targets {
        match t {
            Target::Overlay(dir) => match overlay::build(dir, &BuildOptions::default()) {
                Ok(docs) => input.add_documents(docs),
                Err(e) => input.problem("build-error", &dir.display().to_string(), 0, format!("{e:#}")),
            },
            Target::Chart(dir) => input.add_chart(pipeline::lint_chart(dir, &args.values.to_options(), kube)),
            _ => input.read(t)?,
        }
    }
    Ok(())
}

fn usage_error(e: &anyhow::Error) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
    ExitCode::from(2)
}

/// Merges flags over `.rudder-lint.yaml` and reads `--crd` files.
fn options(args: &Args) -> anyhow::Result<(Options, Severity)> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let file = match lint::find_config(&cwd) {
        Some(path) => lint::load_config(&path)?,
        None => lint::FileConfig::default(),
    };
    let mut disabled: HashSet<String> = file.disable.into_iter().collect();
    for r in &args.disable {
        lint::ensure_rule(r).map_err(|m| anyhow::anyhow!("--disable: {m}"))?;
        disabled.insert(r.clone());
    }
    let mut crds = Vec::new();
    for path in file.crds.iter().chain(&args.crd) {
        crds.extend(read_crds(path)?);
    }
    let mut opts = Options {
        disabled,
        ignore_missing_schemas: args.ignore_missing_schemas || file.ignore_missing_schemas == Some(true),
        require_namespace: args.require_namespace || file.require_namespace == Some(true),
        crds,
        list_objects: args.output == Format::Junit,
        ..Options::default()
    };
    if let Some(v) = args.kube_version.or(file.kube_version) {
        opts.kube_version = v;
    }
    let mut fail_on = args.fail_on.or(file.fail_on).unwrap_or(Severity::Error);
    if args.strict {
        fail_on = fail_on.min(Severity::Warning);
    }
    Ok((opts, fail_on))
}

fn read_crds(path: &Path) -> anyhow::Result<Vec<rudder::yaml::Value>> {
    let bytes = fs_err::read(path)?;
    let name = path.display().to_string();
    let docs = rudder::yaml::parse_bytes(&bytes, rudder::yaml::Dialect::Helm, &name)?;
    Ok(docs.into_iter().map(|d| d.value).collect())
}
