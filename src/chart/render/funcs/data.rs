//! Converting values to and from YAML and JSON text as Helm's `toYaml`, `toJson`,
//! `fromYaml`, `fromJson` do.

use minijinja::value::Value as JValue;

use super::super::convert::{from_jinja, to_jinja};
use crate::yaml::{self, Dialect, Map, Value};

/// Helm's `toYaml`: keys sorted, Kubernetes' YAML style, no final newline.
pub fn to_yaml(v: &JValue) -> String {
    let mut s = yaml::to_string(&from_jinja(v));
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

/// Helm's `toJson`: compact, keys sorted, `<`, `>` and `&` escaped as Go does.
pub fn to_json(v: &JValue) -> String {
    let mut out = String::new();
    write_json(&mut out, &from_jinja(v), None, 0, true);
    out
}

/// `toRawJson`: like `toJson` without the HTML escaping.
pub fn to_raw_json(v: &JValue) -> String {
    let mut out = String::new();
    write_json(&mut out, &from_jinja(v), None, 0, false);
    out
}

/// `toPrettyJson`: indented by two spaces.
pub fn to_pretty_json(v: &JValue) -> String {
    let mut out = String::new();
    write_json(&mut out, &from_jinja(v), Some(2), 0, true);
    out
}

fn write_json(out: &mut String, v: &Value, indent: Option<usize>, depth: usize, html: bool) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(n) = indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * depth));
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&go_float(*f)),
        Value::String(s) => yaml::go_json_string(out, s, html),
        Value::Seq(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(out, item, indent, depth + 1, html);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Map(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                yaml::go_json_string(out, k, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, &m[*k], indent, depth + 1, html);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// A float as Go's JSON encoder prints it (integral values without a fraction).
fn go_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        let s = format!("{f}");
        if s.contains('e') && !s.contains("e-") {
            s.replace('e', "e+")
        } else {
            s
        }
    }
}

fn error_map(message: String) -> JValue {
    let mut m = Map::default();
    m.insert("Error".to_string(), Value::String(message));
    to_jinja(&Value::Map(m))
}

/// Helm's `fromYaml`: the first document as a mapping; on bad input a mapping holding
/// `Error`, as Helm returns it.
pub fn from_yaml(text: &str) -> JValue {
    match yaml::parse_stream(text, Dialect::Helm, "fromYaml") {
        Ok(docs) => match docs.into_iter().next().map(|d| d.value) {
            Some(v @ Value::Map(_)) => to_jinja(&v),
            Some(Value::Null) | None => to_jinja(&Value::Map(Map::default())),
            Some(other) => error_map(format!("expected a mapping, found {}", other.type_name())),
        },
        Err(e) => error_map(e.message),
    }
}

/// Helm's `fromYamlArray`: the first document as a list.
pub fn from_yaml_array(text: &str) -> JValue {
    match yaml::parse_stream(text, Dialect::Helm, "fromYamlArray") {
        Ok(docs) => match docs.into_iter().next().map(|d| d.value) {
            Some(v @ Value::Seq(_)) => to_jinja(&v),
            Some(Value::Null) | None => to_jinja(&Value::Seq(Vec::new())),
            Some(other) => JValue::from(vec![JValue::from(format!(
                "expected a list, found {}",
                other.type_name()
            ))]),
        },
        Err(e) => JValue::from(vec![JValue::from(e.message)]),
    }
}

/// Helm's `fromJson`: the value, or a mapping holding `Error`.
pub fn from_json(text: &str) -> JValue {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => to_jinja(&Value::from_json(&v)),
        Err(e) => error_map(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> JValue {
        from_yaml(text)
    }

    #[test]
    fn yaml_is_sorted_without_final_newline() {
        assert_eq!(to_yaml(&v("b: 1\na: [x, z]\n")), "a:\n- x\n- z\nb: 1");
        assert_eq!(to_yaml(&JValue::from("plain")), "plain");
    }

    #[test]
    fn json_as_go_prints_it() {
        assert_eq!(
            to_json(&v("b: '<&>'\na: [1, 2.5, true, null]\n")),
            r#"{"a":[1,2.5,true,null],"b":"\u003c\u0026\u003e"}"#
        );
        assert_eq!(to_pretty_json(&v("a: {b: 1}\n")), "{\n  \"a\": {\n    \"b\": 1\n  }\n}");
    }

    #[test]
    fn bad_yaml_gives_an_error_entry() {
        let r = from_yaml("a: [");
        assert!(r.get_attr("Error").unwrap().as_str().is_some());
    }
}
