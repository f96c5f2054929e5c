//! `delete -f`: objects deleted in reverse install order with background propagation.

use std::time::Duration;

use kube::api::DeleteParams;

use super::ClusterError;
use super::object::{NamespaceChoice, Target, ensure_namespaces, install_order, resolve};
use super::ready;
use super::retry::delete_with_retry;
use super::session::Session;
use crate::resource::Document;

/// Flags of `rudder delete`.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub namespace: Option<String>,
    /// As [`super::ApplyOptions::namespace_is_default`].
    pub namespace_is_default: bool,
    /// Objects (or kinds) that do not exist are not errors.
    pub ignore_not_found: bool,
    /// `--wait`: wait this long until the objects are gone.
    pub wait: Option<Duration>,
}

/// One object handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteEvent {
    /// kubectl's `deployment.apps "controller" deleted`.
    Deleted { kind: String, name: String },
}

impl DeleteEvent {
    pub fn line(&self) -> String {
        match self {
            DeleteEvent::Deleted { kind, name } => format!("{kind} \"{name}\" deleted"),
        }
    }
}

impl Session {
    /// Deletes every object of `docs`, the reverse of the install order. Like kubectl, goes on after
    /// an object fails and reports the failures at the end.
    ///
    /// # Errors
    /// The first failure (with how many failed), e.g. an object not found without
    /// `ignore_not_found`; a wait timeout naming the objects still present.
    pub fn delete(
        &self,
        docs: &[Document],
        opts: &DeleteOptions,
        on_event: &mut dyn FnMut(&DeleteEvent),
        on_error: &mut dyn FnMut(&ClusterError),
    ) -> Result<usize, ClusterError> {
        self.block_on(delete(self, docs, opts, on_event, on_error))
    }
}

async fn delete(
    session: &Session,
    docs: &[Document],
    opts: &DeleteOptions,
    on_event: &mut dyn FnMut(&DeleteEvent),
    on_error: &mut dyn FnMut(&ClusterError),
) -> Result<usize, ClusterError> {
    let ns = NamespaceChoice::new(session, opts.namespace.as_deref(), opts.namespace_is_default);
    let mut ordered = install_order(docs);
    ordered.reverse();
    ensure_namespaces(session, &ordered, &ns).await?;
    let mut deleted: Vec<Target> = Vec::new();
    let mut failures: Vec<ClusterError> = Vec::new();
    for doc in &ordered {
        match delete_one(session, doc, &ns, opts).await {
            Ok(Some(target)) => {
                on_event(&DeleteEvent::Deleted {
                    kind: target.mapping.kind_label(),
                    name: target.name.clone(),
                });
                deleted.push(target);
            }
            Ok(None) => {}
            Err(e) => {
                on_error(&e);
                failures.push(e);
            }
        }
    }
    if let Some(timeout) = opts.wait {
        ready::wait_deleted(session, &deleted, timeout).await?;
    }
    let count = failures.len();
    match failures.into_iter().next() {
        None => Ok(deleted.len()),
        Some(first) if count == 1 => Err(first),
        Some(first) => Err(ClusterError::Several {
            count,
            total: ordered.len(),
            first: Box::new(first),
        }),
    }
}

/// `Ok(None)` when the object (or its kind) is gone and that is allowed.
async fn delete_one(
    session: &Session,
    doc: &Document,
    ns: &NamespaceChoice,
    opts: &DeleteOptions,
) -> Result<Option<Target>, ClusterError> {
    let target = match resolve(session, doc, ns).await {
        Ok(t) => t,
        Err(ClusterError::UnknownKind { .. }) if opts.ignore_not_found => return Ok(None),
        Err(e) => return Err(e),
    };
    let api = target.api(&session.client);
    let params = DeleteParams::background();
    match delete_with_retry(&target.describe(), || api.delete(&target.name, &params)).await {
        Ok(()) => Ok(Some(target)),
        Err(e) if e.is_not_found() && opts.ignore_not_found => Ok(None),
        Err(ClusterError::Api { code: 404, reason, .. }) => Err(ClusterError::Api {
            object: target.describe(),
            code: 404,
            reason,
            message: format!("{} \"{}\" not found", target.mapping.resource_label(), target.name),
        }),
        Err(e) => Err(e),
    }
}
