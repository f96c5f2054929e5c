//! What linting a chart needs from the chart engine: the rendered documents named by
//! their template, and the chart-level findings (Chart.yaml, values schema, rendering),
//! as `helm lint` reports them. `pipeline` renders the chart and fills this in; lint does
//! not import `chart`.

use super::finding::Severity;

/// One rendered template's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedTemplate {
    /// Source name used in findings, e.g. `metallb/templates/controller.yaml`.
    pub source: String,
    /// The rendered YAML stream of that template.
    pub text: String,
}

/// A problem with the chart itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartProblem {
    pub severity: Severity,
    /// The chart file concerned (`metallb/Chart.yaml`, `metallb/values.yaml`, a template).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// Field path inside that file, empty when none.
    pub field: String,
    pub message: String,
}

/// A chart rendered for linting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedChart {
    pub templates: Vec<RenderedTemplate>,
    pub problems: Vec<ChartProblem>,
}
