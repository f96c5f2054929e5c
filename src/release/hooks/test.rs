//! `rudder test NAME`: runs the `test` hooks of a release's deployed revision and records the run
//! in that revision (as every hook run is recorded, see `record.rs`).

use std::time::Duration;

use super::error::HookError;
use super::model::{Hook, HookEvent};
use super::parse::sort;
use super::record::overlay_runs;
use crate::release::{Error, Releases, Revision, Status, secret_name};

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
        error: Box<Error>,
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
        let ran: Vec<Hook> = tests
            .iter()
            .filter(|h| h.last_run.started_at.is_some())
            .cloned()
            .collect();
        self.record_hook_runs(&revision, &ran)
            .map_err(|error| TestError::Record {
                release: name.to_string(),
                secret: secret_name(name, revision.version),
                error: Box::new(error),
            })?;
        overlay_runs(&mut revision.body.hooks, &tests);
        Ok(TestReport {
            revision,
            tests,
            failure,
        })
    }
}
