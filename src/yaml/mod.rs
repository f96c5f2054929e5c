//! The document model and YAML: a JSON-like value tree, parsing in two dialects and the
//! canonical emitter whose output matches `kustomize build` byte for byte.
//!
//! Must not know about Kubernetes. The YAML crate used underneath stays private here.

mod emit;
mod gojson;
mod keyorder;
mod number;
mod parse;
mod resolve;
mod serde_impl;
mod timestamp;
mod value;

pub use emit::{ensure_printable, to_stream, to_string};
pub use gojson::go_json_string;
pub use keyorder::key_less;
pub use parse::{Dialect, Limits, ParseError, ParsedDoc, parse_bytes, parse_stream, parse_stream_with_limits};
pub use value::{Map, Value};

/// The first document of `text` in the kustomize dialect; panics on bad YAML. For unit tests.
#[cfg(test)]
pub(crate) fn first_document(text: &str) -> Value {
    parse_stream(text, Dialect::Kustomize, "t").unwrap().remove(0).value
}

/// The first document of `text` in the Helm dialect as a mapping (empty when it is not one);
/// panics on bad YAML. For unit tests of values.
#[cfg(test)]
pub(crate) fn helm_map(text: &str) -> Map {
    match parse_stream(text, Dialect::Helm, "t").unwrap().remove(0).value {
        Value::Map(m) => m,
        _ => Map::default(),
    }
}
