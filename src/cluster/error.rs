//! Errors of the apply backend, each naming the object (or file) it is about.

/// What went wrong talking to the cluster or preparing objects for it.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("{path}: {message}")]
    ReadInput { path: String, message: String },
    #[error(transparent)]
    Parse(#[from] crate::yaml::ParseError),
    #[error("{source_name}: document {index}: {message}")]
    BadDocument {
        source_name: String,
        index: usize,
        message: String,
    },
    #[error("kubeconfig: {0}")]
    Kubeconfig(String),
    #[error("starting the async runtime: {0}")]
    Runtime(String),
    #[error("{object}: no matches for kind \"{kind}\" in version \"{api_version}\" (is the CRD installed?)")]
    UnknownKind {
        object: String,
        kind: String,
        api_version: String,
    },
    #[error(
        "{object}: the namespace from the provided object \"{object_namespace}\" does not match the namespace \"{namespace}\"; you must pass '--namespace={object_namespace}' to perform this operation"
    )]
    NamespaceMismatch {
        object: String,
        object_namespace: String,
        namespace: String,
    },
    #[error("{object}: {message}")]
    Api {
        object: String,
        code: u16,
        reason: String,
        message: String,
    },
    #[error("{object}: apply conflict: {conflicts}; use --force-conflicts to take ownership of these fields")]
    Conflict { object: String, conflicts: String },
    #[error("{object}: {message}")]
    Transport { object: String, message: String },
    #[error("{error} ({applied} of {total} objects applied; not applied: {not_applied})")]
    Partial {
        error: Box<ClusterError>,
        applied: usize,
        total: usize,
        not_applied: String,
    },
    #[error("timed out after {timeout:?} waiting for {count} of {total} objects: {details}")]
    Timeout {
        timeout: std::time::Duration,
        count: usize,
        total: usize,
        details: String,
    },
    #[error("{count} of {total} objects failed: {first}")]
    Several {
        count: usize,
        total: usize,
        first: Box<ClusterError>,
    },
}

impl ClusterError {
    /// Whether the API server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ClusterError::Api { code: 404, .. })
    }
}
