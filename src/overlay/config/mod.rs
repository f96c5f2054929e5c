//! kustomize's built-in field-spec tables (v5.5): which fields of which kinds the
//! namespace, name prefix/suffix, label, annotation, image and replica transformers touch,
//! and which fields refer to objects of which kinds by name.
//!
//! Facts follow kustomize's default transformer configuration; the structure is ours:
//! plain rows turned into [`FieldSpec`]s once, and name references grouped by the
//! pod-spec-holding kinds they share. Must not import anything above `overlay`.
//!
//! Rules kept from kustomize:
//! - a spec whose group, version or kind is empty matches any value there;
//! - duplicate specs (same kind and path) are listed once;
//! - name-reference entries are ordered the way kustomize sorts them (legacy kind order,
//!   then `group_version_kind`), since a field rewritten for one kind is seen by the next.

use std::sync::LazyLock;

use crate::overlay::fieldspec::FieldSpec;
use crate::resource::{Gvk, LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST};

/// `(group, version, kind, path, create)`.
type Row = (&'static str, &'static str, &'static str, &'static str, bool);

fn specs(rows: &[&[Row]]) -> Vec<FieldSpec> {
    let mut out: Vec<FieldSpec> = Vec::new();
    for &(g, v, k, path, create) in rows.iter().flat_map(|r| r.iter()) {
        let fs = FieldSpec::with_gvk(g, v, k, path, create);
        if !out.iter().any(|o| o.gvk == fs.gvk && o.path == fs.path) {
            out.push(fs);
        }
    }
    out
}

/// Selector fields that `commonLabels` (and `labels` with `includeSelectors`) also set.
const LABEL_SELECTORS: &[Row] = &[
    ("", "v1", "Service", "spec/selector", true),
    ("", "v1", "ReplicationController", "spec/selector", true),
    ("", "", "Deployment", "spec/selector/matchLabels", true),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        false,
    ),
    ("", "", "ReplicaSet", "spec/selector/matchLabels", true),
    ("", "", "DaemonSet", "spec/selector/matchLabels", true),
    ("apps", "", "StatefulSet", "spec/selector/matchLabels", true),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        false,
    ),
    ("batch", "", "Job", "spec/selector/matchLabels", false),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/selector/matchLabels",
        false,
    ),
    ("policy", "", "PodDisruptionBudget", "spec/selector/matchLabels", false),
    (
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/podSelector/matchLabels",
        false,
    ),
    (
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/ingress/from/podSelector/matchLabels",
        false,
    ),
    (
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/egress/to/podSelector/matchLabels",
        false,
    ),
];

/// The object's own labels.
const METADATA_LABELS: &[Row] = &[("", "", "", "metadata/labels", true)];

/// Labels of the pod (and claim) templates inside workloads.
const TEMPLATE_ONLY_LABELS: &[Row] = &[
    ("", "v1", "ReplicationController", "spec/template/metadata/labels", true),
    ("", "", "Deployment", "spec/template/metadata/labels", true),
    ("", "", "ReplicaSet", "spec/template/metadata/labels", true),
    ("", "", "DaemonSet", "spec/template/metadata/labels", true),
    ("apps", "", "StatefulSet", "spec/template/metadata/labels", true),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    ("batch", "", "Job", "spec/template/metadata/labels", true),
    ("batch", "", "CronJob", "spec/jobTemplate/metadata/labels", true),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
];

const COMMON_ANNOTATIONS: &[Row] = &[
    ("", "", "", "metadata/annotations", true),
    (
        "",
        "v1",
        "ReplicationController",
        "spec/template/metadata/annotations",
        true,
    ),
    ("", "", "Deployment", "spec/template/metadata/annotations", true),
    ("", "", "ReplicaSet", "spec/template/metadata/annotations", true),
    ("", "", "DaemonSet", "spec/template/metadata/annotations", true),
    ("", "", "StatefulSet", "spec/template/metadata/annotations", true),
    ("batch", "", "Job", "spec/template/metadata/annotations", true),
    ("batch", "", "CronJob", "spec/jobTemplate/metadata/annotations", true),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ),
];

const IMAGES: &[Row] = &[
    ("", "", "", "spec/containers[]/image", true),
    ("", "", "", "spec/initContainers[]/image", true),
    ("", "", "", "spec/template/spec/containers[]/image", true),
    ("", "", "", "spec/template/spec/initContainers[]/image", true),
];

const REPLICAS: &[Row] = &[
    ("", "", "Deployment", "spec/replicas", true),
    ("", "", "ReplicationController", "spec/replicas", true),
    ("", "", "ReplicaSet", "spec/replicas", true),
    ("", "", "StatefulSet", "spec/replicas", true),
];

/// Fields besides `metadata/namespace` that the namespace transformer sets. (Yes: a
/// `Namespace` object is renamed to the kustomization's namespace.)
const NAMESPACE: &[Row] = &[
    ("", "", "Namespace", "metadata/name", true),
    (
        "apiregistration.k8s.io",
        "",
        "APIService",
        "spec/service/namespace",
        true,
    ),
    (
        "apiextensions.k8s.io",
        "",
        "CustomResourceDefinition",
        "spec/conversion/webhook/clientConfig/service/namespace",
        false,
    ),
];

const NAME: &[Row] = &[("", "", "", "metadata/name", false)];

static COMMON_LABELS_SPECS: LazyLock<Vec<FieldSpec>> =
    LazyLock::new(|| specs(&[LABEL_SELECTORS, METADATA_LABELS, TEMPLATE_ONLY_LABELS]));
static TEMPLATE_LABELS_SPECS: LazyLock<Vec<FieldSpec>> =
    LazyLock::new(|| specs(&[METADATA_LABELS, TEMPLATE_ONLY_LABELS]));
static METADATA_LABELS_SPECS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| specs(&[METADATA_LABELS]));
static COMMON_ANNOTATIONS_SPECS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| specs(&[COMMON_ANNOTATIONS]));
static IMAGES_SPECS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| specs(&[IMAGES]));
static REPLICAS_SPECS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| specs(&[REPLICAS]));
static NAMESPACE_SPECS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| specs(&[NAMESPACE]));
static NAME_SPECS: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| specs(&[NAME]));

/// Fields `commonLabels` sets: selectors, the object's labels and template labels.
/// `labels:` entries with `includeSelectors: true` use these too.
pub fn common_labels() -> &'static [FieldSpec] {
    &COMMON_LABELS_SPECS
}

/// Fields a `labels:` entry with `includeTemplates: true` (and no selectors) sets: the
/// object's labels plus the labels of pod and claim templates.
pub fn template_labels() -> &'static [FieldSpec] {
    &TEMPLATE_LABELS_SPECS
}

/// Fields a plain `labels:` entry sets: `metadata/labels` only.
pub fn metadata_labels() -> &'static [FieldSpec] {
    &METADATA_LABELS_SPECS
}

/// Fields `commonAnnotations` sets.
pub fn common_annotations() -> &'static [FieldSpec] {
    &COMMON_ANNOTATIONS_SPECS
}

/// Container image fields the `images` transformer edits (besides any `image` field of
/// a container list it finds elsewhere, which kustomize also visits).
pub fn images() -> &'static [FieldSpec] {
    &IMAGES_SPECS
}

/// Replica count fields the `replicas` transformer sets.
pub fn replicas() -> &'static [FieldSpec] {
    &REPLICAS_SPECS
}

/// Fields besides `metadata/namespace` that `namespace:` sets.
pub fn namespace() -> &'static [FieldSpec] {
    &NAMESPACE_SPECS
}

/// Fields `namePrefix` applies to.
pub fn name_prefix() -> &'static [FieldSpec] {
    &NAME_SPECS
}

/// Fields `nameSuffix` applies to.
pub fn name_suffix() -> &'static [FieldSpec] {
    &NAME_SPECS
}

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
    fn label_tables() {
        assert_eq!(common_labels().len(), 32);
        assert_eq!(template_labels().len(), 10);
        assert!(template_labels().iter().all(|t| common_labels().contains(t)));
        assert_eq!(metadata_labels()[0].path, "metadata/labels");
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
