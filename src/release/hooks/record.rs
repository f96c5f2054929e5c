//! The record of hook runs: every run of a revision's hooks (install, upgrade, rollback and
//! uninstall hooks as well as `rudder test`) is kept on the revision's head Secret under its
//! own data key (`hook-runs`, gzip'd JSON of the hooks that ran, with their last run), next to
//! the written-once body: a run never rewrites the body (which may span chunk Secrets), and an
//! update of the revision's status keeps the key. A new run replaces the recorded run of the
//! same hook (kind and name) and keeps the others. The write is a replace with the head's
//! resourceVersion, retried when it changed.

use base64::Engine as _;

use super::model::Hook;
use crate::cluster::{ClusterError, ObjectRef};
use crate::release::record::{decode, encode};
use crate::release::{Error, Releases, Revision, secret_name};

/// The data key of a revision's head Secret that holds its recorded hook runs.
pub const RUNS_KEY: &str = "hook-runs";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

impl Releases<'_> {
    /// Sets the `last_run` of the revision's hooks to the runs recorded for it, so that a
    /// status shows the last run of every hook (the TEST SUITE section, `get hooks`).
    ///
    /// # Errors
    /// As [`Releases::hook_runs`].
    pub fn with_hook_runs(&self, revision: &mut Revision) -> Result<(), Error> {
        let runs = self.hook_runs(&revision.name, revision.version)?;
        overlay_runs(&mut revision.body.hooks, &runs);
        Ok(())
    }

    /// The hook runs recorded in revision `version` of `name` (empty when none was recorded).
    ///
    /// # Errors
    /// [`Error::NoRevision`]; the cluster failing; a record that does not decode.
    pub fn hook_runs(&self, name: &str, version: u32) -> Result<Vec<Hook>, Error> {
        let secret = secret_name(name, version);
        let Some(head) = self.session.get_raw(&secrets(&self.namespace), &secret)? else {
            return Err(Error::NoRevision {
                release: name.to_string(),
                version,
            });
        };
        runs_of(&head, &secret)
    }

    /// Records the runs of `ran` (hooks that have just run) in `revision`, over the runs
    /// recorded before.
    ///
    /// # Errors
    /// [`Error::NoRevision`] when the revision's head is gone; the cluster failing;
    /// [`Error::Conflict`] when the head kept changing.
    pub(crate) fn record_hook_runs(&self, revision: &Revision, ran: &[Hook]) -> Result<(), Error> {
        let secret = secret_name(&revision.name, revision.version);
        let at = secrets(&revision.namespace);
        for _ in 0..5 {
            let Some(mut head) = self.session.get_raw(&at, &secret)? else {
                return Err(Error::NoRevision {
                    release: revision.name.clone(),
                    version: revision.version,
                });
            };
            let mut runs = runs_of(&head, &secret)?;
            for hook in ran {
                match runs.iter_mut().find(|r| same_hook(r, hook)) {
                    Some(r) => *r = hook.clone(),
                    None => runs.push(hook.clone()),
                }
            }
            head["data"][RUNS_KEY] = serde_json::Value::String(B64.encode(encode(&runs)));
            match self.session.replace_raw(&at, &secret, &head) {
                Ok(_) => return Ok(()),
                // The head changed since it was read (a status update): read it again.
                Err(ClusterError::Api { code: 409, .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Conflict { secret })
    }
}

/// The runs recorded on a head Secret (as the API returns it).
fn runs_of(head: &serde_json::Value, secret: &str) -> Result<Vec<Hook>, Error> {
    let Some(text) = head["data"][RUNS_KEY].as_str() else {
        return Ok(Vec::new());
    };
    let bytes = B64.decode(text).map_err(|e| Error::Corrupt {
        secret: secret.to_string(),
        message: format!("data.{RUNS_KEY}: {e}"),
    })?;
    decode(&bytes, secret)
}

fn same_hook(a: &Hook, b: &Hook) -> bool {
    a.kind == b.kind && a.name == b.name
}

/// Copies the runs of `runs` onto the hooks of the same kind and name.
pub(crate) fn overlay_runs(hooks: &mut [Hook], runs: &[Hook]) {
    for run in runs {
        if let Some(h) = hooks.iter_mut().find(|h| same_hook(h, run)) {
            h.last_run = run.last_run.clone();
        }
    }
}

fn secrets(namespace: &str) -> ObjectRef<'_> {
    ObjectRef {
        api_version: "v1",
        kind: "Secret",
        namespace: Some(namespace),
    }
}
