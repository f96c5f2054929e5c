//! `uninstall`: deletes the release's objects (those annotated to keep, and CRDs, stay) and its
//! records, or with `--keep-history` marks the latest revision uninstalled.

use std::time::Duration;

use super::hooks::HookEvent;
use super::record::{Status, now};
use super::rollout::live_docs;
use super::{Error, Event, Releases, Revision};

/// `rudder uninstall NAME`.
#[derive(Debug, Clone, Default)]
pub struct UninstallOptions {
    pub name: String,
    pub keep_history: bool,
    /// Wait this long for the objects to be gone.
    pub wait: Option<Duration>,
    pub dry_run: bool,
    /// Recover a release left pending by a killed process.
    pub force: bool,
    pub no_hooks: bool,
    pub description: Option<String>,
}

impl Releases<'_> {
    /// Uninstalls a release; returns its latest revision as it ends up (uninstalled).
    ///
    /// # Errors
    /// [`Error::NotFound`]; the lock held; deleting failing (the revision is then recorded
    /// failed with the reason).
    pub fn uninstall(&self, opts: &UninstallOptions, on_event: &mut dyn FnMut(&Event)) -> Result<Revision, Error> {
        let (lock, history) = if opts.dry_run {
            (None, self.store().history(&opts.name)?)
        } else {
            let (l, h) = self.begin(&opts.name, "uninstall", opts.force, on_event)?;
            (Some(l), h)
        };
        let mut latest = history.last().cloned().ok_or_else(|| self.not_found(&opts.name))?;
        if opts.dry_run {
            return Ok(latest);
        }
        let store = self.store();
        if latest.info.status == Status::Uninstalled {
            if opts.keep_history {
                return Err(Error::Invalid {
                    release: opts.name.clone(),
                    message: "already uninstalled (its history is kept)".into(),
                });
            }
            for rev in &history {
                store.delete(&rev.name, rev.version)?;
            }
            drop(lock);
            return Ok(latest);
        }
        let docs = live_docs(&history)?;
        latest.info.status = Status::Uninstalling;
        latest.info.description = "Deletion in progress".into();
        store.update_info(&latest)?;
        let deploy = super::DeployOptions {
            no_hooks: opts.no_hooks,
            wait: opts.wait,
            ..Default::default()
        };
        let removed = self
            .run_hooks(&latest, HookEvent::PreDelete, &deploy, on_event)
            .and_then(|()| self.remove_objects(&docs, opts.wait, on_event))
            .and_then(|()| self.run_hooks(&latest, HookEvent::PostDelete, &deploy, on_event));
        if let Err(e) = removed {
            latest.info.status = Status::Failed;
            latest.info.description = format!("Uninstallation failed: {e}");
            store.update_info(&latest)?;
            return Err(e);
        }
        latest.info.status = Status::Uninstalled;
        latest.info.deleted = Some(now());
        latest.info.description = opts
            .description
            .clone()
            .unwrap_or_else(|| "Uninstallation complete".into());
        if opts.keep_history {
            store.update_info(&latest)?;
            // The other revisions are history too: none of them is deployed any more.
            for mut rev in history.into_iter().filter(|r| r.info.status == Status::Deployed) {
                if rev.version != latest.version {
                    rev.info.status = Status::Superseded;
                    store.update_info(&rev)?;
                }
            }
        } else {
            // The latest head last, so that an interruption leaves it (uninstalling) to be found.
            for rev in history.iter().filter(|r| r.version != latest.version) {
                store.delete(&rev.name, rev.version)?;
            }
            store.delete(&latest.name, latest.version)?;
        }
        drop(lock);
        Ok(latest)
    }
}
