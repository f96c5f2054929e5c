//! The one path from a chart to documents that commands share: load the chart, compute
//! its values, render its templates, then (optionally) feed the rendered documents to an
//! overlay as its resources (`--post-render DIR`). Also the chart engine behind an
//! overlay's `helmCharts:` ([`LocalChartRenderer`]), and where a chart reference (a path,
//! `REPO/CHART` or a URL) becomes a chart: the repository client fetches and verifies, the
//! chart loader unpacks ([`load_chart_ref`]).
//!
//! Holds no command-line concerns: callers pass library options and print the result.

use std::path::{Path, PathBuf};

use crate::chart::render::{self, RenderOptions, Rendered, StreamOptions};
use crate::chart::values::{self, ValueOptions};
use crate::chart::{self, Chart};
use crate::overlay::{self, BuildOptions, HelmChartSpec};
use crate::repo::{self, ChartRef, RepoFile};
use crate::resource::Document;
use crate::yaml::{self, Dialect, Map, Value};

/// Why the pipeline stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chart(Box<chart::Error>),
    #[error(transparent)]
    Values(Box<values::Error>),
    #[error(transparent)]
    Render(Box<render::Error>),
    #[error(transparent)]
    ShowOnly(#[from] render::ShowOnlyError),
    #[error(transparent)]
    Repo(Box<repo::Error>),
    #[error("post-render {}", dir.display())]
    PostRender {
        dir: PathBuf,
        #[source]
        source: Box<overlay::Error>,
    },
}

impl From<chart::Error> for Error {
    fn from(e: chart::Error) -> Self {
        Error::Chart(Box::new(e))
    }
}

impl From<repo::Error> for Error {
    fn from(e: repo::Error) -> Self {
        Error::Repo(Box::new(e))
    }
}

impl From<values::Error> for Error {
    fn from(e: values::Error) -> Self {
        Error::Values(Box::new(e))
    }
}

impl From<render::Error> for Error {
    fn from(e: render::Error) -> Self {
        Error::Render(Box::new(e))
    }
}

/// A chart, its final values and its rendered documents.
#[derive(Debug, Clone)]
pub struct ChartOutput {
    /// The chart as rendered: disabled subcharts dropped, aliases applied.
    pub chart: Chart,
    pub values: Value,
    pub rendered: Rendered,
}

/// Loads the chart at `path` (directory or .tgz), computes its values and renders it.
///
/// # Errors
/// The chart, its values or its templates, naming file and field or line.
pub fn render_chart(path: &Path, values: &ValueOptions, opts: &RenderOptions) -> Result<ChartOutput, Error> {
    let chart = chart::load(path)?;
    render_loaded(&chart, values, opts)
}

/// How a chart reference is resolved: the repository client's fetch options (`--version`,
/// `--devel`, credentials, TLS, `--insecure-skip-digest`, where repositories live).
pub type ChartRefOptions = repo::FetchOptions;

/// Loads the chart a command-line reference names, as Helm resolves one:
/// - an existing directory or .tgz file is loaded from disk (`--version` is not checked);
/// - `REPO/CHART`, `REPO` a configured repository: the version `--version` selects from the
///   cached index (newest non-pre-release by default), downloaded and verified;
/// - an `http(s)://` URL of a package: verified with the digest of the cached index entry
///   listing that URL; refused when no index lists it, unless `--insecure-skip-digest`.
///
/// Package bytes are unpacked (in memory, by the safe extractor) only after verification.
///
/// # Errors
/// A chart that fails to load, or anything [`repo::fetch_chart`] refuses.
pub fn load_chart_ref(reference: &str, opts: &ChartRefOptions) -> Result<Chart, Error> {
    let package = fetch_chart_ref(reference, opts)?;
    match package {
        None => Ok(chart::load(Path::new(reference))?),
        Some(p) => {
            let bytes = p.bytes()?;
            Ok(chart::load_archive_bytes(&bytes, reference)?)
        }
    }
}

/// The verified package a remote reference names; `None` when `reference` is a local path
/// (it exists, or names no configured repository). Used by `pull`.
///
/// # Errors
/// As [`repo::fetch_chart`].
pub fn fetch_chart_ref(reference: &str, opts: &ChartRefOptions) -> Result<Option<repo::VerifiedPackage>, Error> {
    if Path::new(reference).exists() {
        return Ok(None);
    }
    let repos = match &opts.paths {
        Some(paths) => RepoFile::load(paths)?,
        None => RepoFile::default(),
    };
    match ChartRef::parse(reference, &repos)? {
        Some(r) => Ok(Some(repo::fetch_chart(&r, opts)?)),
        None => Ok(None),
    }
}

/// `repo index DIR`: indexes the chart packages in `dir`, reading each package's metadata
/// with the chart loader (a `.tgz` that does not load as a chart is skipped, as Helm does).
///
/// # Errors
/// As [`repo::index_directory`].
pub fn index_directory(
    dir: &Path,
    base_url: Option<&str>,
    merge: Option<&Path>,
    now: &str,
) -> Result<repo::BuiltIndex, Error> {
    let read = |bytes: &[u8], source: &str| -> Result<Map, String> {
        let chart = chart::load_archive_bytes(bytes, source).map_err(|e| e.to_string())?;
        let json = serde_json::to_value(&chart.metadata).map_err(|e| e.to_string())?;
        match Value::from_json(&json) {
            Value::Map(m) => Ok(m),
            _ => Err("Chart.yaml metadata is not a mapping".into()),
        }
    };
    Ok(repo::index_directory(dir, base_url, merge, now, &read)?)
}

/// Like [`render_chart`] for a chart already loaded.
///
/// # Errors
/// As [`render_chart`].
pub fn render_loaded(chart: &Chart, values: &ValueOptions, opts: &RenderOptions) -> Result<ChartOutput, Error> {
    let (chart, values) = values::compute(chart, values)?;
    let rendered = render::render(&chart, &values, opts)?;
    Ok(ChartOutput {
        chart,
        values,
        rendered,
    })
}

/// Like [`render_loaded`], with the user's values already layered (a release's stored or
/// reused values, see `release`).
///
/// # Errors
/// As [`render_chart`], without the reading and parsing of values files.
pub fn render_with_user(chart: &Chart, user: Map, opts: &RenderOptions) -> Result<ChartOutput, Error> {
    let (chart, values) = values::compute_with(chart, user)?;
    let rendered = render::render(&chart, &values, opts)?;
    Ok(ChartOutput {
        chart,
        values,
        rendered,
    })
}

/// Builds the kustomization in `dir` with the selected rendered documents as its first
/// resources and returns the overlay's result.
///
/// # Errors
/// A `--show-only` that selects nothing, or anything the overlay refuses.
pub fn post_render(rendered: &Rendered, stream: &StreamOptions, dir: &Path) -> Result<Vec<Document>, Error> {
    let text = render::to_helm_stream(rendered, stream)?;
    let opts = BuildOptions {
        extra_resources: vec![("<rendered chart>".to_string(), text.into_bytes())],
        ..Default::default()
    };
    overlay::build(dir, &opts).map_err(|source| Error::PostRender {
        dir: dir.to_path_buf(),
        source: Box::new(source),
    })
}

/// Renders kustomize `helmCharts:` entries that point at rudder charts in the chart home
/// (`rudder build --enable-helm`), as kustomize runs `helm template` for them:
/// - the chart is `chartHome/NAME` (`chartHome/NAME-VERSION` when `repo` and `version` are
///   set); only local charts are rendered: pulling from `repo` is refused;
/// - values: `valuesFile` (default: the chart's own `values.yaml`) with `valuesInline` on
///   top (`valuesMerge: override`, the default), under it (`merge`) or instead of it
///   (`replace`), then each of `additionalValuesFiles`, later ones winning;
/// - `releaseName` (default `release-name`: kustomize's `--generate-name` would pick a
///   random one), `namespace`, `includeCRDs`, `skipHooks`, `skipTests`, `apiVersions`,
///   `kubeVersion` as `rudder template` takes them.
#[derive(Debug, Default)]
pub struct LocalChartRenderer;

impl overlay::ChartRenderer for LocalChartRenderer {
    fn render(&self, spec: &HelmChartSpec, kustomization_dir: &Path) -> Result<Vec<u8>, String> {
        let home = kustomization_dir.join(&spec.chart_home);
        let chart_dir = if !spec.version.is_empty() && !spec.repo.is_empty() {
            home.join(format!("{}-{}", spec.name, spec.version)).join(&spec.name)
        } else {
            home.join(&spec.name)
        };
        if !chart_dir.is_dir() {
            let hint = if spec.repo.is_empty() {
                ""
            } else {
                " (charts are not pulled from repo: fetch it into the chart home first)"
            };
            return Err(format!(
                "chart '{}': no chart at {}{hint}",
                spec.name,
                chart_dir.display()
            ));
        }
        let chart = chart::load(&chart_dir).map_err(|e| e.to_string())?;
        let user = helm_chart_values(spec, kustomization_dir, &chart_dir)?;
        let (chart, values) = values::compute_with(&chart, user).map_err(|e| e.to_string())?;
        let mut api_versions = spec.api_versions.clone();
        api_versions.retain(|v| !v.is_empty());
        let opts = RenderOptions {
            release: render::Release {
                name: if spec.release_name.is_empty() {
                    "release-name".to_string()
                } else {
                    spec.release_name.clone()
                },
                namespace: if spec.namespace.is_empty() {
                    "default".to_string()
                } else {
                    spec.namespace.clone()
                },
                ..Default::default()
            },
            kube_version: if spec.kube_version.is_empty() {
                render::KubeVersion::default()
            } else {
                render::KubeVersion::parse(&spec.kube_version)?
            },
            api_versions,
            ..Default::default()
        };
        let mut rendered = render::render(&chart, &values, &opts).map_err(|e| e.to_string())?;
        if spec.skip_tests {
            rendered
                .hooks
                .retain(|h| !h.hooks.iter().any(|e| e == "test" || e == "test-success"));
        }
        let stream = StreamOptions {
            include_crds: spec.include_crds,
            no_hooks: spec.skip_hooks,
            show_only: Vec::new(),
        };
        render::to_helm_stream(&rendered, &stream)
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
    }
}

/// The user values of one `helmCharts:` entry (see [`LocalChartRenderer`]).
fn helm_chart_values(spec: &HelmChartSpec, dir: &Path, chart_dir: &Path) -> Result<Map, String> {
    let read = |path: &Path| -> Result<Map, String> {
        let text = fs_err::read_to_string(path).map_err(|e| e.to_string())?;
        let name = path.display().to_string();
        let docs = yaml::parse_stream(&text, Dialect::Helm, &name).map_err(|e| e.to_string())?;
        match docs.into_iter().next().map(|d| d.value) {
            None | Some(Value::Null) => Ok(Map::default()),
            Some(Value::Map(m)) => Ok(m),
            Some(other) => Err(format!("{name}: expected a mapping, found {}", other.type_name())),
        }
    };
    let file = if spec.values_file.is_empty() {
        chart_dir.join("values.yaml")
    } else {
        dir.join(&spec.values_file)
    };
    let base = if file.exists() || !spec.values_file.is_empty() {
        read(&file)?
    } else {
        Map::default()
    };
    let inline = match &spec.values_inline {
        Some(Value::Map(m)) if !m.is_empty() => Some(m.clone()),
        _ => None,
    };
    let mut user = match (inline, spec.values_merge.as_str()) {
        (None, _) => base,
        (Some(i), "replace") => i,
        (Some(i), "merge") => merged(i, base),
        (Some(i), _) => merged(base, i),
    };
    for f in &spec.additional_values_files {
        user = merged(user, read(&dir.join(f))?);
    }
    Ok(user)
}

/// `top` laid over `base`: mappings merged key by key, anything else replaced.
fn merged(mut base: Map, top: Map) -> Map {
    for (k, v) in top {
        match (base.get_mut(&k), v) {
            (Some(Value::Map(b)), Value::Map(t)) => {
                let inner = std::mem::take(b);
                *b = merged(inner, t);
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
    base
}

/// Renders a chart for `rudder lint`, as `helm lint` checks one: Chart.yaml and the chart's
/// files load, the values (with `values`) pass the schemas, and the templates render. Each
/// failure becomes a chart problem (the linter reports it under its `chart` rule) instead
/// of stopping the run; what rendered is returned for the manifest rules.
pub fn lint_chart(path: &Path, values: &ValueOptions, kube_version: Option<(u32, u32)>) -> crate::lint::RenderedChart {
    let shown = path.display().to_string();
    match chart::load(path) {
        Ok(chart) => lint_loaded_chart(&chart, &shown, values, kube_version),
        Err(e) => crate::lint::RenderedChart {
            templates: Vec::new(),
            problems: vec![lint_problem(format!("{shown}/Chart.yaml"), e.to_string())],
        },
    }
}

fn lint_problem(file: String, message: String) -> crate::lint::ChartProblem {
    crate::lint::ChartProblem {
        severity: crate::lint::Severity::Error,
        file,
        line: 0,
        field: String::new(),
        message,
    }
}

/// [`lint_chart`] for a chart loaded already (a REPO/CHART reference, fetched and verified
/// by [`load_chart_ref`]); `shown` names it in the findings.
pub fn lint_loaded_chart(
    chart: &Chart,
    shown: &str,
    values: &ValueOptions,
    kube_version: Option<(u32, u32)>,
) -> crate::lint::RenderedChart {
    use crate::lint::{RenderedChart, RenderedTemplate};
    let problem = lint_problem;
    let mut opts = RenderOptions::default();
    if let Some((major, minor)) = kube_version {
        opts.kube_version = render::KubeVersion {
            major: u64::from(major),
            minor: u64::from(minor),
            patch: 0,
        };
    }
    let out = chart
        .metadata
        .ensure_kube_version(&opts.kube_version.version())
        .map_err(|e| problem(format!("{shown}/Chart.yaml"), e.to_string()))
        .and_then(|()| {
            let (chart, values) =
                values::compute(chart, values).map_err(|e| problem(format!("{shown}/values.yaml"), e.to_string()))?;
            render::render(&chart, &values, &opts).map_err(|e| problem(format!("{shown}/templates"), e.to_string()))
        });
    match out {
        Ok(rendered) => RenderedChart {
            templates: rendered
                .crds
                .iter()
                .chain(&rendered.manifests)
                .chain(&rendered.hooks)
                .map(|m| RenderedTemplate {
                    source: m.source.clone(),
                    text: m.content.clone(),
                })
                .collect(),
            problems: Vec::new(),
        },
        Err(p) => RenderedChart {
            templates: Vec::new(),
            problems: vec![p],
        },
    }
}
