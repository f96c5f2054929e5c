//! Strict readers for plugin-style config entries (`helmCharts:` entries, `vars:`): each
//! failure is `(field path, message)` so the caller can name the file and entry.

use crate::yaml::{Map, Value};

/// `v` as a mapping whose keys are all in `allowed`; `field` is its dotted path.
pub(crate) fn map<'a>(v: &'a Value, field: &str, allowed: &[&str]) -> Result<&'a Map, (String, String)> {
    let m = v.as_map().ok_or_else(|| {
        (
            field.to_string(),
            format!("expected a mapping, found {}", v.type_name()),
        )
    })?;
    if let Some(k) = m.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err((format!("{field}.{k}"), "unknown field".into()));
    }
    Ok(m)
}

/// The string at `m[key]`, empty when absent or null.
pub(crate) fn string(m: &Map, key: &str, field: &str) -> Result<String, (String, String)> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err((
            format!("{field}.{key}"),
            format!("expected a string, found {}", v.type_name()),
        )),
    }
}
