//! Waiting until objects are ready (`apply --wait`, and releases later): polls each object not yet
//! ready and judges it with [`check`], reporting progress (how many are ready, which one is slowest).

mod rules;

pub use rules::{Readiness, check};

use std::time::{Duration, Instant};

use super::ClusterError;
use super::object::Target;
use super::retry::with_retry;
use super::session::Session;

/// Where a wait stands, for progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub ready: usize,
    pub total: usize,
    /// The first object (in install order) still not ready, and why.
    pub slowest: Option<(String, String)>,
}

const POLL: Duration = Duration::from_millis(500);

/// Polls until every target is ready or `timeout` passes.
///
/// # Errors
/// [`ClusterError::Timeout`] naming each object still not ready and why; API errors other than
/// not-found (an object not yet visible counts as not ready).
pub(crate) async fn wait(
    session: &Session,
    targets: &[Target],
    timeout: Duration,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), ClusterError> {
    let start = Instant::now();
    let mut pending: Vec<(usize, String)> = (0..targets.len()).map(|i| (i, "not checked yet".to_string())).collect();
    loop {
        let mut still = Vec::new();
        for (i, _) in &pending {
            let t = &targets[*i];
            let api = t.api(&session.client);
            match with_retry(&t.describe(), || api.get(&t.name)).await {
                Ok(obj) => {
                    let json = serde_json::to_value(&obj).unwrap_or_default();
                    if let Readiness::NotReady(why) = check(&json) {
                        still.push((*i, why));
                    }
                }
                Err(e) if e.is_not_found() => still.push((*i, "not found".into())),
                Err(e) => return Err(e),
            }
        }
        pending = still;
        progress(&Progress {
            ready: targets.len() - pending.len(),
            total: targets.len(),
            slowest: pending.first().map(|(i, why)| (targets[*i].describe(), why.clone())),
        });
        let left = pending
            .iter()
            .map(|(i, why)| format!("{}: {why}", targets[*i].describe()));
        if end_of_round(start, timeout, targets.len(), left).await? {
            return Ok(());
        }
    }
}

/// Polls until every target is gone (404) or `timeout` passes.
///
/// # Errors
/// [`ClusterError::Timeout`] naming the objects still present.
pub(crate) async fn wait_deleted(session: &Session, targets: &[Target], timeout: Duration) -> Result<(), ClusterError> {
    let start = Instant::now();
    let mut pending: Vec<&Target> = targets.iter().collect();
    loop {
        let mut still = Vec::new();
        for t in pending {
            let api = t.api(&session.client);
            match with_retry(&t.describe(), || api.get(&t.name)).await {
                Ok(_) => still.push(t),
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        pending = still;
        let left = pending.iter().map(|t| format!("{}: still present", t.describe()));
        if end_of_round(start, timeout, targets.len(), left).await? {
            return Ok(());
        }
    }
}

/// Ends a polling round with `left` describing the objects still waited for: `Ok(true)` when
/// there are none, [`ClusterError::Timeout`] naming them when `timeout` has passed since
/// `start`, otherwise `Ok(false)` after sleeping until the next round.
async fn end_of_round(
    start: Instant,
    timeout: Duration,
    total: usize,
    left: impl ExactSizeIterator<Item = String>,
) -> Result<bool, ClusterError> {
    if left.len() == 0 {
        return Ok(true);
    }
    if start.elapsed() >= timeout {
        return Err(ClusterError::Timeout {
            timeout,
            count: left.len(),
            total,
            details: left.collect::<Vec<_>>().join("; "),
        });
    }
    tokio::time::sleep(POLL.min(timeout.saturating_sub(start.elapsed()))).await;
    Ok(false)
}

impl Session {
    /// Waits until every object of `docs` is ready (the rules of [`check`]), reporting progress.
    /// `namespace` defaults the namespace of namespaced objects that name none (objects naming
    /// another one are waited for there: they were applied already).
    ///
    /// # Errors
    /// A kind the server does not serve; [`ClusterError::Timeout`] naming the objects not ready.
    pub fn wait_ready(
        &self,
        docs: &[crate::resource::Document],
        namespace: Option<&str>,
        timeout: Duration,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), ClusterError> {
        self.block_on(async {
            let ns = super::object::NamespaceChoice::new(self, namespace, true);
            let mut targets = Vec::new();
            for doc in super::object::install_order(docs) {
                targets.push(super::object::resolve(self, doc, &ns).await?);
            }
            wait(self, &targets, timeout, progress).await
        })
    }
}
