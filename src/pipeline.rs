//! The one path from a chart to documents that commands share: load the chart, compute
//! its values, render its templates, then (optionally) feed the rendered documents to an
//! overlay as its resources (`--post-render DIR`).
//!
//! Holds no command-line concerns: callers pass library options and print the result.

use std::path::{Path, PathBuf};

use crate::chart::render::{self, RenderOptions, Rendered, StreamOptions};
use crate::chart::values::{self, ValueOptions};
use crate::chart::{self, Chart};
use crate::overlay::{self, BuildOptions};
use crate::resource::Document;
use crate::yaml::Value;

/// Why the pipeline stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chart(#[from] chart::Error),
    #[error(transparent)]
    Values(#[from] values::Error),
    #[error(transparent)]
    Render(#[from] render::Error),
    #[error(transparent)]
    ShowOnly(#[from] render::ShowOnlyError),
    #[error("post-render {}", dir.display())]
    PostRender {
        dir: PathBuf,
        #[source]
        source: overlay::Error,
    },
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
        source,
    })
}
