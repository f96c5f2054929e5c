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

use super::multi_key::{collapse_multi_keyed, has_secondary, merge_multi_keyed};
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

/// The object as kyaml leaves it after walking it, before any patch value applies: the
/// walk visits every field, so lists that merge by key lose elements with a repeated key
/// (the last one stays as written, at the first one's place; elements without the key
/// move to the end), empty elements are dropped, primitive merging lists lose repeated
/// values, and multi-keyed lists collapse as in [`collapse_multi_keyed`].
fn normalize(v: Value, node: Option<Node<'_>>) -> Value {
    match v {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| {
                    let child = node.and_then(|n| n.field(&k));
                    (k, normalize(v, child))
                })
                .collect(),
        ),
        Value::Seq(list) => {
            let Some(keys) = node.and_then(|n| n.merge_keys()) else {
                return Value::Seq(list);
            };
            let elem = node.and_then(|n| n.elements());
            let refs: Vec<&Value> = list.iter().collect();
            if keys.is_empty() {
                return Value::Seq(union_scalars(Vec::new(), &refs));
            }
            if has_secondary(&refs, keys) {
                return Value::Seq(collapse_multi_keyed(&refs, keys, elem, false));
            }
            let mut out: Vec<Value> = Vec::with_capacity(list.len());
            let mut at: HashMap<Vec<String>, usize> = HashMap::new();
            let mut keyless = Vec::new();
            for e in list {
                if matches!(&e, Value::Map(m) if m.is_empty()) {
                    continue;
                }
                match key_of(&e, keys) {
                    // A repeated key: the later element replaces the first one unwalked.
                    Some(k) => match at.get(&k) {
                        Some(&i) => out[i] = e,
                        None => {
                            at.insert(k, out.len());
                            out.push(normalize(e, elem));
                        }
                    },
                    None => keyless.push(e),
                }
            }
            out.extend(keyless);
            Value::Seq(out)
        }
        other => other,
    }
}

fn merge_map(dest: Option<Value>, patch: &Map, node: Option<Node<'_>>) -> Option<Value> {
    let mut base = match patch.get(DIRECTIVE).and_then(Value::as_str) {
        Some("delete") => return None,
        Some("replace") => Map::default(),
        _ => match dest {
            Some(Value::Map(m)) => m
                .into_iter()
                .map(|(k, v)| {
                    if patch.contains_key(&k) {
                        (k, v)
                    } else {
                        let child = node.and_then(|n| n.field(&k));
                        (k, normalize(v, child))
                    }
                })
                .collect(),
            _ => Map::default(),
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
    let elem_node = node.and_then(|n| n.elements());
    let Some(Value::Seq(dest)) = dest else {
        // The object has no such list: kyaml then takes the patch's list itself as the
        // object's, so list directives stay as they are written and the elements merge
        // with themselves.
        let own: Vec<&Value> = patch.iter().collect();
        return Some(Value::Seq(if keys.is_empty() {
            union_scalars(Vec::new(), &own)
        } else if has_secondary(&own, keys) {
            collapse_multi_keyed(&own, keys, elem_node, false)
        } else if own.iter().any(|e| e.as_map().is_some() && key_of(e, keys).is_none()) {
            // An element without the key deletes every keyed element, and the list is the
            // patch's own: only the elements without a key remain, as written.
            own.iter()
                .filter(|e| key_of(e, keys).is_none())
                .map(|e| (*e).clone())
                .collect()
        } else {
            merge_keyed(patch.to_vec(), &own, keys, elem_node, true)
        }));
    };
    let directive = patch.iter().find_map(|e| {
        e.get(DIRECTIVE)
            .and_then(Value::as_str)
            .filter(|_| is_list_directive(e))
    });
    let dest = match directive {
        Some("delete") => return None,
        Some("replace") => Vec::new(),
        _ => dest,
    };
    let patch: Vec<&Value> = patch.iter().filter(|e| !is_list_directive(e)).collect();
    if keys.is_empty() {
        return Some(Value::Seq(union_scalars(dest, &patch)));
    }
    if has_secondary(&patch, keys) || has_secondary(&dest.iter().collect::<Vec<_>>(), keys) {
        return Some(Value::Seq(merge_multi_keyed(dest, &patch, keys, elem_node)));
    }
    Some(Value::Seq(merge_keyed(dest, &patch, keys, elem_node, false)))
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
        if seen.insert(v.scalar_text().unwrap_or_default()) {
            out.push(v);
        }
    }
    out
}

/// The key tuple of a list element: the scalar text of each key field, "" when absent.
pub(super) fn key_of(e: &Value, keys: &[String]) -> Option<Vec<String>> {
    let m = e.as_map()?;
    let k: Vec<String> = keys
        .iter()
        .map(|k| m.get(k).and_then(Value::scalar_text).unwrap_or_default())
        .collect();
    k.iter().any(|s| !s.is_empty()).then_some(k)
}

/// Merges a keyed list. `shared`: `dest` is the patch's own list (the object had none).
///
/// kyaml walks one element per key (the object's first and the patch's first with that
/// key), then puts the object's elements back over the result by key: so where the
/// object repeats a key, its last such element stands, unmerged, at the first one's
/// place. A patch element without the key (a mapping) deletes every keyed element of the
/// object from that point on.
fn merge_keyed(
    dest: Vec<Value>,
    patch: &[&Value],
    keys: &[String],
    elem: Option<Node<'_>>,
    shared: bool,
) -> Vec<Value> {
    // Per key: the object's first and last element, the patch's first.
    #[derive(Clone, Copy, Default)]
    struct Slot {
        first: Option<usize>,
        last: Option<usize>,
        patch: Option<usize>,
    }
    let mut order: Vec<Option<Vec<String>>> = Vec::new();
    let mut index: HashMap<Vec<String>, Slot> = HashMap::new();
    for (i, p) in patch.iter().enumerate() {
        match key_of(p, keys) {
            Some(k) => {
                let slot = index.entry(k.clone()).or_insert_with(|| {
                    order.push(Some(k));
                    Slot::default()
                });
                slot.patch.get_or_insert(i);
            }
            None if p.as_map().is_some() && !order.contains(&None) => order.push(None),
            None => {}
        }
    }
    let mut keyless = Vec::new();
    let mut dest: Vec<Option<Value>> = dest.into_iter().map(Some).collect();
    for (i, d) in dest.iter().enumerate() {
        match key_of(d.as_ref().expect("all present"), keys) {
            Some(k) => {
                let slot = index.entry(k.clone()).or_insert_with(|| {
                    order.push(Some(k));
                    Slot::default()
                });
                slot.first.get_or_insert(i);
                slot.last = Some(i);
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
        let slot = index[k];
        let repeated = slot.last != slot.first;
        let last = slot.last.and_then(|i| repeated.then(|| dest[i].take()).flatten());
        let d = slot.first.and_then(|i| dest[i].take());
        // In the shared case the "object's" elements are the patch's own: the first
        // merges alone, and a later one with the same key stands as written.
        if wiped && shared {
            continue;
        }
        let d = d.filter(|_| !wiped && !shared);
        let merged = match slot.patch {
            Some(p) => kept(merge_element(d, patch[p], elem)),
            None => d.map(|d| normalize(d, elem)).and_then(|d| kept(Some(d))),
        };
        // A deletion removes every element with the key; otherwise the object's last
        // repeat is put back over the merged one.
        match (merged, last) {
            (None, _) => {}
            (Some(_), Some(last)) if !wiped => out.extend(kept(Some(last))),
            (Some(m), _) => out.push(m),
        }
    }
    for i in keyless {
        out.extend(kept(dest[i].take()));
    }
    out
}

/// Merges one list element. A patch element marked `$patch: replace` leaves an existing
/// element as it is (kustomize 5.5 does not replace list elements).
pub(super) fn merge_element(d: Option<Value>, p: &Value, elem: Option<Node<'_>>) -> Option<Value> {
    if d.is_some() && p.get(DIRECTIVE).and_then(Value::as_str) == Some("replace") {
        return d;
    }
    merge(d, p, elem)
}

/// A merged list element, unless deleted or left empty (kyaml drops empty elements).
pub(super) fn kept(v: Option<Value>) -> Option<Value> {
    v.filter(|v| !matches!(v, Value::Map(m) if m.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Gvk;

    use super::super::schema::Schema;

    fn v(s: &str) -> Value {
        crate::yaml::first_document(s)
    }

    fn deployment(spec: &str) -> Value {
        v(&format!(
            "{{apiVersion: apps/v1, kind: Deployment, metadata: {{name: d}}, spec: {{template: {{spec: {spec}}}}}}}"
        ))
    }

    fn apply(dest: &Value, patch: &Value) -> Option<Value> {
        let node = Schema::builtin().for_kind(&Gvk::new("apps", "v1", "Deployment"));
        merge(Some(dest.clone()), patch, node)
    }

    #[test]
    fn containers_merge_by_name_patch_first() {
        let d = deployment("{containers: [{name: a, image: a}, {name: b, image: b}]}");
        let p = deployment("{containers: [{name: c, image: c}, {name: a, image: a2}]}");
        let want = deployment("{containers: [{name: c, image: c}, {name: a, image: a2}, {name: b, image: b}]}");
        assert_eq!(apply(&d, &p).unwrap(), want);
    }

    #[test]
    fn directives_and_nulls() {
        let d =
            deployment("{containers: [{name: a, args: [x]}, {name: b}], nodeSelector: {k: v}, volumes: [{name: v}]}");
        let p = deployment(
            "{containers: [{name: b, $patch: delete}, {name: a, args: null}], nodeSelector: {$patch: replace, n: m}, volumes: [{$patch: delete}]}",
        );
        let want = deployment("{containers: [{name: a}], nodeSelector: {n: m}}");
        assert_eq!(apply(&d, &p).unwrap(), want);
        let gone = v("{kind: Deployment, metadata: {name: d}, $patch: delete}");
        assert_eq!(apply(&d, &gone), None);
    }

    #[test]
    fn lists_without_strategy_are_replaced() {
        let d = deployment("{tolerations: [{key: a}], containers: [{name: a, args: [x, y]}]}");
        let p = deployment("{tolerations: [{key: b}], containers: [{name: a, args: [z]}]}");
        let want = deployment("{tolerations: [{key: b}], containers: [{name: a, args: [z]}]}");
        assert_eq!(apply(&d, &p).unwrap(), want);
    }

    #[test]
    fn ports_that_disagree_on_protocol_keep_the_object_port() {
        let d =
            deployment("{containers: [{name: a, ports: [{containerPort: 80}, {containerPort: 81, protocol: UDP}]}]}");
        let p = deployment(
            "{containers: [{name: a, ports: [{containerPort: 80, protocol: TCP, name: x}, {containerPort: 82}]}]}",
        );
        let want = deployment(
            "{containers: [{name: a, ports: [{containerPort: 82}, {containerPort: 80}, {containerPort: 81, protocol: UDP}]}]}",
        );
        assert_eq!(apply(&d, &p).unwrap(), want);
    }

    #[test]
    fn repeated_keys_keep_the_last_as_written() {
        let d = deployment("{containers: [{name: a, env: [{name: X, value: '1'}, {name: Y}, {name: X, value: '2'}]}]}");
        let p = deployment("{containers: [{name: a, image: i}]}");
        let want = deployment("{containers: [{name: a, image: i, env: [{name: X, value: '2'}, {name: Y}]}]}");
        assert_eq!(apply(&d, &p).unwrap(), want);
    }

    mod law {
        use super::*;
        use proptest::prelude::*;

        /// A container: name, image, env (name, value).
        type Container = (String, Option<String>, Vec<(String, String)>);

        fn container() -> impl Strategy<Value = Container> {
            (
                prop::sample::select(vec!["a", "b", "c", "d"]).prop_map(String::from),
                prop::option::of(prop::sample::select(vec!["i1", "i2"]).prop_map(String::from)),
                prop::collection::vec(
                    (
                        prop::sample::select(vec!["X", "Y", "Z"]).prop_map(String::from),
                        prop::sample::select(vec!["1", "2"]).prop_map(String::from),
                    ),
                    0..3,
                ),
            )
        }

        fn render(cs: &[Container]) -> Value {
            let mut seen = std::collections::HashSet::new();
            let items: Vec<String> = cs
                .iter()
                .filter(|c| seen.insert(c.0.clone()))
                .map(|(name, image, env)| {
                    let mut envs = std::collections::HashSet::new();
                    let env: Vec<String> = env
                        .iter()
                        .filter(|e| envs.insert(e.0.clone()))
                        .map(|(n, val)| format!("{{name: {n}, value: '{val}'}}"))
                        .collect();
                    let image = image.as_ref().map(|i| format!(", image: {i}")).unwrap_or_default();
                    format!("{{name: {name}{image}, env: [{}]}}", env.join(", "))
                })
                .collect();
            deployment(&format!("{{containers: [{}]}}", items.join(", ")))
        }

        proptest! {
            /// A strategic merge applied twice equals applying it once.
            #[test]
            fn merging_is_idempotent(d in prop::collection::vec(container(), 0..4), p in prop::collection::vec(container(), 0..4)) {
                let (d, p) = (render(&d), render(&p));
                let once = apply(&d, &p).unwrap();
                let twice = apply(&once, &p).unwrap();
                prop_assert_eq!(once, twice);
            }
        }
    }
}
