//! Running the hooks of one event against the cluster, as Helm runs them:
//! 1. the hooks of the event, in running order (weight, kind, name);
//! 2. for each: delete its object if it has `before-hook-creation`, create it, wait until it
//!    has completed (Jobs and Pods; other kinds at once), recording start, end and phase;
//! 3. a failure (refused create, failed Job or Pod, timeout) stops the run: the hook's object is
//!    deleted if it has `hook-failed`, and later hooks do not run;
//! 4. once all have succeeded, objects with `hook-succeeded` are deleted, last hook first.
//!
//! CustomResourceDefinitions are never deleted (that would delete every object of their kind).

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;

use crate::cluster::{Completion, Session};
use crate::resource::Document;
use crate::yaml::{self, Dialect};

use super::error::HookError;
use super::model::{DeletePolicy, Hook, HookEvent, HookPhase, HookRun};
use super::parse::sort_indices;

/// Runs the hooks of `event` among `hooks` (any order), in `namespace` (for objects naming
/// none), waiting up to `timeout` for each. Each run hook's `last_run` is updated, failed or not.
/// Returns how many hooks ran.
///
/// # Errors
/// The first hook that failed, one line: `pre-upgrade hook job/db-migrate failed:
/// BackoffLimitExceeded: Job has reached the specified backoff limit`.
pub fn run(
    session: &Session,
    hooks: &mut [Hook],
    event: HookEvent,
    namespace: &str,
    timeout: Duration,
) -> Result<usize, HookError> {
    let order = sort_indices(hooks, event);
    let mut docs = Vec::with_capacity(order.len());
    for &i in &order {
        docs.push(document(&hooks[i])?);
    }
    for (&i, doc) in order.iter().zip(&docs) {
        run_one(session, &mut hooks[i], doc, event, namespace, timeout)?;
    }
    for (&i, doc) in order.iter().zip(&docs).rev() {
        delete_by_policy(
            session,
            &hooks[i],
            doc,
            DeletePolicy::HookSucceeded,
            event,
            namespace,
            timeout,
        )?;
    }
    Ok(order.len())
}

fn run_one(
    session: &Session,
    hook: &mut Hook,
    doc: &Document,
    event: HookEvent,
    namespace: &str,
    timeout: Duration,
) -> Result<(), HookError> {
    delete_by_policy(
        session,
        hook,
        doc,
        DeletePolicy::BeforeHookCreation,
        event,
        namespace,
        timeout,
    )?;
    hook.last_run = HookRun {
        started_at: Some(Timestamp::now()),
        completed_at: None,
        phase: HookPhase::Running,
    };
    let outcome = match session.create_object(doc, namespace) {
        Ok(_) => session.wait_completion(doc, namespace, timeout),
        Err(e) => Err(e),
    };
    hook.last_run.completed_at = Some(Timestamp::now());
    let failure = match outcome {
        Ok(Some(Completion::Succeeded)) => {
            hook.last_run.phase = HookPhase::Succeeded;
            return Ok(());
        }
        Ok(Some(Completion::Failed(reason))) => HookError::Failed {
            event,
            hook: hook.label(),
            reason,
        },
        Ok(None) => HookError::Timeout {
            event,
            hook: hook.label(),
            timeout,
        },
        Err(error) => HookError::Cluster {
            event,
            hook: hook.label(),
            error,
        },
    };
    hook.last_run.phase = HookPhase::Failed;
    delete_by_policy(session, hook, doc, DeletePolicy::HookFailed, event, namespace, timeout)?;
    Err(failure)
}

fn delete_by_policy(
    session: &Session,
    hook: &Hook,
    doc: &Document,
    policy: DeletePolicy,
    event: HookEvent,
    namespace: &str,
    timeout: Duration,
) -> Result<(), HookError> {
    if hook.kind == "CustomResourceDefinition" || !hook.has_policy(policy) {
        return Ok(());
    }
    session
        .delete_and_wait(doc, namespace, timeout)
        .map(|_| ())
        .map_err(|error| HookError::Cluster {
            event,
            hook: hook.label(),
            error,
        })
}

/// The hook's manifest as a document.
fn document(hook: &Hook) -> Result<Document, HookError> {
    let parsed = yaml::parse_stream(&hook.manifest, Dialect::Helm, &hook.path).map_err(|e| HookError::Parse {
        file: hook.path.clone(),
        message: e.to_string(),
    })?;
    let mut docs = parsed.into_iter().filter(|d| !d.value.is_null());
    match (docs.next(), docs.next()) {
        (Some(d), None) => Ok(Document::new(d.value, hook.path.clone(), d.line)),
        _ => Err(HookError::Parse {
            file: hook.path.clone(),
            message: format!("hook {}: the manifest must hold exactly one document", hook.label()),
        }),
    }
}
