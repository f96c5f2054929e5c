//! `diff -f`: what `apply` would change, object by object — a server-side dry-run apply compared
//! with the live object, both with server-managed noise stripped, as unified diffs.

use kube::api::{Patch, PatchParams};

use super::ClusterError;
use super::apply::FIELD_MANAGER;
use super::object::{NamespaceChoice, Target, ensure_namespaces, install_order, resolve};
use super::retry::with_retry;
use super::session::Session;
use crate::resource::Document;
use crate::yaml::{self, Value};

/// Flags of `rudder diff`.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    pub namespace: Option<String>,
    /// As [`super::ApplyOptions::namespace_is_default`].
    pub namespace_is_default: bool,
    pub force_conflicts: bool,
}

/// One object whose merged form differs from the live one (or that does not exist yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDiff {
    /// kubectl's file name for the object: `apps.v1.Deployment.metallb-system.controller`.
    pub name: String,
    /// The unified diff, headers included (`--- live/NAME`, `+++ merged/NAME`).
    pub unified: String,
}

/// Fields the server owns, which would show as noise in every diff.
const NOISE: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
];

impl Session {
    /// The objects of `docs` that `apply` would change, in install order.
    ///
    /// # Errors
    /// A dry-run apply or a read failing (with the server's message and the object's name).
    pub fn diff(&self, docs: &[Document], opts: &DiffOptions) -> Result<Vec<ObjectDiff>, ClusterError> {
        self.block_on(async {
            let ns = NamespaceChoice::new(self, opts.namespace.as_deref(), opts.namespace_is_default);
            let ordered = install_order(docs);
            ensure_namespaces(self, &ordered, &ns).await?;
            let mut out = Vec::new();
            for doc in ordered {
                let target = resolve(self, doc, &ns).await?;
                if let Some(d) = diff_one(self, &target, opts).await? {
                    out.push(d);
                }
            }
            Ok(out)
        })
    }
}

async fn diff_one(session: &Session, target: &Target, opts: &DiffOptions) -> Result<Option<ObjectDiff>, ClusterError> {
    let api = target.api(&session.client);
    let what = target.describe();
    let live = with_retry(&what, || api.get_opt(&target.name)).await?;
    let mut params = PatchParams::apply(FIELD_MANAGER).dry_run();
    params.force = opts.force_conflicts;
    let patch = Patch::Apply(&target.body);
    let merged = with_retry(&what, || api.patch(&target.name, &params, &patch)).await?;
    let live_text = match live {
        Some(obj) => render(serde_json::to_value(&obj).unwrap_or_default()),
        None => String::new(),
    };
    let merged_text = render(serde_json::to_value(&merged).unwrap_or_default());
    if live_text == merged_text {
        return Ok(None);
    }
    let name = file_name(target);
    let unified = similar::TextDiff::from_lines(&live_text, &merged_text)
        .unified_diff()
        .context_radius(3)
        .header(&format!("live/{name}"), &format!("merged/{name}"))
        .to_string();
    Ok(Some(ObjectDiff { name, unified }))
}

fn file_name(target: &Target) -> String {
    let r = &target.mapping.resource;
    let group = if r.group.is_empty() {
        String::new()
    } else {
        format!("{}.", r.group)
    };
    match &target.namespace {
        Some(ns) => format!("{group}{}.{}.{ns}.{}", r.version, r.kind, target.name),
        None => format!("{group}{}.{}.{}", r.version, r.kind, target.name),
    }
}

/// The object as YAML with server noise removed.
fn render(mut obj: serde_json::Value) -> String {
    strip_noise(&mut obj);
    yaml::to_string(&Value::from_json(&obj))
}

fn strip_noise(obj: &mut serde_json::Value) {
    if let Some(map) = obj.as_object_mut() {
        map.remove("status");
        if let Some(meta) = map.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            for key in NOISE {
                meta.remove(*key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn noise_is_stripped() {
        let text = render(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "uid": "u", "resourceVersion": "7", "generation": 2,
                         "creationTimestamp": "2026-01-01T00:00:00Z", "managedFields": [{}]},
            "data": {"k": "v"}, "status": {"x": 1}
        }));
        assert_eq!(
            text,
            "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n"
        );
    }
}
