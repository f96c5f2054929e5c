//! The default `varReference` table: the fields where deprecated `vars:` are substituted
//! (`$(NAME)` inside the text). Facts from kustomize v5.5's default configuration; listed
//! here as pod-spec holders times the fields inside a pod spec, plus a few other kinds.

use std::sync::LazyLock;

use crate::overlay::fieldspec::FieldSpec;

/// Kinds holding a pod spec, with where it sits.
const HOLDERS: &[(&str, &str)] = &[
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("Deployment", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("Pod", "spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
];

/// Fields inside a pod spec.
const IN_POD: &[&str] = &[
    "containers/args",
    "containers/command",
    "containers/env/value",
    "containers/volumeMounts/mountPath",
    "initContainers/args",
    "initContainers/command",
    "initContainers/env/value",
    "initContainers/volumeMounts/mountPath",
    "volumes/nfs/server",
];

/// Other fields: `(kind, path)`, an empty kind matching every kind.
const OTHERS: &[(&str, &str)] = &[
    ("Ingress", "spec/rules/host"),
    ("Ingress", "spec/tls/hosts"),
    ("Ingress", "spec/tls/secretName"),
    ("Service", "spec/ports/port"),
    ("Service", "spec/ports/targetPort"),
    ("StatefulSet", "spec/volumeClaimTemplates/spec/nfs/server"),
    ("PersistentVolume", "spec/nfs/server"),
    ("", "metadata/labels"),
    ("", "metadata/annotations"),
];

static VAR_REFERENCE: LazyLock<Vec<FieldSpec>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for &(kind, prefix) in HOLDERS {
        for rel in IN_POD {
            // A StatefulSet's NFS servers sit in its claim templates instead (see OTHERS).
            if kind == "StatefulSet" && rel.starts_with("volumes/") {
                continue;
            }
            out.push(FieldSpec::with_gvk("", "", kind, &format!("{prefix}/{rel}"), false));
        }
    }
    for &(kind, path) in OTHERS {
        out.push(FieldSpec::with_gvk("", "", kind, path, false));
    }
    out
});

/// Fields where `$(VAR)` references are replaced.
pub fn var_reference() -> &'static [FieldSpec] {
    &VAR_REFERENCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_size() {
        // 7 holders x 9 fields, less StatefulSet's pod volumes, plus 9 others.
        assert_eq!(var_reference().len(), 7 * 9 - 1 + 9);
    }
}
