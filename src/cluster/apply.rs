//! `apply`: server-side apply of a document stream, CRDs first, then prune and wait.

use std::collections::HashSet;
use std::time::Duration;

use kube::api::{Patch, PatchParams};

use super::ClusterError;
use super::object::{NamespaceChoice, Target, doc_label, ensure_namespaces, install_order, is_crd, resolve};
use super::prune::prune;
use super::ready::{self, Progress};
use super::retry::with_retry;
use super::session::Session;
use crate::resource::Document;

/// The field manager rudder applies with.
pub const FIELD_MANAGER: &str = "rudder";

/// How long to wait for CRDs in the stream to become Established before their custom resources.
const CRD_TIMEOUT: Duration = Duration::from_secs(60);

/// Flags of `rudder apply`.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// `-n`: namespace for namespaced objects naming none; objects naming another one are refused
    /// unless `namespace_is_default`.
    pub namespace: Option<String>,
    /// `namespace` is only a default: objects naming another namespace go there (as Helm
    /// applies a release's objects), instead of being refused as with kubectl's `-n`.
    pub namespace_is_default: bool,
    /// Take ownership of fields other managers own (`--force-conflicts`).
    pub force_conflicts: bool,
    /// `--dry-run=server`: the server validates and merges but persists nothing.
    pub dry_run: bool,
    /// `--prune -l SELECTOR`: delete objects with this label that are not in the input.
    pub prune_selector: Option<String>,
    /// `--wait`: wait this long for every applied object to be ready.
    pub wait: Option<Duration>,
}

/// What the server did with one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

/// Something to show while applying, in order.
#[derive(Debug, Clone)]
pub enum ApplyEvent {
    /// An object applied: kubectl's `deployment.apps/controller serverside-applied`.
    Applied {
        label: String,
        outcome: ApplyOutcome,
        dry_run: bool,
    },
    /// An object pruned: `configmap/old pruned`.
    Pruned { label: String, dry_run: bool },
    /// Waiting for readiness.
    Waiting(Progress),
}

impl ApplyEvent {
    /// The line kubectl prints for this event (none for progress).
    pub fn line(&self) -> Option<String> {
        let suffix = |dry: bool| if dry { " (server dry run)" } else { "" };
        match self {
            ApplyEvent::Applied {
                label,
                outcome,
                dry_run,
            } => {
                let word = match outcome {
                    ApplyOutcome::Unchanged => "unchanged",
                    ApplyOutcome::Created | ApplyOutcome::Configured => "serverside-applied",
                };
                Some(format!("{label} {word}{}", suffix(*dry_run)))
            }
            ApplyEvent::Pruned { label, dry_run } => Some(format!("{label} pruned{}", suffix(*dry_run))),
            ApplyEvent::Waiting(_) => None,
        }
    }
}

/// Counts of what happened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub created: usize,
    pub configured: usize,
    pub unchanged: usize,
    pub pruned: usize,
}

impl Session {
    /// Applies `docs` server-side as field manager `rudder`, in Helm's install order of kinds,
    /// CRDs first (waited for until Established, then discovery refreshed for their kinds).
    ///
    /// # Errors
    /// The first failure, with the server's message and the object's name, and which objects were
    /// applied before it and which were not; a timeout naming the objects not ready.
    pub fn apply(
        &self,
        docs: &[Document],
        opts: &ApplyOptions,
        on_event: &mut dyn FnMut(&ApplyEvent),
    ) -> Result<ApplyReport, ClusterError> {
        self.block_on(apply(self, docs, opts, on_event))
    }
}

async fn apply(
    session: &Session,
    docs: &[Document],
    opts: &ApplyOptions,
    on_event: &mut dyn FnMut(&ApplyEvent),
) -> Result<ApplyReport, ClusterError> {
    let ns = NamespaceChoice::new(session, opts.namespace.as_deref(), opts.namespace_is_default);
    let all = install_order(docs);
    ensure_namespaces(session, &all, &ns).await?;
    let crd_count = all.iter().filter(|d| is_crd(d)).count();
    let mut report = ApplyReport::default();
    let mut applied: Vec<Target> = Vec::new();
    let mut uids: HashSet<String> = HashSet::new();
    for (i, doc) in all.iter().enumerate() {
        let result = async {
            if i == crd_count && crd_count > 0 && !opts.dry_run {
                ready::wait(session, &applied, CRD_TIMEOUT, &mut |_| {}).await?;
            }
            let target = resolve(session, doc, &ns).await?;
            let (outcome, uid) = apply_one(session, &target, opts).await?;
            Ok::<_, ClusterError>((target, outcome, uid))
        }
        .await;
        let (target, outcome, uid) = result.map_err(|error| partial(error, &all, i))?;
        match outcome {
            ApplyOutcome::Created => report.created += 1,
            ApplyOutcome::Configured => report.configured += 1,
            ApplyOutcome::Unchanged => report.unchanged += 1,
        }
        on_event(&ApplyEvent::Applied {
            label: target.label(),
            outcome,
            dry_run: opts.dry_run,
        });
        uids.extend(uid);
        applied.push(target);
    }
    if let Some(selector) = &opts.prune_selector {
        report.pruned = prune(session, &applied, &uids, selector, opts.dry_run, on_event).await?;
    }
    if let Some(timeout) = opts.wait
        && !opts.dry_run
    {
        ready::wait(session, &applied, timeout, &mut |p| {
            on_event(&ApplyEvent::Waiting(p.clone()))
        })
        .await?;
    }
    Ok(report)
}

/// The error of object `failed`, with what was applied before it and what was not.
fn partial(error: ClusterError, all: &[&Document], failed: usize) -> ClusterError {
    if all.len() == 1 {
        return error;
    }
    let not_applied: Vec<String> = all[failed..].iter().map(|d| doc_label(d)).collect();
    ClusterError::Partial {
        error: Box::new(error),
        applied: failed,
        total: all.len(),
        not_applied: not_applied.join(", "),
    }
}

/// Applies one object; the outcome compares resourceVersions before and after.
async fn apply_one(
    session: &Session,
    target: &Target,
    opts: &ApplyOptions,
) -> Result<(ApplyOutcome, Option<String>), ClusterError> {
    let api = target.api(&session.client);
    let what = target.describe();
    let before = if opts.dry_run {
        None
    } else {
        with_retry(&what, || api.get_opt(&target.name))
            .await?
            .and_then(|live| live.metadata.resource_version)
    };
    let mut params = PatchParams::apply(FIELD_MANAGER);
    params.force = opts.force_conflicts;
    params.dry_run = opts.dry_run;
    let patch = Patch::Apply(&target.body);
    let after = with_retry(&what, || api.patch(&target.name, &params, &patch)).await?;
    let outcome = match before {
        None => ApplyOutcome::Created,
        Some(rv) if Some(&rv) == after.metadata.resource_version.as_ref() => ApplyOutcome::Unchanged,
        Some(_) => ApplyOutcome::Configured,
    };
    Ok((outcome, after.metadata.uid))
}
