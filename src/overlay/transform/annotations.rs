//! The `commonAnnotations` transformer: the object's own annotations (created when
//! missing) and those of the pod templates of workloads, as kustomize's annotation field
//! specs list them. Values are always strings; an existing key is overwritten.

use crate::overlay::error::Error;
use crate::overlay::kustomization::Kustomization;
use crate::overlay::resmap::ResMap;

use super::labels::set_entries;

/// Applies this level's `commonAnnotations` to its objects.
///
/// # Errors
/// An annotation field (or a field on the way to it) of an object is not a mapping.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    set_entries(
        rm.iter_mut(),
        &k.fields.common_annotations,
        &k.common_annotations,
        &k.file,
        "commonAnnotations",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::transform::labels::tests::{at, map, resmap};
    use crate::yaml::Value;

    #[test]
    fn annotations_reach_metadata_and_pod_templates() {
        let mut rm = resmap(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations:\n    team: old\n    keep: k\n\
             ---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\n\
             ---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations: null\n",
        );
        let k = Kustomization {
            file: "kustomization.yaml".into(),
            common_annotations: map(&[("team", "new"), ("empty", ""), ("multi", "a\nb")]),
            ..Default::default()
        };
        apply(&mut rm, &k).unwrap();
        assert_eq!(
            at(&rm, 0, &["metadata", "annotations", "team"]),
            Some(&Value::from("new"))
        );
        assert_eq!(
            at(&rm, 0, &["metadata", "annotations", "keep"]),
            Some(&Value::from("k"))
        );
        assert_eq!(
            at(&rm, 0, &["spec", "template", "metadata", "annotations", "empty"]),
            Some(&Value::from(""))
        );
        assert!(at(&rm, 0, &["spec", "template", "metadata", "annotations", "keep"]).is_none());
        assert_eq!(
            at(&rm, 1, &["spec", "jobTemplate", "metadata", "annotations", "team"]),
            Some(&Value::from("new"))
        );
        assert_eq!(
            at(
                &rm,
                1,
                &[
                    "spec",
                    "jobTemplate",
                    "spec",
                    "template",
                    "metadata",
                    "annotations",
                    "multi"
                ]
            ),
            Some(&Value::from("a\nb"))
        );
        // Labels-only selectors are not annotation targets.
        assert_eq!(
            at(&rm, 2, &["metadata", "annotations", "team"]),
            Some(&Value::from("new"))
        );
        assert!(at(&rm, 2, &["spec"]).is_none());
        assert_eq!(
            at(&rm, 3, &["metadata", "annotations", "team"]),
            Some(&Value::from("new"))
        );
    }

    #[test]
    fn no_annotations_touch_nothing() {
        let mut rm = resmap("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
        let before = rm.clone();
        apply(&mut rm, &Kustomization::default()).unwrap();
        assert_eq!(rm, before);
    }
}
