//! The kinds the server serves: a table of built-in resources (the ones rudder's scenarios and
//! kubectl use) plus those registered by CustomResourceDefinitions created through the API.

use serde_json::Value;

/// One served resource in one group/version.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Writes to the main resource leave `.status` alone; it has a `/status` subresource.
    pub has_status: bool,
    /// `metadata.generation` is kept and bumped on spec changes.
    pub has_generation: bool,
    /// Registered by a CRD: all lists are atomic (no merge keys).
    pub custom: bool,
    /// A CRD whose schema keeps unknown fields at the root: structure is deduced from the
    /// object, so maps are fields of their own in field sets.
    pub deduced: bool,
}

impl Resource {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, kind, plural, namespaced, short names, status subresource)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    bool,
);

const BUILTIN: &[Row] = &[
    ("", "v1", "Namespace", "namespaces", false, &["ns"], true),
    ("", "v1", "ConfigMap", "configmaps", true, &["cm"], false),
    ("", "v1", "Secret", "secrets", true, &[], false),
    ("", "v1", "Service", "services", true, &["svc"], true),
    ("", "v1", "ServiceAccount", "serviceaccounts", true, &["sa"], false),
    ("", "v1", "Pod", "pods", true, &["po"], true),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
        &["pvc"],
        true,
    ),
    ("", "v1", "PersistentVolume", "persistentvolumes", false, &["pv"], true),
    ("", "v1", "Endpoints", "endpoints", true, &["ep"], false),
    ("", "v1", "Event", "events", true, &["ev"], false),
    ("", "v1", "Node", "nodes", false, &["no"], true),
    ("", "v1", "LimitRange", "limitranges", true, &["limits"], false),
    ("", "v1", "ResourceQuota", "resourcequotas", true, &["quota"], true),
    (
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
        &["rc"],
        true,
    ),
    ("apps", "v1", "Deployment", "deployments", true, &["deploy"], true),
    ("apps", "v1", "DaemonSet", "daemonsets", true, &["ds"], true),
    ("apps", "v1", "StatefulSet", "statefulsets", true, &["sts"], true),
    ("apps", "v1", "ReplicaSet", "replicasets", true, &["rs"], true),
    (
        "apps",
        "v1",
        "ControllerRevision",
        "controllerrevisions",
        true,
        &[],
        false,
    ),
    ("batch", "v1", "Job", "jobs", true, &[], true),
    ("batch", "v1", "CronJob", "cronjobs", true, &["cj"], true),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true, &[], false),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
        &[],
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
        &[],
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
        &[],
        false,
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
        &["crd", "crds"],
        true,
    ),
    (
        "apiregistration.k8s.io",
        "v1",
        "APIService",
        "apiservices",
        false,
        &[],
        true,
    ),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", true, &["ing"], true),
    (
        "networking.k8s.io",
        "v1",
        "IngressClass",
        "ingressclasses",
        false,
        &[],
        false,
    ),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
        &["netpol"],
        false,
    ),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
        &["pdb"],
        true,
    ),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
        &["hpa"],
        true,
    ),
    (
        "autoscaling",
        "v1",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
        &["hpa"],
        true,
    ),
    (
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        false,
        &["sc"],
        false,
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        false,
        &["pc"],
        false,
    ),
    ("coordination.k8s.io", "v1", "Lease", "leases", true, &[], false),
    (
        "discovery.k8s.io",
        "v1",
        "EndpointSlice",
        "endpointslices",
        true,
        &[],
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
        &[],
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
        &[],
        false,
    ),
];

/// The categories kubectl's `get all` expands.
fn builtin_categories(plural: &str) -> Vec<String> {
    match plural {
        "pods"
        | "services"
        | "deployments"
        | "daemonsets"
        | "statefulsets"
        | "replicasets"
        | "jobs"
        | "cronjobs"
        | "replicationcontrollers"
        | "horizontalpodautoscalers" => vec!["all".into()],
        _ => Vec::new(),
    }
}

/// Everything the server serves, in discovery order.
#[derive(Debug, Clone)]
pub struct Registry {
    resources: Vec<Resource>,
}

impl Default for Registry {
    fn default() -> Self {
        let resources = BUILTIN
            .iter()
            .map(|&(group, version, kind, plural, namespaced, short, status)| Resource {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural.into(),
                singular: kind.to_lowercase(),
                namespaced,
                short_names: short.iter().map(|s| s.to_string()).collect(),
                categories: builtin_categories(plural),
                has_status: status,
                has_generation: status
                    && !matches!(
                        plural,
                        "namespaces"
                            | "services"
                            | "pods"
                            | "persistentvolumeclaims"
                            | "persistentvolumes"
                            | "nodes"
                            | "resourcequotas"
                    ),
                custom: false,
                deduced: false,
            })
            .collect();
        Registry { resources }
    }
}

impl Registry {
    /// The resource `plural` in `group/version`.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// All served resources.
    pub fn all(&self) -> &[Resource] {
        &self.resources
    }

    /// Groups (in first-seen order) with their versions (in first-seen order).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for r in &self.resources {
            match out.iter_mut().find(|(g, _)| *g == r.group) {
                Some((_, vs)) if !vs.contains(&r.version) => vs.push(r.version.clone()),
                Some(_) => {}
                None => out.push((r.group.clone(), vec![r.version.clone()])),
            }
        }
        out
    }

    /// Registers the served versions of a CRD (replacing what it registered before).
    pub fn register_crd(&mut self, crd: &Value) {
        self.unregister_crd(crd);
        let spec = &crd["spec"];
        let group = spec["group"].as_str().unwrap_or_default();
        let names = &spec["names"];
        let plural = names["plural"].as_str().unwrap_or_default();
        let kind = names["kind"].as_str().unwrap_or_default();
        if group.is_empty() || plural.is_empty() || kind.is_empty() {
            return;
        }
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        for v in spec["versions"].as_array().into_iter().flatten() {
            if v["served"] == Value::Bool(false) {
                continue;
            }
            let Some(version) = v["name"].as_str() else { continue };
            self.resources.push(Resource {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural.into(),
                singular: names["singular"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| kind.to_lowercase()),
                namespaced: spec["scope"] != "Cluster",
                short_names: strings(&names["shortNames"]),
                categories: strings(&names["categories"]),
                has_status: v["subresources"].get("status").is_some(),
                has_generation: true,
                custom: true,
                deduced: v["schema"]["openAPIV3Schema"]["x-kubernetes-preserve-unknown-fields"] == true
                    || v["schema"]["openAPIV3Schema"].get("properties").is_none(),
            });
        }
    }

    /// Removes what a CRD registered.
    pub fn unregister_crd(&mut self, crd: &Value) {
        let group = crd["spec"]["group"].as_str().unwrap_or_default();
        let plural = crd["spec"]["names"]["plural"].as_str().unwrap_or_default();
        self.resources
            .retain(|r| !(r.custom && r.group == group && r.plural == plural));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crds_register_and_unregister_their_versions() {
        let mut reg = Registry::default();
        let crd = json!({"spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [{"name": "v1", "served": true, "subresources": {"status": {}}}, {"name": "v2", "served": false}]}});
        reg.register_crd(&crd);
        let r = reg.find("example.com", "v1", "widgets").expect("registered");
        assert!(r.namespaced && r.has_status && r.custom);
        assert!(reg.find("example.com", "v2", "widgets").is_none());
        reg.unregister_crd(&crd);
        assert!(reg.find("example.com", "v1", "widgets").is_none());
    }

    #[test]
    fn groups_list_versions_once() {
        let reg = Registry::default();
        let groups = reg.groups();
        assert_eq!(groups[0], ("".to_string(), vec!["v1".to_string()]));
        let autoscaling = groups.iter().find(|(g, _)| g == "autoscaling").unwrap();
        assert_eq!(autoscaling.1, vec!["v2", "v1"]);
    }
}
