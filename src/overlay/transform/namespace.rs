//! The `namespace` transformer: moves this level's objects into the kustomization's
//! namespace.
//!
//! Rules (kustomize v5.5's NamespaceTransformer with its defaults: set existing values too,
//! role binding subjects in `defaultOnly` mode):
//! - every object records its id first, even when nothing changes (kustomize does, and that
//!   makes the object a candidate for name-reference fixing);
//! - `metadata.namespace` is set (created or overwritten) on objects kustomize takes as
//!   namespaced ([`config::cluster_scoped`]); cluster-scoped objects keep theirs;
//! - in a `RoleBinding` or `ClusterRoleBinding` (any group), each subject named `default`
//!   gets the namespace, whatever its kind; other subjects are left alone (a
//!   `NamespaceTransformer` plugin may ask for every `ServiceAccount` subject, or none,
//!   and for `unsetOnly`: only empty namespace fields are set);
//! - a `v1` `Namespace` object is renamed to the namespace;
//! - `APIService` `spec.service.namespace` is set (created when missing) and a CRD's
//!   conversion webhook service namespace is set when present;
//! - two objects ending with one id (namespace compared as kustomize does, empty meaning
//!   `default`) is an error.

use std::collections::HashMap;

use crate::overlay::config;
use crate::overlay::error::Error;
use crate::overlay::fieldspec::{self, CreateKind, FieldSpec};
use crate::overlay::kustomization::{Kustomization, NamespaceOptions, SubjectMode};
use crate::overlay::resmap::{ResMap, Resource};
use crate::yaml::Value;

/// Applies this level's `namespace` to its objects.
///
/// # Errors
/// A field on a namespace path holds a mapping or list where a name or namespace is due,
/// or two objects end up with the same id.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    let ns = k.namespace.as_str();
    if ns.is_empty() {
        return Ok(());
    }
    for r in rm.iter_mut() {
        set_one(r, ns, &k.fields.namespace, &k.namespace_options).map_err(|message| {
            Error::field(
                &r.doc.source,
                format!("{} {}", r.kind(), r.name()),
                format!("setting namespace: {message}"),
            )
        })?;
    }
    ensure_unique_ids(rm, k)
}

fn set_one(r: &mut Resource, ns: &str, specs: &[FieldSpec], o: &NamespaceOptions) -> Result<(), String> {
    if r.value().as_map().is_none_or(|m| m.is_empty()) {
        return Ok(());
    }
    r.store_prev_id();
    let gvk = r.gvk();
    let unset_only = o.unset_only;
    if !config::cluster_scoped(&gvk) {
        set_scalar(r.value_mut(), &["metadata", "namespace"], ns, unset_only)?;
    }
    let binding = gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding";
    if binding {
        set_subjects(r.value_mut(), ns, o)?;
    }
    let api_version_v1 = r.value().str_at(&["apiVersion"]) == Some("v1");
    for spec in specs {
        // Only a core `v1` Namespace is renamed; other kinds named Namespace are left alone.
        if spec.path == "metadata/name" && !api_version_v1 {
            continue;
        }
        // Binding subjects follow the subjects mode alone.
        if binding && spec.path == "subjects/namespace" {
            continue;
        }
        fieldspec::visit(r.value_mut(), &gvk, spec, CreateKind::Scalar, &mut |v| {
            set_value(v, ns, unset_only)
        })?;
    }
    Ok(())
}

/// Sets a scalar at a path of mapping keys, creating mappings on the way.
fn set_scalar(obj: &mut Value, path: &[&str], value: &str, unset_only: bool) -> Result<(), String> {
    let (last, parents) = path.split_last().expect("non-empty path");
    let map = obj
        .map_at_mut(parents)
        .ok_or_else(|| format!("'{}' is not a mapping", parents.join(".")))?;
    let slot = map.entry((*last).to_string()).or_insert(Value::Null);
    set_value(slot, value, unset_only)
}

/// Sets the namespace; with `unset_only`, only where the field is empty.
fn set_value(v: &mut Value, ns: &str, unset_only: bool) -> Result<(), String> {
    match v {
        Value::Map(_) | Value::Seq(_) => Err(format!(
            "namespace field specs must target scalar nodes, found {}",
            v.type_name()
        )),
        Value::String(s) if unset_only && !s.is_empty() => Ok(()),
        Value::Bool(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_) if unset_only => Ok(()),
        _ => {
            *v = Value::String(ns.to_string());
            Ok(())
        }
    }
}

/// Sets the namespace of the binding's subjects the mode selects: those named `default`
/// (`defaultOnly`), those of kind `ServiceAccount` (`allServiceAccounts`), or none.
fn set_subjects(obj: &mut Value, ns: &str, o: &NamespaceOptions) -> Result<(), String> {
    let wanted: fn(&crate::yaml::Map) -> bool = match o.subjects {
        SubjectMode::None => return Ok(()),
        SubjectMode::DefaultOnly => |m| m.get("name").and_then(Value::as_str) == Some("default"),
        SubjectMode::AllServiceAccounts => |m| m.get("kind").and_then(Value::as_str) == Some("ServiceAccount"),
    };
    let Some(subjects) = obj.get_mut("subjects") else {
        return Ok(());
    };
    let items = match subjects {
        Value::Null => return Ok(()),
        Value::Seq(items) => items,
        other => return Err(format!("subjects: expected a list, found {}", other.type_name())),
    };
    for item in items {
        let Some(m) = item.as_map_mut() else {
            continue;
        };
        if wanted(m) {
            let slot = m.entry("namespace".to_string()).or_insert(Value::Null);
            set_value(slot, ns, o.unset_only).map_err(|e| format!("subjects: {e}"))?;
        }
    }
    Ok(())
}

/// kustomize refuses a namespace change that makes two ids equal.
fn ensure_unique_ids(rm: &ResMap, k: &Kustomization) -> Result<(), Error> {
    let mut seen: HashMap<(String, String, String, String, String), usize> = HashMap::new();
    for (i, r) in rm.iter().enumerate() {
        let gvk = r.gvk();
        let ens = config::effective_namespace(&gvk, r.namespace()).to_string();
        let key = (
            gvk.group.clone(),
            gvk.version.clone(),
            gvk.kind.clone(),
            r.name().to_string(),
            ens,
        );
        if let Some(first) = seen.insert(key, i) {
            let a = &rm.resources()[first];
            return Err(Error::field(
                &k.file,
                "namespace",
                format!(
                    "namespace transformation produces ID conflict: {} (from {}) and {} (from {})",
                    a.cur_id(),
                    a.doc.source,
                    r.cur_id(),
                    r.doc.source
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Document;
    use crate::yaml::Map;

    fn obj(api: &str, kind: &str, name: &str, ns: Option<&str>) -> Value {
        let mut meta = Map::default();
        meta.insert("name".into(), name.into());
        if let Some(ns) = ns {
            meta.insert("namespace".into(), ns.into());
        }
        let mut m = Map::default();
        m.insert("apiVersion".into(), api.into());
        m.insert("kind".into(), kind.into());
        m.insert("metadata".into(), Value::Map(meta));
        Value::Map(m)
    }

    fn rm(values: Vec<Value>) -> ResMap {
        let mut rm = ResMap::new();
        for v in values {
            rm.append(Resource::new(Document::new(v, "r.yaml", 1))).unwrap();
        }
        rm
    }

    fn kust(ns: &str) -> Kustomization {
        Kustomization {
            file: "kustomization.yaml".into(),
            namespace: ns.into(),
            ..Default::default()
        }
    }

    fn subject(kind: &str, name: &str, ns: Option<&str>) -> Value {
        let mut m = Map::default();
        m.insert("kind".into(), kind.into());
        m.insert("name".into(), name.into());
        if let Some(ns) = ns {
            m.insert("namespace".into(), ns.into());
        }
        Value::Map(m)
    }

    #[test]
    fn sets_namespaced_objects_only() {
        let mut m = rm(vec![
            obj("v1", "ConfigMap", "cm", Some("old")),
            obj("rbac.authorization.k8s.io/v1", "ClusterRole", "cr", None),
            obj(
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicy",
                "vap",
                None,
            ),
            obj("v1", "Namespace", "other", None),
        ]);
        apply(&mut m, &kust("prod")).unwrap();
        let r = m.resources();
        assert_eq!(r[0].namespace(), "prod");
        assert_eq!(r[0].prev_ids[0].namespace, "old");
        assert_eq!(r[1].value().str_at(&["metadata", "namespace"]), None);
        assert_eq!(r[1].prev_ids.len(), 1, "id recorded even when unchanged");
        assert_eq!(r[2].namespace(), "prod", "kustomize takes newer kinds as namespaced");
        assert_eq!(r[3].name(), "prod");
    }

    #[test]
    fn subjects_named_default() {
        let mut rb = obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", None);
        rb.as_map_mut().unwrap().insert(
            "subjects".into(),
            Value::Seq(vec![
                subject("ServiceAccount", "default", None),
                subject("ServiceAccount", "default", Some("x")),
                subject("ServiceAccount", "sa", Some("y")),
                subject("User", "default", None),
            ]),
        );
        let mut m = rm(vec![rb]);
        apply(&mut m, &kust("prod")).unwrap();
        let subjects = m.resources()[0]
            .value()
            .get("subjects")
            .unwrap()
            .as_seq()
            .unwrap()
            .clone();
        let nss: Vec<Option<&str>> = subjects.iter().map(|s| s.str_at(&["namespace"])).collect();
        assert_eq!(nss, [Some("prod"), Some("prod"), Some("y"), Some("prod")]);
    }

    #[test]
    fn api_service_namespace_is_created() {
        let mut m = rm(vec![obj("apiregistration.k8s.io/v1", "APIService", "v1.foo", None)]);
        apply(&mut m, &kust("prod")).unwrap();
        let v = m.resources()[0].value();
        assert_eq!(v.str_at(&["spec", "service", "namespace"]), Some("prod"));
        assert_eq!(v.str_at(&["metadata", "namespace"]), None);
    }

    #[test]
    fn conflicting_ids_are_an_error() {
        let mut m = rm(vec![
            obj("v1", "ConfigMap", "cm", Some("a")),
            obj("v1", "ConfigMap", "cm", Some("b")),
        ]);
        let e = apply(&mut m, &kust("prod")).unwrap_err();
        assert!(e.to_string().contains("ID conflict"), "{e}");
    }
}
