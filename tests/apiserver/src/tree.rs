//! Walking objects along field paths: field sets of applied configurations, the differences an
//! update makes, the structural merge of server-side apply, and removing owned fields.

use serde_json::{Map, Value};

use crate::fieldset::{FieldSet, Path, Pe};
use crate::schema::{self, ListType};

/// What the walk needs to know of the object's type.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a> {
    pub custom: bool,
    /// Structure deduced from the object (custom resources without a schema): maps are members.
    pub deduced: bool,
    pub kind: &'a str,
    /// `.status` belongs to the status subresource and is not tracked on the main resource.
    pub has_status: bool,
}

/// Top-level fields and metadata fields that are never owned.
fn untracked(shape: Shape, path: &[Pe]) -> bool {
    let field = |i: usize| match path.get(i) {
        Some(Pe::Field(f)) => f.as_str(),
        _ => "",
    };
    match path.len() {
        1 => matches!(field(0), "apiVersion" | "kind") || (field(0) == "status" && shape.has_status),
        2 if field(0) == "metadata" => matches!(
            field(1),
            "name"
                | "namespace"
                | "uid"
                | "resourceVersion"
                | "generation"
                | "creationTimestamp"
                | "selfLink"
                | "managedFields"
                | "deletionTimestamp"
                | "deletionGracePeriodSeconds"
        ),
        _ => false,
    }
}

/// `metadata` itself is never a member, only its fields.
fn is_metadata(path: &[Pe]) -> bool {
    path.len() == 1 && path[0] == Pe::Field("metadata".into())
}

/// The path element naming `item` in a list of type `lt`.
pub fn item_pe(lt: &ListType, item: &Value) -> Option<Pe> {
    match lt {
        ListType::Atomic => None,
        ListType::Set => Some(Pe::Value(item.to_string())),
        ListType::Map(keys) => {
            let kv: Vec<(String, String)> = keys
                .iter()
                .filter_map(|k| match item.get(*k) {
                    Some(v) => Some((k.to_string(), v.to_string())),
                    // The schema defaults a port's protocol, so `{port: 80}` names the TCP port.
                    None if *k == "protocol" => Some((k.to_string(), "\"TCP\"".to_string())),
                    None => None,
                })
                .collect();
            Some(Pe::Key(kv))
        }
    }
}

fn is_granular_map(shape: Shape, path: &[Pe], m: &Map<String, Value>) -> bool {
    !m.is_empty() && !schema::map_is_atomic(shape.custom, shape.kind, path)
}

/// The fields an applied configuration sets: its leaves (scalars, atomic values, empty maps) and
/// the elements of its associative lists and sets.
pub fn applied_set(shape: Shape, v: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    walk_applied(shape, v, &mut Vec::new(), &mut set);
    set
}

fn walk_applied(shape: Shape, v: &Value, path: &mut Path, set: &mut FieldSet) {
    match v {
        Value::Object(m) if path.is_empty() || is_granular_map(shape, path, m) || (shape.deduced && m.is_empty()) => {
            if shape.deduced && !path.is_empty() && !matches!(path.first(), Some(Pe::Field(f)) if f == "metadata") {
                set.insert(path.clone());
            }
            for (k, child) in m {
                path.push(Pe::Field(k.clone()));
                if !untracked(shape, path) {
                    walk_applied(shape, child, path, set);
                }
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let lt = schema::list_type(shape.custom, shape.kind, path);
            if lt == ListType::Atomic {
                set.insert(path.clone());
                return;
            }
            for item in items {
                let Some(pe) = item_pe(&lt, item) else { continue };
                path.push(pe);
                set.insert(path.clone());
                if let (ListType::Map(_), Value::Object(fields)) = (&lt, item) {
                    for (k, child) in fields {
                        path.push(Pe::Field(k.clone()));
                        walk_applied(shape, child, path, set);
                        path.pop();
                    }
                }
                path.pop();
            }
        }
        _ if is_metadata(path) => {}
        // Typed maps are not fields of their own: an empty one sets nothing.
        Value::Object(m) if m.is_empty() => {}
        _ => {
            set.insert(path.clone());
        }
    }
}

/// What an update changed: (fields added or modified, with every new map and element as a member
/// of its own; fields removed).
pub fn compare(shape: Shape, old: &Value, new: &Value) -> (FieldSet, FieldSet) {
    let (mut changed, mut removed) = (FieldSet::new(), FieldSet::new());
    cmp(shape, Some(old), Some(new), &mut Vec::new(), &mut changed, &mut removed);
    (changed, removed)
}

fn cmp(
    shape: Shape,
    old: Option<&Value>,
    new: Option<&Value>,
    path: &mut Path,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    let (o, n) = match (old, new) {
        (None, None) => return,
        (Some(_), None) => {
            removed.insert(path.clone());
            return;
        }
        (None, Some(n)) => {
            mark_all(shape, n, path, changed);
            return;
        }
        (Some(o), Some(n)) => (o, n),
    };
    match (o, n) {
        (Value::Object(om), Value::Object(nm))
            if path.is_empty() || !schema::map_is_atomic(shape.custom, shape.kind, path) =>
        {
            let keys: Vec<&String> = om.keys().chain(nm.keys().filter(|k| !om.contains_key(*k))).collect();
            for k in keys {
                path.push(Pe::Field(k.clone()));
                if !untracked(shape, path) {
                    cmp(shape, om.get(k), nm.get(k), path, changed, removed);
                }
                path.pop();
            }
        }
        (Value::Array(oa), Value::Array(na)) => {
            let lt = schema::list_type(shape.custom, shape.kind, path);
            if lt == ListType::Atomic {
                if oa != na {
                    changed.insert(path.clone());
                }
                return;
            }
            let find =
                |items: &'_ [Value], pe: &Pe| items.iter().find(|i| item_pe(&lt, i).as_ref() == Some(pe)).cloned();
            for item in oa {
                let Some(pe) = item_pe(&lt, item) else { continue };
                path.push(pe.clone());
                cmp_item(shape, Some(item), find(na, &pe).as_ref(), path, changed, removed);
                path.pop();
            }
            for item in na {
                let Some(pe) = item_pe(&lt, item) else { continue };
                if find(oa, &pe).is_none() {
                    path.push(pe);
                    cmp_item(shape, None, Some(item), path, changed, removed);
                    path.pop();
                }
            }
        }
        _ if o != n && !is_metadata(path) => {
            changed.insert(path.clone());
        }
        _ => {}
    }
}

/// Compares list elements: their fields, not the element as one value.
fn cmp_item(
    shape: Shape,
    old: Option<&Value>,
    new: Option<&Value>,
    path: &mut Path,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    match (old, new) {
        (Some(Value::Object(om)), Some(Value::Object(nm))) => {
            let keys: Vec<&String> = om.keys().chain(nm.keys().filter(|k| !om.contains_key(*k))).collect();
            for k in keys {
                path.push(Pe::Field(k.clone()));
                cmp(shape, om.get(k), nm.get(k), path, changed, removed);
                path.pop();
            }
        }
        _ => cmp(shape, old, new, path, changed, removed),
    }
}

/// Marks `v` and everything under it as changed.
fn mark_all(shape: Shape, v: &Value, path: &mut Path, set: &mut FieldSet) {
    if !path.is_empty() && !is_metadata(path) {
        set.insert(path.clone());
    }
    match v {
        Value::Object(m) if path.is_empty() || !schema::map_is_atomic(shape.custom, shape.kind, path) => {
            for (k, child) in m {
                path.push(Pe::Field(k.clone()));
                if !untracked(shape, path) {
                    mark_all(shape, child, path, set);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            let lt = schema::list_type(shape.custom, shape.kind, path);
            for item in items {
                let Some(pe) = item_pe(&lt, item) else { continue };
                path.push(pe);
                set.insert(path.clone());
                if let Value::Object(fields) = item {
                    for (k, child) in fields {
                        path.push(Pe::Field(k.clone()));
                        mark_all(shape, child, path, set);
                        path.pop();
                    }
                }
                path.pop();
            }
        }
        _ => {}
    }
}

/// Server-side apply's merge: maps merge key by key, associative lists and sets element by
/// element (new elements appended), everything else (scalars, atomic lists and maps) is
/// replaced by the applied value. A null in the applied configuration removes the field.
pub fn merge(shape: Shape, live: &Value, applied: &Value) -> Value {
    merge_at(shape, live, applied, &mut Vec::new())
}

fn merge_at(shape: Shape, live: &Value, applied: &Value, path: &mut Path) -> Value {
    match (live, applied) {
        (Value::Object(l), Value::Object(a))
            if path.is_empty() || !schema::map_is_atomic(shape.custom, shape.kind, path) =>
        {
            let mut out = l.clone();
            for (k, av) in a {
                if av.is_null() {
                    out.remove(k);
                    continue;
                }
                path.push(Pe::Field(k.clone()));
                let merged = match l.get(k) {
                    Some(lv) => merge_at(shape, lv, av, path),
                    None => av.clone(),
                };
                path.pop();
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(a)) => {
            let lt = schema::list_type(shape.custom, shape.kind, path);
            if lt == ListType::Atomic {
                return applied.clone();
            }
            let mut out = l.clone();
            for item in a {
                let pe = item_pe(&lt, item);
                match out.iter().position(|i| item_pe(&lt, i) == pe) {
                    Some(idx) => {
                        path.push(pe.expect("non-atomic lists name their elements"));
                        out[idx] = merge_at(shape, &out[idx], item, path);
                        path.pop();
                    }
                    None => out.push(item.clone()),
                }
            }
            Value::Array(out)
        }
        _ => applied.clone(),
    }
}

/// The value at `path`, if present.
pub fn get<'v>(shape: Shape, v: &'v Value, path: &[Pe]) -> Option<&'v Value> {
    let mut cur = v;
    for (i, pe) in path.iter().enumerate() {
        cur = match (pe, cur) {
            (Pe::Field(f), Value::Object(m)) => m.get(f)?,
            (Pe::Index(n), Value::Array(a)) => a.get(*n)?,
            (pe, Value::Array(a)) => {
                let lt = schema::list_type(shape.custom, shape.kind, &path[..i]);
                a.iter().find(|item| item_pe(&lt, item).as_ref() == Some(pe))?
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// Removes the field or element at `path`; then removes maps left empty on the way up unless
/// `keep` says they are owned. Returns whether anything was removed.
pub fn remove(shape: Shape, v: &mut Value, path: &[Pe], keep: &dyn Fn(&[Pe]) -> bool) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let Some(container) = get_mut(shape, v, parent) else {
        return false;
    };
    let removed = match (last, container) {
        (Pe::Field(f), Value::Object(m)) => m.shift_remove(f).is_some(),
        (pe, Value::Array(a)) => {
            let lt = schema::list_type(shape.custom, shape.kind, parent);
            let before = a.len();
            a.retain(|item| item_pe(&lt, item).as_ref() != Some(pe));
            a.len() != before
        }
        _ => false,
    };
    if removed && parent.len() > 1 && !keep(parent) {
        let empty = matches!(get(shape, v, parent), Some(Value::Object(m)) if m.is_empty())
            || matches!(get(shape, v, parent), Some(Value::Array(a)) if a.is_empty());
        if empty {
            remove(shape, v, parent, keep);
        }
    }
    removed
}

fn get_mut<'v>(shape: Shape, v: &'v mut Value, path: &[Pe]) -> Option<&'v mut Value> {
    let mut cur = v;
    for (i, pe) in path.iter().enumerate() {
        cur = match (pe, cur) {
            (Pe::Field(f), Value::Object(m)) => m.get_mut(f)?,
            (Pe::Index(n), Value::Array(a)) => a.get_mut(*n)?,
            (pe, Value::Array(a)) => {
                let lt = schema::list_type(shape.custom, shape.kind, &path[..i]);
                a.iter_mut().find(|item| item_pe(&lt, item).as_ref() == Some(pe))?
            }
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::fieldset::{encode, path_string};
    use serde_json::json;

    /// A built-in Deployment (shared with the other modules' tests).
    pub(crate) const DEPLOY: Shape = Shape {
        custom: false,
        deduced: false,
        kind: "Deployment",
        has_status: true,
    };

    fn deployment(image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "labels": {"app": "web"}},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "web", "image": image}]}}},
               "status": {"replicas": 2}})
    }

    #[test]
    fn applied_sets_hold_leaves_and_list_elements() {
        let set = applied_set(DEPLOY, &deployment("nginx:1"));
        assert_eq!(
            encode(&set),
            json!({"f:metadata": {"f:labels": {"f:app": {}}},
                   "f:spec": {"f:replicas": {}, "f:selector": {},
                              "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
                                             "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
        );
    }

    #[test]
    fn compare_reports_new_maps_as_members() {
        let old = json!({"metadata": {"name": "x"}});
        let new = json!({"metadata": {"name": "x", "labels": {"a": "1"}}, "data": {"k": "v"}});
        let (changed, removed) = compare(
            Shape {
                custom: false,
                deduced: false,
                kind: "ConfigMap",
                has_status: false,
            },
            &old,
            &new,
        );
        assert_eq!(
            encode(&changed),
            json!({"f:data": {".": {}, "f:k": {}}, "f:metadata": {"f:labels": {".": {}, "f:a": {}}}})
        );
        assert!(removed.is_empty());
    }

    #[test]
    fn merge_keeps_other_containers_and_replaces_atomic_values() {
        let mut live = deployment("nginx:1");
        live["spec"]["template"]["spec"]["containers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "side", "image": "s:1"}));
        let merged = merge(DEPLOY, &live, &deployment("nginx:2"));
        let containers = &merged["spec"]["template"]["spec"]["containers"];
        assert_eq!(
            containers,
            &json!([{"name": "web", "image": "nginx:2"}, {"name": "side", "image": "s:1"}])
        );
    }

    #[test]
    fn remove_drops_emptied_maps() {
        let mut v = deployment("nginx:1");
        let p: Path = vec![
            Pe::Field("metadata".into()),
            Pe::Field("labels".into()),
            Pe::Field("app".into()),
        ];
        assert_eq!(path_string(&p), ".metadata.labels.app");
        assert!(remove(DEPLOY, &mut v, &p, &|_| false));
        assert!(v["metadata"].get("labels").is_none());
    }
}
