//! Objects that run to completion (what release hooks are): create one, wait until it has
//! completed, delete it and wait until it is gone.
//!
//! Completion rules, from the object's JSON:
//! - Job: condition Complete (or `status.succeeded` reaching `spec.completions`, default 1) is
//!   success; condition Failed is failure with the condition's reason and message.
//! - Pod: phase Succeeded is success; phase Failed is failure naming the first container that
//!   terminated with a non-zero exit code, its reason and code.
//! - Any other kind has completed once it exists.

use std::time::{Duration, Instant};

use kube::api::{DeleteParams, PostParams};
use kube::core::DynamicObject;
use serde_json::Value;

use super::ClusterError;
use super::object::{NamespaceChoice, Target, resolve};
use super::retry::{delete_with_retry, with_retry};
use super::session::Session;
use crate::resource::Document;

/// How a run-to-completion object ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    Succeeded,
    /// Why it failed, e.g. `BackoffLimitExceeded: Job has reached the specified backoff limit`.
    Failed(String),
}

/// Whether `obj` (a live object) has completed: `None` while it is still running.
pub fn completion(obj: &Value) -> Option<Completion> {
    let group = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|a| a.rsplit_once('/'))
        .map_or("", |(g, _)| g);
    match (group, obj.get("kind").and_then(Value::as_str).unwrap_or("")) {
        ("batch", "Job") => job(obj),
        ("", "Pod") => pod(obj),
        _ => Some(Completion::Succeeded),
    }
}

fn job(obj: &Value) -> Option<Completion> {
    let conditions = obj.pointer("/status/conditions").and_then(Value::as_array);
    let true_condition = |kind: &str| {
        conditions.into_iter().flatten().find(|c| {
            c.get("type").and_then(Value::as_str) == Some(kind)
                && c.get("status").and_then(Value::as_str) == Some("True")
        })
    };
    if let Some(failed) = true_condition("Failed") {
        let text = |k: &str| failed.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let reason = match (text("reason"), text("message")) {
            (r, m) if r.is_empty() && m.is_empty() => "the Job failed".to_string(),
            (r, m) if m.is_empty() => r,
            (r, m) if r.is_empty() => m,
            (r, m) => format!("{r}: {m}"),
        };
        return Some(Completion::Failed(reason));
    }
    let completions = obj.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1);
    let succeeded = obj.pointer("/status/succeeded").and_then(Value::as_i64).unwrap_or(0);
    (true_condition("Complete").is_some() || succeeded >= completions.max(1)).then_some(Completion::Succeeded)
}

fn pod(obj: &Value) -> Option<Completion> {
    match obj.pointer("/status/phase").and_then(Value::as_str) {
        Some("Succeeded") => Some(Completion::Succeeded),
        Some("Failed") => Some(Completion::Failed(pod_failure(obj))),
        _ => None,
    }
}

/// The first container (init containers first) that terminated with a non-zero code, or the
/// Pod's own reason.
fn pod_failure(obj: &Value) -> String {
    for list in ["initContainerStatuses", "containerStatuses"] {
        let statuses = obj.pointer(&format!("/status/{list}")).and_then(Value::as_array);
        for s in statuses.into_iter().flatten() {
            let Some(t) = s.pointer("/state/terminated") else {
                continue;
            };
            let code = t.get("exitCode").and_then(Value::as_i64).unwrap_or(0);
            if code == 0 {
                continue;
            }
            let name = s.get("name").and_then(Value::as_str).unwrap_or("?");
            let reason = t.get("reason").and_then(Value::as_str).unwrap_or("terminated");
            return format!("container {name}: {reason} (exit code {code})");
        }
    }
    let text = |k: &str| {
        obj.pointer(&format!("/status/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    match (text("reason"), text("message")) {
        ("", "") => "the Pod failed".to_string(),
        (r, "") => r.to_string(),
        ("", m) => m.to_string(),
        (r, m) => format!("{r}: {m}"),
    }
}

/// The first polls come quickly (hooks that finish at once should not cost half a second each).
fn poll_delay(round: u32) -> Duration {
    Duration::from_millis((50 * u64::from(round + 1)).min(500))
}

async fn target(session: &Session, doc: &Document, namespace: &str) -> Result<Target, ClusterError> {
    let ns = NamespaceChoice {
        namespace: namespace.to_string(),
        enforce: false,
    };
    resolve(session, doc, &ns).await
}

impl Session {
    /// Creates the object of `doc` (POST; `namespace` for namespaced objects that name none).
    /// Returns its label, e.g. `job.batch/db-migrate`.
    ///
    /// # Errors
    /// A kind the server does not serve; the server refusing the object (409 when it exists).
    pub fn create_object(&self, doc: &Document, namespace: &str) -> Result<String, ClusterError> {
        self.block_on(async {
            let t = target(self, doc, namespace).await?;
            let object: DynamicObject =
                serde_json::from_value(t.body.clone()).map_err(|e| ClusterError::BadDocument {
                    source_name: doc.source.clone(),
                    index: 0,
                    message: e.to_string(),
                })?;
            let api = t.api(&self.client);
            let params = PostParams::default();
            with_retry(&t.describe(), || api.create(&params, &object)).await?;
            Ok(t.label())
        })
    }

    /// Deletes the object of `doc` (background propagation) and waits until it is gone. Returns
    /// whether it existed; a kind the server does not serve counts as absent.
    ///
    /// # Errors
    /// The server refusing the delete; [`ClusterError::Timeout`] when it is still there.
    pub fn delete_and_wait(&self, doc: &Document, namespace: &str, timeout: Duration) -> Result<bool, ClusterError> {
        self.block_on(async {
            let t = match target(self, doc, namespace).await {
                Ok(t) => t,
                Err(ClusterError::UnknownKind { .. }) => return Ok(false),
                Err(e) => return Err(e),
            };
            let api = t.api(&self.client);
            let existed = match with_retry(&t.describe(), || api.get_opt(&t.name)).await? {
                None => return Ok(false),
                Some(_) => true,
            };
            let params = DeleteParams::background();
            delete_with_retry(&t.describe(), || api.delete(&t.name, &params)).await?;
            let start = Instant::now();
            let mut round = 0;
            while with_retry(&t.describe(), || api.get_opt(&t.name)).await?.is_some() {
                if start.elapsed() >= timeout {
                    return Err(ClusterError::Timeout {
                        timeout,
                        count: 1,
                        total: 1,
                        details: format!("{}: still present", t.describe()),
                    });
                }
                tokio::time::sleep(poll_delay(round).min(timeout.saturating_sub(start.elapsed()))).await;
                round += 1;
            }
            Ok(existed)
        })
    }

    /// Waits until the object of `doc` (created before) has completed (see the module's rules).
    /// `None` when `timeout` passed first. An object gone meanwhile counts as completed.
    ///
    /// # Errors
    /// A kind the server does not serve; API errors other than not-found.
    pub fn wait_completion(
        &self,
        doc: &Document,
        namespace: &str,
        timeout: Duration,
    ) -> Result<Option<Completion>, ClusterError> {
        self.block_on(async {
            let t = target(self, doc, namespace).await?;
            let api = t.api(&self.client);
            let start = Instant::now();
            let mut round = 0;
            loop {
                let Some(obj) = with_retry(&t.describe(), || api.get_opt(&t.name)).await? else {
                    // Deleted once done (a Job's ttlSecondsAfterFinished): Helm counts that as
                    // completed too.
                    return Ok(Some(Completion::Succeeded));
                };
                let json = serde_json::to_value(&obj).unwrap_or_default();
                if let Some(done) = completion(&json) {
                    return Ok(Some(done));
                }
                if start.elapsed() >= timeout {
                    return Ok(None);
                }
                tokio::time::sleep(poll_delay(round).min(timeout.saturating_sub(start.elapsed()))).await;
                round += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_completes_on_condition_or_count_and_fails_with_reason() {
        let job = |status: Value| json!({"apiVersion": "batch/v1", "kind": "Job", "spec": {"completions": 2}, "status": status});
        assert_eq!(completion(&job(json!({"active": 1}))), None);
        assert_eq!(completion(&job(json!({"succeeded": 1}))), None);
        assert_eq!(completion(&job(json!({"succeeded": 2}))), Some(Completion::Succeeded));
        assert_eq!(
            completion(&job(json!({"conditions": [{"type": "Complete", "status": "True"}]}))),
            Some(Completion::Succeeded)
        );
        assert_eq!(
            completion(&job(json!({"conditions": [
                {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded"},
                {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}
            ]}))),
            Some(Completion::Failed(
                "BackoffLimitExceeded: Job has reached the specified backoff limit".into()
            ))
        );
        assert_eq!(
            completion(&job(json!({"conditions": [{"type": "Failed", "status": "False"}]}))),
            None
        );
    }

    #[test]
    fn pod_fails_naming_the_container() {
        let pod = |status: Value| json!({"apiVersion": "v1", "kind": "Pod", "status": status});
        assert_eq!(completion(&pod(json!({"phase": "Running"}))), None);
        assert_eq!(
            completion(&pod(json!({"phase": "Succeeded"}))),
            Some(Completion::Succeeded)
        );
        let failed = pod(json!({"phase": "Failed", "containerStatuses": [
            {"name": "ok", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "wget", "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}
        ]}));
        assert_eq!(
            completion(&failed),
            Some(Completion::Failed("container wget: Error (exit code 1)".into()))
        );
        assert_eq!(
            completion(&pod(
                json!({"phase": "Failed", "reason": "Evicted", "message": "low on memory"})
            )),
            Some(Completion::Failed("Evicted: low on memory".into()))
        );
    }

    #[test]
    fn other_kinds_complete_once_they_exist() {
        assert_eq!(
            completion(&json!({"apiVersion": "v1", "kind": "ConfigMap"})),
            Some(Completion::Succeeded)
        );
    }
}
