//! Bounded retries for transient failures: 429 (honouring Retry-After), 500, 503, 504, connection
//! resets and timeouts. Everything else becomes a one-line error naming the object.

use std::future::Future;
use std::time::Duration;

use super::ClusterError;
use super::session::chain;

/// Attempts per request, the first included.
const ATTEMPTS: u32 = 6;
const FIRST_DELAY: Duration = Duration::from_millis(200);
const MAX_DELAY: Duration = Duration::from_secs(5);
/// A Retry-After above this is capped, so one request never stalls for minutes.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Runs `op` until it succeeds, fails with a non-transient error, or the attempts run out.
///
/// # Errors
/// The last error, converted with [`to_error`] for `object`.
pub(crate) async fn with_retry<T, F, Fut>(object: &str, op: F) -> Result<T, ClusterError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    retrying(object, op).await.0
}

/// A delete, retried: a 404 after an attempt whose answer was lost (connection reset, timeout)
/// means that attempt deleted the object, so it counts as success.
///
/// # Errors
/// As [`with_retry`].
pub(crate) async fn delete_with_retry<F, Fut, T>(object: &str, op: F) -> Result<(), ClusterError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    match retrying(object, op).await {
        (Ok(_), _) => Ok(()),
        (Err(e), true) if e.is_not_found() => Ok(()),
        (Err(e), _) => Err(e),
    }
}

/// The outcome, and whether an earlier attempt failed after the request may have reached the server.
async fn retrying<T, F, Fut>(object: &str, mut op: F) -> (Result<T, ClusterError>, bool)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let mut delay = FIRST_DELAY;
    let mut attempt = 1;
    let mut answer_lost = false;
    loop {
        match op().await {
            Ok(v) => return (Ok(v), answer_lost),
            Err(e) => match transient_delay(&e) {
                Some(wait) if attempt < ATTEMPTS => {
                    // Only 429 and 503 say for sure that the request was not carried out.
                    answer_lost |= !matches!(&e, kube::Error::Api(s) if s.code == 429 || s.code == 503);
                    tokio::time::sleep(wait.unwrap_or(delay)).await;
                    delay = (delay * 2).min(MAX_DELAY);
                    attempt += 1;
                }
                _ => return (Err(to_error(object, &e)), answer_lost),
            },
        }
    }
}

/// `Some(delay)` when the error is worth retrying: the server's Retry-After when it gave one.
fn transient_delay(e: &kube::Error) -> Option<Option<Duration>> {
    match e {
        kube::Error::Api(status) => match status.code {
            429 | 500 | 503 | 504 => Some(
                status
                    .details
                    .as_ref()
                    .map(|d| d.retry_after_seconds)
                    .filter(|s| *s > 0)
                    .map(|s| Duration::from_secs(u64::from(s)).min(MAX_RETRY_AFTER)),
            ),
            _ => None,
        },
        kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_) => Some(None),
        // A body cut off mid-way decodes as truncated JSON.
        kube::Error::SerdeError(err) if err.is_eof() => Some(None),
        _ => None,
    }
}

/// The API server's message (or the transport's), for `object`.
pub(crate) fn to_error(object: &str, e: &kube::Error) -> ClusterError {
    match e {
        kube::Error::Api(status) if status.code == 409 && is_apply_conflict(status) => ClusterError::Conflict {
            object: object.to_string(),
            conflicts: conflicts(status),
        },
        kube::Error::Api(status) => ClusterError::Api {
            object: object.to_string(),
            code: status.code,
            reason: status.reason.clone(),
            message: if status.message.is_empty() {
                format!("the server answered {} {}", status.code, status.reason)
            } else {
                status.message.clone()
            },
        },
        other => ClusterError::Transport {
            object: object.to_string(),
            message: chain(other),
        },
    }
}

fn is_apply_conflict(status: &kube::core::Status) -> bool {
    status
        .details
        .as_ref()
        .is_some_and(|d| d.causes.iter().any(|c| c.reason == "FieldManagerConflict"))
}

/// `fields .data.k, .data.j managed by "kubectl"`, grouped by manager in the server's order.
fn conflicts(status: &kube::core::Status) -> String {
    let mut by_manager: Vec<(String, Vec<String>)> = Vec::new();
    for cause in status.details.iter().flat_map(|d| &d.causes) {
        if cause.reason != "FieldManagerConflict" {
            continue;
        }
        let manager = cause.message.split('"').nth(1).unwrap_or(&cause.message).to_string();
        match by_manager.iter_mut().find(|(m, _)| *m == manager) {
            Some((_, fields)) => fields.push(cause.field.clone()),
            None => by_manager.push((manager, vec![cause.field.clone()])),
        }
    }
    by_manager
        .iter()
        .map(|(m, f)| format!("{} managed by \"{m}\"", f.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;
    use serde_json::json;

    fn api_error(body: serde_json::Value) -> kube::Error {
        kube::Error::Api(Box::new(serde_json::from_value::<Status>(body).unwrap()))
    }

    fn conflict() -> kube::Error {
        let cause = |field: &str, manager: &str| json!({"reason": "FieldManagerConflict", "message": format!("conflict with \"{manager}\" using v1"), "field": field});
        api_error(
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 409, "reason": "Conflict",
            "message": "Apply failed with 2 conflicts",
            "details": {"causes": [cause(".data.a", "kubectl"), cause(".data.b", "kubectl")]}}),
        )
    }

    #[test]
    fn conflict_is_one_line_naming_fields_and_manager() {
        let msg = to_error("configmap/x", &conflict()).to_string();
        assert_eq!(
            msg,
            "configmap/x: apply conflict: .data.a, .data.b managed by \"kubectl\"; use --force-conflicts to take ownership of these fields"
        );
    }

    #[test]
    fn server_message_names_the_object() {
        let e = api_error(
            json!({"kind": "Status", "status": "Failure", "code": 422, "reason": "Invalid",
            "message": "Deployment.apps \"web\" is invalid: spec.replicas: must be >= 0"}),
        );
        assert_eq!(
            to_error("deployment.apps/web", &e).to_string(),
            "deployment.apps/web: Deployment.apps \"web\" is invalid: spec.replicas: must be >= 0"
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let e = |code: u16, secs: u32| {
            api_error(
                json!({"kind": "Status", "status": "Failure", "code": code, "reason": "TooManyRequests",
                "message": "slow down", "details": {"retryAfterSeconds": secs}}),
            )
        };
        assert_eq!(transient_delay(&e(429, 2)), Some(Some(Duration::from_secs(2))));
        assert_eq!(transient_delay(&e(429, 600)), Some(Some(MAX_RETRY_AFTER)));
        assert_eq!(transient_delay(&e(503, 0)), Some(None));
        assert_eq!(transient_delay(&e(500, 0)), Some(None));
        assert_eq!(transient_delay(&e(404, 0)), None);
        assert_eq!(transient_delay(&conflict()), None);
    }
}
