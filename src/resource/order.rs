//! Orders of kinds: kustomize's legacy output order and Helm's install order.

/// kustomize's default `legacySortOptions.orderFirst`.
pub const LEGACY_ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// kustomize's default `legacySortOptions.orderLast`.
pub const LEGACY_ORDER_LAST: &[&str] = &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/// The rank of a kind given `orderFirst`/`orderLast` lists: kinds of `first` get negative
/// ranks in list order, kinds of `last` positive ones, every other kind 0.
pub fn legacy_kind_index(kind: &str, first: &[String], last: &[String]) -> i64 {
    // A kind listed twice takes its last position, as a Go map filled in order would.
    let mut rank = 0;
    for (i, k) in first.iter().enumerate() {
        if k == kind {
            rank = i as i64 - first.len() as i64;
        }
    }
    for (i, k) in last.iter().enumerate() {
        if k == kind {
            rank = 1 + i as i64;
        }
    }
    rank
}

/// Helm's install order of kinds; unknown kinds go after all of these.
const HELM_INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Position of a kind in Helm's install order (unknown kinds last).
pub fn helm_install_index(kind: &str) -> usize {
    HELM_INSTALL_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(HELM_INSTALL_ORDER.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn legacy_ranks() {
        let (f, l) = (owned(LEGACY_ORDER_FIRST), owned(LEGACY_ORDER_LAST));
        assert!(legacy_kind_index("Namespace", &f, &l) < legacy_kind_index("Deployment", &f, &l));
        assert_eq!(legacy_kind_index("Foo", &f, &l), 0);
        assert!(legacy_kind_index("ValidatingWebhookConfiguration", &f, &l) > 0);
    }

    #[test]
    fn helm_order() {
        assert!(helm_install_index("Namespace") < helm_install_index("Deployment"));
        assert_eq!(helm_install_index("Widget"), HELM_INSTALL_ORDER.len());
    }
}
