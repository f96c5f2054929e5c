//! Value builders shared by the emitter's tests.

use crate::yaml::{Map, Value};

/// A mapping from pairs.
pub fn m(pairs: &[(&str, Value)]) -> Value {
    Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Map>())
}

/// A string value.
pub fn s(x: &str) -> Value {
    Value::String(x.into())
}
