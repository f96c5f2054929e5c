//! Field ownership: `metadata.managedFields` kept per manager and operation, server-side apply
//! (conflicts, force, removal of fields a manager stopped applying) and the ownership moves an
//! ordinary update makes.
//!
//! Rules, as the real API server's structured-merge-diff applies them:
//! - An apply by M sets M's `Apply` entry to exactly the fields of the applied configuration.
//! - A field in it that another manager owns conflicts when the apply would change its value;
//!   equal values are shared. `force` moves the conflicting fields to M.
//! - Fields M applied before and applies no more are removed from the object unless another
//!   manager owns them (then M just lets go).
//! - An update (create, PUT, merge or strategic patch) by U gives U the fields it added or changed
//!   and takes them from everyone else; removed fields leave every set.
//! - Entries with no fields are dropped; entries are sorted by operation, time, manager.

use serde_json::{Map, Value, json};

use crate::clock;
use crate::fieldset::{self, FieldSet, Pe, has_prefix, path_string};
use crate::tree::{self, Shape};

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub manager: String,
    pub operation: String,
    pub api_version: String,
    pub time: String,
    pub subresource: Option<String>,
    pub set: FieldSet,
}

impl Entry {
    /// How conflict messages name this manager.
    fn describe(&self) -> String {
        if self.operation == "Update" {
            format!("\"{}\" using {}", self.manager, self.api_version)
        } else {
            format!("\"{}\"", self.manager)
        }
    }

    fn same_owner(&self, manager: &str, operation: &str, subresource: Option<&str>) -> bool {
        self.manager == manager && self.operation == operation && self.subresource.as_deref() == subresource
    }
}

/// Reads `metadata.managedFields`.
pub fn entries(obj: &Value) -> Vec<Entry> {
    let Some(list) = obj["metadata"]["managedFields"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            Some(Entry {
                manager: e["manager"].as_str().unwrap_or_default().to_string(),
                operation: e["operation"].as_str()?.to_string(),
                api_version: e["apiVersion"].as_str().unwrap_or_default().to_string(),
                time: e["time"].as_str().unwrap_or_default().to_string(),
                subresource: e["subresource"].as_str().map(String::from),
                set: fieldset::decode(&e["fieldsV1"]),
            })
        })
        .collect()
}

/// Writes entries back as `metadata.managedFields` (dropping empty ones, sorted).
pub fn store_entries(obj: &mut Value, mut list: Vec<Entry>) {
    list.retain(|e| !e.set.is_empty());
    list.sort_by(|a, b| {
        let key = |e: &Entry| {
            (
                e.operation.clone(),
                e.time.clone(),
                e.manager.clone(),
                e.api_version.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let values: Vec<Value> = list
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("manager".into(), json!(e.manager));
            m.insert("operation".into(), json!(e.operation));
            m.insert("apiVersion".into(), json!(e.api_version));
            m.insert("time".into(), json!(e.time));
            m.insert("fieldsType".into(), json!("FieldsV1"));
            m.insert("fieldsV1".into(), fieldset::encode(&e.set));
            if let Some(s) = &e.subresource {
                m.insert("subresource".into(), json!(s));
            }
            Value::Object(m)
        })
        .collect();
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    if values.is_empty() {
        meta.shift_remove("managedFields");
    } else {
        meta.insert("managedFields".into(), Value::Array(values));
    }
}

/// An apply that conflicts with other managers' fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflicts {
    /// (manager as described in messages, field path), sorted by manager then path.
    pub items: Vec<(String, String)>,
}

impl Conflicts {
    /// `Apply failed with 1 conflict: conflict with "m" using v1: .data.k`, or one line per field
    /// grouped by manager for several.
    pub fn message(&self) -> String {
        if let [(manager, path)] = self.items.as_slice() {
            return format!("Apply failed with 1 conflict: conflict with {manager}: {path}");
        }
        let mut lines = Vec::new();
        let mut last = None;
        for (manager, path) in &self.items {
            if last != Some(manager) {
                lines.push(format!("conflicts with {manager}:"));
                last = Some(manager);
            }
            lines.push(format!("- {path}"));
        }
        format!("Apply failed with {} conflicts: {}", self.items.len(), lines.join("\n"))
    }
}

/// Who is writing and how.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a> {
    pub manager: &'a str,
    pub api_version: &'a str,
    /// `Some("status")` for writes to the status subresource.
    pub subresource: Option<&'a str>,
}

/// Server-side apply of `applied` onto `live` (`{}` when creating). Returns the new object with
/// its managed fields; `live` itself when nothing would change.
///
/// # Errors
/// The conflicts, when `force` is false and other managers own fields the apply would change.
pub fn apply(shape: Shape, live: &Value, applied: &Value, w: Writer, force: bool) -> Result<Value, Conflicts> {
    let mut list = entries(live);
    let new_set = tree::applied_set(shape, applied);
    let mut merged = tree::merge(shape, live, applied);

    let mut conflicts: Vec<(usize, Vec<Pe>)> = Vec::new();
    for (i, e) in list.iter().enumerate() {
        if e.same_owner(w.manager, "Apply", w.subresource) {
            continue;
        }
        for p in new_set.intersection(&e.set) {
            if matches!(p.last(), Some(Pe::Key(_) | Pe::Value(_))) {
                continue;
            }
            if tree::get(shape, live, p) != tree::get(shape, &merged, p) {
                conflicts.push((i, p.clone()));
            }
        }
    }
    if !conflicts.is_empty() {
        if !force {
            let mut items: Vec<(String, String)> = conflicts
                .iter()
                .map(|(i, p)| (list[*i].describe(), path_string(p)))
                .collect();
            items.sort();
            return Err(Conflicts { items });
        }
        for (i, p) in &conflicts {
            list[*i].set.remove(p);
        }
    }

    let own = list
        .iter()
        .position(|e| e.same_owner(w.manager, "Apply", w.subresource));
    let previous = own.map(|i| list[i].set.clone()).unwrap_or_default();
    let others: FieldSet = list
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != own)
        .flat_map(|(_, e)| e.set.iter().cloned())
        .collect();
    let owned_by_others =
        |p: &[Pe]| others.iter().any(|o| has_prefix(o, p)) || new_set.iter().any(|o| has_prefix(o, p));
    for p in previous.difference(&new_set) {
        if !owned_by_others(p) {
            tree::remove(shape, &mut merged, p, &owned_by_others);
        }
    }

    if without_managed(&merged) == without_managed(live) && previous == new_set && own.is_some() {
        return Ok(live.clone());
    }
    let entry = Entry {
        manager: w.manager.to_string(),
        operation: "Apply".into(),
        api_version: w.api_version.to_string(),
        time: clock::now_rfc3339(),
        subresource: w.subresource.map(String::from),
        set: new_set,
    };
    match own {
        Some(i) => list[i] = entry,
        None => list.push(entry),
    }
    store_entries(&mut merged, list);
    Ok(merged)
}

/// Records the ownership changes of an update from `old` (`{}` when creating) to `new`, writing
/// `new`'s managed fields.
pub fn update(shape: Shape, old: &Value, new: &mut Value, w: Writer) {
    let mut list = entries(old);
    let (changed, removed) = tree::compare(shape, old, new);
    if changed.is_empty() && removed.is_empty() {
        store_entries(new, list);
        return;
    }
    let gone = |p: &Vec<Pe>| removed.iter().any(|r| has_prefix(p, r));
    for e in &mut list {
        e.set.retain(|p| !changed.contains(p) && !gone(p));
    }
    match list
        .iter()
        .position(|e| e.same_owner(w.manager, "Update", w.subresource))
    {
        Some(i) => {
            list[i].set.extend(changed);
            list[i].time = clock::now_rfc3339();
            list[i].api_version = w.api_version.to_string();
        }
        None if !changed.is_empty() => list.push(Entry {
            manager: w.manager.to_string(),
            operation: "Update".into(),
            api_version: w.api_version.to_string(),
            time: clock::now_rfc3339(),
            subresource: w.subresource.map(String::from),
            set: changed,
        }),
        None => {}
    }
    store_entries(new, list);
}

fn without_managed(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.shift_remove("managedFields");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const CM: Shape = Shape {
        custom: false,
        deduced: false,
        kind: "ConfigMap",
        has_status: false,
    };

    fn w(manager: &str) -> Writer<'_> {
        Writer {
            manager,
            api_version: "v1",
            subresource: None,
        }
    }

    fn cm(data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data})
    }

    fn managers(obj: &Value) -> Vec<(String, String, Value)> {
        entries(obj)
            .into_iter()
            .map(|e| (e.manager, e.operation, fieldset::encode(&e.set)))
            .collect()
    }

    #[test]
    fn apply_creates_with_an_apply_entry() {
        let live = apply(CM, &json!({}), &cm(json!({"a": "1"})), w("rudder"), false).unwrap();
        assert_eq!(live["data"], json!({"a": "1"}));
        assert_eq!(
            managers(&live),
            vec![("rudder".into(), "Apply".into(), json!({"f:data": {"f:a": {}}}))]
        );
    }

    #[test]
    fn reapplying_the_same_config_changes_nothing() {
        let live = apply(CM, &json!({}), &cm(json!({"a": "1"})), w("rudder"), false).unwrap();
        let again = apply(CM, &live, &cm(json!({"a": "1"})), w("rudder"), false).unwrap();
        assert_eq!(again, live);
    }

    #[test]
    fn a_field_owned_by_another_manager_conflicts_unless_equal() {
        let live = apply(CM, &json!({}), &cm(json!({"a": "1"})), w("one"), false).unwrap();
        let shared = apply(CM, &live, &cm(json!({"a": "1"})), w("two"), false).unwrap();
        assert_eq!(entries(&shared).len(), 2, "equal values are shared");
        let err = apply(CM, &live, &cm(json!({"a": "2"})), w("two"), false).unwrap_err();
        assert_eq!(
            err.message(),
            "Apply failed with 1 conflict: conflict with \"one\": .data.a"
        );
    }

    #[test]
    fn conflicts_with_an_updater_name_its_api_version_and_group_by_manager() {
        let mut live = cm(json!({"a": "1", "b": "1"}));
        update(CM, &json!({}), &mut live, w("kubectl-edit"));
        let err = apply(CM, &live, &cm(json!({"a": "2", "b": "2"})), w("rudder"), false).unwrap_err();
        assert_eq!(
            err.message(),
            "Apply failed with 2 conflicts: conflicts with \"kubectl-edit\" using v1:\n- .data.a\n- .data.b"
        );
    }

    #[test]
    fn force_takes_the_fields() {
        let mut live = cm(json!({"a": "1"}));
        update(CM, &json!({}), &mut live, w("kubectl-edit"));
        let forced = apply(CM, &live, &cm(json!({"a": "2"})), w("rudder"), true).unwrap();
        assert_eq!(forced["data"]["a"], "2");
        // The updater keeps the map it created; the field moves to rudder.
        assert_eq!(
            managers(&forced),
            vec![
                ("rudder".into(), "Apply".into(), json!({"f:data": {"f:a": {}}})),
                ("kubectl-edit".into(), "Update".into(), json!({"f:data": {}})),
            ]
        );
    }

    #[test]
    fn dropped_fields_are_removed_unless_someone_else_owns_them() {
        let live = apply(CM, &json!({}), &cm(json!({"a": "1", "b": "1"})), w("one"), false).unwrap();
        let live = apply(CM, &live, &cm(json!({"b": "1"})), w("two"), false).unwrap();
        let after = apply(CM, &live, &cm(json!({})), w("one"), false).unwrap();
        assert_eq!(after["data"], json!({"b": "1"}), "a removed, b kept for two");
    }

    #[test]
    fn updates_take_ownership_of_what_they_change() {
        let live = apply(CM, &json!({}), &cm(json!({"a": "1", "b": "1"})), w("rudder"), false).unwrap();
        let mut edited = live.clone();
        edited["data"]["a"] = json!("2");
        update(CM, &live, &mut edited, w("kubectl-edit"));
        assert_eq!(
            managers(&edited),
            vec![
                ("rudder".into(), "Apply".into(), json!({"f:data": {"f:b": {}}})),
                ("kubectl-edit".into(), "Update".into(), json!({"f:data": {"f:a": {}}})),
            ]
        );
    }
}
