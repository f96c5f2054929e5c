//! `rudder test NAME`: runs the `test` hooks of a release's deployed revision and records the run
//! in that revision.
//!
//! The run is recorded on the revision's head Secret under its own data key (`hook-runs`, gzip'd
//! JSON of the test hooks with their last run), next to the written-once body: a test run never
//! rewrites the body (which may span chunk Secrets), and an update of the revision's status keeps
//! the key. The write is a replace with the head's resourceVersion, retried when it changed.

use std::time::Duration;

use base64::Engine as _;

use super::error::HookError;
use super::model::{Hook, HookEvent};
use super::parse::sort;
use crate::cluster::{ClusterError, ObjectRef, Session};
use crate::release::record::{decode, encode};
use crate::release::{Error, Releases, Revision, Status, secret_name};

/// The data key of a revision's head Secret that holds its recorded hook runs.
pub const RUNS_KEY: &str = "hook-runs";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Flags of `rudder test`.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// How long each test may take.
    pub timeout: Duration,
    /// `--filter name=N`: run only the tests named so (all when empty).
    pub include: Vec<String>,
    /// `--filter '!name=N'`: skip the tests named so.
    pub exclude: Vec<String>,
}

impl TestOptions {
    fn selects(&self, name: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|n| n == name)) && !self.exclude.iter().any(|n| n == name)
    }
}

/// What `rudder test` did: the revision tested, its test hooks with their last run, and the
/// first failure (later tests do not run after one, as in Helm).
#[derive(Debug)]
pub struct TestReport {
    pub revision: Revision,
    pub tests: Vec<Hook>,
    pub failure: Option<HookError>,
}

/// Why the tests could not be run or recorded.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error(transparent)]
    Release(#[from] Error),
    #[error("release '{release}' has no deployed revision to test")]
    NotDeployed { release: String },
    #[error("release '{release}': recording the test run in {secret}: {error}")]
    Record {
        release: String,
        secret: String,
        error: Box<ClusterError>,
    },
}

impl Releases<'_> {
    /// Runs the `test` hooks of the deployed revision of `name` (those `opts` selects), in
    /// running order, and records their runs in the revision. A failed test is reported in [`TestReport::failure`].
    ///
    /// # Errors
    /// No such release or no deployed revision; a stored hook that does not parse; the cluster
    /// failing to record the run.
    pub fn test(&self, name: &str, opts: &TestOptions) -> Result<TestReport, TestError> {
        let history = self.history(name)?;
        let Some(mut revision) = history.into_iter().rev().find(|r| r.info.status == Status::Deployed) else {
            return Err(TestError::NotDeployed {
                release: name.to_string(),
            });
        };
        let mut tests: Vec<Hook> = revision
            .body
            .hooks
            .iter()
            .filter(|h| h.runs_on(HookEvent::Test) && opts.selects(&h.name))
            .cloned()
            .collect();
        sort(&mut tests);
        let failure = super::run(self.session, &mut tests, HookEvent::Test, &self.namespace, opts.timeout).err();
        record_runs(self.session, &revision, &tests)?;
        overlay_runs(&mut revision, &tests);
        Ok(TestReport {
            revision,
            tests,
            failure,
        })
    }

    /// Sets the `last_run` of the revision's hooks to the runs recorded for it (by `rudder
    /// test`), so that a status shows the last test run.
    ///
    /// # Errors
    /// As [`Releases::hook_runs`].
    pub fn with_hook_runs(&self, revision: &mut Revision) -> Result<(), Error> {
        let runs = self.hook_runs(&revision.name, revision.version)?;
        overlay_runs(revision, &runs);
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
        let Some(text) = head["data"][RUNS_KEY].as_str() else {
            return Ok(Vec::new());
        };
        let bytes = B64.decode(text).map_err(|e| Error::Corrupt {
            secret: secret.clone(),
            message: format!("data.{RUNS_KEY}: {e}"),
        })?;
        decode(&bytes, &secret)
    }
}

/// Copies the runs of `runs` onto the revision's hooks of the same kind and name.
fn overlay_runs(revision: &mut Revision, runs: &[Hook]) {
    for run in runs {
        if let Some(h) = revision
            .body
            .hooks
            .iter_mut()
            .find(|h| h.kind == run.kind && h.name == run.name)
        {
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

/// Writes `tests` under [`RUNS_KEY`] of the revision's head Secret.
fn record_runs(session: &Session, revision: &Revision, tests: &[Hook]) -> Result<(), TestError> {
    let secret = secret_name(&revision.name, revision.version);
    let at = secrets(&revision.namespace);
    let runs = serde_json::Value::String(B64.encode(encode(&tests)));
    let fail = |error| TestError::Record {
        release: revision.name.clone(),
        secret: secret.clone(),
        error: Box::new(error),
    };
    for _ in 0..5 {
        let Some(mut head) = session.get_raw(&at, &secret).map_err(fail)? else {
            return Err(TestError::Release(Error::NoRevision {
                release: revision.name.clone(),
                version: revision.version,
            }));
        };
        head["data"][RUNS_KEY] = runs.clone();
        match session.replace_raw(&at, &secret, &head) {
            Ok(_) => return Ok(()),
            // The head changed since it was read (a status update): read it again.
            Err(ClusterError::Api { code: 409, .. }) => continue,
            Err(e) => return Err(fail(e)),
        }
    }
    Err(TestError::Release(Error::Conflict { secret }))
}
