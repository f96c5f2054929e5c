//! A connection to one cluster: kubeconfig, client, discovery cache and the runtime that drives them.

use std::future::Future;
use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use tokio::sync::Mutex;

use super::ClusterError;
use super::discovery::Discovery;

/// Where to find the cluster: kubectl's `--kubeconfig` and `--context`. Without a path, `KUBECONFIG`
/// (a list of files, merged) or `~/.kube/config` is read, as kubectl does.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
}

/// An open client plus its runtime. All operations are synchronous for the caller.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    pub(crate) client: Client,
    pub(crate) discovery: Mutex<Discovery>,
    /// The namespace of the kubeconfig context (`default` when it names none).
    pub(crate) context_namespace: String,
}

impl Session {
    /// Loads the kubeconfig and builds a client (TLS with rustls, client certificates, tokens, exec
    /// credential plugins and proxies as kube-rs supports them). Does not contact the server.
    ///
    /// # Errors
    /// An unreadable or invalid kubeconfig, an unknown context, or bad credentials material.
    pub fn connect(opts: &ConnectOptions) -> Result<Session, ClusterError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClusterError::Runtime(e.to_string()))?;
        let options = KubeConfigOptions {
            context: opts.context.clone(),
            ..Default::default()
        };
        let config = runtime.block_on(async {
            match &opts.kubeconfig {
                Some(path) => {
                    let kc = Kubeconfig::read_from(path)
                        .map_err(|e| ClusterError::Kubeconfig(format!("{}: {}", path.display(), chain(&e))))?;
                    Config::from_custom_kubeconfig(kc, &options).await
                }
                None => Config::from_kubeconfig(&options).await,
            }
            .map_err(|e| ClusterError::Kubeconfig(chain(&e)))
        })?;
        let mut config: Config = config;
        // Retries are ours (see retry.rs): they also cover 500s, resets and timeouts, and name the object.
        config.default_retry = false;
        config.connect_timeout = Some(std::time::Duration::from_secs(10));
        config.read_timeout = Some(std::time::Duration::from_secs(60));
        config.reset_reader_on_write = true;
        let context_namespace = config.default_namespace.clone();
        let client = {
            let _guard = runtime.enter();
            Client::try_from(config).map_err(|e| ClusterError::Kubeconfig(chain(&e)))?
        };
        Ok(Session {
            runtime,
            client,
            discovery: Mutex::new(Discovery::default()),
            context_namespace,
        })
    }

    /// The namespace objects default to when `-n` is not given: the kubeconfig context's.
    pub fn context_namespace(&self) -> &str {
        &self.context_namespace
    }

    pub(crate) fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }
}

/// An error with its causes, on one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}
