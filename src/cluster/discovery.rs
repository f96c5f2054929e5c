//! apiVersion/kind → resource (plural) and scope, from the server's legacy discovery, cached per
//! group version and fetched again on a miss (so kinds of CRDs applied meanwhile are found).

use std::collections::HashMap;

use kube::Client;
use kube::core::ApiResource;

use super::ClusterError;
use super::retry::with_retry;
use crate::resource::Gvk;

/// A kind as the server serves it.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    pub resource: ApiResource,
    pub namespaced: bool,
}

impl Mapping {
    /// kubectl's `kind.group` (lowercase kind), e.g. `deployment.apps`, `namespace`.
    pub fn kind_label(&self) -> String {
        let kind = self.resource.kind.to_lowercase();
        if self.resource.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.resource.group)
        }
    }

    /// `plural.group` as the server names resources in messages, e.g. `deployments.apps`.
    pub fn resource_label(&self) -> String {
        if self.resource.group.is_empty() {
            self.resource.plural.clone()
        } else {
            format!("{}.{}", self.resource.plural, self.resource.group)
        }
    }
}

/// Cache of discovered group versions: `None` when the server does not serve it.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    versions: HashMap<String, Option<Vec<Mapping>>>,
}

impl Discovery {
    /// The mapping for `gvk`, asking the server again when it is not cached or was not served.
    ///
    /// # Errors
    /// Discovery requests failing after retries; `Ok(None)` when the kind is not served.
    pub async fn resolve(&mut self, client: &Client, gvk: &Gvk, object: &str) -> Result<Option<Mapping>, ClusterError> {
        let api_version = gvk.api_version();
        if let Some(found) = self.lookup(&api_version, &gvk.kind) {
            return Ok(Some(found));
        }
        let fetched = fetch(client, gvk, &api_version, object).await?;
        self.versions.insert(api_version.clone(), fetched);
        Ok(self.lookup(&api_version, &gvk.kind))
    }

    /// Every served kind of the given group versions (those the server does not serve are skipped).
    pub async fn served(&mut self, client: &Client, gvks: &[Gvk]) -> Result<Vec<Mapping>, ClusterError> {
        let mut out = Vec::new();
        for gvk in gvks {
            if let Some(m) = self.resolve(client, gvk, &gvk.kind).await? {
                out.push(m);
            }
        }
        Ok(out)
    }

    fn lookup(&self, api_version: &str, kind: &str) -> Option<Mapping> {
        self.versions
            .get(api_version)?
            .as_ref()?
            .iter()
            .find(|m| m.resource.kind == kind)
            .cloned()
    }
}

async fn fetch(
    client: &Client,
    gvk: &Gvk,
    api_version: &str,
    object: &str,
) -> Result<Option<Vec<Mapping>>, ClusterError> {
    let list = with_retry(object, || async {
        if gvk.group.is_empty() {
            client.list_core_api_resources(&gvk.version).await
        } else {
            client.list_api_group_resources(api_version).await
        }
    })
    .await;
    let list = match list {
        Ok(list) => list,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let mappings = list
        .resources
        .into_iter()
        // Subresources (deployments/status) share the kind; keep the resource itself.
        .filter(|r| !r.name.contains('/'))
        .map(|r| Mapping {
            resource: ApiResource {
                group: gvk.group.clone(),
                version: gvk.version.clone(),
                api_version: api_version.to_string(),
                kind: r.kind,
                plural: r.name,
            },
            namespaced: r.namespaced,
        })
        .collect();
    Ok(Some(mappings))
}
