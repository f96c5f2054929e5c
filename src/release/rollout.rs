//! What install, upgrade and rollback share: starting an operation (lock, recovery of a release
//! left pending), checking ownership of new objects, and rolling a revision out — record it
//! pending, apply, delete what was dropped, wait, then mark it deployed or failed.

use crate::cluster::{ApplyOptions, DeleteOptions, DiffOptions};
use crate::resource::Document;

use super::hooks::{self, Hook, HookEvent};
use super::lock::{self, Lock, LockRequest};
use super::manifest::{self, Owner};
use super::record::{Status, now};
use super::{DeployOptions, Error, Event, Releases, Revision};

/// How long a hook may run when neither `--timeout` nor `--wait` says: Helm's default timeout.
pub(crate) const DEFAULT_HOOK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// One revision to roll out.
pub(crate) struct Plan {
    /// `install`, `upgrade`, `rollback`: for hooks and messages.
    pub operation: &'static str,
    /// The new revision, pending; written before anything is applied.
    pub rev: Revision,
    /// Its objects (unmarked) and CRDs.
    pub docs: Vec<Document>,
    pub crds: Vec<Document>,
    /// The objects the release had before; those not in `docs` are deleted.
    pub previous: Vec<Document>,
    /// The description once deployed.
    pub done: String,
}

impl<'s> Releases<'s> {
    /// Takes the release's lock and reads its history.
    ///
    /// The pending revision, not the Lease, says whether an operation was cut short: a Lease
    /// whose holder is gone is taken over (with a note) when the release's latest revision is
    /// settled; when that revision is still pending, the operation stops with the ways out
    /// unless `force` (or the operation is `rollback`, the recovery command): then the pending
    /// revision is marked failed and the operation goes on.
    ///
    /// # Errors
    /// [`Error::Locked`] when a live operation holds the lock; [`Error::Interrupted`]; the
    /// cluster failing.
    pub(crate) fn begin(
        &self,
        name: &str,
        operation: &'static str,
        force: bool,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<(Lock<'s>, Vec<Revision>), Error> {
        let recover = force || operation == "rollback";
        let req = LockRequest {
            release: name,
            namespace: &self.namespace,
            operation,
            take_over_stale: true,
        };
        let (lock, taken_over) = match lock::acquire(self.session, &self.connect, &req) {
            Ok(held) => held,
            // The Lease cannot be created: the namespace does not exist.
            Err(Error::Cluster(e)) if e.is_not_found() && operation == "install" => {
                return Err(self.no_namespace(name));
            }
            Err(Error::Cluster(e)) if e.is_not_found() => return Err(self.not_found(name)),
            Err(e) => return Err(e),
        };
        let store = self.store();
        let mut history = store.history(name)?;
        let pending = history.last_mut().filter(|r| r.info.status.is_pending());
        let Some(latest) = pending else {
            if let Some(h) = taken_over {
                on_event(&Event::Note(format!(
                    "took over the lock of release '{name}' left by {h}, whose process is gone"
                )));
            }
            return Ok((lock, history));
        };
        let was = latest.info.status;
        let by = match &taken_over {
            Some(h) => format!("{h}, whose process is gone"),
            None => "an operation that did not finish".to_string(),
        };
        if !recover {
            return Err(Error::Interrupted {
                release: name.to_string(),
                what: format!("revision {} was left {was} by {by}", latest.version),
            });
        }
        latest.info.status = Status::Failed;
        latest.info.description = format!("Interrupted: left {was} by {by}");
        store.update_info(latest)?;
        on_event(&Event::Note(format!(
            "release '{name}': revision {} was left {was} by {by}; marked failed",
            latest.version
        )));
        Ok((lock, history))
    }

    /// The error of an install into a namespace that does not exist.
    pub(crate) fn no_namespace(&self, name: &str) -> Error {
        Error::Invalid {
            release: name.to_string(),
            message: format!(
                "namespace '{}' does not exist; use --create-namespace to create it",
                self.namespace
            ),
        }
    }

    fn record_runs_if_any(&self, rev: &Revision, ran: &[Hook]) -> Result<(), Error> {
        if ran.is_empty() {
            return Ok(());
        }
        self.record_hook_runs(rev, ran)
    }

    /// New objects (not in `previous`) must not belong to another release or to nobody,
    /// unless `take_ownership`.
    ///
    /// # Errors
    /// [`Error::Owned`] for the first such object; the cluster failing.
    pub(crate) fn ensure_owned(
        &self,
        name: &str,
        docs: &[Document],
        previous: &[Document],
        take_ownership: bool,
    ) -> Result<(), Error> {
        if take_ownership {
            return Ok(());
        }
        let known: std::collections::HashSet<_> = previous.iter().map(|d| manifest::key(d, &self.namespace)).collect();
        for doc in docs {
            if known.contains(&manifest::key(doc, &self.namespace)) {
                continue;
            }
            let Some(live) = self.session.live_object(doc, &self.namespace)? else {
                continue;
            };
            let owner = match manifest::owner(&live, name, &self.namespace) {
                Owner::Us => continue,
                Owner::Release {
                    tool,
                    name: other,
                    namespace,
                } => format!("belongs to {tool} release '{other}' in namespace '{namespace}'"),
                Owner::Nobody => "belongs to no release".to_string(),
            };
            return Err(Error::Owned {
                object: doc.label(),
                owner,
                release: name.to_string(),
            });
        }
        Ok(())
    }

    /// `--diff`: each object's live-vs-new diff, and the objects that would be deleted.
    ///
    /// # Errors
    /// The dry-run apply or a read failing.
    pub(crate) fn show_diff(
        &self,
        plan: &Plan,
        opts: &DeployOptions,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<(), Error> {
        let marked = manifest::mark(&plan.docs, &plan.rev.name, &self.namespace);
        let diff_opts = DiffOptions {
            namespace: Some(self.namespace.clone()),
            namespace_is_default: true,
            force_conflicts: opts.force_conflicts,
        };
        for d in self.session.diff(&marked, &diff_opts)? {
            let text = if opts.show_secrets {
                d.unified
            } else {
                manifest::redact_secret_diff(&d.unified)
            };
            on_event(&Event::Diff(text));
        }
        for d in manifest::dropped(&plan.previous, &plan.docs, &self.namespace) {
            let l = d.label();
            on_event(&Event::Diff(format!("--- live/{l}\n+++ /dev/null\n(deleted)\n")));
        }
        Ok(())
    }

    /// Records `plan.rev` pending, applies it and marks it deployed (the release's other
    /// deployed revisions superseded, history pruned) or failed with the reason.
    ///
    /// # Errors
    /// Writing the pending record failing (nothing applied then): `Err((rev, e))` with the
    /// revision as recorded; any later failure, after recording the revision failed.
    pub(crate) fn roll_out(
        &self,
        mut plan: Plan,
        opts: &DeployOptions,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<Revision, Box<(Revision, Error)>> {
        let store = self.store();
        if let Err(e) = store.create(&plan.rev) {
            return Err(Box::new((plan.rev, e)));
        }
        match self.apply_plan(&plan, opts, on_event) {
            Ok(()) => {
                plan.rev.info.status = Status::Deployed;
                plan.rev.info.last_deployed = now();
                plan.rev.info.description = opts.description.clone().unwrap_or(plan.done.clone());
                let mut finish = || -> Result<(), Error> {
                    store.update_info(&plan.rev)?;
                    let mut history = store.history(&plan.rev.name)?;
                    for old in history.iter_mut() {
                        if old.version != plan.rev.version && old.info.status == Status::Deployed {
                            old.info.status = Status::Superseded;
                            store.update_info(old)?;
                        }
                    }
                    let pruned = store.prune(&history, opts.history_max)?;
                    if pruned > 0 {
                        on_event(&Event::Note(format!("pruned {pruned} old revision(s) (--history-max)")));
                    }
                    Ok(())
                };
                match finish() {
                    Ok(()) => Ok(plan.rev),
                    Err(e) => Err(Box::new((plan.rev, e))),
                }
            }
            Err(e) => {
                plan.rev.info.status = Status::Failed;
                plan.rev.info.description =
                    format!("{} \"{}\" failed: {e}", capitalized(plan.operation), plan.rev.name);
                let e = match store.update_info(&plan.rev) {
                    Ok(()) => e,
                    Err(record) => Error::Invalid {
                        release: plan.rev.name.clone(),
                        message: format!("{e}; recording the failure failed too: {record}"),
                    },
                };
                Err(Box::new((plan.rev, e)))
            }
        }
    }

    fn apply_plan(&self, plan: &Plan, opts: &DeployOptions, on_event: &mut dyn FnMut(&Event)) -> Result<(), Error> {
        let ns = Some(self.namespace.clone());
        if !opts.skip_crds && !plan.crds.is_empty() {
            let crd_opts = ApplyOptions {
                namespace: None,
                force_conflicts: opts.force_conflicts,
                ..Default::default()
            };
            self.session.apply(&plan.crds, &crd_opts, &mut |_| {})?;
        }
        let (pre, post) = match plan.operation {
            "install" => (HookEvent::PreInstall, HookEvent::PostInstall),
            "upgrade" => (HookEvent::PreUpgrade, HookEvent::PostUpgrade),
            _ => (HookEvent::PreRollback, HookEvent::PostRollback),
        };
        self.run_hooks(&plan.rev, pre, opts, on_event)?;
        let marked = manifest::mark(&plan.docs, &plan.rev.name, &self.namespace);
        let apply_opts = ApplyOptions {
            namespace: ns.clone(),
            namespace_is_default: true,
            force_conflicts: opts.force_conflicts,
            ..Default::default()
        };
        self.session.apply(&marked, &apply_opts, &mut |_| {})?;
        let dropped = manifest::dropped(&plan.previous, &plan.docs, &self.namespace);
        if !dropped.is_empty() {
            let del = DeleteOptions {
                namespace: ns.clone(),
                namespace_is_default: true,
                ignore_not_found: true,
                wait: None,
            };
            self.session
                .delete(&dropped, &del, &mut |e| on_event(&Event::Note(e.line())), &mut |_| {})?;
        }
        if let Some(timeout) = opts.wait {
            self.session.wait_ready(&marked, ns.as_deref(), timeout, &mut |_| {})?;
        }
        self.run_hooks(&plan.rev, post, opts, on_event)?;
        Ok(())
    }

    /// Runs the hooks of `rev` for `event` (none with `no_hooks`) and records their runs in
    /// `rev` (a failed run too; a run that cannot be recorded is only noted).
    ///
    /// # Errors
    /// The first hook that failed.
    pub(crate) fn run_hooks(
        &self,
        rev: &Revision,
        event: HookEvent,
        opts: &DeployOptions,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<(), Error> {
        if opts.no_hooks || !rev.body.hooks.iter().any(|h| h.runs_on(event)) {
            return Ok(());
        }
        let timeout = opts.hook_timeout.or(opts.wait).unwrap_or(DEFAULT_HOOK_TIMEOUT);
        let mut hooks: Vec<Hook> = rev.body.hooks.iter().filter(|h| h.runs_on(event)).cloned().collect();
        for h in &mut hooks {
            h.last_run = Default::default();
        }
        let outcome = hooks::run(self.session, &mut hooks, event, &self.namespace, timeout);
        hooks.retain(|h| h.last_run.started_at.is_some());
        if let Err(e) = self.record_runs_if_any(rev, &hooks) {
            on_event(&Event::Note(format!(
                "release '{}': the {event} hook runs were not recorded: {e}",
                rev.name
            )));
        }
        let ran = outcome?;
        on_event(&Event::Note(format!("{event}: {ran} hook(s) succeeded")));
        Ok(())
    }
}

/// `upgrade` → `Upgrade`.
pub(crate) fn capitalized(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The objects of a revision's manifest.
///
/// # Errors
/// [`Error::Manifest`] when the stored manifest does not parse.
pub(crate) fn docs_of(rev: &Revision) -> Result<Vec<Document>, Error> {
    manifest::parse(&rev.body.manifest, &format!("{} revision {}", rev.name, rev.version))
}

/// The CRDs of a revision.
///
/// # Errors
/// As [`docs_of`].
pub(crate) fn crds_of(rev: &Revision) -> Result<Vec<Document>, Error> {
    manifest::parse(&rev.body.crds, &format!("{} revision {} crds", rev.name, rev.version))
}

/// The objects the release may have in the cluster now: those of its latest revision and of
/// its last deployed one (a failed revision may have applied part of its manifest).
///
/// # Errors
/// As [`docs_of`].
pub(crate) fn live_docs(history: &[Revision]) -> Result<Vec<Document>, Error> {
    let mut out: Vec<Document> = Vec::new();
    let latest = history.last();
    let deployed = history.iter().rev().find(|r| r.info.status == Status::Deployed);
    for rev in latest.into_iter().chain(deployed) {
        for d in docs_of(rev)? {
            if !out.iter().any(|o| o.id() == d.id()) {
                out.push(d);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(version: u32, status: Status, manifest: &str) -> Revision {
        let mut rev = Revision::bare("r", version, status);
        rev.body.manifest = manifest.into();
        rev
    }

    fn cm(name: &str) -> String {
        format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n")
    }

    #[test]
    fn live_objects_are_the_latest_and_the_last_deployed_ones() {
        let history = [
            rev(1, Status::Superseded, &cm("one")),
            rev(2, Status::Deployed, &format!("{}{}", cm("two"), cm("shared"))),
            rev(3, Status::Failed, &format!("{}{}", cm("three"), cm("shared"))),
        ];
        let names: Vec<String> = live_docs(&history)
            .unwrap()
            .iter()
            .map(|d| d.name().unwrap().to_string())
            .collect();
        assert_eq!(names, ["three", "shared", "two"]);
    }

    #[test]
    fn a_manifest_that_is_not_yaml_names_the_revision() {
        let err = docs_of(&rev(4, Status::Deployed, "a: [\n")).unwrap_err();
        assert!(err.to_string().starts_with("r revision 4: "), "{err}");
        assert_eq!(capitalized("upgrade"), "Upgrade");
    }
}
