//! The `namePrefix` and `nameSuffix` transformers: rename this level's objects.
//!
//! Rules (kustomize v5.5's PrefixTransformer, then SuffixTransformer):
//! - objects whose original kind is `CustomResourceDefinition` or `Namespace` (any group)
//!   or `apiregistration.k8s.io` `APIService` keep their names;
//! - the prefix pass runs over every object, then the suffix pass;
//! - each pass records the object's id before renaming and appends its (non-empty) prefix or
//!   suffix to the object's list, innermost level first; name-reference fixing compares
//!   the outer ends of these lists to choose between objects of one original name.

use crate::overlay::error::Error;
use crate::overlay::fieldspec::{self, CreateKind, FieldSpec};
use crate::overlay::kustomization::Kustomization;
use crate::overlay::resmap::{ResMap, Resource};
use crate::resource::Gvk;
use crate::yaml::Value;

/// Kinds that are never renamed: `(group, kind)`, an empty group matching any.
const SKIPPED: &[(&str, &str)] = &[
    ("", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("", "Namespace"),
];

#[derive(Clone, Copy)]
enum Side {
    Prefix,
    Suffix,
}

/// Applies this level's `namePrefix` and `nameSuffix` to its objects.
///
/// # Errors
/// A name field on the configured path is a mapping or list.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    if !k.name_prefix.is_empty() {
        pass(rm, &k.name_prefix, Side::Prefix, &k.fields.name_prefix)?;
    }
    if !k.name_suffix.is_empty() {
        pass(rm, &k.name_suffix, Side::Suffix, &k.fields.name_suffix)?;
    }
    Ok(())
}

fn pass(rm: &mut ResMap, affix: &str, side: Side, specs: &[FieldSpec]) -> Result<(), Error> {
    for r in rm.iter_mut() {
        let org = r.orig_id();
        if SKIPPED.iter().any(|(g, kind)| Gvk::new(g, "", kind).selects(&org.gvk)) {
            continue;
        }
        for spec in specs {
            if !spec.gvk.selects(&org.gvk) {
                continue;
            }
            if spec.path == "metadata/name" {
                record(r, affix, side);
            }
            let gvk = r.gvk();
            fieldspec::visit(r.value_mut(), &gvk, spec, CreateKind::Scalar, &mut |v| {
                rename(v, affix, side)
            })
            .map_err(|message| {
                let what = match side {
                    Side::Prefix => "namePrefix",
                    Side::Suffix => "nameSuffix",
                };
                Error::field(
                    &r.doc.source,
                    format!("{} {}", r.kind(), r.name()),
                    format!("{what}: {message}"),
                )
            })?;
        }
    }
    Ok(())
}

fn record(r: &mut Resource, affix: &str, side: Side) {
    match side {
        Side::Prefix => r.prefixes.push(affix.to_string()),
        Side::Suffix => r.suffixes.push(affix.to_string()),
    }
    r.store_prev_id();
}

fn rename(v: &mut Value, affix: &str, side: Side) -> Result<(), String> {
    let old = match v {
        Value::Null => String::new(),
        Value::String(s) => std::mem::take(s),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Map(_) | Value::Seq(_) => return Err(format!("expected a name, found {}", v.type_name())),
    };
    *v = Value::String(match side {
        Side::Prefix => format!("{affix}{old}"),
        Side::Suffix => format!("{old}{affix}"),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Document;
    use crate::yaml::Map;

    fn obj(api: &str, kind: &str, name: &str) -> Resource {
        let mut meta = Map::default();
        meta.insert("name".into(), name.into());
        let mut m = Map::default();
        m.insert("apiVersion".into(), api.into());
        m.insert("kind".into(), kind.into());
        m.insert("metadata".into(), Value::Map(meta));
        Resource::new(Document::new(Value::Map(m), "r.yaml", 1))
    }

    fn kust(prefix: &str, suffix: &str) -> Kustomization {
        Kustomization {
            name_prefix: prefix.into(),
            name_suffix: suffix.into(),
            ..Default::default()
        }
    }

    #[test]
    fn renames_and_records() {
        let mut rm = ResMap::new();
        rm.append(obj("v1", "ConfigMap", "cm")).unwrap();
        apply(&mut rm, &kust("a-", "")).unwrap();
        apply(&mut rm, &kust("b-", "-s")).unwrap();
        let r = &rm.resources()[0];
        assert_eq!(r.name(), "b-a-cm-s");
        assert_eq!(r.prefixes, ["a-", "b-"]);
        assert_eq!(r.suffixes, ["-s"]);
        let names: Vec<&str> = r.prev_ids.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["cm", "a-cm", "b-a-cm"]);
    }

    #[test]
    fn skips_some_kinds() {
        let mut rm = ResMap::new();
        rm.append(obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "foos.x.io"))
            .unwrap();
        rm.append(obj("v1", "Namespace", "ns")).unwrap();
        rm.append(obj("apiregistration.k8s.io/v1", "APIService", "v1.x"))
            .unwrap();
        rm.append(obj("example.com/v1", "APIService", "svc")).unwrap();
        apply(&mut rm, &kust("p-", "-s")).unwrap();
        let names: Vec<&str> = rm.iter().map(Resource::name).collect();
        assert_eq!(names, ["foos.x.io", "ns", "v1.x", "p-svc-s"]);
        assert!(rm.resources()[0].prev_ids.is_empty());
    }
}
