//! Why a dependency command stopped. Every message is one line naming the file and,
//! where one is to blame, the `dependencies[i]` entry and its field.

use std::path::PathBuf;

/// A dependency command's failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chart(#[from] Box<crate::chart::Error>),
    #[error("{chart}: only chart directories can be updated, not archives")]
    NotADirectory { chart: String },
    #[error("{file}: dependencies[{index}] ({name}): {problem}")]
    Dependency {
        /// The dependencies file (`Chart.yaml`, or `requirements.yaml` for v1 charts).
        file: String,
        index: usize,
        name: String,
        problem: Box<Problem>,
    },
    #[error("{file}: {message}")]
    Lock { file: String, message: String },
    #[error(
        "the lock file ({lock}) is out of sync with the dependencies file ({deps}); run `rudder dependency update` to bring it in sync"
    )]
    OutOfSync { lock: String, deps: String },
    #[error("{}: {message}", path.display())]
    Write { path: PathBuf, message: String },
}

/// What is wrong with one dependency.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("version: {0}")]
    BadConstraint(crate::constraint::ConstraintError),
    #[error("repository: no added repository is named '{0}' (add it with `rudder repo add`)")]
    UnknownAlias(String),
    #[error("repository: '{0}' is not a URL, an @name of an added repository or a file:// path")]
    NotARepository(String),
    #[error("repository: {0}: OCI registries are not supported yet")]
    Oci(String),
    #[error(
        "repository: {0} is inside charts/, where its package would sit beside it (a subchart kept in charts/ takes repository: \"\")"
    )]
    InsideCharts(String),
    #[error("repository: directory {0} not found")]
    LocalPathMissing(String),
    #[error("{0}")]
    LocalChart(Box<crate::chart::Error>),
    #[error("version: {found} of {path} does not satisfy '{constraint}'")]
    LocalVersion {
        path: String,
        found: String,
        constraint: String,
    },
    #[error("chart '{name}' not found in {repository}")]
    NotInIndex { name: String, repository: String },
    #[error("version: no version of '{name}' in {repository} satisfies '{constraint}'")]
    NoMatch {
        name: String,
        repository: String,
        constraint: String,
    },
    #[error("version {version} of '{name}' is not in {repository} (or has no download URL)")]
    LockedVersionGone {
        name: String,
        version: String,
        repository: String,
    },
    #[error("{repository}: {message}")]
    Repository { repository: String, message: String },
    #[error("{url}: the index gives no digest for version {version}, so the package cannot be verified")]
    NoDigest { url: String, version: String },
    #[error("{url}: the package holds {found}, not {name} {version}")]
    WrongPackage {
        url: String,
        found: String,
        name: String,
        version: String,
    },
    #[error("packaging {path}: {message}")]
    Package { path: String, message: String },
}
