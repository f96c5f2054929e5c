//! The `commonLabels` and `labels` transformers, and the map-entry setter that the
//! annotation and managed-by transformers share.
//!
//! Rules (kustomize v5.5):
//! - each `labels:` entry runs first, in order, then `commonLabels`; a key set by both
//!   ends with the `commonLabels` value;
//! - a `labels:` entry sets `metadata/labels` only; with `includeTemplates` also the pod
//!   and claim template labels; with `includeSelectors` everything `commonLabels` sets
//!   (selectors and templates), whatever `includeTemplates` says;
//! - an entry with no pairs touches nothing (no empty `labels: {}` is created);
//! - values are always strings; an existing key is overwritten in place.

use crate::overlay::config;
use crate::overlay::error::Error;
use crate::overlay::fieldspec::{CreateKind, FieldSpec, visit};
use crate::overlay::kustomization::Kustomization;
use crate::overlay::resmap::{ResMap, Resource};
use crate::yaml::{Map, Value};

/// Applies this level's `labels` entries, then its `commonLabels`, to its objects.
///
/// # Errors
/// A label field (or a field on the way to it) of an object is not a mapping.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    for (i, set) in k.labels.iter().enumerate() {
        let field = format!("labels[{i}]");
        let defaults = if set.include_selectors {
            &k.fields.common_labels
        } else if set.include_templates {
            &k.fields.template_labels
        } else {
            config::metadata_labels()
        };
        // The entry's own `fields` come first, then the defaults it lacks.
        let mut specs = set.fields.clone();
        config::merge_specs(&mut specs, defaults).map_err(|m| Error::field(&k.file, &field, m))?;
        set_entries(rm.iter_mut(), &specs, &set.pairs, &k.file, &field)?;
    }
    set_entries(
        rm.iter_mut(),
        &k.fields.common_labels,
        &k.common_labels,
        &k.file,
        "commonLabels",
    )
}

/// Sets every pair of `pairs` in the mapping each spec addresses in each resource,
/// creating the mapping where the spec says so.
///
/// # Errors
/// A [`Error::Field`] naming `file` and `field`, then the object and the field of it that
/// is not a mapping.
pub(crate) fn set_entries<'a>(
    resources: impl Iterator<Item = &'a mut Resource>,
    specs: &[FieldSpec],
    pairs: &Map,
    file: &str,
    field: &str,
) -> Result<(), Error> {
    if pairs.is_empty() {
        return Ok(());
    }
    for r in resources {
        let gvk = r.gvk();
        for spec in specs {
            let result = visit(r.value_mut(), &gvk, spec, CreateKind::Map, &mut |node| {
                if node.is_null() {
                    // An existing null the spec may not replace (kustomize leaves it).
                    return Ok(());
                }
                let found = node.type_name();
                let map = node
                    .as_map_mut()
                    .ok_or_else(|| format!("{}: expected a mapping, found {found}", dotted(&spec.path)))?;
                for (key, value) in pairs {
                    map.insert(
                        key.clone(),
                        Value::String(value.as_str().unwrap_or_default().to_string()),
                    );
                }
                Ok(())
            });
            if let Err(message) = result {
                return Err(object_error(r, file, field, &message));
            }
        }
    }
    Ok(())
}

/// A field path as messages print it: `spec.selector.matchLabels`.
pub(crate) fn dotted(path: &str) -> String {
    path.replace('/', ".")
}

/// An error about one object met while applying a kustomization field.
pub(crate) fn object_error(r: &Resource, file: &str, field: &str, message: &str) -> Error {
    Error::field(file, field, format!("{}: {message}", r.cur_id()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::overlay::kustomization::LabelSet;
    use crate::resource::Document;
    use crate::yaml::{self, Dialect};

    /// Objects parsed from YAML text, as a `ResMap`.
    pub(crate) fn resmap(text: &str) -> ResMap {
        let mut rm = ResMap::new();
        for d in yaml::parse_stream(text, Dialect::Kustomize, "r.yaml").unwrap() {
            if !d.value.is_null() {
                rm.append(Resource::new(Document::new(d.value, "r.yaml", d.line)))
                    .unwrap();
            }
        }
        rm
    }

    pub(crate) fn map(pairs: &[(&str, &str)]) -> Map {
        pairs.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect()
    }

    pub(crate) fn at<'a>(rm: &'a ResMap, i: usize, path: &[&str]) -> Option<&'a Value> {
        rm.resources()[i].value().pointer(path)
    }

    fn keys(v: Option<&Value>) -> Vec<String> {
        let mut k: Vec<String> = v
            .and_then(Value::as_map)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    }

    const WORKLOADS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: s
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cj
spec:
  jobTemplate:
    spec:
      template:
        spec: {}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ss
spec:
  volumeClaimTemplates:
  - metadata:
      name: data
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
spec:
  ingress:
  - from:
    - podSelector:
        matchLabels:
          x: y
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels: null
";

    fn kust() -> Kustomization {
        Kustomization {
            file: "k/kustomization.yaml".into(),
            common_labels: map(&[("app", "common"), ("num", "1")]),
            labels: vec![
                LabelSet {
                    pairs: map(&[("app", "first"), ("sel", "s")]),
                    include_selectors: true,
                    include_templates: false,
                    fields: Vec::new(),
                },
                LabelSet {
                    pairs: map(&[("tpl", "t")]),
                    include_selectors: false,
                    include_templates: true,
                    fields: Vec::new(),
                },
                LabelSet {
                    pairs: map(&[("meta", "m")]),
                    include_selectors: false,
                    include_templates: false,
                    fields: Vec::new(),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn labels_reach_metadata_selectors_and_templates() {
        let mut rm = resmap(WORKLOADS);
        apply(&mut rm, &kust()).unwrap();
        let all = ["app", "meta", "num", "sel", "tpl"];
        for i in 0..6 {
            assert_eq!(keys(at(&rm, i, &["metadata", "labels"])), all, "object {i}");
        }
        // commonLabels runs last and wins.
        assert_eq!(at(&rm, 0, &["metadata", "labels", "app"]), Some(&Value::from("common")));
        assert_eq!(at(&rm, 0, &["metadata", "labels", "num"]), Some(&Value::from("1")));
        // Deployment: selector created without template-only or metadata-only labels.
        assert_eq!(
            keys(at(&rm, 0, &["spec", "selector", "matchLabels"])),
            ["app", "num", "sel"]
        );
        assert_eq!(
            keys(at(&rm, 0, &["spec", "template", "metadata", "labels"])),
            ["app", "num", "sel", "tpl"]
        );
        assert_eq!(keys(at(&rm, 1, &["spec", "selector"])), ["app", "num", "sel"]);
        // CronJob: both template levels.
        assert_eq!(
            keys(at(&rm, 2, &["spec", "jobTemplate", "metadata", "labels"])),
            ["app", "num", "sel", "tpl"]
        );
        assert_eq!(
            keys(at(
                &rm,
                2,
                &["spec", "jobTemplate", "spec", "template", "metadata", "labels"]
            )),
            ["app", "num", "sel", "tpl"]
        );
        // StatefulSet: claim templates get template labels.
        let claims = at(&rm, 3, &["spec", "volumeClaimTemplates"]).unwrap().as_seq().unwrap();
        assert_eq!(
            keys(claims[0].pointer(&["metadata", "labels"])),
            ["app", "num", "sel", "tpl"]
        );
        // NetworkPolicy: existing selectors get labels, missing ones are not created.
        let np = at(&rm, 4, &["spec", "ingress"]).unwrap().as_seq().unwrap()[0]
            .pointer(&["from"])
            .unwrap();
        assert_eq!(
            keys(np.as_seq().unwrap()[0].pointer(&["podSelector", "matchLabels"])),
            ["app", "num", "sel", "x"]
        );
        assert!(at(&rm, 4, &["spec", "podSelector"]).is_none());
    }

    #[test]
    fn empty_pairs_create_nothing() {
        let mut rm = resmap("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
        let k = Kustomization {
            labels: vec![LabelSet {
                pairs: Map::default(),
                include_selectors: true,
                include_templates: true,
                fields: Vec::new(),
            }],
            ..Default::default()
        };
        apply(&mut rm, &k).unwrap();
        assert!(at(&rm, 0, &["metadata", "labels"]).is_none());
    }

    #[test]
    fn null_selectors_that_may_not_be_created_stay_null() {
        let mut rm = resmap(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb\nspec:\n  selector:\n    matchLabels:\n",
        );
        apply(&mut rm, &kust()).unwrap();
        assert_eq!(at(&rm, 0, &["spec", "selector", "matchLabels"]), Some(&Value::Null));
        assert_eq!(
            keys(at(&rm, 0, &["metadata", "labels"])),
            ["app", "meta", "num", "sel", "tpl"]
        );
    }

    #[test]
    fn non_mapping_labels_are_an_error() {
        let mut rm = resmap("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: foo\n");
        let e = apply(&mut rm, &kust()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "k/kustomization.yaml: labels[0]: v1 Service s: spec.selector: expected a mapping, found a string"
        );
        let mut rm = resmap("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec: foo\n");
        let e = apply(&mut rm, &kust()).unwrap_err().to_string();
        assert!(e.starts_with("k/kustomization.yaml: labels[0]: v1 Service s: "), "{e}");
    }
}
