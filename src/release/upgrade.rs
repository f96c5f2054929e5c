//! `upgrade`: a new revision of an existing release from a (new) chart and values; objects the
//! new manifest drops are deleted; `--install` installs when the release does not exist.

use super::install::{InstallOptions, failure};
use super::record::{Info, Status, now};
use super::rollout::{Plan, crds_of, docs_of, live_docs};
pub use super::values::ValuesMode;
use super::{ChartInput, DeployOptions, Error, Event, Releases, Revision, values};

/// `rudder upgrade NAME CHART`.
#[derive(Debug, Clone)]
pub struct UpgradeOptions {
    pub name: String,
    pub chart: ChartInput,
    /// `--install`: install when the release does not exist (or is uninstalled).
    pub install: bool,
    pub values_mode: ValuesMode,
    /// With `--install`: create the namespace.
    pub create_namespace: bool,
    pub deploy: DeployOptions,
}

impl Releases<'_> {
    /// Upgrades a release. With `dry_run`, returns the revision that would be recorded.
    ///
    /// # Errors
    /// [`Error::NotFound`] (without `install`); as [`Releases::install`]; with `atomic`, a failed
    /// upgrade is rolled back to the revision it replaced ([`Error::Undone`]).
    pub fn upgrade(&self, opts: &UpgradeOptions, on_event: &mut dyn FnMut(&Event)) -> Result<Revision, Error> {
        let install = opts.install.then(|| InstallOptions {
            name: opts.name.clone(),
            chart: opts.chart.clone(),
            create_namespace: opts.create_namespace,
            deploy: opts.deploy.clone(),
        });
        if let Some(install) = &install {
            self.prepare_install(install)?;
        }
        // Whether the release is absent is decided under the lock: another install may be
        // under way.
        let (lock, history) = if opts.deploy.dry_run {
            (None, self.store().history(&opts.name)?)
        } else {
            match self.begin(&opts.name, "upgrade", opts.deploy.force, on_event) {
                Ok((l, h)) => (Some(l), h),
                Err(Error::NotFound { .. }) if opts.install => return Err(self.no_namespace(&opts.name)),
                Err(e) => return Err(e),
            }
        };
        let absent = history.last().is_none_or(|r| r.info.status == Status::Uninstalled);
        if let Some(install) = install.filter(|_| absent) {
            let out = self.install_locked(&install, &history, on_event);
            drop(lock);
            return out;
        }
        let latest = history.last().ok_or_else(|| self.not_found(&opts.name))?;
        if latest.info.status == Status::Uninstalled {
            return Err(Error::Invalid {
                release: opts.name.clone(),
                message: "has no deployed revision (it was uninstalled); use `rudder install` or `upgrade --install`"
                    .into(),
            });
        }
        let current = history
            .iter()
            .rev()
            .find(|r| r.info.status == Status::Deployed)
            .unwrap_or(latest);
        let given = crate::chart::values::user_values(&opts.chart.values)?;
        let (chart, user) = values::for_upgrade(&opts.chart.chart, current, given, opts.values_mode);
        let version = latest.version + 1;
        let body = self.build_body(&opts.chart, &chart, user, &opts.name, version, true)?;
        let rev = Revision {
            name: opts.name.clone(),
            namespace: self.namespace.clone(),
            version,
            info: Info {
                status: Status::PendingUpgrade,
                first_deployed: current.info.first_deployed.clone(),
                last_deployed: now(),
                deleted: None,
                description: "Preparing upgrade".into(),
            },
            body,
        };
        let plan = Plan {
            operation: "upgrade",
            docs: docs_of(&rev)?,
            crds: crds_of(&rev)?,
            previous: live_docs(&history)?,
            rev,
            done: "Upgrade complete".into(),
        };
        if opts.deploy.diff {
            self.show_diff(&plan, &opts.deploy, on_event)?;
        }
        if opts.deploy.dry_run {
            return Ok(plan.rev);
        }
        self.ensure_owned(&opts.name, &plan.docs, &plan.previous, opts.deploy.take_ownership)?;
        let current = current.clone();
        let out = match self.roll_out(plan, &opts.deploy, on_event) {
            Ok(rev) => Ok(rev),
            Err(failed) => {
                let (rev, e) = *failed;
                if opts.deploy.atomic && rev.info.status == Status::Failed {
                    let history = self.store().history(&opts.name)?;
                    match self.roll_back_to(&current, &history, &opts.deploy, on_event) {
                        Ok(_) => Err(Error::Undone {
                            release: opts.name.clone(),
                            undone: format!("rolled back to revision {}", current.version),
                            reason: e.to_string(),
                        }),
                        Err(back) => Err(Error::Invalid {
                            release: opts.name.clone(),
                            message: format!(
                                "upgrade failed: {e}; rolling back to revision {} failed too: {back}",
                                current.version
                            ),
                        }),
                    }
                } else {
                    Err(failure("upgrade", &rev, e))
                }
            }
        };
        drop(lock);
        out
    }
}
