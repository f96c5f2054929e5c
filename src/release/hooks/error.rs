//! Errors of reading and running hooks, each naming the template file or the hook's object.

use crate::cluster::ClusterError;

use super::model::HookEvent;

/// A hook declared wrongly, or a hook that failed to run.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// A hook document that is not YAML or not a mapping.
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    /// An annotation with a bad value (`field` is the annotation path).
    #[error("{file}: {field}: {message}")]
    Annotation {
        file: String,
        field: String,
        message: String,
    },
    /// `rudder.dev/...` and `helm.sh/...` annotations of the same hook say different things.
    #[error("{file}: metadata.annotations: {ours} {ours_value:?} and {helm} {helm_value:?} disagree")]
    Disagree {
        file: String,
        ours: String,
        ours_value: String,
        helm: String,
        helm_value: String,
    },
    /// The hook's object could not be created, deleted or watched.
    #[error("{event} hook {hook}: {error}")]
    Cluster {
        event: HookEvent,
        hook: String,
        error: ClusterError,
    },
    /// The hook ran and failed: a Job's Failed condition or a Pod's Failed phase.
    #[error("{event} hook {hook} failed: {reason}")]
    Failed {
        event: HookEvent,
        hook: String,
        reason: String,
    },
    /// The hook did not complete within the timeout.
    #[error("{event} hook {hook} failed: timed out after {timeout:?} waiting for it to complete")]
    Timeout {
        event: HookEvent,
        hook: String,
        timeout: std::time::Duration,
    },
}
