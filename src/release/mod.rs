//! Releases: install, upgrade, rollback and uninstall of charts as plans over `cluster`, each
//! revision recorded in Secrets of the release namespace, one operation at a time per release.
//!
//! Imports `pipeline` (rendering goes through it, never the chart engine directly), `chart`
//! (loading, values, packaging), `cluster` and the lower layers; never `cli`.
//!
//! Every operation follows the same order, so that no object in the cluster is ever without a
//! revision that describes it:
//! 1. take the release's Lease (`lock.rs`); a release left pending by a killed process is
//!    reported, or marked failed and taken over with `force` (always for rollback);
//! 2. render (install, upgrade) or read the stored manifest (rollback);
//! 3. check that new objects are not owned by someone else (`--take-ownership` to adopt);
//! 4. write the new revision as pending;
//! 5. apply CRDs, pre hooks, the manifest; delete what the previous revision had and this one
//!    has not; wait; post hooks;
//! 6. mark the revision deployed (the previous one superseded) or failed with the server's
//!    reason, then (with `--atomic`) roll back or uninstall, recorded as well.

pub mod hooks;
mod install;
mod lock;
mod manifest;
mod query;
mod record;
mod rollback;
mod rollout;
mod store;
mod uninstall;
mod upgrade;
mod values;

use std::path::PathBuf;
use std::time::Duration;

pub use install::InstallOptions;
pub use lock::{Holder, LEASE_SECONDS, lease_name};
pub use manifest::{MANAGED_BY, RELEASE_NAME, RELEASE_NAMESPACE, redact_secrets};
pub use query::{ListFilter, Listed, list};
pub use record::{Body, ChartRecord, Info, Revision, Status, display_time};
pub use rollback::RollbackOptions;
pub use store::{CHUNK_SIZE, CHUNK_TYPE, RECORD_TYPE, Store, secret_name};
pub use uninstall::UninstallOptions;
pub use upgrade::{UpgradeOptions, ValuesMode};

use crate::chart::Chart;
use crate::chart::values::ValueOptions;
use crate::cluster::{ClusterError, ConnectOptions, Session};

/// Why a release operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error(transparent)]
    Hook(#[from] hooks::HookError),
    #[error(transparent)]
    Pipeline(Box<crate::pipeline::Error>),
    #[error(transparent)]
    Values(Box<crate::chart::values::Error>),
    #[error("{0}")]
    Package(String),
    #[error("{secret}: {message}")]
    Corrupt { secret: String, message: String },
    #[error("{secret}: chunk does not match the sha256 that {head} lists (half-written or altered revision)")]
    ChunkMismatch { secret: String, head: String },
    #[error("release '{release}' has no revision {version}")]
    NoRevision { release: String, version: u32 },
    #[error("{secret}: a revision with this number already exists")]
    RevisionExists { secret: String },
    #[error("{secret}: the record kept changing while it was being updated")]
    Conflict { secret: String },
    #[error("release '{release}' is busy: {holder} holds its lock; try again when it has finished")]
    Locked { release: String, holder: String },
    #[error(
        "release '{release}': {what}; run `rudder rollback {release}` to return to the last deployed revision, or repeat with --force to take over"
    )]
    Interrupted { release: String, what: String },
    #[error("release '{release}' not found in namespace '{namespace}'")]
    NotFound { release: String, namespace: String },
    #[error("cannot re-use a name that is still in use: release '{release}' in namespace '{namespace}'")]
    InUse { release: String, namespace: String },
    #[error("{object} exists and {owner}; use --take-ownership to adopt it into release '{release}'")]
    Owned {
        object: String,
        owner: String,
        release: String,
    },
    #[error("{source_name}: {message}")]
    Manifest { source_name: String, message: String },
    #[error("{operation} of release '{release}' failed (revision {version} recorded as failed): {reason}")]
    Failed {
        operation: &'static str,
        release: String,
        version: u32,
        reason: String,
    },
    #[error("release '{release}' failed and was {undone} (--atomic): {reason}")]
    Undone {
        release: String,
        undone: String,
        reason: String,
    },
    #[error("release '{release}': {message}")]
    Invalid { release: String, message: String },
}

impl Error {
    /// Whether the message already names the release (so a caller adding "upgrading release
    /// 'x'" would repeat it).
    pub fn names_release(&self) -> bool {
        matches!(
            self,
            Error::NoRevision { .. }
                | Error::Locked { .. }
                | Error::Interrupted { .. }
                | Error::NotFound { .. }
                | Error::InUse { .. }
                | Error::Owned { .. }
                | Error::Failed { .. }
                | Error::Undone { .. }
                | Error::Invalid { .. }
        )
    }
}

impl From<crate::pipeline::Error> for Error {
    fn from(e: crate::pipeline::Error) -> Self {
        Error::Pipeline(Box::new(e))
    }
}

impl From<crate::chart::values::Error> for Error {
    fn from(e: crate::chart::values::Error) -> Self {
        Error::Values(Box::new(e))
    }
}

/// Something to show while an operation runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A remark for stderr (a stale lock taken over, a hook run, an object deleted).
    Note(String),
    /// A unified diff of one object (`--diff`), for stdout.
    Diff(String),
}

/// The chart of an install or upgrade: loaded, with the user's values flags.
#[derive(Debug, Clone)]
pub struct ChartInput {
    pub chart: Chart,
    pub values: ValueOptions,
    /// `--post-render DIR`: feed the rendered documents to the kustomization in DIR.
    pub post_render: Option<PathBuf>,
}

/// Flags shared by install, upgrade and rollback.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// `--wait` (or `--atomic`): wait this long for the objects to be ready.
    pub wait: Option<Duration>,
    /// Roll back a failed upgrade, uninstall a failed install.
    pub atomic: bool,
    /// Print what would be applied; write nothing.
    pub dry_run: bool,
    /// `--diff`: show live-vs-new diffs before applying.
    pub diff: bool,
    /// Show Secret values in `--diff` output (they are `<redacted>` otherwise).
    pub show_secrets: bool,
    /// Do not create or upgrade the chart's `crds/`.
    pub skip_crds: bool,
    /// Adopt objects owned by another release or by none.
    pub take_ownership: bool,
    /// Take fields other field managers own.
    pub force_conflicts: bool,
    /// Do not run hooks.
    pub no_hooks: bool,
    /// How long each hook may take (default: `wait`, else 5 minutes).
    pub hook_timeout: Option<Duration>,
    /// Recover a release left pending by a killed process: mark it failed and go on.
    pub force: bool,
    /// A custom description for the new revision.
    pub description: Option<String>,
    /// `--history-max`: revisions kept (0 = all).
    pub history_max: usize,
}

/// Releases of one namespace on one cluster.
pub struct Releases<'s> {
    pub(crate) session: &'s Session,
    pub(crate) connect: ConnectOptions,
    pub(crate) namespace: String,
}

impl<'s> Releases<'s> {
    /// `connect` is used again by the lock's renewal thread for its own connection.
    pub fn new(session: &'s Session, connect: &ConnectOptions, namespace: &str) -> Releases<'s> {
        Releases {
            session,
            connect: connect.clone(),
            namespace: namespace.to_string(),
        }
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub(crate) fn store(&self) -> Store<'s> {
        Store::new(self.session, &self.namespace)
    }

    /// Every revision of `name`, oldest first.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; the cluster failing; a corrupt record.
    pub fn history(&self, name: &str) -> Result<Vec<Revision>, Error> {
        let h = self.store().history(name)?;
        if h.is_empty() {
            return Err(self.not_found(name));
        }
        Ok(h)
    }

    /// Revision `version` of `name`, or its latest.
    ///
    /// # Errors
    /// As [`Releases::history`]; [`Error::NoRevision`].
    pub fn get(&self, name: &str, version: Option<u32>) -> Result<Revision, Error> {
        match version {
            Some(v) => match self.store().get(name, v) {
                Err(Error::NoRevision { .. }) if self.store().history(name)?.is_empty() => Err(self.not_found(name)),
                other => other,
            },
            None => self.store().latest(name)?.ok_or_else(|| self.not_found(name)),
        }
    }

    pub(crate) fn not_found(&self, name: &str) -> Error {
        Error::NotFound {
            release: name.to_string(),
            namespace: self.namespace.clone(),
        }
    }
}
