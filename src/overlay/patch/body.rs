//! Telling a patch's text apart: a strategic merge patch (one or more YAML mappings) or a
//! JSON 6902 patch (a list of operations, as JSON starting with `[` or as YAML).

use crate::yaml::{self, Dialect, Value};

use super::json6902::{self, Op};

/// A parsed patch.
#[derive(Debug, Clone)]
pub enum Body {
    /// Strategic merge patch documents, in order.
    Strategic(Vec<Value>),
    /// JSON 6902 operations.
    Json(Vec<Op>),
}

/// Parses a patch's text; `source` names it in YAML errors.
///
/// # Errors
/// Empty text, invalid YAML/JSON, a document that is neither mapping nor list of operations.
pub fn parse(text: &str, source: &str) -> Result<Body, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the patch is empty".into());
    }
    let docs: Vec<Value> = yaml::parse_bytes(trimmed.as_bytes(), Dialect::Kustomize, source)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|d| d.value)
        .filter(|v| !v.is_null())
        .collect();
    match docs.as_slice() {
        [] => Err("the patch is empty".into()),
        [list @ Value::Seq(_)] => json6902::parse(list).map(Body::Json),
        _ => {
            if let Some(bad) = docs.iter().find(|d| d.as_map().is_none()) {
                return Err(format!(
                    "expected a strategic merge patch (mappings) or a JSON patch (a list of operations), found {}",
                    bad.type_name()
                ));
            }
            if docs
                .iter()
                .any(|d| d.get("kind").and_then(Value::as_str).is_none_or(str::is_empty))
            {
                // kustomize reads patches as resources: without a kind, a mapping is neither.
                return Err("a strategic merge patch needs a kind".into());
            }
            Ok(Body::Strategic(docs))
        }
    }
}

/// Parses a JSON 6902 patch (the deprecated `patchesJson6902` accepts nothing else).
///
/// # Errors
/// As [`parse`], and a strategic merge patch.
pub fn parse_json(text: &str, source: &str) -> Result<Vec<Op>, String> {
    match parse(text, source)? {
        Body::Json(ops) => Ok(ops),
        Body::Strategic(_) => Err("expected a JSON patch (a list of operations)".into()),
    }
}

/// Parses strategic merge patches (the deprecated `patchesStrategicMerge`).
///
/// # Errors
/// As [`parse`], and a JSON patch.
pub fn parse_strategic(text: &str, source: &str) -> Result<Vec<Value>, String> {
    match parse(text, source)? {
        Body::Strategic(docs) => Ok(docs),
        Body::Json(_) => Err("expected a strategic merge patch, found a list".into()),
    }
}
