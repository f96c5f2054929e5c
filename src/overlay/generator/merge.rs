//! Adding a generated object to the build by its behavior: `create` appends it, `merge`
//! and `replace` fold it into the one object it names.
//!
//! Matching (kustomize's `appendReplaceOrMerge`): an object matches when any id it has
//! had (original, intermediate or current) has the generated object's kind, version,
//! group and name, and the same namespace, an empty namespace counting as `default`.
//!
//! Folding keeps the new object's content and takes from the old one:
//! - name, namespace, earlier ids and name prefixes/suffixes (so references and later
//!   transformers still see the old object);
//! - labels and annotations, merged under the new ones (all become strings);
//! - the hash suffix only if both old and new want one;
//! - for `merge` also `data` and `binaryData`, merged under the new entries, values
//!   turned into strings (a null or a nested value becomes `""`).
//!
//! Everything else of the old object (`type`, `immutable`, other fields) is dropped.

use crate::resource::{ResId, is_cluster_scoped};
use crate::yaml::{Map, Value};

use crate::overlay::error::Error;
use crate::overlay::resmap::{Behavior, Generated, ResMap, Resource};

/// Adds `res` (a generated object) to `rm` by its behavior.
///
/// # Errors
/// `create` when an object of that id exists; `merge`/`replace` when none or several
/// exist. `file` and `field` name the generator entry.
pub fn absorb(rm: &mut ResMap, res: Resource, file: &str, field: &str) -> Result<(), Error> {
    let id = res.cur_id();
    let behavior = res.generated.as_ref().map(|g| g.behavior).unwrap_or_default();
    let matches: Vec<usize> = rm
        .iter()
        .enumerate()
        .filter(|(_, r)| r.all_ids().iter().any(|other| same_object(other, &id)))
        .map(|(i, _)| i)
        .collect();
    let what = describe(&id);
    match (matches.as_slice(), behavior) {
        ([], Behavior::Create) => rm.append(res),
        ([], _) => Err(Error::field(
            file,
            format!("{field}.behavior"),
            format!(
                "no {what} to {} in the resources so far; use behavior: create (the default)",
                verb(behavior)
            ),
        )),
        ([i], Behavior::Create) => Err(Error::field(
            file,
            field,
            format!(
                "{what} already exists (from {}); give another name or set behavior: merge or replace",
                rm.resources()[*i].doc.source
            ),
        )),
        ([i], _) => {
            let old = rm.remove(*i);
            let folded = fold(old, res, behavior == Behavior::Merge);
            rm.resources_mut().insert(*i, folded);
            Ok(())
        }
        (many, _) => Err(Error::field(
            file,
            field,
            format!(
                "{} objects could take the {} of {what}: {}",
                many.len(),
                verb(behavior),
                many.iter()
                    .map(|i| rm.resources()[*i].cur_id().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn verb(b: Behavior) -> &'static str {
    match b {
        Behavior::Merge => "merge",
        Behavior::Replace => "replace",
        Behavior::Create => "create",
    }
}

fn describe(id: &ResId) -> String {
    let ns = if id.namespace.is_empty() {
        String::new()
    } else {
        format!(" in namespace '{}'", id.namespace)
    };
    format!("{} '{}'{ns}", id.gvk.kind, id.name)
}

/// kustomize's `ResId.Equals`: same group, version, kind and name, same effective
/// namespace.
fn same_object(a: &ResId, b: &ResId) -> bool {
    a.gvk == b.gvk && a.name == b.name && effective_namespace(a) == effective_namespace(b)
}

fn effective_namespace(id: &ResId) -> &str {
    if is_cluster_scoped(&id.gvk) {
        ""
    } else if id.namespace.is_empty() {
        "default"
    } else {
        &id.namespace
    }
}

/// The new object folded into the old one it replaces.
fn fold(old: Resource, new: Resource, merge_data: bool) -> Resource {
    let new_needs_hash = new.needs_hash();
    let mut value = new.doc.value;
    let old_value = &old.doc.value;
    for key in ["labels", "annotations"] {
        let merged = merge_strings(old_value.pointer(&["metadata", key]), value.pointer(&["metadata", key]));
        set_or_remove(value.map_at_mut(&["metadata"]), key, merged);
    }
    if let Some(meta) = value.map_at_mut(&["metadata"]) {
        meta.insert("name".into(), Value::String(old.name().to_string()));
        match old_value.str_at(&["metadata", "namespace"]) {
            Some(ns) if !ns.is_empty() => {
                meta.insert("namespace".into(), Value::String(ns.to_string()));
            }
            _ => {
                meta.shift_remove("namespace");
            }
        }
    }
    if merge_data {
        for key in ["data", "binaryData"] {
            let merged = merge_strings(old_value.get(key), value.get(key));
            set_or_remove(value.as_map_mut(), key, merged);
        }
    }
    Resource {
        doc: crate::resource::Document { value, ..old.doc },
        prev_ids: old.prev_ids,
        generated: old.generated.map(|g| Generated {
            needs_hash: g.needs_hash && new_needs_hash,
            ..g
        }),
        prefixes: old.prefixes,
        suffixes: old.suffixes,
        ref_vars: old.ref_vars,
    }
}

/// Entries of `under` overridden by those of `over`, values as strings, keys sorted.
fn merge_strings(under: Option<&Value>, over: Option<&Value>) -> Map {
    let mut out = Map::default();
    for m in [under, over].into_iter().flatten().filter_map(Value::as_map) {
        for (k, v) in m {
            out.insert(k.clone(), Value::String(v.scalar_text().unwrap_or_default()));
        }
    }
    out.sort_keys();
    out
}

fn set_or_remove(map: Option<&mut Map>, key: &str, value: Map) {
    let Some(map) = map else { return };
    if value.is_empty() {
        map.shift_remove(key);
    } else {
        map.insert(key.to_string(), Value::Map(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Document;

    fn obj(kind: &str, name: &str, ns: &str, extra: &[(&str, Value)]) -> Value {
        let mut meta = Map::default();
        meta.insert("name".into(), name.into());
        if !ns.is_empty() {
            meta.insert("namespace".into(), ns.into());
        }
        let mut m = Map::default();
        m.insert("apiVersion".into(), "v1".into());
        m.insert("kind".into(), kind.into());
        m.insert("metadata".into(), Value::Map(meta));
        for (k, v) in extra {
            m.insert((*k).into(), v.clone());
        }
        Value::Map(m)
    }

    fn strings(pairs: &[(&str, &str)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| ((*k).to_string(), Value::from(*v))).collect())
    }

    fn generated(v: Value, behavior: Behavior, needs_hash: bool) -> Resource {
        Resource {
            generated: Some(Generated { behavior, needs_hash }),
            ..Resource::new(Document::new(v, "k.yaml", 0))
        }
    }

    #[test]
    fn create_appends_and_refuses_an_existing_id() {
        let mut rm = ResMap::new();
        let a = generated(obj("ConfigMap", "c", "", &[]), Behavior::Create, true);
        absorb(&mut rm, a.clone(), "k.yaml", "configMapGenerator[0]").unwrap();
        assert_eq!(rm.resources().len(), 1);
        let e = absorb(&mut rm, a, "k.yaml", "configMapGenerator[1]").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("k.yaml: configMapGenerator[1]: ConfigMap 'c' already exists"),
            "{e}"
        );
    }

    #[test]
    fn default_namespace_matches_an_empty_one() {
        let mut rm = ResMap::new();
        rm.append(Resource::new(Document::new(
            obj("ConfigMap", "c", "default", &[]),
            "cm.yaml",
            1,
        )))
        .unwrap();
        let a = generated(obj("ConfigMap", "c", "", &[]), Behavior::Create, true);
        assert!(absorb(&mut rm, a, "k.yaml", "configMapGenerator[0]").is_err());
    }

    #[test]
    fn merge_or_replace_needs_a_target() {
        let mut rm = ResMap::new();
        let a = generated(obj("ConfigMap", "c", "", &[]), Behavior::Merge, true);
        let e = absorb(&mut rm, a, "k.yaml", "configMapGenerator[0]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.yaml: configMapGenerator[0].behavior: no ConfigMap 'c' to merge in the resources so far; use behavior: create (the default)"
        );
    }

    #[test]
    fn merge_keeps_old_identity_and_merges_data() {
        let mut rm = ResMap::new();
        let mut old = generated(
            obj(
                "Secret",
                "s",
                "",
                &[
                    ("data", strings(&[("a", "MQ=="), ("b", "Mg==")])),
                    ("type", "kubernetes.io/tls".into()),
                    ("immutable", Value::Bool(true)),
                ],
            ),
            Behavior::Create,
            true,
        );
        old.value_mut()
            .map_at_mut(&["metadata", "labels"])
            .unwrap()
            .insert("from".into(), "base".into());
        old.set_namespace("ns1");
        old.set_name("p-s");
        rm.append(old).unwrap();
        let mut new = generated(
            obj(
                "Secret",
                "s",
                "",
                &[("data", strings(&[("b", "Mw==")])), ("type", "Opaque".into())],
            ),
            Behavior::Merge,
            true,
        );
        new.value_mut()
            .map_at_mut(&["metadata", "labels"])
            .unwrap()
            .insert("overlay".into(), "yes".into());
        absorb(&mut rm, new, "k.yaml", "secretGenerator[0]").unwrap();
        let r = &rm.resources()[0];
        assert_eq!(r.name(), "p-s");
        assert_eq!(r.namespace(), "ns1");
        assert_eq!(r.prev_ids.len(), 2);
        assert_eq!(r.value().get("data"), Some(&strings(&[("a", "MQ=="), ("b", "Mw==")])));
        assert_eq!(
            r.value().pointer(&["metadata", "labels"]),
            Some(&strings(&[("from", "base"), ("overlay", "yes")]))
        );
        assert_eq!(r.value().str_at(&["type"]), Some("Opaque"));
        assert!(r.value().get("immutable").is_none());
        assert!(r.needs_hash());
    }

    #[test]
    fn replace_drops_old_data_and_hash_needs_both() {
        let mut rm = ResMap::new();
        let old = generated(
            obj("ConfigMap", "c", "", &[("data", strings(&[("a", "1")]))]),
            Behavior::Create,
            false,
        );
        rm.append(old).unwrap();
        let new = generated(
            obj("ConfigMap", "c", "", &[("data", strings(&[("b", "2")]))]),
            Behavior::Replace,
            true,
        );
        absorb(&mut rm, new, "k.yaml", "configMapGenerator[0]").unwrap();
        let r = &rm.resources()[0];
        assert_eq!(r.value().get("data"), Some(&strings(&[("b", "2")])));
        assert!(!r.needs_hash());
    }

    #[test]
    fn merge_into_plain_object_stringifies_values() {
        let mut rm = ResMap::new();
        let mut data = Map::default();
        data.insert("a".into(), Value::Int(1));
        data.insert("c".into(), Value::Null);
        data.insert("e".into(), Value::Seq(vec![Value::Int(1)]));
        let plain = obj(
            "ConfigMap",
            "plain",
            "default",
            &[("data", Value::Map(data)), ("extra", "x".into())],
        );
        rm.append(Resource::new(Document::new(plain, "cm.yaml", 1))).unwrap();
        let new = generated(
            obj("ConfigMap", "plain", "", &[("data", strings(&[("b", "2")]))]),
            Behavior::Merge,
            true,
        );
        absorb(&mut rm, new, "k.yaml", "configMapGenerator[0]").unwrap();
        let r = &rm.resources()[0];
        assert_eq!(
            r.value().get("data"),
            Some(&strings(&[("a", "1"), ("b", "2"), ("c", ""), ("e", "")]))
        );
        assert_eq!(r.namespace(), "default");
        assert!(r.value().get("extra").is_none());
        assert!(r.generated.is_none());
        assert_eq!(r.doc.source, "cm.yaml");
    }

    #[test]
    fn matches_on_an_intermediate_id() {
        // base: namespace ns1 then prefix p- ; overlay merges `c` in ns1 (an intermediate id).
        let mut rm = ResMap::new();
        let mut old = generated(
            obj("ConfigMap", "c", "", &[("data", strings(&[("a", "1")]))]),
            Behavior::Create,
            true,
        );
        old.set_namespace("ns1");
        old.set_name("p-c");
        rm.append(old).unwrap();
        let new = generated(
            obj("ConfigMap", "c", "ns1", &[("data", strings(&[("b", "2")]))]),
            Behavior::Merge,
            true,
        );
        absorb(&mut rm, new, "k.yaml", "configMapGenerator[0]").unwrap();
        let also = generated(
            obj("ConfigMap", "p-c", "ns1", &[("data", strings(&[("c", "3")]))]),
            Behavior::Merge,
            true,
        );
        absorb(&mut rm, also, "k.yaml", "configMapGenerator[1]").unwrap();
        assert_eq!(rm.resources().len(), 1);
        assert_eq!(
            rm.resources()[0].value().get("data"),
            Some(&strings(&[("a", "1"), ("b", "2"), ("c", "3")]))
        );
    }
}
