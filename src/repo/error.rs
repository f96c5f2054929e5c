//! The repository client's errors. None of them carries a password or an `Authorization`
//! header: URLs are shown with their user information removed (see `http::redact`).

use std::path::PathBuf;

/// Why a repository operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{}: {field}: {message}", path.display())]
    Config {
        path: PathBuf,
        field: String,
        message: String,
    },
    #[error("{source_name}: {field}: {message}")]
    Index {
        source_name: String,
        field: String,
        message: String,
    },
    #[error("{url}: {message}")]
    Http { url: String, message: String },
    #[error("{url}: the server answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{}: {message}", path.display())]
    Tls { path: PathBuf, message: String },
    #[error(
        "chart {chart} version {version}: digest mismatch: the index says sha256:{expected}, the download is sha256:{actual}"
    )]
    DigestMismatch {
        chart: String,
        version: String,
        expected: String,
        actual: String,
    },
    #[error("chart {chart} version {version}: {reason} (--insecure-skip-digest accepts it unverified)")]
    MissingDigest {
        chart: String,
        version: String,
        reason: String,
    },
    #[error("no repository named \"{name}\" (rudder repo list shows the configured ones)")]
    UnknownRepo { name: String },
    #[error("repository \"{repo}\": no chart named \"{chart}\"")]
    ChartNotFound { repo: String, chart: String },
    #[error("repository \"{repo}\": chart \"{chart}\": no version matches {constraint}")]
    NoMatchingVersion {
        repo: String,
        chart: String,
        constraint: String,
    },
    #[error(
        "repository name \"{name}\" already exists with a different configuration (use --force-update to replace it)"
    )]
    RepoExists { name: String },
    #[error("\"{name}\" is not a valid repository name: {reason}")]
    BadRepoName { name: String, reason: String },
    #[error("{text}: not a valid URL: {message}")]
    BadUrl { text: String, message: String },
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error(transparent)]
    Constraint(#[from] crate::constraint::ConstraintError),
}

impl Error {
    pub(crate) fn io(path: &std::path::Path, e: &std::io::Error) -> Error {
        // fs-err messages already name the path; keep only the cause.
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => {
                let s = e.to_string();
                match std::error::Error::source(e) {
                    Some(inner) => inner.to_string(),
                    None => s,
                }
            }
        };
        Error::Io {
            path: path.to_path_buf(),
            message,
        }
    }
}
