//! One operation at a time per release: a `coordination.k8s.io/v1` Lease named
//! `sh.rudder.release.v1.NAME` in the release namespace.
//!
//! - Acquiring creates the Lease; when it exists, a second operation fails at once naming the
//!   holder (operation, process, host, since when).
//! - While held, a thread with its own connection renews it every [`RENEW_EVERY`]; releasing
//!   deletes it.
//! - A Lease whose holder is gone is stale: on the same host, a holder process that no longer
//!   exists; anywhere, a Lease not renewed within its duration. It is taken over when the
//!   request allows (replace with a resourceVersion precondition, so of two rescuers only one
//!   wins); whether the interrupted operation left a pending revision is the caller's business.

use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value as Json, json};

use super::Error;
use crate::cluster::{ClusterError, ConnectOptions, ObjectRef, Session};

/// How long a Lease stays valid without renewal.
pub const LEASE_SECONDS: u64 = 30;
/// How often the holder renews.
pub const RENEW_EVERY: Duration = Duration::from_secs(10);

const OPERATION: &str = "rudder.dev/operation";
const HOST: &str = "rudder.dev/holder-host";
const PID: &str = "rudder.dev/holder-pid";

fn leases(namespace: &str) -> ObjectRef<'_> {
    ObjectRef {
        api_version: "coordination.k8s.io/v1",
        kind: "Lease",
        namespace: Some(namespace),
    }
}

/// The Lease name of release `name`.
pub fn lease_name(name: &str) -> String {
    format!("sh.rudder.release.v1.{name}")
}

/// Who holds a release's Lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub operation: String,
    pub host: String,
    pub pid: u32,
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} by pid {} on host {} (since {})",
            self.operation, self.pid, self.host, self.since
        )
    }
}

/// A held lock; released (Lease deleted) when dropped.
pub struct Lock<'s> {
    session: &'s Session,
    namespace: String,
    name: String,
    stop: Option<mpsc::Sender<()>>,
    renewer: Option<std::thread::JoinHandle<()>>,
}

/// What to lock and how.
pub struct LockRequest<'a> {
    pub release: &'a str,
    pub namespace: &'a str,
    /// `install`, `upgrade`, `rollback`, `uninstall`: shown to whoever finds it held.
    pub operation: &'a str,
    /// Take over a stale Lease (one whose holder is gone) instead of reporting it.
    pub take_over_stale: bool,
}

/// Takes the lock of a release. Returns the lock and, when a stale Lease was taken over, its
/// previous holder.
///
/// # Errors
/// [`Error::Locked`] when another live operation holds it; [`Error::Interrupted`] when a stale
/// Lease is found and `take_over_stale` is false; the cluster failing.
pub fn acquire<'s>(
    session: &'s Session,
    connect: &ConnectOptions,
    req: &LockRequest<'_>,
) -> Result<(Lock<'s>, Option<Holder>), Error> {
    let name = lease_name(req.release);
    let at = leases(req.namespace);
    let mine = lease_body(req, &name, &now_micro());
    let taken_over = match session.create_raw(&at, &mine) {
        Ok(_) => None,
        Err(ClusterError::Api { code: 409, .. }) => {
            let Some(live) = session.get_raw(&at, &name)? else {
                // Released between our create and read: try once more.
                session.create_raw(&at, &mine)?;
                return Ok((start(session, connect, req, name), None));
            };
            let holder = holder_of(&live);
            if is_ours(&live) {
                None
            } else if !is_stale(&live) {
                return Err(Error::Locked {
                    release: req.release.to_string(),
                    holder: holder.to_string(),
                });
            } else if !req.take_over_stale {
                return Err(Error::Interrupted {
                    release: req.release.to_string(),
                    what: format!("the lock is held by {holder}, whose process is gone"),
                });
            } else {
                let mut body = mine.clone();
                body["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
                match session.replace_raw(&at, &name, &body) {
                    Ok(_) => Some(holder),
                    Err(ClusterError::Api { code: 409, .. }) => {
                        let now = session.get_raw(&at, &name)?.map(|l| holder_of(&l).to_string());
                        return Err(Error::Locked {
                            release: req.release.to_string(),
                            holder: now.unwrap_or_else(|| "another rescue".into()),
                        });
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Err(e) => return Err(e.into()),
    };
    Ok((start(session, connect, req, name), taken_over))
}

fn start<'s>(session: &'s Session, connect: &ConnectOptions, req: &LockRequest<'_>, name: String) -> Lock<'s> {
    let (stop, stopped) = mpsc::channel::<()>();
    let connect = connect.clone();
    let (namespace, lease) = (req.namespace.to_string(), name.clone());
    let renewer = std::thread::Builder::new()
        .name("rudder-lease".into())
        .spawn(move || renew_until_stopped(&connect, &namespace, &lease, &stopped))
        .ok();
    Lock {
        session,
        namespace: req.namespace.to_string(),
        name,
        stop: Some(stop),
        renewer,
    }
}

/// Renews the Lease every [`RENEW_EVERY`] over its own connection until told to stop. Failures
/// are retried at the next tick: the operation itself reports cluster trouble.
fn renew_until_stopped(connect: &ConnectOptions, namespace: &str, lease: &str, stopped: &mpsc::Receiver<()>) {
    let Ok(session) = Session::connect(connect) else {
        return;
    };
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(RENEW_EVERY) {
        let at = leases(namespace);
        if let Ok(Some(mut live)) = session.get_raw(&at, lease)
            && is_ours(&live)
        {
            live["spec"]["renewTime"] = Json::String(now_micro());
            let _ = session.replace_raw(&at, lease, &live);
        }
    }
}

impl Drop for Lock<'_> {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.renewer.take() {
            let _ = t.join();
        }
        let at = leases(&self.namespace);
        if let Ok(Some(live)) = self.session.get_raw(&at, &self.name)
            && is_ours(&live)
        {
            let _ = self.session.delete_raw(&at, &self.name);
        }
    }
}

fn lease_body(req: &LockRequest<'_>, name: &str, now: &str) -> Json {
    let pid = std::process::id();
    let host = hostname();
    json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": req.namespace,
            "labels": {"owner": "rudder", "name": req.release},
            "annotations": {OPERATION: req.operation, HOST: host, PID: pid.to_string()}},
        "spec": {"holderIdentity": format!("{} by pid {pid} on host {host}", req.operation),
            "leaseDurationSeconds": LEASE_SECONDS, "acquireTime": now, "renewTime": now},
    })
}

fn holder_of(lease: &Json) -> Holder {
    let ann = &lease["metadata"]["annotations"];
    Holder {
        operation: ann[OPERATION].as_str().unwrap_or("an operation").to_string(),
        host: ann[HOST].as_str().unwrap_or("unknown").to_string(),
        pid: ann[PID].as_str().and_then(|p| p.parse().ok()).unwrap_or(0),
        since: lease["spec"]["acquireTime"].as_str().unwrap_or("unknown").to_string(),
    }
}

fn is_ours(lease: &Json) -> bool {
    let h = holder_of(lease);
    h.pid == std::process::id() && h.host == hostname()
}

/// The holder is gone: its process no longer exists on this host, or it stopped renewing.
fn is_stale(lease: &Json) -> bool {
    let h = holder_of(lease);
    if h.host == hostname() && h.pid != 0 && !process_exists(h.pid) {
        return true;
    }
    let duration = lease["spec"]["leaseDurationSeconds"]
        .as_i64()
        .unwrap_or(LEASE_SECONDS as i64);
    let renewed = lease["spec"]["renewTime"]
        .as_str()
        .and_then(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok());
    match renewed {
        Some(t) => {
            let age = k8s_openapi::jiff::Timestamp::now().as_second() - t.as_second();
            age > duration
        }
        None => true,
    }
}

fn process_exists(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc, rely on the Lease expiring.
        true
    }
}

fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| fs_err::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Now as a Kubernetes MicroTime (`2026-11-22T08:40:05.123456Z`).
fn now_micro() -> String {
    k8s_openapi::jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(pid: u32, host: &str, renewed: &str) -> Json {
        json!({"metadata": {"annotations": {OPERATION: "upgrade", HOST: host, PID: pid.to_string()}},
               "spec": {"acquireTime": "t", "renewTime": renewed, "leaseDurationSeconds": 30}})
    }

    #[test]
    fn micro_time_has_six_fraction_digits() {
        let t = now_micro();
        let frac = t.split('.').nth(1).unwrap();
        assert_eq!(frac.len(), 7, "{t}");
        assert!(t.parse::<k8s_openapi::jiff::Timestamp>().is_ok());
    }

    #[test]
    fn a_dead_local_holder_or_an_expired_lease_is_stale() {
        let fresh = now_micro();
        // This process is alive and renewed just now.
        assert!(!is_stale(&lease(std::process::id(), &hostname(), &fresh)));
        // A pid that cannot exist on this host.
        assert!(is_stale(&lease(u32::MAX - 1, &hostname(), &fresh)));
        // Another host: only expiry counts.
        assert!(!is_stale(&lease(1, "elsewhere", &fresh)));
        assert!(is_stale(&lease(1, "elsewhere", "2020-01-01T00:00:00.000000Z")));
    }

    #[test]
    fn holder_names_operation_pid_and_host() {
        let h = holder_of(&lease(42, "box", "x"));
        assert_eq!(h.to_string(), "upgrade by pid 42 on host box (since t)");
    }
}
