//! Deprecated and removed API versions: for each group/version/kind, the Kubernetes version
//! that deprecated it, the one that stopped serving it, and what to use instead. From the
//! Kubernetes deprecated API migration guide.

use super::version::KubeVersion;
use crate::resource::Gvk;

/// One deprecated API version of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub deprecated: KubeVersion,
    pub removed: KubeVersion,
    /// The apiVersion to move to, or what replaces the kind when none does.
    pub replacement: &'static str,
}

const fn v(minor: u32) -> KubeVersion {
    KubeVersion::new(1, minor)
}

const fn d(
    api_version: &'static str,
    kind: &'static str,
    deprecated: u32,
    removed: u32,
    replacement: &'static str,
) -> Deprecation {
    Deprecation {
        api_version,
        kind,
        deprecated: v(deprecated),
        removed: v(removed),
        replacement,
    }
}

/// The table, ordered by removal.
pub const DEPRECATIONS: &[Deprecation] = &[
    // Removed in 1.16.
    d("extensions/v1beta1", "Deployment", 9, 16, "apps/v1"),
    d("extensions/v1beta1", "DaemonSet", 9, 16, "apps/v1"),
    d("extensions/v1beta1", "ReplicaSet", 9, 16, "apps/v1"),
    d("extensions/v1beta1", "NetworkPolicy", 9, 16, "networking.k8s.io/v1"),
    d("extensions/v1beta1", "PodSecurityPolicy", 10, 16, "policy/v1beta1"),
    d("apps/v1beta1", "Deployment", 9, 16, "apps/v1"),
    d("apps/v1beta1", "StatefulSet", 9, 16, "apps/v1"),
    d("apps/v1beta1", "ControllerRevision", 9, 16, "apps/v1"),
    d("apps/v1beta2", "Deployment", 9, 16, "apps/v1"),
    d("apps/v1beta2", "DaemonSet", 9, 16, "apps/v1"),
    d("apps/v1beta2", "ReplicaSet", 9, 16, "apps/v1"),
    d("apps/v1beta2", "StatefulSet", 9, 16, "apps/v1"),
    d("apps/v1beta2", "ControllerRevision", 9, 16, "apps/v1"),
    // Removed in 1.22.
    d("extensions/v1beta1", "Ingress", 14, 22, "networking.k8s.io/v1"),
    d("networking.k8s.io/v1beta1", "Ingress", 19, 22, "networking.k8s.io/v1"),
    d(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        19,
        22,
        "networking.k8s.io/v1",
    ),
    d(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        16,
        22,
        "admissionregistration.k8s.io/v1",
    ),
    d(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        16,
        22,
        "admissionregistration.k8s.io/v1",
    ),
    d(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        16,
        22,
        "apiextensions.k8s.io/v1",
    ),
    d(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        19,
        22,
        "apiregistration.k8s.io/v1",
    ),
    d(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        19,
        22,
        "authentication.k8s.io/v1",
    ),
    d(
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    d(
        "authorization.k8s.io/v1beta1",
        "LocalSubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    d(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    d(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectRulesReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    d(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        19,
        22,
        "certificates.k8s.io/v1",
    ),
    d("coordination.k8s.io/v1beta1", "Lease", 19, 22, "coordination.k8s.io/v1"),
    d(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    d(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    d(
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    d(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    d(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        14,
        22,
        "scheduling.k8s.io/v1",
    ),
    d("storage.k8s.io/v1beta1", "CSIDriver", 19, 22, "storage.k8s.io/v1"),
    d("storage.k8s.io/v1beta1", "CSINode", 19, 22, "storage.k8s.io/v1"),
    d("storage.k8s.io/v1beta1", "StorageClass", 19, 22, "storage.k8s.io/v1"),
    d(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    // Removed in 1.25.
    d("batch/v1beta1", "CronJob", 21, 25, "batch/v1"),
    d(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        21,
        25,
        "discovery.k8s.io/v1",
    ),
    d("events.k8s.io/v1beta1", "Event", 19, 25, "events.k8s.io/v1"),
    d(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        23,
        25,
        "autoscaling/v2",
    ),
    d("policy/v1beta1", "PodDisruptionBudget", 21, 25, "policy/v1"),
    d("policy/v1beta1", "PodSecurityPolicy", 21, 25, ""),
    d("node.k8s.io/v1beta1", "RuntimeClass", 20, 25, "node.k8s.io/v1"),
    // Removed in 1.26.
    d(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        23,
        26,
        "autoscaling/v2",
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        23,
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        23,
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // Removed in 1.27.
    d(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        24,
        27,
        "storage.k8s.io/v1",
    ),
    // Removed in 1.29.
    d(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        26,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        26,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // Removed in 1.32.
    d(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        29,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    d(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        29,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// What the target version makes of an API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Deprecated in the target but still served.
    Deprecated(&'static Deprecation),
    /// No longer served by the target.
    Removed(&'static Deprecation),
}

/// The deprecation entry for `gvk`, if any.
pub fn find(gvk: &Gvk) -> Option<&'static Deprecation> {
    DEPRECATIONS.iter().find(|d| {
        d.kind == gvk.kind && {
            let (g, v) = d.api_version.rsplit_once('/').unwrap_or(("", d.api_version));
            g == gvk.group && v == gvk.version
        }
    })
}

/// The status of `gvk` in `target`, or `None` when it is current there.
pub fn status(gvk: &Gvk, target: KubeVersion) -> Option<Status> {
    let d = find(gvk)?;
    if target >= d.removed {
        Some(Status::Removed(d))
    } else if target >= d.deprecated {
        Some(Status::Deprecated(d))
    } else {
        None
    }
}

impl Deprecation {
    /// What to do instead, as a sentence fragment.
    pub fn advice(&self) -> String {
        if self.replacement.is_empty() {
            if self.kind == "PodSecurityPolicy" {
                "it has no replacement: use Pod Security Admission (namespace labels pod-security.kubernetes.io/*)"
                    .into()
            } else {
                "it has no replacement".into()
            }
        } else {
            format!("use {} {}", self.replacement, self.kind)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psp_is_removed_from_1_25() {
        let psp = Gvk::new("policy", "v1beta1", "PodSecurityPolicy");
        assert_eq!(status(&psp, v(20)), None);
        assert!(matches!(status(&psp, v(21)), Some(Status::Deprecated(_))));
        assert!(matches!(status(&psp, v(25)), Some(Status::Removed(_))));
        assert!(matches!(status(&psp, v(32)), Some(Status::Removed(_))));
        assert_eq!(status(&Gvk::new("policy", "v1", "PodDisruptionBudget"), v(32)), None);
    }

    #[test]
    fn entries_are_consistent() {
        for d in DEPRECATIONS {
            assert!(d.deprecated < d.removed, "{} {}", d.api_version, d.kind);
            assert_ne!(d.replacement, d.api_version);
        }
    }
}
