//! Subcharts and values: aliases, `condition`/`tags` enabling, and `import-values`.
//!
//! Rules, as Helm applies them before the final coalescing:
//! - a chart in `charts/` that no `dependencies:` entry names (with a compatible version)
//!   is kept as it is; each entry takes the first loaded chart with its name whose version
//!   fits the entry's constraint (an empty constraint fits any), renamed to its alias;
//! - every entry starts enabled; then tags: among an entry's tags found under the top-level
//!   `tags:` with a boolean value, any true enables it and otherwise a false disables it;
//!   then the condition: the first of its comma-separated paths (relative to the chart's
//!   place in the values, e.g. `sub.enabled` for a sub-subchart) that holds a boolean
//!   decides, whatever the tags said; non-booleans and missing paths are skipped;
//! - the values consulted are the user's values coalesced with the chart defaults at that
//!   level; disabled subcharts are removed with their entries, recursively;
//! - imports run bottom-up on chart defaults only (no user values): `- key` merges the
//!   child's `exports.key` mapping into the parent's top level, `- child: a.b, parent: c.d`
//!   puts the child's mapping `a.b` at `c.d`; the parent's own values win over imported
//!   ones, and an earlier import over a later one; a missing child table is skipped.

use crate::chart::{Chart, ImportValue};
use crate::constraint::{Constraint, parse_version};
use crate::yaml::{Map, Value};

use super::Error;
use super::coalesce::{coalesce, coalesce_tables};

/// Whether `version` satisfies `constraint` (false when either does not parse).
fn compatible(constraint: &str, version: &str) -> bool {
    match (Constraint::parse(constraint), parse_version(version)) {
        (Ok(c), Some(v)) => c.matches(&v),
        _ => false,
    }
}

/// Applies aliases and drops disabled subcharts, recursively. `vals` are the user's values
/// (for subcharts: the parent's coalesced values) and `path` the chart's place in them.
///
/// # Errors
/// From coalescing (a subchart section that is not a mapping).
pub fn process_enabled(chart: &mut Chart, vals: &Map, path: &str) -> Result<(), Error> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let loaded = std::mem::take(&mut chart.dependencies);
    let mut kept: Vec<Chart> = Vec::new();
    for existing in &loaded {
        let listed = chart
            .metadata
            .dependencies
            .iter()
            .any(|req| existing.name() == req.name && compatible(&req.version, &existing.metadata.version));
        if !listed {
            kept.push(existing.clone());
        }
    }
    for req in chart.metadata.dependencies.iter_mut() {
        let found = loaded
            .iter()
            .filter(|c| c.name() == req.name)
            .find(|c| req.version.is_empty() || compatible(&req.version, &c.metadata.version));
        if let Some(c) = found {
            let mut c = c.clone();
            if !req.alias.is_empty() {
                c.metadata.name = req.alias.clone();
            }
            kept.push(c);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
        req.enabled = Some(true);
    }
    chart.dependencies = kept;
    let mut cvals = vals.clone();
    coalesce(chart, &mut cvals, false)?;
    apply_tags(chart, &cvals);
    apply_conditions(chart, &cvals, path);
    let disabled: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| d.enabled == Some(false))
        .map(|d| d.name.clone())
        .collect();
    chart.dependencies.retain(|c| !disabled.iter().any(|n| n == c.name()));
    chart.metadata.dependencies.retain(|d| !disabled.contains(&d.name));
    for sub in chart.dependencies.iter_mut() {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path)?;
    }
    Ok(())
}

fn apply_tags(chart: &mut Chart, cvals: &Map) {
    let Some(Value::Map(tags)) = cvals.get("tags") else {
        return;
    };
    for dep in chart.metadata.dependencies.iter_mut() {
        let (mut any_true, mut any_false) = (false, false);
        for t in &dep.tags {
            match tags.get(t) {
                Some(Value::Bool(true)) => any_true = true,
                Some(Value::Bool(false)) => any_false = true,
                _ => {}
            }
        }
        dep.enabled = Some(any_true || !any_false);
    }
}

fn apply_conditions(chart: &mut Chart, cvals: &Map, path: &str) {
    for dep in chart.metadata.dependencies.iter_mut() {
        for cond in dep.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(cvals, &format!("{path}{cond}")) {
                dep.enabled = Some(*b);
                break;
            }
        }
    }
}

/// The non-mapping value at a dotted path, as Helm's `PathValue` finds it.
fn path_value<'a>(vals: &'a Map, path: &str) -> Option<&'a Value> {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, tables) = parts.split_last()?;
    let mut cur = vals;
    for p in tables {
        match cur.get(*p) {
            Some(Value::Map(m)) => cur = m,
            _ => return None,
        }
    }
    cur.get(*last).filter(|v| !matches!(v, Value::Map(_)))
}

/// The mapping at a dotted path (Helm's `Table`).
fn table<'a>(vals: &'a Map, path: &str) -> Option<&'a Map> {
    let mut cur = vals;
    for p in path.split('.') {
        match cur.get(p) {
            Some(Value::Map(m)) => cur = m,
            _ => return None,
        }
    }
    Some(cur)
}

/// Runs `import-values` bottom-up, replacing each chart's defaults with its defaults merged
/// with its subcharts' and the imported values (see the module rules).
///
/// # Errors
/// From coalescing.
pub fn process_imports(chart: &mut Chart) -> Result<(), Error> {
    for sub in chart.dependencies.iter_mut() {
        process_imports(sub)?;
    }
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let mut cvals = Map::default();
    coalesce(chart, &mut cvals, true)?;
    let mut imported = Map::default();
    for dep in chart.metadata.dependencies.iter_mut() {
        let mut normalized = Vec::new();
        for iv in &dep.import_values {
            let (child, parent) = match iv {
                ImportValue::Exports(key) => (format!("exports.{key}"), ".".to_string()),
                ImportValue::Pair { child, parent } => (child.clone(), parent.clone()),
            };
            normalized.push(ImportValue::Pair {
                child: child.clone(),
                parent: parent.clone(),
            });
            let Some(found) = table(&cvals, &format!("{}.{child}", dep.name)) else {
                continue;
            };
            coalesce_tables(&mut imported, path_to_map(&parent, found.clone()), true);
        }
        dep.import_values = normalized;
    }
    coalesce_tables(&mut cvals, imported, true);
    chart.values = Value::Map(cvals);
    Ok(())
}

/// `data` placed at a dotted path (`.` is the top level).
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.rsplit('.') {
        let mut m = Map::default();
        m.insert(part.to_string(), Value::Map(cur));
        cur = m;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let mut inner = Map::default();
        inner.insert("on".into(), Value::Bool(true));
        let mut vals = Map::default();
        vals.insert("sub".into(), Value::Map(inner.clone()));
        assert_eq!(path_value(&vals, "sub.on"), Some(&Value::Bool(true)));
        assert_eq!(path_value(&vals, "sub"), None);
        assert!(table(&vals, "sub").is_some());
        let m = path_to_map("a.b", inner.clone());
        assert_eq!(m.get("a").and_then(|a| a.get("b")), Some(&Value::Map(inner)));
    }
}
