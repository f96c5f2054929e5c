//! Strategic merge of one patch into one object, as kustomize 5.5 does it (kyaml's
//! merge2 walk with patch items listed first).
//!
//! Rules, applied recursively from the object's root with its schema node:
//! - a `null` in the patch deletes the key;
//! - mappings merge key by key; `$patch: delete` deletes the mapping, `$patch: replace`
//!   replaces it with the rest of the patch mapping, `$patch: merge` is the default;
//! - a list whose schema strategy contains `merge` merges by its keys: elements named in
//!   the patch come first in patch order (merged with the object's element of the same
//!   keys), then the object's other elements in their order, then its elements without
//!   keys; a patch element with `$patch: delete` removes the element, an element left
//!   empty is dropped; a list element `{$patch: delete}` clears the list and
//!   `{$patch: replace}` replaces it with the patch's other elements;
//! - a merging list without keys (finalizers) is the union of patch then object values;
//! - any other list, and every scalar, is replaced by the patch (CRDs without a schema
//!   get their lists replaced);
//! - `$setElementOrder/…`, `$deleteFromPrimitiveList/…` and `$retainKeys` are not
//!   honoured by kustomize: they are copied like ordinary fields.

use std::collections::HashMap;

use crate::yaml::{Map, Value};

use super::schema::Node;

const DIRECTIVE: &str = "$patch";

/// Merges `patch` into `dest` (absent: `None`). `None` as result means "delete".
pub fn merge(dest: Option<Value>, patch: &Value, node: Option<Node<'_>>) -> Option<Value> {
    match patch {
        Value::Null => None,
        Value::Map(p) => merge_map(dest, p, node),
        Value::Seq(p) => merge_list(dest, p, node),
        scalar => Some(scalar.clone()),
    }
}

fn merge_map(dest: Option<Value>, patch: &Map, node: Option<Node<'_>>) -> Option<Value> {
    let mut base = match patch.get(DIRECTIVE).and_then(Value::as_str) {
        Some("delete") => return None,
        Some("replace") => Map::new(),
        _ => match dest {
            Some(Value::Map(m)) => m,
            _ => Map::new(),
        },
    };
    for (k, pv) in patch {
        if k == DIRECTIVE {
            continue;
        }
        let child = node.and_then(|n| n.field(k));
        match base.get_mut(k) {
            Some(slot) => match merge(Some(std::mem::take(slot)), pv, child) {
                Some(v) => *slot = v,
                None => {
                    base.shift_remove(k);
                }
            },
            None => {
                if let Some(v) = merge(None, pv, child) {
                    base.insert(k.clone(), v);
                }
            }
        }
    }
    Some(Value::Map(base))
}

fn merge_list(dest: Option<Value>, patch: &[Value], node: Option<Node<'_>>) -> Option<Value> {
    let Some(keys) = node.and_then(|n| n.merge_keys()) else {
        return Some(Value::Seq(patch.to_vec()));
    };
    let directive = patch.iter().find_map(|e| {
        e.get(DIRECTIVE)
            .and_then(Value::as_str)
            .filter(|_| e.as_map().is_some_and(|m| m.len() == 1))
    });
    let rest = || patch.iter().filter(|e| !is_list_directive(e));
    let dest = match directive {
        Some("delete") => return None,
        Some("replace") => Vec::new(),
        _ => match dest {
            Some(Value::Seq(d)) => d,
            _ => Vec::new(),
        },
    };
    let patch: Vec<&Value> = rest().collect();
    let elem_node = node.and_then(|n| n.elements());
    if keys.is_empty() {
        return Some(Value::Seq(union_scalars(dest, &patch)));
    }
    Some(Value::Seq(merge_keyed(dest, &patch, keys, elem_node)))
}

fn is_list_directive(e: &Value) -> bool {
    e.as_map().is_some_and(|m| m.len() == 1 && m.contains_key(DIRECTIVE))
}

/// Values of primitive lists that merge (finalizers): patch values first, then the
/// object's values not in the patch.
fn union_scalars(dest: Vec<Value>, patch: &[&Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(patch.len() + dest.len());
    let mut seen = std::collections::HashSet::new();
    for v in patch.iter().map(|v| (*v).clone()).chain(dest) {
        if seen.insert(scalar_text(&v)) {
            out.push(v);
        }
    }
    out
}

/// The key tuple of a list element: the scalar text of each key field, "" when absent.
fn key_of(e: &Value, keys: &[String]) -> Option<Vec<String>> {
    let m = e.as_map()?;
    let k: Vec<String> = keys
        .iter()
        .map(|k| m.get(k).map(scalar_text).unwrap_or_default())
        .collect();
    k.iter().any(|s| !s.is_empty()).then_some(k)
}

fn merge_keyed(dest: Vec<Value>, patch: &[&Value], keys: &[String], elem: Option<Node<'_>>) -> Vec<Value> {
    if keys.len() > 1 {
        let secondary = |e: &&Value| key_of(e, keys).is_some_and(|k| k[1..].iter().any(|s| !s.is_empty()));
        if patch.iter().any(secondary) || dest.iter().any(|d| secondary(&d)) {
            return merge_multi_keyed(dest, patch, keys, elem);
        }
    }
    // Order of keys: patch elements first, then the object's. A patch element without
    // the key (a mapping) marks the point where kyaml's lookup by an empty key deletes
    // every keyed element of the object; the patch element itself is dropped.
    let mut order: Vec<Option<Vec<String>>> = Vec::new();
    let mut index: HashMap<Vec<String>, (Option<usize>, Option<usize>)> = HashMap::new();
    for (i, p) in patch.iter().enumerate() {
        match key_of(p, keys) {
            Some(k) => {
                let slot = index.entry(k.clone()).or_insert_with(|| {
                    order.push(Some(k));
                    (None, None)
                });
                slot.1.get_or_insert(i);
            }
            None if p.as_map().is_some() && !order.contains(&None) => order.push(None),
            None => {}
        }
    }
    let mut keyless = Vec::new();
    let mut dest: Vec<Option<Value>> = dest.into_iter().map(Some).collect();
    for (i, d) in dest.iter().enumerate() {
        let d = d.as_ref().expect("all present");
        match key_of(d, keys) {
            Some(k) => {
                let slot = index.entry(k.clone()).or_insert_with(|| {
                    order.push(Some(k));
                    (None, None)
                });
                slot.0.get_or_insert(i);
            }
            None => keyless.push(i),
        }
    }
    let mut out = Vec::with_capacity(order.len() + keyless.len());
    let mut wiped = false;
    for k in &order {
        let Some(k) = k else {
            wiped = true;
            continue;
        };
        let (d, p) = index[k];
        let d = d.and_then(|i| dest[i].take()).filter(|_| !wiped);
        let merged = match p {
            Some(p) => merge(d, patch[p], elem),
            None => d,
        };
        out.extend(kept(merged));
    }
    for i in keyless {
        out.extend(kept(dest[i].take()));
    }
    out
}

/// Lists keyed by several fields (ports by port and protocol) where some element sets a
/// secondary key. kyaml 0.18 (kustomize 5.5) then behaves as follows, and rudder with it:
/// - a patch element whose keys all equal an object element's merges into it, in the
///   object's order;
/// - a patch element that agrees with an object element on every key the two both set,
///   but not on all (one omits `protocol`), is dropped and the object element kept;
/// - other patch elements are new and come first, in patch order, then the object's
///   elements in their order.
fn merge_multi_keyed(dest: Vec<Value>, patch: &[&Value], keys: &[String], elem: Option<Node<'_>>) -> Vec<Value> {
    let dest_keys: Vec<Option<Vec<String>>> = dest.iter().map(|d| key_of(d, keys)).collect();
    let mut merge_from: Vec<Option<usize>> = vec![None; dest.len()];
    let mut new: Vec<(Vec<String>, usize)> = Vec::new();
    for (pi, p) in patch.iter().enumerate() {
        let Some(pk) = key_of(p, keys) else { continue };
        if let Some(di) = dest_keys.iter().position(|dk| dk.as_ref() == Some(&pk)) {
            merge_from[di].get_or_insert(pi);
        } else if dest_keys.iter().flatten().any(|dk| overlaps(dk, &pk)) {
            // Dropped, as kustomize drops it.
        } else if !new.iter().any(|(k, _)| k == &pk) {
            new.push((pk, pi));
        }
    }
    let mut out = Vec::with_capacity(new.len() + dest.len());
    for (_, pi) in new {
        out.extend(kept(merge(None, patch[pi], elem)));
    }
    for (d, from) in dest.into_iter().zip(merge_from) {
        let v = match from {
            Some(pi) => merge(Some(d), patch[pi], elem),
            None => Some(d),
        };
        out.extend(kept(v));
    }
    out
}

/// A merged list element, unless deleted or left empty (kyaml drops empty elements).
fn kept(v: Option<Value>) -> Option<Value> {
    v.filter(|v| !matches!(v, Value::Map(m) if m.is_empty()))
}

/// Two key tuples that agree wherever both are set, with at least one field in common.
fn overlaps(a: &[String], b: &[String]) -> bool {
    let mut common = false;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common |= !x.is_empty();
        } else if !x.is_empty() && !y.is_empty() {
            return false;
        }
    }
    common
}

/// go-yaml's scalar text of a value, used to compare merge keys.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        Value::Seq(_) | Value::Map(_) => String::new(),
    }
}
