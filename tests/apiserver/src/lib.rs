//! A small Kubernetes-compatible API server for rudder's tests (test support, not product).
//!
//! It speaks the real REST protocol over loopback HTTP: discovery, CRUD for namespaced and
//! cluster-scoped kinds, server-side apply with managed fields, Status error bodies,
//! resourceVersion conflicts, watches, CRDs that register their kinds, a knob that marks
//! workloads ready, and fault injection. Plain HTTP by default (kube-rs and kubectl both take an
//! `http://` server); `Options::tls` serves HTTPS with a committed test certificate, so the
//! kubeconfig's CA data and bearer token (which kubectl sends over HTTPS only) are exercised too.

mod api;
mod clock;
mod discovery;
mod faults;
mod fieldset;
mod kubeconfig;
mod openapi;
mod patch;
mod resources;
mod schema;
mod selector;
mod server;
mod ssa;
mod status;
mod store;
mod table;
mod tls;
mod tree;
mod workload;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

pub use faults::{Action, Fault, When};
pub use store::Seen;

use server::Shared;
use store::State;

/// How to start a server.
#[derive(Debug, Clone)]
pub struct Options {
    /// Fill workload status so readiness checks pass (default true).
    pub ready: bool,
    /// A bearer token clients must present; None (the default) accepts anyone. kubectl sends
    /// tokens over HTTPS only (see `tls`).
    pub token: Option<String>,
    /// Faults installed from the start.
    pub faults: Vec<Fault>,
    /// The port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Serve HTTPS with the test certificate in `tests/apiserver/tls/` (the kubeconfig carries its
    /// CA as `certificate-authority-data`) instead of plain HTTP.
    pub tls: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ready: true,
            token: None,
            faults: Vec::new(),
            port: 0,
            tls: false,
        }
    }
}

/// A server bound to 127.0.0.1, running on its own thread; stopped when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    dir: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

static SERVERS: AtomicU32 = AtomicU32::new(0);

/// Binds the listener and builds the shared state (shared by the library and the binary).
///
/// # Errors
/// When the port cannot be bound.
pub async fn bind(options: &Options) -> std::io::Result<(tokio::net::TcpListener, Arc<SharedHandle>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    let addr = listener.local_addr()?;
    let mut state = State::new(options.ready);
    for f in &options.faults {
        state.faults.add(f.clone());
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        token: options.token.clone(),
        addr: addr.to_string(),
    });
    let tls = if options.tls { Some(tls::acceptor()?) } else { None };
    Ok((listener, Arc::new(SharedHandle { shared, addr, tls })))
}

/// Serves `listener` until `stop` fires.
pub async fn run(
    listener: tokio::net::TcpListener,
    handle: Arc<SharedHandle>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    server::serve(listener, handle.shared.clone(), handle.tls.clone(), stop).await;
}

/// A handle on a server's state: knobs, faults and inspection.
pub struct SharedHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

impl SharedHandle {
    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The kubeconfig text for this server.
    pub fn kubeconfig(&self) -> String {
        let ca = self.tls.as_ref().map(|_| tls::CA_PEM);
        kubeconfig::render(&self.addr.to_string(), self.shared.token.as_deref(), "default", ca)
    }
}

impl TestServer {
    /// Starts a server with default options.
    ///
    /// # Panics
    /// When no port on 127.0.0.1 can be bound.
    pub fn start() -> TestServer {
        TestServer::with(Options::default()).expect("start the test API server")
    }

    /// Starts a server; its kubeconfig is written to a fresh temporary directory.
    ///
    /// # Errors
    /// When the port cannot be bound or the kubeconfig cannot be written.
    pub fn with(options: Options) -> std::io::Result<TestServer> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (listener, handle) = rt.block_on(bind(&options))?;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let dir = std::env::temp_dir().join(format!(
            "rudder-testserver-{}-{}",
            std::process::id(),
            SERVERS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("kubeconfig"), handle.kubeconfig())?;
        let (shared, addr) = (handle.shared.clone(), handle.addr);
        let thread = std::thread::Builder::new()
            .name("rudder-testserver".into())
            .spawn(move || rt.block_on(run(listener, handle, stopped)))?;
        Ok(TestServer {
            addr,
            shared,
            dir,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The kubeconfig file pointing at this server.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.join("kubeconfig")
    }

    /// Installs a fault.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.add(fault);
    }

    /// Removes all faults.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Turns readiness on or off, re-filling the status of existing workloads.
    pub fn set_ready(&self, ready: bool) {
        self.shared.lock().set_ready(ready);
    }

    /// Writes (POST, PUT, PATCH, DELETE) received so far, faulted ones included.
    pub fn writes(&self) -> u64 {
        self.shared.lock().faults.writes()
    }

    /// Requests served so far, in order.
    pub fn requests(&self) -> Vec<Seen> {
        self.shared.lock().seen.clone()
    }

    /// A stored object by apiVersion-independent coordinates: group (`""` for core), plural,
    /// namespace (`""` for cluster-scoped) and name.
    pub fn object(&self, group: &str, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        let key = (
            group.to_string(),
            plural.to_string(),
            namespace.to_string(),
            name.to_string(),
        );
        let mut state = self.shared.lock();
        state.tick();
        state.get(&key).cloned()
    }

    /// Names of the stored objects of one resource in one namespace (`""` for cluster-scoped).
    pub fn names(&self, group: &str, plural: &str, namespace: &str) -> Vec<String> {
        let mut state = self.shared.lock();
        state.tick();
        state
            .list(group, plural, Some(namespace))
            .iter()
            .filter_map(|o| o["metadata"]["name"].as_str().map(String::from))
            .collect()
    }

    /// The directory holding the kubeconfig (removed when the server stops).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
