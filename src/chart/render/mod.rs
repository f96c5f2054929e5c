//! Rendering a chart's Jinja templates (minijinja) into manifests, as `helm template`
//! renders Go templates: the same context (`Values`, `Release`, `Chart`, `Capabilities`,
//! `Files`, `Template`), the built-ins chart authors use daily, `NOTES.txt` apart, `crds/`
//! as they are, documents split and sorted in Helm's install order of kinds, subcharts
//! rendered with their own values and `Chart`.
//!
//! Bounded: fuel, recursion depth and an output cap ([`Limits`]); every error names the
//! template file and line. Pure and synchronous: no I/O, no cluster (`lookup` is empty).

mod convert;
mod engine;
mod error;
mod funcs;
mod limits;
mod manifest;
mod objects;
mod output;
mod tree;

use std::sync::Arc;

use minijinja::value::Value as JValue;

pub use error::Error;
pub use limits::Limits;
pub use manifest::{Manifest, split_documents};
pub use objects::{DEFAULT_API_VERSIONS, KubeVersion};
pub use output::{ShowOnlyError, StreamOptions, to_files, to_helm_stream};

use super::Chart;
use crate::yaml::Value;
use convert::to_jinja;
use engine::{Engine, EngineOptions, is_partial};

/// The release being rendered (`Release` in templates).
#[derive(Debug, Clone)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl Default for Release {
    fn default() -> Self {
        Release {
            name: "release-name".to_string(),
            namespace: "default".to_string(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        }
    }
}

/// Settings of one render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub release: Release,
    pub kube_version: KubeVersion,
    /// API versions served besides [`DEFAULT_API_VERSIONS`] (`--api-versions`).
    pub api_versions: Vec<String>,
    /// Any undefined value is an error (`--strict`).
    pub strict: bool,
    pub limits: Limits,
}

/// A rendered chart.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The `crds/` files of the chart and its subcharts, as they are.
    pub crds: Vec<Manifest>,
    /// The documents of the templates, in install order.
    pub manifests: Vec<Manifest>,
    /// Documents annotated `helm.sh/hook`, in install order.
    pub hooks: Vec<Manifest>,
    /// The top chart's rendered `templates/NOTES.txt`.
    pub notes: Option<String>,
}

/// Renders `chart` with its final `values` (as the values computation returns them).
///
/// # Errors
/// A template that fails to compile or render (file and line), a rendered document that
/// is not YAML, output over the cap.
pub fn render(chart: &Chart, values: &Value, opts: &RenderOptions) -> Result<Rendered, Error> {
    let nodes = tree::flatten(chart, values);
    let engine = Engine::new(
        &nodes,
        &EngineOptions {
            strict: opts.strict,
            limits: opts.limits,
        },
    )?;
    let release = release_value(&opts.release);
    let mut api_versions: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    api_versions.extend(opts.api_versions.iter().cloned());
    let capabilities = objects::capabilities(&opts.kube_version, &api_versions);
    let mut jobs = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        if node.chart.metadata.is_library() {
            continue;
        }
        let base = [
            ("Values", to_jinja(&node.values)),
            ("Release", release.clone()),
            ("Chart", to_jinja(&node.chart.metadata.template_value())),
            ("Capabilities", capabilities.clone()),
            ("Files", files_value(node.chart)),
            ("__rudder_chart", JValue::from(i)),
        ];
        for t in &node.chart.templates {
            if is_partial(&t.name) {
                continue;
            }
            let name = format!("{}/{}", node.prefix, t.name);
            let template = JValue::from_pairs([
                ("Name", JValue::from(name.as_str())),
                ("BasePath", JValue::from(format!("{}/templates", node.prefix))),
            ]);
            let ctx = JValue::from_pairs(base.iter().cloned().chain([("Template", template)]));
            let notes = t.name.ends_with("NOTES.txt");
            jobs.push(Job {
                name,
                ctx,
                notes,
                top_notes: notes && i == 0 && t.name == "templates/NOTES.txt",
            });
        }
    }
    let mut files = Vec::new();
    let mut notes = None;
    for (job, text) in jobs.iter().zip(render_all(&engine, &jobs)?) {
        if job.top_notes {
            notes = Some(text);
        } else if !job.notes {
            files.push((job.name.clone(), text));
        }
    }
    let (manifests, hooks) = manifest::sort(files)?;
    Ok(Rendered {
        crds: crds(&nodes),
        manifests,
        hooks,
        notes,
    })
}

/// One template to render, with its context.
struct Job {
    name: String,
    ctx: JValue,
    /// A `NOTES.txt`: rendered (its errors count) but not a manifest.
    notes: bool,
    /// The top chart's `templates/NOTES.txt`.
    top_notes: bool,
}

/// Renders every job, on several threads when there are many; the texts come back in job
/// order, or the error of the first failing job in that order.
fn render_all(engine: &Engine, jobs: &[Job]) -> Result<Vec<String>, Error> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(4)
        .min(jobs.len() / 8)
        .max(1);
    if threads == 1 {
        return jobs.iter().map(|j| engine.render(&j.name, j.ctx.clone())).collect();
    }
    let next = AtomicUsize::new(0);
    let first_error = AtomicUsize::new(usize::MAX);
    let slots: Vec<Mutex<Option<Result<String, Error>>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    // Jobs are taken in order, so every job before a failing one is done.
                    if i >= jobs.len() || i > first_error.load(Ordering::Relaxed) {
                        break;
                    }
                    let r = engine.render(&jobs[i].name, jobs[i].ctx.clone());
                    if r.is_err() {
                        first_error.fetch_min(i, Ordering::Relaxed);
                    }
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    let mut out = Vec::with_capacity(jobs.len());
    for slot in slots {
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(text)) => out.push(text),
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    Ok(out)
}

fn release_value(r: &Release) -> JValue {
    JValue::from_pairs([
        ("Name", JValue::from(r.name.as_str())),
        ("Namespace", JValue::from(r.namespace.as_str())),
        ("Revision", JValue::from(r.revision)),
        ("IsInstall", JValue::from(r.is_install)),
        ("IsUpgrade", JValue::from(r.is_upgrade)),
        ("Service", JValue::from("Rudder")),
    ])
}

fn files_value(chart: &Chart) -> JValue {
    JValue::from_object(objects::Files::new(
        chart
            .files
            .iter()
            .map(|f| (f.name.clone(), Arc::new(f.data.clone())))
            .collect(),
    ))
}

/// The `crds/` files of the tree, the parent's before its subcharts'.
fn crds(nodes: &[tree::Node]) -> Vec<Manifest> {
    let mut out = Vec::new();
    for n in nodes {
        for (_, f) in n
            .chart
            .crd_objects()
            .into_iter()
            .filter(|(c, _)| std::ptr::eq(*c, n.chart))
        {
            out.push(Manifest {
                source: format!("{}/{}", n.prefix, f.name),
                content: String::from_utf8_lossy(&f.data).into_owned(),
                kind: "CustomResourceDefinition".to_string(),
                hooks: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
