//! kustomize's content hash of a generated object: sha256 of a small JSON document,
//! the first ten hex digits with 0, 1, 3, a and e replaced (so the suffix never spells
//! words or looks like a number).
//!
//! Hashed fields, as kustomize v5.5 looks them up (each missing one counts as `""`):
//! - ConfigMap: `kind`, `data`, `binaryData` (only when it is a mapping), `name`;
//! - Secret: `kind`, `data`, `stringData` (only when a mapping), `name`, `type`;
//! - `name` is looked up as the top-level key `metadata/name`, which never exists, so
//!   it is always `""`: renaming (prefixes, suffixes) does not change the hash;
//! - labels, annotations, namespace and `immutable` are not hashed.
//!
//! The JSON is Go's `encoding/json`: keys sorted bytewise, `<`, `>`, `&`, U+2028 and
//! U+2029 escaped, `\b` and `\f` as short escapes (Go 1.22+), numbers as float64.

use sha2::{Digest, Sha256};

use crate::yaml::{Map, Value, go_json_string};

/// The ten-letter suffix for an object.
///
/// # Errors
/// A value JSON cannot hold (NaN or infinity).
pub fn suffix(v: &Value) -> Result<String, String> {
    let json = match v.str_at(&["kind"]) {
        Some("ConfigMap") => hashed_document(v, "ConfigMap", &["binaryData"], &[])?,
        Some("Secret") => hashed_document(v, "Secret", &["stringData"], &["type"])?,
        _ => {
            // kustomize hashes its internal node struct here; no generator makes other
            // kinds, so the whole object stands in.
            let mut s = String::new();
            write_json(v, &mut s)?;
            s
        }
    };
    Ok(encode(&Sha256::digest(json.as_bytes())))
}

/// The JSON document kustomize hashes for a ConfigMap or Secret.
fn hashed_document(v: &Value, kind: &str, if_mapping: &[&str], scalars: &[&str]) -> Result<String, String> {
    let mut doc = Map::default();
    doc.insert("kind".into(), Value::String(kind.into()));
    doc.insert("name".into(), lookup(v, "metadata/name"));
    doc.insert("data".into(), lookup(v, "data"));
    for key in if_mapping {
        if let Some(m @ Value::Map(_)) = v.get(key) {
            doc.insert((*key).into(), m.clone());
        }
    }
    for key in scalars {
        doc.insert((*key).into(), lookup(v, key));
    }
    let mut s = String::new();
    write_json(&Value::Map(doc), &mut s)?;
    Ok(s)
}

/// A top-level field as kustomize's hasher reads it: missing → `""`, a mapping as is,
/// a scalar as its text, a list → null (it fails to decode into a mapping).
fn lookup(v: &Value, key: &str) -> Value {
    match v.get(key) {
        None => Value::String(String::new()),
        Some(m @ Value::Map(_)) => m.clone(),
        Some(Value::Seq(_)) => Value::Null,
        Some(s) => Value::String(s.scalar_text().unwrap_or_default()),
    }
}

fn encode(digest: &[u8]) -> String {
    digest
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(10)
        .map(|n| match n {
            0 => 'g',
            1 => 'h',
            3 => 'k',
            10 => 'm',
            14 => 't',
            n => char::from_digit(u32::from(n), 16).expect("nibble"),
        })
        .collect()
}

/// Writes `v` as Go's `json.Marshal` writes the same data decoded into `interface{}`.
fn write_json(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&go_float(*i as f64)?),
        Value::Uint(u) => out.push_str(&go_float(*u as f64)?),
        Value::Float(f) => out.push_str(&go_float(*f)?),
        Value::String(s) => go_json_string(out, s, true),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(out, k, true);
                out.push(':');
                write_json(&m[k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Go's float64 JSON form: plain decimal for 1e-6 <= |f| < 1e21, else `1e+21`/`1e-7`.
fn go_float(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!("unsupported value {f} in hashed data"));
    }
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        return Ok(format!("{f}"));
    }
    let e = format!("{f:e}");
    Ok(match e.split_once('e') {
        Some((m, exp)) if !exp.starts_with('-') => format!("{m}e+{exp}"),
        _ => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect())
    }

    fn cm(name: &str, data: &[(&str, &str)]) -> Value {
        map(&[
            ("apiVersion", "v1".into()),
            ("kind", "ConfigMap".into()),
            ("metadata", map(&[("name", name.into())])),
            (
                "data",
                map(&data.iter().map(|(k, v)| (*k, Value::from(*v))).collect::<Vec<_>>()),
            ),
        ])
    }

    // Expected suffixes come from `kubectl kustomize` (kustomize v5.5.0) runs.

    #[test]
    fn configmap_hash_ignores_the_name() {
        assert_eq!(suffix(&cm("in-ns", &[("a", "1")])).unwrap(), "h29d89cmmt");
        assert_eq!(suffix(&cm("base-config", &[("a", "1")])).unwrap(), "h29d89cmmt");
        assert_eq!(suffix(&cm("x", &[("b", "2")])).unwrap(), "fmbk44khfc");
        assert_eq!(suffix(&cm("dev-settings-eu", &[("K", "V")])).unwrap(), "882hgddftf");
    }

    #[test]
    fn configmap_without_data() {
        let v = map(&[
            ("kind", "ConfigMap".into()),
            ("metadata", map(&[("name", "empty".into())])),
        ]);
        assert_eq!(suffix(&v).unwrap(), "6ct58987ht");
    }

    #[test]
    fn escapes_like_go() {
        let v = cm(
            "q",
            &[
                ("a b", "c"),
                ("a/b", "d"),
                ("k", "a\tb\u{8}c\u{c}d<>&\u{2028}\u{1}"),
                ("x", "="),
                ("é", "1"),
            ],
        );
        assert_eq!(suffix(&v).unwrap(), "m6bd75t224");
    }

    #[test]
    fn secret_hash_includes_type() {
        let empty = map(&[
            ("kind", "Secret".into()),
            ("metadata", map(&[("name", "sempty".into())])),
            ("data", Value::Map(Map::default())),
            ("type", "Opaque".into()),
        ]);
        assert_eq!(suffix(&empty).unwrap(), "46f8b28mk5");
        let token = map(&[
            ("kind", "Secret".into()),
            ("metadata", map(&[("name", "token".into())])),
            ("data", map(&[("token", "eHl6".into())])),
            ("type", "Opaque".into()),
        ]);
        assert_eq!(suffix(&token).unwrap(), "59m6kkc9gd");
    }

    #[test]
    fn go_numbers() {
        assert_eq!(go_float(1.0).unwrap(), "1");
        assert_eq!(go_float(1.5).unwrap(), "1.5");
        assert_eq!(go_float(1e21).unwrap(), "1e+21");
        assert_eq!(go_float(1.5e-7).unwrap(), "1.5e-7");
        assert_eq!(go_float(0.000001).unwrap(), "0.000001");
        assert!(go_float(f64::NAN).is_err());
    }

    #[test]
    fn json_sorts_keys_and_escapes() {
        let mut s = String::new();
        write_json(
            &map(&[("b", Value::Int(2)), ("a", Value::Bool(true)), ("<", Value::Null)]),
            &mut s,
        )
        .unwrap();
        assert_eq!(s, r#"{"\u003c":null,"a":true,"b":2}"#);
    }
}
