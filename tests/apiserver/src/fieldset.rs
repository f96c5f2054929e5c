//! Field paths and sets of them, and their `FieldsV1` encoding in `metadata.managedFields`
//! (`f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`, with `.` marking a member that has children).

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

/// One step of a path into an object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pe {
    /// A map key or struct field.
    Field(String),
    /// An element of an associative list, by its key fields (name, JSON-encoded value).
    Key(Vec<(String, String)>),
    /// An element of a set-like list, by its JSON-encoded value.
    Value(String),
    /// An element of an atomic list by position (only inside atomic values; never tracked).
    Index(usize),
}

/// A path from the object root.
pub type Path = Vec<Pe>;

/// A set of paths (the fields a manager owns).
pub type FieldSet = BTreeSet<Path>;

impl Pe {
    /// The `FieldsV1` key for this element.
    fn encode(&self) -> String {
        match self {
            Pe::Field(f) => format!("f:{f}"),
            Pe::Key(kv) => {
                let inner: Vec<String> = kv
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
                    .collect();
                format!("k:{{{}}}", inner.join(","))
            }
            Pe::Value(v) => format!("v:{v}"),
            Pe::Index(i) => format!("i:{i}"),
        }
    }

    fn decode(s: &str) -> Option<Pe> {
        let (tag, rest) = s.split_at_checked(2)?;
        match tag {
            "f:" => Some(Pe::Field(rest.to_string())),
            "k:" => {
                let Value::Object(m) = serde_json::from_str::<Value>(rest).ok()? else {
                    return None;
                };
                Some(Pe::Key(m.into_iter().map(|(k, v)| (k, v.to_string())).collect()))
            }
            "v:" => serde_json::from_str::<Value>(rest)
                .ok()
                .map(|v| Pe::Value(v.to_string())),
            "i:" => rest.parse().ok().map(Pe::Index),
            _ => None,
        }
    }
}

impl fmt::Display for Pe {
    /// The API server's path syntax in conflict messages: `.spec`, `[name="web"]`, `[="x"]`, `[0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pe::Field(name) => write!(f, ".{name}"),
            Pe::Key(kv) => {
                let inner: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
                write!(f, "[{}]", inner.join(","))
            }
            Pe::Value(v) => write!(f, "[={v}]"),
            Pe::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// `.spec.template.spec.containers[name="web"].image`.
pub fn path_string(p: &[Pe]) -> String {
    p.iter().map(|e| e.to_string()).collect()
}

#[derive(Default)]
struct Node {
    member: bool,
    children: std::collections::BTreeMap<Pe, Node>,
}

/// Encodes a set as a `fieldsV1` object.
pub fn encode(set: &FieldSet) -> Value {
    let mut root = Node::default();
    for path in set {
        let mut node = &mut root;
        for pe in path {
            node = node.children.entry(pe.clone()).or_default();
        }
        node.member = true;
    }
    node_json(&root)
}

fn node_json(node: &Node) -> Value {
    let mut m = Map::new();
    if node.member && !node.children.is_empty() {
        m.insert(".".into(), Value::Object(Map::new()));
    }
    for (pe, child) in &node.children {
        m.insert(pe.encode(), node_json(child));
    }
    Value::Object(m)
}

/// Decodes a `fieldsV1` object; keys it cannot read are skipped.
pub fn decode(v: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    decode_into(v, &mut Vec::new(), &mut set);
    set
}

fn decode_into(v: &Value, prefix: &mut Path, set: &mut FieldSet) {
    let Some(m) = v.as_object() else { return };
    for (k, child) in m {
        if k == "." {
            set.insert(prefix.clone());
            continue;
        }
        let Some(pe) = Pe::decode(k) else { continue };
        prefix.push(pe);
        if child.as_object().is_none_or(|c| c.is_empty()) {
            set.insert(prefix.clone());
        } else {
            decode_into(child, prefix, set);
        }
        prefix.pop();
    }
}

/// Whether `p` starts with `prefix`.
pub fn has_prefix(p: &[Pe], prefix: &[Pe]) -> bool {
    p.len() >= prefix.len() && p[..prefix.len()] == *prefix
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(s: &str) -> Pe {
        Pe::Field(s.into())
    }

    #[test]
    fn encodes_members_with_children_using_a_dot() {
        let mut set = FieldSet::new();
        set.insert(vec![f("data")]);
        set.insert(vec![f("data"), f("k")]);
        let key = Pe::Key(vec![("name".into(), "\"web\"".into())]);
        set.insert(vec![f("spec"), f("containers"), key.clone()]);
        set.insert(vec![f("spec"), f("containers"), key, f("image")]);
        let v = encode(&set);
        assert_eq!(
            v,
            json!({"f:data": {".": {}, "f:k": {}},
                   "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}}}}})
        );
        assert_eq!(decode(&v), set);
    }

    #[test]
    fn paths_print_as_the_api_server_prints_them() {
        let p = vec![
            f("spec"),
            f("ports"),
            Pe::Key(vec![
                ("port".into(), "80".into()),
                ("protocol".into(), "\"TCP\"".into()),
            ]),
            f("targetPort"),
        ];
        assert_eq!(path_string(&p), ".spec.ports[port=80,protocol=\"TCP\"].targetPort");
        assert_eq!(
            path_string(&[f("metadata"), f("finalizers"), Pe::Value("\"x\"".into())]),
            ".metadata.finalizers[=\"x\"]"
        );
    }
}
