//! Every rule rudder lint knows: id, default severity, what it checks and how to fix it.
//! Reports list them (SARIF `rules`), `--disable` and `.rudder-lint.yaml` refer to them.

use super::finding::Severity;

/// A rule's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what is wrong when the rule fires.
    pub summary: &'static str,
    /// One line: how to fix it.
    pub hint: &'static str,
}

const fn rule(id: &'static str, severity: Severity, summary: &'static str, hint: &'static str) -> Rule {
    Rule {
        id,
        severity,
        summary,
        hint,
    }
}

use Severity::{Error, Warning};

/// All rules, in report order.
pub const RULES: &[Rule] = &[
    rule(
        "parse-error",
        Error,
        "the input is not a readable YAML stream",
        "fix the YAML syntax at the reported line",
    ),
    rule(
        "invalid-object",
        Error,
        "a document is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)",
        "give every document apiVersion, kind and metadata.name, or remove it",
    ),
    rule(
        "build-error",
        Error,
        "a kustomization or chart could not be built",
        "run `rudder build` (or `rudder template`) on it to see the problem",
    ),
    rule(
        "chart",
        Error,
        "the chart is not valid: Chart.yaml, values against values.schema.json, or templates that fail to render",
        "fix the chart file named in the finding; `rudder template` shows rendering errors in full",
    ),
    rule(
        "schema",
        Error,
        "a field does not match the Kubernetes OpenAPI schema (unknown field, wrong type, missing required field)",
        "check the field's name, indentation and type against the API reference for this kind",
    ),
    rule(
        "unknown-kind",
        Error,
        "no schema is known for this apiVersion and kind",
        "fix apiVersion/kind, pass the CRD with --crd, or use --ignore-missing-schemas",
    ),
    rule(
        "removed-api",
        Error,
        "the apiVersion of this kind is no longer served by the target Kubernetes version",
        "move the object to the replacement apiVersion",
    ),
    rule(
        "deprecated-api",
        Warning,
        "the apiVersion of this kind is deprecated in the target Kubernetes version",
        "move the object to the replacement apiVersion before it is removed",
    ),
    rule(
        "duplicate-id",
        Error,
        "two objects share group, kind, namespace and name; the later one overwrites the earlier",
        "rename or remove one of them",
    ),
    rule(
        "deployment-selector",
        Error,
        "the workload's selector does not match its pod template's labels (the API server rejects it)",
        "make spec.selector match spec.template.metadata.labels",
    ),
    rule(
        "namespace-required",
        Error,
        "a namespaced object has no metadata.namespace (--require-namespace)",
        "set metadata.namespace, e.g. with the overlay's `namespace:` field",
    ),
    rule(
        "privileged",
        Error,
        "a container runs privileged, with full access to the host",
        "remove securityContext.privileged, grant only the capabilities needed",
    ),
    rule(
        "image-tag",
        Warning,
        "a container image has no tag or uses `latest`, so what runs can change without notice",
        "pin the image to a version tag or a digest (image:1.2.3 or image@sha256:...)",
    ),
    rule(
        "resources",
        Warning,
        "a container has no CPU/memory requests or no memory limit",
        "set resources.requests (cpu, memory) and resources.limits.memory",
    ),
    rule(
        "probes",
        Warning,
        "a long-running container has no readiness or liveness probe",
        "add readinessProbe and livenessProbe",
    ),
    rule(
        "run-as-root",
        Warning,
        "a container may run as root (runAsUser 0, or runAsNonRoot not set)",
        "set securityContext.runAsNonRoot: true and a non-zero runAsUser",
    ),
    rule(
        "host-path",
        Warning,
        "a pod mounts a hostPath volume, reaching into the node's filesystem",
        "use a PersistentVolumeClaim, configMap, secret or emptyDir volume instead",
    ),
    rule(
        "host-network",
        Warning,
        "a pod shares the node's network, PID or IPC namespace",
        "remove hostNetwork/hostPID/hostIPC unless the pod is a node agent",
    ),
    rule(
        "service-selector",
        Warning,
        "a Service's selector matches no pod template in the input",
        "make spec.selector match the labels of the workload's pod template",
    ),
    rule(
        "missing-reference",
        Warning,
        "a pod references a ConfigMap or Secret that is not defined in the input",
        "add the ConfigMap/Secret to the input, mark the reference optional, or disable the rule if it is created elsewhere",
    ),
];

/// The rule with this id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Rules that can be switched off (input errors cannot).
pub fn can_disable(id: &str) -> bool {
    !matches!(id, "parse-error" | "build-error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            ids.iter()
                .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        );
    }
}
