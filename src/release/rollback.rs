//! `rollback`: re-applies the stored manifest of an earlier revision (never re-rendered) as a
//! new revision. It is also the recovery command: a release left pending by a killed process is
//! marked failed and rolled back without `--force`.

use super::install::failure;
use super::record::{Info, Status, now};
use super::rollout::{Plan, crds_of, docs_of, live_docs};
use super::{DeployOptions, Error, Event, Releases, Revision};

/// `rudder rollback NAME [REVISION]`.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    pub name: String,
    /// The revision to return to; `None` for the one before the latest.
    pub revision: Option<u32>,
    pub deploy: DeployOptions,
}

impl Releases<'_> {
    /// Rolls a release back.
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::NoRevision`], the lock held by a live operation, a failed
    /// rollout ([`Error::Failed`]).
    pub fn rollback(&self, opts: &RollbackOptions, on_event: &mut dyn FnMut(&Event)) -> Result<Revision, Error> {
        let (lock, history) = if opts.deploy.dry_run {
            (None, self.store().history(&opts.name)?)
        } else {
            let (l, h) = self.begin(&opts.name, "rollback", opts.deploy.force, on_event)?;
            (Some(l), h)
        };
        let latest = history.last().ok_or_else(|| self.not_found(&opts.name))?;
        let wanted = match opts.revision {
            Some(0) | None => latest.version.saturating_sub(1),
            Some(v) => v,
        };
        if wanted == 0 {
            return Err(Error::Invalid {
                release: opts.name.clone(),
                message: format!(
                    "revision {} is the first: there is nothing to roll back to",
                    latest.version
                ),
            });
        }
        let target = history
            .iter()
            .find(|r| r.version == wanted)
            .ok_or_else(|| Error::NoRevision {
                release: opts.name.clone(),
                version: wanted,
            })?
            .clone();
        let out = self.roll_back_to(&target, &history, &opts.deploy, on_event);
        drop(lock);
        out
    }

    /// Re-applies `target`'s manifest as a new revision after the latest of `history` (the lock
    /// is held by the caller).
    pub(crate) fn roll_back_to(
        &self,
        target: &Revision,
        history: &[Revision],
        deploy: &DeployOptions,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<Revision, Error> {
        let latest = history.last().ok_or_else(|| self.not_found(&target.name))?;
        let description = format!("Rollback to {}", target.version);
        let rev = Revision {
            name: target.name.clone(),
            namespace: self.namespace.clone(),
            version: latest.version + 1,
            info: Info {
                status: Status::PendingRollback,
                first_deployed: history.first().map_or_else(now, |r| r.info.first_deployed.clone()),
                last_deployed: now(),
                deleted: None,
                description: description.clone(),
            },
            body: target.body.clone(),
        };
        let plan = Plan {
            operation: "rollback",
            docs: docs_of(&rev)?,
            crds: crds_of(&rev)?,
            previous: live_docs(history)?,
            rev,
            done: description,
        };
        if deploy.diff {
            self.show_diff(&plan, deploy, on_event)?;
        }
        if deploy.dry_run {
            return Ok(plan.rev);
        }
        self.ensure_owned(&target.name, &plan.docs, &plan.previous, deploy.take_ownership)?;
        self.roll_out(plan, deploy, on_event).map_err(|failed| {
            let (rev, e) = *failed;
            failure("rollback", &rev, e)
        })
    }
}
