//! The canonical emitter (being written).

use super::value::Value;

pub fn to_string(v: &Value) -> String {
    let _ = v;
    String::new()
}

pub fn to_stream(docs: &[Value]) -> String {
    docs.iter().map(to_string).collect::<Vec<_>>().join("---\n")
}
