//! A revision's manifest as objects: parsing the stored YAML stream, marking each object as the
//! release's, telling which objects an upgrade drops, and who owns a live object.
//!
//! Ownership marks (rudder's own names, so that Helm and rudder never mistake each other's
//! objects for their own; Helm's are recognised when reporting an owner):
//! - label `app.kubernetes.io/managed-by: rudder`;
//! - annotations `rudder.dev/release-name` and `rudder.dev/release-namespace`.
//!
//! An object annotated `rudder.dev/resource-policy: keep` (or Helm's `helm.sh/resource-policy:
//! keep`) is never deleted by an upgrade, rollback or uninstall that drops it.

use crate::resource::{Document, is_cluster_scoped};
use crate::yaml::{self, Dialect, Value};

use super::Error;

pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const RELEASE_NAME: &str = "rudder.dev/release-name";
pub const RELEASE_NAMESPACE: &str = "rudder.dev/release-namespace";
const HELM_RELEASE_NAME: &str = "meta.helm.sh/release-name";
const HELM_RELEASE_NAMESPACE: &str = "meta.helm.sh/release-namespace";
const POLICIES: [&str; 2] = ["rudder.dev/resource-policy", "helm.sh/resource-policy"];

/// The objects of a manifest stream (empty documents dropped).
///
/// # Errors
/// [`Error::Manifest`] when the text is not YAML or a document is not a mapping.
pub fn parse(text: &str, source: &str) -> Result<Vec<Document>, Error> {
    let docs = yaml::parse_stream(text, Dialect::Kustomize, source).map_err(|e| Error::Manifest {
        source_name: source.to_string(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for d in docs {
        match d.value {
            Value::Null => {}
            Value::Map(_) => out.push(Document::new(d.value, source, d.line)),
            other => {
                return Err(Error::Manifest {
                    source_name: source.to_string(),
                    message: format!("line {}: expected a mapping, found {}", d.line, other.type_name()),
                });
            }
        }
    }
    Ok(out)
}

/// The documents with the release's label and annotations added.
pub fn mark(docs: &[Document], release: &str, namespace: &str) -> Vec<Document> {
    docs.iter()
        .map(|d| {
            let mut d = d.clone();
            if let Value::Map(m) = &mut d.value {
                let meta = m
                    .entry("metadata".to_string())
                    .or_insert_with(|| Value::Map(Default::default()));
                if let Value::Map(meta) = meta {
                    set(meta, "labels", MANAGED_BY, "rudder");
                    set(meta, "annotations", RELEASE_NAME, release);
                    set(meta, "annotations", RELEASE_NAMESPACE, namespace);
                }
            }
            d
        })
        .collect()
}

fn set(meta: &mut yaml::Map, field: &str, key: &str, value: &str) {
    let entry = meta
        .entry(field.to_string())
        .or_insert_with(|| Value::Map(Default::default()));
    if !matches!(entry, Value::Map(_)) {
        *entry = Value::Map(Default::default());
    }
    if let Value::Map(m) = entry {
        m.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// The identity of an object in a release: group, kind, namespace (the release's when a
/// namespaced object names none; empty for cluster-scoped kinds) and name.
pub fn key(doc: &Document, namespace: &str) -> (String, String, String, String) {
    let gvk = doc.gvk();
    let ns = if is_cluster_scoped(&gvk) {
        String::new()
    } else {
        doc.namespace()
            .filter(|n| !n.is_empty())
            .unwrap_or(namespace)
            .to_string()
    };
    (gvk.group, gvk.kind, ns, doc.name().unwrap_or_default().to_string())
}

/// The objects of `old` that `new` no longer contains and that are not annotated to keep.
pub fn dropped(old: &[Document], new: &[Document], namespace: &str) -> Vec<Document> {
    let kept: std::collections::HashSet<_> = new.iter().map(|d| key(d, namespace)).collect();
    old.iter()
        .filter(|d| !kept.contains(&key(d, namespace)) && !is_kept(d))
        .cloned()
        .collect()
}

/// Whether the document asks to be kept when its release drops it.
pub fn is_kept(doc: &Document) -> bool {
    POLICIES
        .iter()
        .any(|p| doc.value.str_at(&["metadata", "annotations", p]) == Some("keep"))
}

/// Who owns a live object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// This release.
    Us,
    /// Another release (rudder's or Helm's): `name` in `namespace`.
    Release {
        tool: &'static str,
        name: String,
        namespace: String,
    },
    /// No release.
    Nobody,
}

/// The owner of `live` (an object as the API returns it) seen from release `name` in `namespace`.
pub fn owner(live: &serde_json::Value, name: &str, namespace: &str) -> Owner {
    let ann = &live["metadata"]["annotations"];
    let pair = |n: &str, ns: &str| Some((ann[n].as_str()?.to_string(), ann[ns].as_str().unwrap_or("").to_string()));
    if let Some((n, ns)) = pair(RELEASE_NAME, RELEASE_NAMESPACE) {
        if n == name && ns == namespace {
            return Owner::Us;
        }
        return Owner::Release {
            tool: "rudder",
            name: n,
            namespace: ns,
        };
    }
    if let Some((n, ns)) = pair(HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE) {
        return Owner::Release {
            tool: "helm",
            name: n,
            namespace: ns,
        };
    }
    Owner::Nobody
}

/// The manifest with the values of every Secret's `data` and `stringData` replaced by
/// `<redacted>` (documents that are not Secrets are kept as they are, comments included).
pub fn redact_secrets(text: &str) -> String {
    let mut out = String::new();
    for part in crate::chart::render::split_documents(text) {
        let parsed = yaml::parse_stream(part, Dialect::Kustomize, "manifest").ok();
        let secret = parsed
            .as_ref()
            .and_then(|d| d.first())
            .map(|d| &d.value)
            .filter(|v| v.str_at(&["kind"]) == Some("Secret") && v.str_at(&["apiVersion"]) == Some("v1"));
        out.push_str("---\n");
        match secret {
            Some(v) => {
                let mut v = v.clone();
                for field in ["data", "stringData"] {
                    if let Some(Value::Map(m)) = v.get_mut(field) {
                        for val in m.values_mut() {
                            *val = Value::String("<redacted>".into());
                        }
                    }
                }
                for line in part.lines().take_while(|l| l.starts_with('#')) {
                    out.push_str(line);
                    out.push('\n');
                }
                out.push_str(&yaml::to_string(&v));
            }
            None => {
                out.push_str(part.trim_end_matches('\n'));
                out.push('\n');
            }
        }
    }
    out
}

/// A unified diff of one object (`--- live/v1.Secret.NS.NAME`) with the values under `data:` and
/// `stringData:` replaced by `<redacted>`, so a changed key shows without its values. Diffs of
/// other kinds come back unchanged.
pub fn redact_secret_diff(unified: &str) -> String {
    let is_secret = unified
        .lines()
        .next()
        .is_some_and(|l| l.starts_with("--- live/v1.Secret."));
    if !is_secret {
        return unified.to_string();
    }
    let mut out = String::new();
    let mut inside = false;
    for line in unified.lines() {
        let (mark, body) = match line.chars().next() {
            Some(c @ (' ' | '+' | '-')) if !line.starts_with("---") && !line.starts_with("+++") => (c, &line[1..]),
            _ => {
                out.push_str(line);
                out.push('\n');
                continue;
            }
        };
        if !body.starts_with(' ') {
            inside = matches!(body.trim_end(), "data:" | "stringData:");
        } else if inside && let Some((key, _)) = body.split_once(": ") {
            out.push(mark);
            out.push_str(key);
            out.push_str(": <redacted>\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TWO: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# comment only\n---\n\
                       apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  annotations:\n    helm.sh/resource-policy: keep\n";

    #[test]
    fn marks_are_added_without_losing_fields() {
        let docs = mark(&parse(TWO, "m").unwrap(), "web", "prod");
        assert_eq!(docs.len(), 2);
        let v = &docs[1].value;
        assert_eq!(v.str_at(&["metadata", "labels", MANAGED_BY]), Some("rudder"));
        assert_eq!(v.str_at(&["metadata", "annotations", RELEASE_NAME]), Some("web"));
        assert_eq!(v.str_at(&["metadata", "annotations", RELEASE_NAMESPACE]), Some("prod"));
        assert_eq!(
            v.str_at(&["metadata", "annotations", "helm.sh/resource-policy"]),
            Some("keep")
        );
    }

    #[test]
    fn dropped_objects_exclude_kept_and_still_present_ones() {
        let old = parse(
            &format!("{TWO}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  namespace: prod\n"),
            "old",
        )
        .unwrap();
        let new = parse(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: prod\n",
            "new",
        )
        .unwrap();
        let gone: Vec<String> = dropped(&old, &new, "prod").iter().map(Document::label).collect();
        assert_eq!(gone, ["secret/c"]);
    }

    #[test]
    fn secret_values_are_redacted_and_other_documents_kept() {
        let text = "---\n# Source: c/templates/s.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMg==\nstringData:\n  token: abc\n---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n";
        let out = redact_secrets(text);
        assert!(!out.contains("aHVudGVyMg=="), "{out}");
        assert!(!out.contains("abc"), "{out}");
        assert!(out.contains("# Source: c/templates/s.yaml\n"), "{out}");
        assert!(out.contains("password: <redacted>"), "{out}");
        assert!(
            out.contains("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n"),
            "{out}"
        );
    }

    #[test]
    fn secret_diffs_hide_values_but_show_changed_keys() {
        let diff = "--- live/v1.Secret.ns.s\n+++ merged/v1.Secret.ns.s\n@@ -1,4 +1,4 @@\n apiVersion: v1\n data:\n-  password: b2xk\n+  password: bmV3\n kind: Secret\n";
        let out = redact_secret_diff(diff);
        assert!(!out.contains("b2xk") && !out.contains("bmV3"), "{out}");
        assert!(
            out.contains("-  password: <redacted>\n+  password: <redacted>\n kind: Secret\n"),
            "{out}"
        );
        let cm = "--- live/v1.ConfigMap.ns.c\n+++ merged/v1.ConfigMap.ns.c\n data:\n-  k: a\n+  k: b\n";
        assert_eq!(redact_secret_diff(cm), cm);
    }

    #[test]
    fn owners_are_told_apart() {
        let ours = json!({"metadata": {"annotations": {RELEASE_NAME: "web", RELEASE_NAMESPACE: "prod"}}});
        assert_eq!(owner(&ours, "web", "prod"), Owner::Us);
        assert!(matches!(
            owner(&ours, "api", "prod"),
            Owner::Release { tool: "rudder", .. }
        ));
        let helm = json!({"metadata": {"annotations": {HELM_RELEASE_NAME: "web", HELM_RELEASE_NAMESPACE: "prod"}}});
        assert!(matches!(
            owner(&helm, "web", "prod"),
            Owner::Release { tool: "helm", .. }
        ));
        assert_eq!(owner(&json!({"metadata": {}}), "web", "prod"), Owner::Nobody);
    }
}
