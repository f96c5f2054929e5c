//! Building the ConfigMap or Secret of one generator entry, field by field as kustomize
//! v5.5 does.
//!
//! Rules:
//! - `apiVersion: v1`, the kind, `metadata.name`, and `metadata.namespace` when given;
//! - ConfigMap: UTF-8 values go to `data` as text, others to `binaryData` as base64;
//!   each map only when it has entries;
//! - Secret: every value goes to `data` as base64 (`data: {}` when there are none), and
//!   `type` is the given type or `Opaque`;
//! - base64 longer than 69 characters is cut into 70-character lines, each ending in a
//!   newline (kyaml's `encodeBase64`);
//! - option labels and annotations go to metadata; `immutable: true` when asked.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::yaml::{Map, Value};

use super::Options;
use super::kv::Pair;

/// The two kinds a generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ConfigMap,
    Secret,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
        }
    }

    /// The kustomization field that lists generators of this kind.
    pub fn field(self) -> &'static str {
        match self {
            Kind::ConfigMap => "configMapGenerator",
            Kind::Secret => "secretGenerator",
        }
    }
}

/// What one generator entry asks for, sources already loaded.
pub struct Spec<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub namespace: &'a str,
    pub secret_type: &'a str,
    pub pairs: Vec<Pair>,
    pub options: &'a Options,
}

/// The object for a generator entry.
pub fn object(spec: Spec<'_>) -> Value {
    let mut metadata = Map::default();
    metadata.insert("name".into(), spec.name.into());
    if !spec.namespace.is_empty() {
        metadata.insert("namespace".into(), spec.namespace.into());
    }
    if !spec.options.labels.is_empty() {
        metadata.insert("labels".into(), Value::Map(sorted_strings(&spec.options.labels)));
    }
    if !spec.options.annotations.is_empty() {
        metadata.insert(
            "annotations".into(),
            Value::Map(sorted_strings(&spec.options.annotations)),
        );
    }
    let mut obj = Map::default();
    obj.insert("apiVersion".into(), "v1".into());
    obj.insert("kind".into(), spec.kind.as_str().into());
    obj.insert("metadata".into(), Value::Map(metadata));

    let mut pairs = spec.pairs;
    pairs.sort_by(|a, b| a.key.cmp(&b.key));
    match spec.kind {
        Kind::ConfigMap => {
            let mut data = Map::default();
            let mut binary = Map::default();
            for p in pairs {
                match String::from_utf8(p.value) {
                    Ok(text) => data.insert(p.key, Value::String(text)),
                    Err(e) => binary.insert(p.key, Value::String(encode_base64(e.as_bytes()))),
                };
            }
            if !data.is_empty() {
                obj.insert("data".into(), Value::Map(data));
            }
            if !binary.is_empty() {
                obj.insert("binaryData".into(), Value::Map(binary));
            }
        }
        Kind::Secret => {
            let ty = if spec.secret_type.is_empty() {
                "Opaque"
            } else {
                spec.secret_type
            };
            obj.insert("type".into(), ty.into());
            let data: Map = pairs
                .into_iter()
                .map(|p| (p.key, Value::String(encode_base64(&p.value))))
                .collect();
            obj.insert("data".into(), Value::Map(data));
        }
    }
    if spec.options.immutable {
        obj.insert("immutable".into(), Value::Bool(true));
    }
    Value::Map(obj)
}

fn sorted_strings(m: &Map) -> Map {
    let mut out: Map = m
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.scalar_text().unwrap_or_default())))
        .collect();
    out.sort_keys();
    out
}

/// Base64, cut into 70-character lines each ending in `\n` once it reaches 70 characters.
pub fn encode_base64(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let flat = STANDARD.encode(bytes);
    if flat.len() < LINE {
        return flat;
    }
    let mut out = String::with_capacity(flat.len() + flat.len() / LINE + 1);
    for chunk in flat.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(k: &str, v: &[u8]) -> Pair {
        Pair {
            key: k.into(),
            value: v.to_vec(),
            field: "literals[0]".into(),
        }
    }

    fn spec<'a>(kind: Kind, pairs: Vec<Pair>, options: &'a Options) -> Spec<'a> {
        Spec {
            kind,
            name: "x",
            namespace: "",
            secret_type: "",
            pairs,
            options,
        }
    }

    #[test]
    fn base64_wraps_at_seventy() {
        let s51 = "abcdefghij".repeat(6);
        assert_eq!(encode_base64(&s51.as_bytes()[..51]).len(), 68);
        let w = encode_base64(&s51.as_bytes()[..52]);
        assert_eq!(
            w,
            "YWJjZGVmZ2hpamFiY2RlZmdoaWphYmNkZWZnaGlqYWJjZGVmZ2hpamFiY2RlZmdoaWphYg\n==\n"
        );
        // Exactly two full lines still end in a newline each.
        let s105 = "abcdefghij".repeat(11);
        assert_eq!(encode_base64(&s105.as_bytes()[..105]).matches('\n').count(), 2);
        assert_eq!(encode_base64(b""), "");
    }

    #[test]
    fn configmap_splits_text_and_binary() {
        let o = Options::default();
        let v = object(spec(
            Kind::ConfigMap,
            vec![pair("t", b"plain\n"), pair("b", b"\x00\x01\x02\xff\xfe binary\n")],
            &o,
        ));
        assert_eq!(v.str_at(&["data", "t"]), Some("plain\n"));
        assert_eq!(v.str_at(&["binaryData", "b"]), Some("AAEC//4gYmluYXJ5Cg=="));
        assert_eq!(v.str_at(&["apiVersion"]), Some("v1"));
        assert!(v.get("type").is_none() && v.get("immutable").is_none());
    }

    #[test]
    fn empty_configmap_has_no_data_but_empty_secret_does() {
        let o = Options::default();
        assert!(object(spec(Kind::ConfigMap, vec![], &o)).get("data").is_none());
        let s = object(spec(Kind::Secret, vec![], &o));
        assert_eq!(s.get("data"), Some(&Value::Map(Map::default())));
        assert_eq!(s.str_at(&["type"]), Some("Opaque"));
    }

    #[test]
    fn secret_encodes_every_value_and_keeps_options() {
        let mut o = Options {
            immutable: true,
            ..Default::default()
        };
        o.labels.insert("b".into(), "2".into());
        o.labels.insert("a".into(), Value::Int(1));
        let mut sp = spec(Kind::Secret, vec![pair("text.txt", b"plain text\n")], &o);
        sp.secret_type = "kubernetes.io/tls";
        sp.namespace = "ns";
        let v = object(sp);
        assert_eq!(v.str_at(&["data", "text.txt"]), Some("cGxhaW4gdGV4dAo="));
        assert_eq!(v.str_at(&["type"]), Some("kubernetes.io/tls"));
        assert_eq!(v.str_at(&["metadata", "namespace"]), Some("ns"));
        assert_eq!(v.get("immutable"), Some(&Value::Bool(true)));
        let labels = v.pointer(&["metadata", "labels"]).and_then(Value::as_map).unwrap();
        assert_eq!(labels.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(labels["a"], Value::from("1"));
    }
}
