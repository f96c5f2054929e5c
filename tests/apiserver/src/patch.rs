//! The non-apply patch types: JSON merge patch (RFC 7386), strategic merge patch (merge keys from
//! `schema`, with the `$patch`, `$deleteFromPrimitiveList`, `$setElementOrder` and `$retainKeys`
//! directives kubectl sends) and JSON patch (RFC 6902).

use serde_json::{Map, Value};

use crate::fieldset::Pe;
use crate::schema::{self, ListType};
use crate::tree::Shape;

/// RFC 7386: maps merge, null deletes, anything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else { return patch.clone() };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.shift_remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

/// A strategic merge patch.
pub fn strategic(shape: Shape, target: &Value, patch: &Value) -> Value {
    smp(shape, target, patch, &mut Vec::new())
}

fn smp(shape: Shape, target: &Value, patch: &Value, path: &mut Vec<Pe>) -> Value {
    let Value::Object(p) = patch else { return patch.clone() };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut out = p.clone();
        out.shift_remove("$patch");
        return Value::Object(out);
    }
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if k == "$patch" || k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(items)), Value::Array(gone)) = (out.get_mut(field), v) {
                items.retain(|i| !gone.contains(i));
            }
            continue;
        }
        if v.is_null() || v.get("$patch").and_then(Value::as_str) == Some("delete") {
            out.shift_remove(k);
            continue;
        }
        path.push(Pe::Field(k.clone()));
        let merged = match (out.get(k), v) {
            (Some(Value::Array(t)), Value::Array(items)) => smp_list(shape, t, items, path),
            (Some(t), Value::Object(_)) if !schema::map_is_atomic(shape.custom, shape.kind, path) => {
                smp(shape, t, v, path)
            }
            (None, Value::Array(items)) => smp_list(shape, &[], items, path),
            (None, Value::Object(_)) => smp(shape, &Value::Null, v, path),
            _ => v.clone(),
        };
        path.pop();
        out.insert(k.clone(), merged);
    }
    Value::Object(out)
}

fn smp_list(shape: Shape, target: &[Value], items: &[Value], path: &mut Vec<Pe>) -> Value {
    match schema::list_type(shape.custom, shape.kind, path) {
        ListType::Atomic => Value::Array(items.iter().filter(|i| i.get("$patch").is_none()).cloned().collect()),
        ListType::Set => {
            let mut out = target.to_vec();
            for i in items {
                if !out.contains(i) {
                    out.push(i.clone());
                }
            }
            Value::Array(out)
        }
        ListType::Map(keys) => {
            let key = keys[0];
            let mut out = target.to_vec();
            for item in items {
                if item.get("$patch").and_then(Value::as_str) == Some("replace") {
                    return Value::Array(items.iter().filter(|i| i.get("$patch").is_none()).cloned().collect());
                }
                let pos = out
                    .iter()
                    .position(|t| t.get(key).is_some() && t.get(key) == item.get(key));
                let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        out.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => out[i] = smp(shape, &out[i], item, path),
                    (None, false) => out.push(smp(shape, &Value::Null, item, path)),
                }
            }
            Value::Array(out)
        }
    }
}

/// RFC 6902 JSON patch (add, remove, replace, test, move, copy).
///
/// # Errors
/// A message naming the operation that failed.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, String> {
    let mut doc = target.clone();
    let Some(ops) = ops.as_array() else {
        return Err("json patch must be a list of operations".into());
    };
    for op in ops {
        let kind = op["op"].as_str().unwrap_or_default();
        let path = op["path"].as_str().ok_or("json patch operation has no path")?;
        match kind {
            "add" => add(&mut doc, path, op["value"].clone())?,
            "remove" => {
                take(&mut doc, path)?;
            }
            "replace" => {
                take(&mut doc, path)?;
                add(&mut doc, path, op["value"].clone())?;
            }
            "test" => {
                if doc.pointer(path) != Some(&op["value"]) {
                    return Err(format!("testing value {path} failed"));
                }
            }
            "move" | "copy" => {
                let from = op["from"].as_str().ok_or("json patch operation has no from")?;
                let v = if kind == "move" {
                    take(&mut doc, from)?
                } else {
                    doc.pointer(from)
                        .cloned()
                        .ok_or_else(|| format!("path {from} does not exist"))?
                };
                add(&mut doc, path, v)?;
            }
            other => return Err(format!("unexpected kind of json patch operation: {other:?}")),
        }
    }
    Ok(doc)
}

fn split_pointer(path: &str) -> Result<(&str, String), String> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| format!("invalid json pointer {path:?}"))?;
    Ok((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Value, path: &str, v: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = v;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.insert(last, v);
            Ok(())
        }
        Some(Value::Array(a)) => {
            let idx = if last == "-" {
                a.len()
            } else {
                last.parse().map_err(|_| format!("invalid index in {path}"))?
            };
            if idx > a.len() {
                return Err(format!("index out of range in {path}"));
            }
            a.insert(idx, v);
            Ok(())
        }
        _ => Err(format!("doc is missing path: {path}")),
    }
}

fn take(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    let missing = || format!("doc is missing path: {path}");
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => m.shift_remove(&last).ok_or_else(missing),
        Some(Value::Array(a)) => {
            let idx: usize = last.parse().map_err(|_| missing())?;
            if idx < a.len() {
                Ok(a.remove(idx))
            } else {
                Err(missing())
            }
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::tests::DEPLOY;
    use serde_json::json;

    #[test]
    fn merge_patch_deletes_with_null_and_replaces_lists() {
        let t = json!({"a": {"b": 1, "c": 2}, "l": [1, 2]});
        assert_eq!(
            merge_patch(&t, &json!({"a": {"b": null}, "l": [3]})),
            json!({"a": {"c": 2}, "l": [3]})
        );
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let t = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}}});
        let p = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
            "containers": [{"name": "b", "image": "b:2"}, {"name": "a", "$patch": "delete"}]}}}});
        assert_eq!(
            strategic(DEPLOY, &t, &p),
            json!({"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "b:2"}]}}}})
        );
    }

    #[test]
    fn json_patch_ops() {
        let t = json!({"metadata": {"labels": {"a": "1"}}, "l": [1]});
        let ops = json!([{"op": "add", "path": "/metadata/labels/b", "value": "2"},
                         {"op": "remove", "path": "/metadata/labels/a"},
                         {"op": "add", "path": "/l/-", "value": 2},
                         {"op": "test", "path": "/l/1", "value": 2}]);
        assert_eq!(
            json_patch(&t, &ops).unwrap(),
            json!({"metadata": {"labels": {"b": "2"}}, "l": [1, 2]})
        );
        assert!(json_patch(&t, &json!([{"op": "remove", "path": "/nope"}])).is_err());
    }
}
