//! The default name-reference table: for each kind, the fields of other kinds that hold
//! the name of an object of that kind. Pod-spec references are listed once per holder kind.

use std::sync::LazyLock;

use super::{Row, specs};
use crate::overlay::fieldspec::FieldSpec;
use crate::resource::{Gvk, LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST};

/// The kinds a name may refer to, with the fields that refer to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameReference {
    /// The kind being referred to (empty parts match anything).
    pub referral: Gvk,
    /// The fields (of other kinds) that hold its name.
    pub referrers: Vec<FieldSpec>,
}

/// Kinds holding a pod spec, with where it sits, as the ConfigMap and Secret references
/// list them: `(group, version, kind, pod spec path)`.
const CONFIG_HOLDERS: &[(&str, &str, &str, &str)] = &[
    ("", "v1", "Pod", "spec"),
    ("", "", "PodTemplate", "template/spec"),
    ("", "", "Deployment", "spec/template/spec"),
    ("", "", "ReplicaSet", "spec/template/spec"),
    ("", "", "DaemonSet", "spec/template/spec"),
    ("", "", "StatefulSet", "spec/template/spec"),
    ("", "", "Job", "spec/template/spec"),
    ("", "", "CronJob", "spec/jobTemplate/spec/template/spec"),
];

/// Kinds holding a pod spec as the ServiceAccount, PersistentVolumeClaim and
/// PriorityClass references list them (no PodTemplate or ReplicaSet; with
/// ReplicationController).
const WORKLOAD_HOLDERS: &[(&str, &str, &str, &str)] = &[
    ("", "", "Pod", "spec"),
    ("", "", "StatefulSet", "spec/template/spec"),
    ("", "", "Deployment", "spec/template/spec"),
    ("", "", "ReplicationController", "spec/template/spec"),
    ("", "", "CronJob", "spec/jobTemplate/spec/template/spec"),
    ("", "", "Job", "spec/template/spec"),
    ("", "", "DaemonSet", "spec/template/spec"),
];

const CONFIG_MAP_IN_POD: &[&str] = &[
    "volumes/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
    "volumes/projected/sources/configMap/name",
];

const SECRET_IN_POD: &[&str] = &[
    "volumes/secret/secretName",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
    "volumes/projected/sources/secret/name",
];

const CONFIG_MAP_ELSEWHERE: &[Row] = &[
    ("", "", "Node", "spec/configSource/configMap", false),
    ("", "", "Role", "rules/resourceNames", false),
    ("", "", "ClusterRole", "rules/resourceNames", false),
    (
        "",
        "",
        "Ingress",
        r"metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap",
        false,
    ),
];

const SECRET_ELSEWHERE: &[Row] = &[
    ("", "", "Ingress", "spec/tls/secretName", false),
    (
        "",
        "",
        "Ingress",
        r"metadata/annotations/ingress.kubernetes.io\/auth-secret",
        false,
    ),
    (
        "",
        "",
        "Ingress",
        r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret",
        false,
    ),
    (
        "",
        "",
        "Ingress",
        r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret",
        false,
    ),
    ("", "", "ServiceAccount", "imagePullSecrets/name", false),
    ("", "", "StorageClass", "parameters/secretName", false),
    ("", "", "StorageClass", "parameters/adminSecretName", false),
    ("", "", "StorageClass", "parameters/userSecretName", false),
    ("", "", "StorageClass", "parameters/secretRef", false),
    ("", "", "Role", "rules/resourceNames", false),
    ("", "", "ClusterRole", "rules/resourceNames", false),
    (
        "serving.knative.dev",
        "v1",
        "Service",
        "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
        false,
    ),
    ("", "", "PersistentVolume", "spec/azureFile/secretName", false),
];

const SCALE_TARGET: &[Row] = &[("", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false)];

const SERVICE_REFS: &[Row] = &[
    ("apps", "", "StatefulSet", "spec/serviceName", false),
    ("", "", "Ingress", "spec/rules/http/paths/backend/serviceName", false),
    ("", "", "Ingress", "spec/backend/serviceName", false),
    ("", "", "Ingress", "spec/rules/http/paths/backend/service/name", false),
    ("", "", "Ingress", "spec/defaultBackend/service/name", false),
    ("apiregistration.k8s.io", "", "APIService", "spec/service/name", false),
    (
        "admissionregistration.k8s.io",
        "",
        "ValidatingWebhookConfiguration",
        "webhooks/clientConfig/service",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "",
        "MutatingWebhookConfiguration",
        "webhooks/clientConfig/service",
        false,
    ),
];

const ROLE_REFS: &[Row] = &[("rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name", false)];

const CLUSTER_ROLE_REFS: &[Row] = &[
    ("rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name", false),
    (
        "rbac.authorization.k8s.io",
        "",
        "ClusterRoleBinding",
        "roleRef/name",
        false,
    ),
];

const SUBJECTS: &[Row] = &[
    ("rbac.authorization.k8s.io", "", "RoleBinding", "subjects", false),
    ("rbac.authorization.k8s.io", "", "ClusterRoleBinding", "subjects", false),
];

const PERSISTENT_VOLUME_REFS: &[Row] = &[
    ("", "", "PersistentVolumeClaim", "spec/volumeName", false),
    ("", "", "ClusterRole", "rules/resourceNames", false),
];

const STORAGE_CLASS_REFS: &[Row] = &[
    ("", "", "PersistentVolume", "spec/storageClassName", false),
    ("", "", "PersistentVolumeClaim", "spec/storageClassName", false),
    (
        "",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates/spec/storageClassName",
        false,
    ),
];

const INGRESS_CLASS_REFS: &[Row] = &[("", "", "Ingress", "spec/ingressClassName", false)];

const POLICY_REFS: &[Row] = &[(
    "admissionregistration.k8s.io",
    "",
    "ValidatingAdmissionPolicyBinding",
    "spec/policyName",
    false,
)];

/// Specs for `rel` under the pod spec of every holder.
fn in_pods(holders: &[(&str, &str, &str, &str)], rels: &[&str]) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    for &(g, v, k, prefix) in holders {
        for rel in rels {
            out.push(FieldSpec::with_gvk(g, v, k, &format!("{prefix}/{rel}"), false));
        }
    }
    out
}

fn entry(referral: (&str, &str, &str), mut pods: Vec<FieldSpec>, rows: &[Row]) -> NameReference {
    for fs in specs(&[rows]) {
        if !pods.iter().any(|o| o.gvk == fs.gvk && o.path == fs.path) {
            pods.push(fs);
        }
    }
    NameReference {
        referral: Gvk::new(referral.0, referral.1, referral.2),
        referrers: pods,
    }
}

static NAME_REFERENCES: LazyLock<Vec<NameReference>> = LazyLock::new(|| {
    let mut table = vec![
        entry(("", "", "Deployment"), Vec::new(), SCALE_TARGET),
        entry(("", "", "ReplicationController"), Vec::new(), SCALE_TARGET),
        entry(("", "", "ReplicaSet"), Vec::new(), SCALE_TARGET),
        entry(("", "", "StatefulSet"), Vec::new(), SCALE_TARGET),
        entry(
            ("", "v1", "ConfigMap"),
            in_pods(CONFIG_HOLDERS, CONFIG_MAP_IN_POD),
            CONFIG_MAP_ELSEWHERE,
        ),
        entry(
            ("", "v1", "Secret"),
            in_pods(CONFIG_HOLDERS, SECRET_IN_POD),
            SECRET_ELSEWHERE,
        ),
        entry(("", "v1", "Service"), Vec::new(), SERVICE_REFS),
        entry(("rbac.authorization.k8s.io", "", "Role"), Vec::new(), ROLE_REFS),
        entry(
            ("rbac.authorization.k8s.io", "", "ClusterRole"),
            Vec::new(),
            CLUSTER_ROLE_REFS,
        ),
        entry(("", "v1", "ServiceAccount"), specs(&[SUBJECTS]), &[]),
        entry(("", "v1", "PersistentVolumeClaim"), Vec::new(), &[]),
        entry(("", "v1", "PersistentVolume"), Vec::new(), PERSISTENT_VOLUME_REFS),
        entry(("storage.k8s.io", "v1", "StorageClass"), Vec::new(), STORAGE_CLASS_REFS),
        entry(("scheduling.k8s.io", "v1", "PriorityClass"), Vec::new(), &[]),
        // kustomize's table names the group `networking.k8s.io/v1`, so no real
        // IngressClass ever matches; kept as is to build the same output.
        entry(
            ("networking.k8s.io/v1", "v1", "IngressClass"),
            Vec::new(),
            INGRESS_CLASS_REFS,
        ),
        entry(
            ("admissionregistration.k8s.io", "", "ValidatingAdmissionPolicy"),
            Vec::new(),
            POLICY_REFS,
        ),
    ];
    for e in &mut table {
        let rel = match e.referral.kind.as_str() {
            "ServiceAccount" => "serviceAccountName",
            "PersistentVolumeClaim" => "volumes/persistentVolumeClaim/claimName",
            "PriorityClass" => "priorityClassName",
            _ => continue,
        };
        e.referrers.extend(in_pods(WORKLOAD_HOLDERS, &[rel]));
    }
    table.sort_by(|a, b| gvk_order(&a.referral, &b.referral));
    table
});

/// Name-reference table: for each kind, the fields of other kinds that name it.
pub fn name_reference() -> &'static [NameReference] {
    &NAME_REFERENCES
}

/// kustomize's ordering of kinds in its configuration tables: legacy kind rank, then
/// `group_version_kind` with `~G`/`~V`/`~K` for empty parts.
pub fn gvk_order(a: &Gvk, b: &Gvk) -> std::cmp::Ordering {
    let rank = |g: &Gvk| -> i64 {
        if let Some(i) = LEGACY_ORDER_FIRST.iter().position(|k| *k == g.kind) {
            return i as i64 - LEGACY_ORDER_FIRST.len() as i64;
        }
        LEGACY_ORDER_LAST
            .iter()
            .position(|k| *k == g.kind)
            .map_or(0, |i| 1 + i as i64)
    };
    let key = |g: &Gvk| {
        let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
        format!("{}_{}_{}", or(&g.group, "~G"), or(&g.version, "~V"), or(&g.kind, "~K"))
    };
    rank(a).cmp(&rank(b)).then_with(|| key(a).cmp(&key(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(table: &[NameReference], kind: &str) -> usize {
        table
            .iter()
            .find(|e| e.referral.kind == kind)
            .map_or(0, |e| e.referrers.len())
    }

    #[test]
    fn name_reference_table_sizes() {
        let t = name_reference();
        assert_eq!(t.len(), 16);
        assert_eq!(count(t, "ConfigMap"), 8 * 6 + 4);
        assert_eq!(count(t, "Secret"), 8 * 7 + 13);
        assert_eq!(count(t, "ServiceAccount"), 2 + 7);
        assert_eq!(count(t, "Service"), 8);
        // Legacy kind order first: StorageClass before ServiceAccount before Role.
        let kinds: Vec<&str> = t.iter().map(|e| e.referral.kind.as_str()).collect();
        assert_eq!(&kinds[..4], ["StorageClass", "ServiceAccount", "Role", "ClusterRole"]);
    }
}
