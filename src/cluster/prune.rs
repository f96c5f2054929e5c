//! `apply --prune -l SELECTOR`, kubectl's semantics: among the kinds kubectl prunes by default, list
//! the objects carrying the selector (namespaced kinds in the namespaces the input touched,
//! cluster-scoped kinds everywhere) and delete, with background propagation, those that were not just
//! applied. As kubectl only prunes what `apply` created (its last-applied annotation), rudder only
//! prunes objects whose managed fields show an apply by the `rudder` field manager.

use std::collections::{BTreeSet, HashSet};

use kube::Api;
use kube::api::{DeleteParams, ListParams};
use kube::core::DynamicObject;

use super::ClusterError;
use super::apply::{ApplyEvent, FIELD_MANAGER};
use super::object::Target;
use super::retry::{delete_with_retry, with_retry};
use super::session::Session;
use crate::resource::Gvk;

/// kubectl's default prune list (group, version, kind).
const PRUNE_KINDS: &[(&str, &str, &str)] = &[
    ("", "v1", "ConfigMap"),
    ("", "v1", "Endpoints"),
    ("", "v1", "Namespace"),
    ("", "v1", "PersistentVolumeClaim"),
    ("", "v1", "PersistentVolume"),
    ("", "v1", "Pod"),
    ("", "v1", "ReplicationController"),
    ("", "v1", "Secret"),
    ("", "v1", "Service"),
    ("batch", "v1", "Job"),
    ("batch", "v1", "CronJob"),
    ("networking.k8s.io", "v1", "Ingress"),
    ("apps", "v1", "DaemonSet"),
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "ReplicaSet"),
    ("apps", "v1", "StatefulSet"),
];

/// Deletes the labelled objects not in `applied_uids`; returns how many were pruned.
pub(crate) async fn prune(
    session: &Session,
    applied: &[Target],
    applied_uids: &HashSet<String>,
    selector: &str,
    dry_run: bool,
    on_event: &mut dyn FnMut(&ApplyEvent),
) -> Result<usize, ClusterError> {
    let namespaces: BTreeSet<&str> = applied.iter().filter_map(|t| t.namespace.as_deref()).collect();
    let gvks: Vec<Gvk> = PRUNE_KINDS.iter().map(|(g, v, k)| Gvk::new(g, v, k)).collect();
    let mappings = session.discovery.lock().await.served(&session.client, &gvks).await?;
    let mut params = DeleteParams::background();
    params.dry_run = dry_run;
    let mut pruned = 0;
    for mapping in &mappings {
        let scopes: Vec<Option<&str>> = if mapping.namespaced {
            namespaces.iter().map(|n| Some(*n)).collect()
        } else {
            vec![None]
        };
        for ns in scopes {
            let api: Api<DynamicObject> = match ns {
                Some(ns) => Api::namespaced_with(session.client.clone(), ns, &mapping.resource),
                None => Api::all_with(session.client.clone(), &mapping.resource),
            };
            let what = format!("listing {} with {selector}", mapping.resource_label());
            let list_params = ListParams::default().labels(selector);
            let list = with_retry(&what, || api.list(&list_params)).await?;
            for obj in list.items {
                if !is_prunable(&obj, applied_uids) {
                    continue;
                }
                let name = obj.metadata.name.clone().unwrap_or_default();
                let label = format!("{}/{name}", mapping.kind_label());
                match delete_with_retry(&label, || api.delete(&name, &params)).await {
                    Ok(()) => {}
                    Err(e) if e.is_not_found() => continue,
                    Err(e) => return Err(e),
                }
                pruned += 1;
                on_event(&ApplyEvent::Pruned { label, dry_run });
            }
        }
    }
    Ok(pruned)
}

fn is_prunable(obj: &DynamicObject, applied_uids: &HashSet<String>) -> bool {
    let meta = &obj.metadata;
    if meta.uid.as_ref().is_some_and(|u| applied_uids.contains(u)) || meta.deletion_timestamp.is_some() {
        return false;
    }
    meta.managed_fields
        .iter()
        .flatten()
        .any(|m| m.manager.as_deref() == Some(FIELD_MANAGER) && m.operation.as_deref() == Some("Apply"))
}
