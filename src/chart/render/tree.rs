//! A chart and its subcharts as a flat list, each with the values its templates see.

use crate::chart::Chart;
use crate::yaml::{Map, Value};

/// One chart of the tree.
pub(super) struct Node<'a> {
    pub chart: &'a Chart,
    /// Prefix of its template names: `parent`, `parent/charts/sub`, ...
    pub prefix: String,
    /// The values its templates see as `Values`.
    pub values: Value,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

/// Flattens `chart` depth first. A subchart sees the parent's values under its name (the
/// values computation has already coalesced defaults and copied `global` down).
pub(super) fn flatten<'a>(chart: &'a Chart, values: &Value) -> Vec<Node<'a>> {
    let mut nodes = Vec::new();
    push(&mut nodes, chart, chart.name().to_string(), values.clone(), None);
    nodes
}

fn push<'a>(
    nodes: &mut Vec<Node<'a>>,
    chart: &'a Chart,
    prefix: String,
    values: Value,
    parent: Option<usize>,
) -> usize {
    let idx = nodes.len();
    nodes.push(Node {
        chart,
        prefix: prefix.clone(),
        values: values.clone(),
        parent,
        children: Vec::new(),
    });
    for sub in &chart.dependencies {
        let scoped = match values.get(sub.name()) {
            Some(v @ Value::Map(_)) => v.clone(),
            _ => Value::Map(Map::default()),
        };
        let child = push(nodes, sub, format!("{prefix}/charts/{}", sub.name()), scoped, Some(idx));
        nodes[idx].children.push(child);
    }
    idx
}
