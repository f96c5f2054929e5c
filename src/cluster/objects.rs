//! Raw object access for callers that keep their own state in the cluster (release records in
//! Secrets, locks in Leases): get, list by label, create, replace and delete one object by
//! apiVersion/kind/namespace/name, plus reading the live object of a document and the server's
//! version. Same discovery, retry and error conventions as apply.

use kube::Api;
use kube::api::{DeleteParams, ListParams, PostParams};
use kube::core::DynamicObject;

use super::ClusterError;
use super::discovery::Mapping;
use super::object::{NamespaceChoice, resolve};
use super::retry::{delete_with_retry, with_retry};
use super::session::Session;
use crate::resource::{Document, Gvk};

/// Where one object lives: `api_version`/`kind` and, for namespaced kinds, the namespace
/// (`None` when listing across all namespaces).
#[derive(Debug, Clone, Copy)]
pub struct ObjectRef<'a> {
    pub api_version: &'a str,
    pub kind: &'a str,
    pub namespace: Option<&'a str>,
}

impl ObjectRef<'_> {
    fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version, self.kind)
    }

    fn describe(&self, name: &str) -> String {
        let kind = self.kind.to_lowercase();
        match self.namespace {
            Some(ns) => format!("{kind}/{name} (namespace {ns})"),
            None => format!("{kind}/{name}"),
        }
    }
}

impl Session {
    async fn api_for(&self, at: &ObjectRef<'_>) -> Result<Api<DynamicObject>, ClusterError> {
        let gvk = at.gvk();
        let mapping: Option<Mapping> = {
            let mut discovery = self.discovery.lock().await;
            discovery.resolve(&self.client, &gvk, at.kind).await?
        };
        let Some(mapping) = mapping else {
            return Err(ClusterError::UnknownKind {
                object: at.kind.to_string(),
                kind: at.kind.to_string(),
                api_version: at.api_version.to_string(),
            });
        };
        Ok(match at.namespace {
            Some(ns) if mapping.namespaced => Api::namespaced_with(self.client.clone(), ns, &mapping.resource),
            _ => Api::all_with(self.client.clone(), &mapping.resource),
        })
    }

    /// The object, or `None` when it does not exist.
    ///
    /// # Errors
    /// An unknown kind; the API failing after retries.
    pub fn get_raw(&self, at: &ObjectRef<'_>, name: &str) -> Result<Option<serde_json::Value>, ClusterError> {
        self.block_on(async {
            let api = self.api_for(at).await?;
            let obj = with_retry(&at.describe(name), || api.get_opt(name)).await?;
            Ok(obj.map(|o| serde_json::to_value(o).unwrap_or_default()))
        })
    }

    /// The objects matching the label `selector`, in one namespace or (namespace `None`) all.
    ///
    /// # Errors
    /// As [`Session::get_raw`].
    pub fn list_raw(&self, at: &ObjectRef<'_>, selector: &str) -> Result<Vec<serde_json::Value>, ClusterError> {
        self.block_on(async {
            let api = self.api_for(at).await?;
            let params = ListParams::default().labels(selector);
            let what = format!("listing {} with {selector}", at.kind.to_lowercase());
            let list = with_retry(&what, || api.list(&params)).await?;
            Ok(list
                .items
                .into_iter()
                .map(|o| serde_json::to_value(o).unwrap_or_default())
                .collect())
        })
    }

    /// Creates the object `body`. An existing object is [`ClusterError::Api`] with code 409
    /// (also when a retried create finds what an earlier attempt whose answer was lost made).
    ///
    /// # Errors
    /// As [`Session::get_raw`]; 409 when it exists.
    pub fn create_raw(&self, at: &ObjectRef<'_>, body: &serde_json::Value) -> Result<serde_json::Value, ClusterError> {
        self.block_on(async {
            let api = self.api_for(at).await?;
            let obj = to_dynamic(at, body)?;
            let name = obj.metadata.name.clone().unwrap_or_default();
            let params = PostParams::default();
            let made = with_retry(&at.describe(&name), || api.create(&params, &obj)).await?;
            Ok(serde_json::to_value(made).unwrap_or_default())
        })
    }

    /// Replaces the object with `body`; a `metadata.resourceVersion` in it is a precondition
    /// (409 when the object changed since it was read).
    ///
    /// # Errors
    /// As [`Session::get_raw`]; 404 when it is gone, 409 on a stale resourceVersion.
    pub fn replace_raw(
        &self,
        at: &ObjectRef<'_>,
        name: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ClusterError> {
        self.block_on(async {
            let api = self.api_for(at).await?;
            let obj = to_dynamic(at, body)?;
            let params = PostParams::default();
            let done = with_retry(&at.describe(name), || api.replace(name, &params, &obj)).await?;
            Ok(serde_json::to_value(done).unwrap_or_default())
        })
    }

    /// Deletes the object (background propagation); `false` when it did not exist.
    ///
    /// # Errors
    /// As [`Session::get_raw`].
    pub fn delete_raw(&self, at: &ObjectRef<'_>, name: &str) -> Result<bool, ClusterError> {
        self.block_on(async {
            let api = self.api_for(at).await?;
            let params = DeleteParams::background();
            match delete_with_retry(&at.describe(name), || api.delete(name, &params)).await {
                Ok(()) => Ok(true),
                Err(e) if e.is_not_found() => Ok(false),
                Err(e) => Err(e),
            }
        })
    }

    /// The live object a document describes (namespaced kinds default to `namespace`), or
    /// `None` when it does not exist or its kind is not served.
    ///
    /// # Errors
    /// Discovery or the read failing after retries.
    pub fn live_object(&self, doc: &Document, namespace: &str) -> Result<Option<serde_json::Value>, ClusterError> {
        self.block_on(async {
            let choice = NamespaceChoice {
                namespace: namespace.to_string(),
                enforce: false,
            };
            let target = match resolve(self, doc, &choice).await {
                Ok(t) => t,
                Err(ClusterError::UnknownKind { .. }) => return Ok(None),
                Err(e) => return Err(e),
            };
            let api = target.api(&self.client);
            let obj = with_retry(&target.describe(), || api.get_opt(&target.name)).await?;
            Ok(obj.map(|o| serde_json::to_value(o).unwrap_or_default()))
        })
    }

    /// The server's Kubernetes version as (major, minor), e.g. (1, 20).
    ///
    /// # Errors
    /// The request failing after retries, or a version that is not numeric.
    pub fn server_version(&self) -> Result<(u32, u32), ClusterError> {
        self.block_on(async {
            let info = with_retry("server version", || self.client.apiserver_version()).await?;
            let num = |s: &str| s.trim_end_matches('+').parse::<u32>().ok();
            match (num(&info.major), num(&info.minor)) {
                (Some(major), Some(minor)) => Ok((major, minor)),
                _ => Err(ClusterError::Transport {
                    object: "server version".into(),
                    message: format!("unexpected version {}.{}", info.major, info.minor),
                }),
            }
        })
    }
}

fn to_dynamic(at: &ObjectRef<'_>, body: &serde_json::Value) -> Result<DynamicObject, ClusterError> {
    serde_json::from_value(body.clone()).map_err(|e| ClusterError::BadDocument {
        source_name: at.kind.to_string(),
        index: 0,
        message: e.to_string(),
    })
}
