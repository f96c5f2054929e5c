//! Moving values between the document model ([`yaml::Value`]) and minijinja's values.

use minijinja::value::{Value as JValue, ValueKind};

use crate::yaml::{Map, Value};

/// A value tree as templates see it (mappings keep their order).
pub fn to_jinja(v: &Value) -> JValue {
    match v {
        Value::Null => JValue::from(()),
        Value::Bool(b) => JValue::from(*b),
        Value::Int(i) => JValue::from(*i),
        Value::Uint(u) => JValue::from(*u),
        Value::Float(f) => JValue::from(*f),
        Value::String(s) => JValue::from(s.as_str()),
        Value::Seq(items) => JValue::from(items.iter().map(to_jinja).collect::<Vec<_>>()),
        Value::Map(m) => JValue::from_pairs(m.iter().map(|(k, v)| (JValue::from(k.as_str()), to_jinja(v)))),
    }
}

/// A template value as a document tree: undefined and none become null, objects their
/// items (maps) or elements (sequences), anything else its printed form.
pub fn from_jinja(v: &JValue) -> Value {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Value::Null,
        ValueKind::Bool => Value::Bool(v.is_true()),
        ValueKind::Number => number(v),
        ValueKind::String => Value::String(v.as_str().unwrap_or_default().to_string()),
        ValueKind::Bytes => Value::String(String::from_utf8_lossy(v.as_bytes().unwrap_or_default()).into_owned()),
        ValueKind::Seq | ValueKind::Iterable => match v.try_iter() {
            Ok(it) => Value::Seq(it.map(|x| from_jinja(&x)).collect()),
            Err(_) => Value::String(v.to_string()),
        },
        ValueKind::Map => {
            let mut m = Map::default();
            if let Ok(it) = v.try_iter() {
                for k in it {
                    let val = v.get_item(&k).unwrap_or_default();
                    m.insert(key_string(&k), from_jinja(&val));
                }
            }
            Value::Map(m)
        }
        _ => Value::String(v.to_string()),
    }
}

/// A mapping key as a string (Go's fmt prints non-string keys the same way).
pub fn key_string(k: &JValue) -> String {
    match k.as_str() {
        Some(s) => s.to_string(),
        None => k.to_string(),
    }
}

fn number(v: &JValue) -> Value {
    if v.is_integer() {
        if let Some(i) = v.as_i64() {
            return Value::Int(i);
        }
        if let Ok(u) = u64::try_from(v.clone()) {
            return Value::Uint(u);
        }
    }
    match f64::try_from(v.clone()) {
        Ok(f) => Value::Float(f),
        Err(_) => Value::String(v.to_string()),
    }
}

/// Calls `f` with the text [`to_text`] gives, without allocating for the values
/// templates print most (strings, integers, booleans, none).
pub fn with_text<R>(v: &JValue, f: impl FnOnce(&str) -> R) -> R {
    match v.kind() {
        ValueKind::String => f(v.as_str().unwrap_or_default()),
        ValueKind::Undefined | ValueKind::None => f(""),
        ValueKind::Bool => f(if v.is_true() { "true" } else { "false" }),
        ValueKind::Number if v.is_integer() && v.as_i64().is_some() => {
            let mut buf = [0u8; 20];
            f(decimal(v.as_i64().unwrap_or_default(), &mut buf))
        }
        _ => f(&to_text(v)),
    }
}

/// `n` in decimal, written at the end of `buf` (20 bytes hold any i64).
fn decimal(n: i64, buf: &mut [u8; 20]) -> &str {
    let mut u = n.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// The text Go's `fmt` would print for a value, as Helm's string functions see it:
/// none and undefined print as empty text, lists and maps as YAML-free debug forms.
pub fn to_text(v: &JValue) -> String {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => String::new(),
        ValueKind::String => v.as_str().unwrap_or_default().to_string(),
        ValueKind::Bool => if v.is_true() { "true" } else { "false" }.to_string(),
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_order_and_types() {
        let text = "b: 1\na: [x, 2.5, true, null]\nc: {z: 1, y: 2}\n";
        let v = crate::yaml::parse_stream(text, crate::yaml::Dialect::Helm, "t").unwrap()[0]
            .value
            .clone();
        assert_eq!(from_jinja(&to_jinja(&v)), v);
    }

    #[test]
    fn with_text_agrees_with_to_text() {
        let values = [
            JValue::from("text"),
            JValue::from(true),
            JValue::from(()),
            JValue::UNDEFINED,
            JValue::from(0),
            JValue::from(7),
            JValue::from(-42),
            JValue::from(i64::MIN),
            JValue::from(i64::MAX),
            JValue::from(u64::MAX),
            JValue::from(1.5),
            JValue::from(vec![1, 2]),
        ];
        for v in &values {
            assert_eq!(with_text(v, str::to_string), to_text(v), "{v:?}");
        }
    }
}
