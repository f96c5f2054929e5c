//! Schemas of custom resources, compiled from the `openAPIV3Schema` of
//! CustomResourceDefinitions (apiextensions.k8s.io v1 and v1beta1).
//!
//! Structural-schema rules: `properties` close an object (strict, as for built-in kinds)
//! unless `x-kubernetes-preserve-unknown-fields` or `x-kubernetes-embedded-resource` opens
//! it; `x-kubernetes-int-or-string` accepts both; `enum`, `pattern`, `minimum`/`maximum`,
//! lengths and item counts are checked. `anyOf`/`oneOf`/`allOf`/`not` are not evaluated.
//! `apiVersion`, `kind` and `metadata` of the resource are always accepted, `metadata` as a
//! built-in ObjectMeta.

use regex::Regex;

use super::node::{Checked, Id, Node, Nodes, Object};
use crate::yaml::Value;

/// One served version of a CRD: its key (`group/version/Kind`) and root schema.
pub(super) struct CrdVersion {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub root: Id,
}

/// Compiles every version of `crd` that carries a schema. A CRD without group, kind or
/// schema gives nothing (its own schema check reports what is missing).
pub(super) fn compile(crd: &Value, nodes: &mut Nodes, object_meta: Id) -> Vec<CrdVersion> {
    let (Some(group), Some(kind)) = (crd.str_at(&["spec", "group"]), crd.str_at(&["spec", "names", "kind"])) else {
        return Vec::new();
    };
    let shared = crd.pointer(&["spec", "validation", "openAPIV3Schema"]);
    let mut versions: Vec<(&str, Option<&Value>)> = Vec::new();
    if let Some(list) = crd.pointer(&["spec", "versions"]).and_then(Value::as_seq) {
        for v in list {
            if let Some(name) = v.str_at(&["name"]) {
                versions.push((name, v.pointer(&["schema", "openAPIV3Schema"]).or(shared)));
            }
        }
    } else if let Some(name) = crd.str_at(&["spec", "version"]) {
        versions.push((name, shared));
    }
    let mut out = Vec::new();
    for (version, schema) in versions {
        let Some(schema) = schema else { continue };
        let root = compile_node(schema, nodes);
        // The API server accepts the envelope whatever the schema says.
        let root = envelope(root, nodes, object_meta);
        out.push(CrdVersion {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
            root,
        });
    }
    out
}

/// Makes the root an object that accepts `apiVersion`, `kind` and an ObjectMeta `metadata`.
fn envelope(root: Id, nodes: &mut Nodes, object_meta: Id) -> Id {
    let string = nodes.push(Node::String);
    let target = match &nodes.nodes[root as usize] {
        Node::Object(_) => root,
        Node::Checked(c) => c.inner,
        _ => return root,
    };
    if let Node::Object(o) = &mut nodes.nodes[target as usize] {
        o.props.insert("apiVersion".into(), string);
        o.props.insert("kind".into(), string);
        o.props.insert("metadata".into(), object_meta);
    }
    root
}

fn flag(s: &Value, key: &str) -> bool {
    s.get(key).and_then(Value::as_bool) == Some(true)
}

fn compile_node(s: &Value, nodes: &mut Nodes) -> Id {
    let base = base_node(s, nodes);
    let id = nodes.push(base);
    match checks(s, id) {
        Some(c) => nodes.push(Node::Checked(Box::new(c))),
        None => id,
    }
}

fn base_node(s: &Value, nodes: &mut Nodes) -> Node {
    if flag(s, "x-kubernetes-int-or-string") {
        return Node::IntOrString;
    }
    let open = flag(s, "x-kubernetes-preserve-unknown-fields") || flag(s, "x-kubernetes-embedded-resource");
    let props = s.get("properties").and_then(Value::as_map);
    let ty = s
        .str_at(&["type"])
        .unwrap_or(if props.is_some() { "object" } else { "" });
    match ty {
        "string" => Node::String,
        "integer" => Node::Int,
        "number" => Node::Number,
        "boolean" => Node::Bool,
        "array" => {
            let item = match s.get("items") {
                Some(items) if items.as_map().is_some() => compile_node(items, nodes),
                _ => nodes.push(Node::Any),
            };
            Node::Array(item)
        }
        "object" => {
            let mut obj = Object {
                open,
                ..Object::default()
            };
            if let Some(props) = props {
                for (k, v) in props {
                    obj.props.insert(k.clone(), compile_node(v, nodes));
                }
            }
            match s.get("additionalProperties") {
                Some(m @ Value::Map(_)) => obj.additional = Some(compile_node(m, nodes)),
                Some(Value::Bool(true)) => obj.open = true,
                _ => {}
            }
            if let Some(req) = s.get("required").and_then(Value::as_seq) {
                obj.required = req.iter().filter_map(|r| r.as_str().map(String::from)).collect();
            }
            Node::Object(Box::new(obj))
        }
        _ => Node::Any,
    }
}

fn number(s: &Value, key: &str) -> Option<f64> {
    match s.get(key)? {
        Value::Int(i) => Some(*i as f64),
        Value::Uint(u) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn count(s: &Value, key: &str) -> Option<usize> {
    s.get(key).and_then(Value::as_i64).and_then(|n| usize::try_from(n).ok())
}

fn checks(s: &Value, inner: Id) -> Option<Checked> {
    let c = Checked {
        inner,
        enumeration: s.get("enum").and_then(Value::as_seq).cloned().unwrap_or_default(),
        // Kubernetes patterns are ECMA-262; the few the regex crate cannot read are skipped.
        pattern: s.str_at(&["pattern"]).and_then(|p| Regex::new(p).ok()),
        minimum: number(s, "minimum").map(|m| (m, flag(s, "exclusiveMinimum"))),
        maximum: number(s, "maximum").map(|m| (m, flag(s, "exclusiveMaximum"))),
        min_length: count(s, "minLength"),
        max_length: count(s, "maxLength"),
        min_items: count(s, "minItems"),
        max_items: count(s, "maxItems"),
    };
    let any = !c.enumeration.is_empty()
        || c.pattern.is_some()
        || c.minimum.is_some()
        || c.maximum.is_some()
        || c.min_length.is_some()
        || c.max_length.is_some()
        || c.min_items.is_some()
        || c.max_items.is_some();
    any.then_some(c)
}
