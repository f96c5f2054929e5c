//! The `replicas` transformer: sets the replica count of named workloads.
//!
//! Rules (kustomize v5.5):
//! - an entry selects every object of a kind the replicas field specs list (Deployment,
//!   ReplicationController, ReplicaSet, StatefulSet) that has, or ever had in this build,
//!   the entry's name: `replicas: [{name: web}]` in an overlay finds `base-web` by the
//!   name it had before the base's prefix, and by its current name too;
//! - an entry that selects no object is an error;
//! - `spec.replicas` is created when missing; an existing quoted string count (`"2"`)
//!   stays a string (`"7"`), anything else becomes an integer;
//! - a mapping or list at `spec.replicas` is an error.

use crate::overlay::error::Error;
use crate::overlay::fieldspec::{CreateKind, visit};
use crate::overlay::kustomization::Kustomization;
use crate::overlay::resmap::ResMap;
use crate::yaml::Value;

use super::labels::{dotted, object_error};

/// Applies this level's `replicas` entries to its objects.
///
/// # Errors
/// An entry names no workload, or a workload's replica field is not a scalar.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    let specs = &k.fields.replicas;
    for (i, entry) in k.replicas.iter().enumerate() {
        let field = format!("replicas[{i}]");
        let mut found = false;
        for spec in specs {
            for r in rm.iter_mut() {
                if !r
                    .all_ids()
                    .iter()
                    .any(|id| id.name == entry.name && spec.selects(&id.gvk))
                {
                    continue;
                }
                found = true;
                let gvk = r.gvk();
                // `""` in the source (as opposed to the `""` made for a missing field).
                let segments = spec.segments();
                let path: Vec<&str> = segments.iter().map(String::as_str).collect();
                let quoted_empty = r.value().pointer(&path).is_some_and(|v| v.as_str() == Some(""));
                let result = visit(r.value_mut(), &gvk, spec, CreateKind::Scalar, &mut |node| {
                    set_count(node, entry.count, quoted_empty)
                        .map_err(|found| format!("{}: expected an integer, found {found}", dotted(&spec.path)))
                });
                if let Err(message) = result {
                    return Err(object_error(r, &k.file, &field, &message));
                }
            }
        }
        if !found {
            let kinds: Vec<&str> = specs.iter().map(|s| s.gvk.kind.as_str()).collect();
            return Err(Error::field(
                &k.file,
                format!("{field}.name"),
                format!("no {} named '{}'", or_list(&kinds), entry.name),
            ));
        }
    }
    Ok(())
}

/// Sets a replica count, keeping a quoted string a string (kustomize keeps the node's
/// quoting style). A plain string that reads as text (`abc`) was unquoted in the source:
/// it becomes a number, as in kustomize. `quoted_empty` tells a source `""` from the empty
/// string made for a missing field.
fn set_count(node: &mut Value, count: i64, quoted_empty: bool) -> Result<(), &'static str> {
    *node = match node {
        Value::Map(_) | Value::Seq(_) => return Err(node.type_name()),
        Value::String(s) if quoted_empty || looks_typed(s) => Value::String(count.to_string()),
        _ => Value::Int(count),
    };
    Ok(())
}

/// Whether a string would read as a non-string if unquoted, so it must have been quoted.
fn looks_typed(s: &str) -> bool {
    !s.is_empty()
        && ((s.parse::<f64>().is_ok() && s.bytes().any(|b| b.is_ascii_digit()))
            || matches!(
                s,
                "true"
                    | "false"
                    | "True"
                    | "False"
                    | "TRUE"
                    | "FALSE"
                    | "null"
                    | "Null"
                    | "NULL"
                    | "~"
                    | ".inf"
                    | "-.inf"
                    | "+.inf"
                    | ".nan"
                    | ".Inf"
                    | ".NaN"
            )
            || s.starts_with("0x")
            || s.starts_with("0o"))
}

/// `A, B, C or D`.
fn or_list(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::kustomization::Replica;
    use crate::overlay::transform::labels::tests::{at, resmap};

    const WORKLOADS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: \"2\"
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: app
spec:
  replicas: 1
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: app
spec:
  replicas: abc
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: app
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: app
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  minReplicas: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: other
spec:
  replicas: 1
";

    fn kust(entries: &[(&str, i64)]) -> Kustomization {
        Kustomization {
            file: "kustomization.yaml".into(),
            replicas: entries
                .iter()
                .map(|(n, c)| Replica {
                    name: n.to_string(),
                    count: *c,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn sets_counts_on_workload_kinds() {
        let mut rm = resmap(WORKLOADS);
        apply(&mut rm, &kust(&[("app", 7)])).unwrap();
        let replicas = |i| at(&rm, i, &["spec", "replicas"]).cloned();
        assert_eq!(replicas(0), Some(Value::from("7")));
        assert_eq!(replicas(1), Some(Value::Int(7)));
        assert_eq!(replicas(2), Some(Value::Int(7)));
        assert_eq!(replicas(3), Some(Value::Int(7)));
        assert_eq!(replicas(4), None);
        assert_eq!(replicas(5), None);
        assert_eq!(replicas(6), Some(Value::Int(1)));
    }

    #[test]
    fn quoted_empty_count_stays_a_string() {
        let mut rm =
            resmap("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: app\nspec:\n  replicas: \"\"\n");
        apply(&mut rm, &kust(&[("app", 2)])).unwrap();
        assert_eq!(at(&rm, 0, &["spec", "replicas"]), Some(&Value::from("2")));
        let mut rm = resmap("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: app\nspec:\n  replicas:\n");
        apply(&mut rm, &kust(&[("app", 2)])).unwrap();
        assert_eq!(at(&rm, 0, &["spec", "replicas"]), Some(&Value::Int(2)));
    }

    #[test]
    fn matches_earlier_names() {
        let mut rm = resmap(WORKLOADS);
        let r = &mut rm.resources_mut()[6];
        r.set_name("base-other");
        r.set_name("top-base-other");
        apply(&mut rm, &kust(&[("other", 3)])).unwrap();
        assert_eq!(at(&rm, 6, &["spec", "replicas"]), Some(&Value::Int(3)));
        apply(&mut rm, &kust(&[("base-other", 4), ("top-base-other", 5)])).unwrap();
        assert_eq!(at(&rm, 6, &["spec", "replicas"]), Some(&Value::Int(5)));
    }

    #[test]
    fn no_match_is_an_error() {
        let mut rm = resmap(WORKLOADS);
        let e = apply(&mut rm, &kust(&[("nope", 1)])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "kustomization.yaml: replicas[0].name: no Deployment, ReplicationController, ReplicaSet or StatefulSet named 'nope'"
        );
    }

    #[test]
    fn mapping_count_is_an_error() {
        let mut rm =
            resmap("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: {a: 1}\n");
        let e = apply(&mut rm, &kust(&[("app", 1)])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "kustomization.yaml: replicas[0]: apps/v1 Deployment app: spec.replicas: expected an integer, found a mapping"
        );
    }
}
