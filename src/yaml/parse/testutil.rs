//! Helpers shared by the parser's unit tests.

use super::{Dialect, ParseError, ParsedDoc, parse_stream};
use crate::yaml::value::Value;

pub(super) fn docs(text: &str, dialect: Dialect) -> Vec<ParsedDoc> {
    parse_stream(text, dialect, "test.yaml").unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn one(text: &str, dialect: Dialect) -> Value {
    let mut d = docs(text, dialect);
    assert_eq!(d.len(), 1, "{d:?}");
    d.remove(0).value
}

pub(super) fn k(text: &str) -> Value {
    one(text, Dialect::Kustomize)
}

pub(super) fn h(text: &str) -> Value {
    one(text, Dialect::Helm)
}

pub(super) fn err(text: &str, dialect: Dialect) -> ParseError {
    match parse_stream(text, dialect, "test.yaml") {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => e,
    }
}

pub(super) fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

pub(super) fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

pub(super) fn keys(v: &Value) -> Vec<&str> {
    v.as_map().unwrap().keys().map(String::as_str).collect()
}
