//! A document resolved against the server: its resource, scope, namespace and kubectl-style label.

use kube::Api;
use kube::Client;
use kube::core::DynamicObject;

use super::ClusterError;
use super::discovery::Mapping;
use super::session::Session;
use crate::resource::{Document, Gvk, helm_install_index};

/// The namespace for namespaced objects that name none, and whether it came from `-n` (then an object
/// naming another namespace is an error, as in kubectl; unless the caller asked for the namespace
/// to be a default only, as releases do: Helm applies such objects in their own namespace).
#[derive(Debug, Clone)]
pub(crate) struct NamespaceChoice {
    pub namespace: String,
    pub enforce: bool,
}

impl NamespaceChoice {
    pub fn new(session: &Session, flag: Option<&str>, default_only: bool) -> Self {
        match flag {
            Some(ns) => NamespaceChoice {
                namespace: ns.to_string(),
                enforce: !default_only,
            },
            None => NamespaceChoice {
                namespace: session.context_namespace().to_string(),
                enforce: false,
            },
        }
    }
}

/// One object ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub mapping: Mapping,
    /// Set for namespaced objects only.
    pub namespace: Option<String>,
    pub name: String,
    /// The document as JSON, with the namespace filled in for namespaced objects.
    pub body: serde_json::Value,
}

impl Target {
    /// `deployment.apps/controller`, as kubectl prints it.
    pub fn label(&self) -> String {
        format!("{}/{}", self.mapping.kind_label(), self.name)
    }

    /// The label plus the namespace, for messages.
    pub fn describe(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} (namespace {ns})", self.label()),
            None => self.label(),
        }
    }

    pub fn api(&self, client: &Client) -> Api<DynamicObject> {
        match &self.namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &self.mapping.resource),
            None => Api::all_with(client.clone(), &self.mapping.resource),
        }
    }
}

/// The label of a document not yet resolved: `kind.group/name` from its own fields.
pub(crate) fn doc_label(doc: &Document) -> String {
    let label = doc.label();
    match doc.namespace() {
        Some(ns) => format!("{label} (namespace {ns})"),
        None => label,
    }
}

/// Whether the document is a CustomResourceDefinition.
pub(crate) fn is_crd(doc: &Document) -> bool {
    let gvk = doc.gvk();
    gvk.group == "apiextensions.k8s.io" && gvk.kind == "CustomResourceDefinition"
}

/// Documents in the order `apply` sends them: CRDs first (their kinds must exist before custom
/// resources can be mapped), then Helm's install order of kinds (stable: input order within a kind).
/// `delete` uses the reverse.
pub(crate) fn install_order(docs: &[Document]) -> Vec<&Document> {
    let mut sorted: Vec<&Document> = docs.iter().collect();
    sorted.sort_by_key(|d| (!is_crd(d), helm_install_index(&d.gvk().kind)));
    sorted
}

/// Looks the document's kind up and settles its namespace.
///
/// # Errors
/// A kind the server does not serve, a namespace that contradicts `-n`, or discovery failing.
pub(crate) async fn resolve(session: &Session, doc: &Document, ns: &NamespaceChoice) -> Result<Target, ClusterError> {
    let gvk: Gvk = doc.gvk();
    let label = doc_label(doc);
    let mapping = {
        let mut discovery = session.discovery.lock().await;
        discovery.resolve(&session.client, &gvk, &label).await?
    };
    let Some(mapping) = mapping else {
        return Err(ClusterError::UnknownKind {
            object: format!("{}: {label}", doc.source),
            kind: gvk.kind.clone(),
            api_version: gvk.api_version(),
        });
    };
    let name = doc.name().unwrap_or_default().to_string();
    let mut body = doc.value.to_json();
    let namespace = if mapping.namespaced {
        let own = doc.namespace().filter(|n| !n.is_empty());
        if let Some(own) = own
            && ns.enforce
            && own != ns.namespace
        {
            return Err(ClusterError::NamespaceMismatch {
                object: format!("{}: {label}", doc.source),
                object_namespace: own.to_string(),
                namespace: ns.namespace.clone(),
            });
        }
        let chosen = own.unwrap_or(&ns.namespace).to_string();
        if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            meta.insert("namespace".into(), serde_json::Value::String(chosen.clone()));
        }
        Some(chosen)
    } else {
        None
    };
    Ok(Target {
        mapping,
        namespace,
        name,
        body,
    })
}

/// kubectl refuses the whole input, before sending anything, when `-n` is given and a namespaced
/// object names another namespace. Kinds not served yet (custom resources of CRDs in the same
/// stream) are checked when they are resolved.
///
/// # Errors
/// [`ClusterError::NamespaceMismatch`] for the first such object; discovery failing.
pub(crate) async fn ensure_namespaces(
    session: &Session,
    docs: &[&Document],
    ns: &NamespaceChoice,
) -> Result<(), ClusterError> {
    if !ns.enforce {
        return Ok(());
    }
    for doc in docs {
        if doc
            .namespace()
            .is_some_and(|own| !own.is_empty() && own != ns.namespace)
        {
            match resolve(session, doc, ns).await {
                Ok(_) | Err(ClusterError::UnknownKind { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Dialect, parse_stream};

    fn docs(text: &str) -> Vec<Document> {
        parse_stream(text, Dialect::Kustomize, "t")
            .unwrap()
            .into_iter()
            .map(|p| Document::new(p.value, "t", p.line))
            .collect()
    }

    #[test]
    fn crds_go_first_then_helm_order_stable_within_a_kind() {
        let d = docs(
            "apiVersion: e.io/v1\nkind: Widget\nmetadata: {name: w}\n---\n\
             apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n\
             apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n\
             apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.e.io}\n",
        );
        let order: Vec<String> = install_order(&d).iter().map(|d| doc_label(d)).collect();
        assert_eq!(
            order,
            [
                "customresourcedefinition.apiextensions.k8s.io/widgets.e.io",
                "namespace/n",
                "configmap/b",
                "configmap/a",
                "deployment.apps/d",
                "widget.e.io/w",
            ]
        );
    }
}
