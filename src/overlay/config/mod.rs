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

mod crds;
mod name_reference;
mod tables;
mod var_reference;

pub use crds::name_reference_with_crds;
pub use name_reference::{NameReference, gvk_order, name_reference};
pub use tables::{FieldTables, merge_specs, parse_spec};

use crate::overlay::fieldspec::FieldSpec;
use crate::resource::Gvk;

/// `(group, version, kind, path, create)`.
pub(super) type Row = (&'static str, &'static str, &'static str, &'static str, bool);

pub(super) fn specs(rows: &[&[Row]]) -> Vec<FieldSpec> {
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

/// Kinds kustomize v5.5 takes as cluster-scoped: those its built-in OpenAPI data (Kubernetes
/// v1.21) serves outside namespaces, per group and version. Newer kinds (for example
/// `ValidatingAdmissionPolicy`, `flowcontrol.apiserver.k8s.io/v1` kinds) and the review kinds
/// are namespaced to kustomize, so `namespace:` sets their namespace. `(group, versions, kind)`.
const CLUSTER_SCOPED: &[(&str, &[&str], &str)] = &[
    ("", &["v1"], "ComponentStatus"),
    ("", &["v1"], "Namespace"),
    ("", &["v1"], "Node"),
    ("", &["v1"], "PersistentVolume"),
    (
        "admissionregistration.k8s.io",
        &["v1", "v1beta1"],
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        &["v1", "v1beta1"],
        "ValidatingWebhookConfiguration",
    ),
    ("apiextensions.k8s.io", &["v1", "v1beta1"], "CustomResourceDefinition"),
    ("apiregistration.k8s.io", &["v1", "v1beta1"], "APIService"),
    ("certificates.k8s.io", &["v1", "v1beta1"], "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io", &["v1beta1"], "FlowSchema"),
    (
        "flowcontrol.apiserver.k8s.io",
        &["v1beta1"],
        "PriorityLevelConfiguration",
    ),
    ("networking.k8s.io", &["v1", "v1beta1"], "IngressClass"),
    ("node.k8s.io", &["v1", "v1beta1"], "RuntimeClass"),
    ("policy", &["v1beta1"], "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io", &["v1", "v1beta1"], "ClusterRole"),
    ("rbac.authorization.k8s.io", &["v1", "v1beta1"], "ClusterRoleBinding"),
    ("scheduling.k8s.io", &["v1", "v1beta1"], "PriorityClass"),
    ("storage.k8s.io", &["v1", "v1beta1"], "CSIDriver"),
    ("storage.k8s.io", &["v1", "v1beta1"], "CSINode"),
    ("storage.k8s.io", &["v1", "v1beta1"], "StorageClass"),
    ("storage.k8s.io", &["v1", "v1beta1"], "VolumeAttachment"),
];

/// Whether kustomize v5.5 takes objects of `gvk` as cluster-scoped (see [`CLUSTER_SCOPED`]).
/// This differs from [`crate::resource::is_cluster_scoped`], which follows today's API.
pub fn cluster_scoped(gvk: &Gvk) -> bool {
    CLUSTER_SCOPED
        .iter()
        .any(|(g, vs, k)| *k == gvk.kind && *g == gvk.group && vs.contains(&gvk.version.as_str()))
}

/// kustomize's "effective namespace" of an id: a marker for cluster-scoped kinds, `default`
/// for an empty namespace, else the namespace.
pub fn effective_namespace<'a>(gvk: &Gvk, namespace: &'a str) -> &'a str {
    if cluster_scoped(gvk) {
        NOT_A_NAMESPACE
    } else if namespace.is_empty() {
        "default"
    } else {
        namespace
    }
}

/// The effective namespace of cluster-scoped objects.
pub const NOT_A_NAMESPACE: &str = "_non_namespaceable_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_tables() {
        assert_eq!(common_labels().len(), 32);
        assert_eq!(template_labels().len(), 10);
        assert!(template_labels().iter().all(|t| common_labels().contains(t)));
        assert_eq!(metadata_labels()[0].path, "metadata/labels");
    }

    #[test]
    fn kustomize_scope() {
        assert!(cluster_scoped(&Gvk::new(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole"
        )));
        assert!(!cluster_scoped(&Gvk::new(
            "admissionregistration.k8s.io",
            "v1",
            "ValidatingAdmissionPolicy"
        )));
        assert!(!cluster_scoped(&Gvk::new(
            "flowcontrol.apiserver.k8s.io",
            "v1",
            "FlowSchema"
        )));
        assert_eq!(effective_namespace(&Gvk::new("", "v1", "ConfigMap"), ""), "default");
        assert_eq!(
            effective_namespace(&Gvk::new("", "v1", "Namespace"), ""),
            NOT_A_NAMESPACE
        );
    }
}
