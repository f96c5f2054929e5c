//! Readiness of one live object, by kind, from its JSON. Pure, so releases and tests share it.
//!
//! Rules:
//! - Deployment: the controller has observed the latest generation; updated replicas reach the
//!   desired count, no old replicas remain, and every updated replica is available
//!   (`kubectl rollout status`).
//! - StatefulSet: observed generation; ready replicas reach the desired count; with a RollingUpdate
//!   strategy, the updated replicas (above the partition) too.
//! - DaemonSet: observed generation; updated and available pods reach the desired number scheduled.
//! - ReplicaSet: observed generation; available replicas reach the desired count.
//! - Job: condition Complete (a Failed condition is reported as such).
//! - PersistentVolumeClaim: phase Bound. Pod: condition Ready, or phase Succeeded.
//! - Service: a cluster IP (ExternalName needs none); LoadBalancer: an ingress assigned.
//! - CustomResourceDefinition: condition Established. APIService: condition Available.
//! - Any other kind is ready once it exists.

use serde_json::Value;

/// Whether an object is ready, and if not, why (short, for progress and timeout messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    NotReady(String),
}

fn int(v: &Value, path: &str) -> i64 {
    v.pointer(path).and_then(Value::as_i64).unwrap_or(0)
}

fn condition<'a>(v: &'a Value, kind: &str) -> Option<&'a str> {
    v.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))?
        .get("status")?
        .as_str()
}

fn observed(v: &Value) -> Option<Readiness> {
    let generation = int(v, "/metadata/generation");
    let observed = int(v, "/status/observedGeneration");
    (observed < generation).then(|| Readiness::NotReady("update not yet observed by its controller".into()))
}

fn not_ready(msg: String) -> Readiness {
    Readiness::NotReady(msg)
}

/// Readiness of `obj` (a live object as the server returns it).
pub fn check(obj: &Value) -> Readiness {
    let group = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|a| a.rsplit_once('/'))
        .map_or("", |(g, _)| g);
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    match (group, kind) {
        ("apps" | "extensions", "Deployment") => deployment(obj),
        ("apps", "StatefulSet") => stateful_set(obj),
        ("apps" | "extensions", "DaemonSet") => daemon_set(obj),
        ("apps" | "extensions", "ReplicaSet") => replica_set(obj),
        ("batch", "Job") => job(obj),
        ("", "PersistentVolumeClaim") => match obj.pointer("/status/phase").and_then(Value::as_str) {
            Some("Bound") => Readiness::Ready,
            phase => not_ready(format!("phase {}", phase.unwrap_or("unknown"))),
        },
        ("", "Pod") => pod(obj),
        ("", "Service") => service(obj),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => match condition(obj, "Established") {
            Some("True") => Readiness::Ready,
            _ => not_ready("not established".into()),
        },
        ("apiregistration.k8s.io", "APIService") => match condition(obj, "Available") {
            Some("True") => Readiness::Ready,
            _ => not_ready("not available".into()),
        },
        _ => Readiness::Ready,
    }
}

fn desired(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)
}

fn deployment(obj: &Value) -> Readiness {
    if let Some(r) = observed(obj) {
        return r;
    }
    if condition_reason(obj, "Progressing") == Some("ProgressDeadlineExceeded") {
        return not_ready("progress deadline exceeded".into());
    }
    let want = desired(obj);
    let updated = int(obj, "/status/updatedReplicas");
    let replicas = int(obj, "/status/replicas");
    let available = int(obj, "/status/availableReplicas");
    if updated < want {
        not_ready(format!("{updated} of {want} replicas updated"))
    } else if replicas > updated {
        not_ready(format!("{} old replicas pending termination", replicas - updated))
    } else if available < updated {
        not_ready(format!("{available} of {updated} updated replicas available"))
    } else {
        Readiness::Ready
    }
}

fn condition_reason<'a>(v: &'a Value, kind: &str) -> Option<&'a str> {
    v.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))?
        .get("reason")?
        .as_str()
}

fn stateful_set(obj: &Value) -> Readiness {
    if let Some(r) = observed(obj) {
        return r;
    }
    let want = desired(obj);
    let ready = int(obj, "/status/readyReplicas");
    if ready < want {
        return not_ready(format!("{ready} of {want} replicas ready"));
    }
    let strategy = obj
        .pointer("/spec/updateStrategy/type")
        .and_then(Value::as_str)
        .unwrap_or("RollingUpdate");
    if strategy == "RollingUpdate" {
        let partition = int(obj, "/spec/updateStrategy/rollingUpdate/partition");
        let updated = int(obj, "/status/updatedReplicas");
        if updated < want - partition {
            return not_ready(format!("{updated} of {} replicas updated", want - partition));
        }
    }
    Readiness::Ready
}

fn daemon_set(obj: &Value) -> Readiness {
    if let Some(r) = observed(obj) {
        return r;
    }
    if obj.pointer("/status/observedGeneration").is_none() {
        return not_ready("not yet observed by its controller".into());
    }
    let want = int(obj, "/status/desiredNumberScheduled");
    let updated = int(obj, "/status/updatedNumberScheduled");
    let available = int(obj, "/status/numberAvailable");
    if updated < want {
        not_ready(format!("{updated} of {want} pods updated"))
    } else if available < want {
        not_ready(format!("{available} of {want} pods available"))
    } else {
        Readiness::Ready
    }
}

fn replica_set(obj: &Value) -> Readiness {
    if let Some(r) = observed(obj) {
        return r;
    }
    let want = desired(obj);
    let available = int(obj, "/status/availableReplicas");
    if available < want {
        not_ready(format!("{available} of {want} replicas available"))
    } else {
        Readiness::Ready
    }
}

fn job(obj: &Value) -> Readiness {
    if condition(obj, "Complete") == Some("True") {
        Readiness::Ready
    } else if condition(obj, "Failed") == Some("True") {
        not_ready("failed".into())
    } else {
        not_ready(format!(
            "{} of {} completions",
            int(obj, "/status/succeeded"),
            obj.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1)
        ))
    }
}

fn pod(obj: &Value) -> Readiness {
    let phase = obj
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("Pending");
    if phase == "Succeeded" || condition(obj, "Ready") == Some("True") {
        Readiness::Ready
    } else {
        not_ready(format!("phase {phase}, not ready"))
    }
}

fn service(obj: &Value) -> Readiness {
    let kind = obj.pointer("/spec/type").and_then(Value::as_str).unwrap_or("ClusterIP");
    if kind == "ExternalName" {
        return Readiness::Ready;
    }
    if obj
        .pointer("/spec/clusterIP")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return not_ready("no cluster IP".into());
    }
    if kind == "LoadBalancer"
        && obj
            .pointer("/status/loadBalancer/ingress")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
    {
        return not_ready("no load balancer ingress".into());
    }
    Readiness::Ready
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(generation: i64, observed: i64, updated: i64, replicas: i64, available: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"generation": generation},
               "spec": {"replicas": 2},
               "status": {"observedGeneration": observed, "updatedReplicas": updated,
                          "replicas": replicas, "availableReplicas": available}})
    }

    #[test]
    fn deployment_rules() {
        assert_eq!(check(&deploy(2, 2, 2, 2, 2)), Readiness::Ready);
        assert!(matches!(check(&deploy(2, 1, 2, 2, 2)), Readiness::NotReady(m) if m.contains("observed")));
        assert_eq!(
            check(&deploy(1, 1, 1, 2, 2)),
            not_ready("1 of 2 replicas updated".into())
        );
        assert_eq!(
            check(&deploy(1, 1, 2, 3, 2)),
            not_ready("1 old replicas pending termination".into())
        );
        assert_eq!(
            check(&deploy(1, 1, 2, 2, 1)),
            not_ready("1 of 2 updated replicas available".into())
        );
    }

    #[test]
    fn daemon_set_without_nodes_is_ready_once_observed() {
        let ds = |status: Value| json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"generation": 1}, "status": status});
        assert!(matches!(check(&ds(json!({}))), Readiness::NotReady(_)));
        assert_eq!(
            check(&ds(json!({"observedGeneration": 1, "desiredNumberScheduled": 0}))),
            Readiness::Ready
        );
    }

    #[test]
    fn conditions_and_phases() {
        let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                         "status": {"conditions": [{"type": "Established", "status": "True"}]}});
        assert_eq!(check(&crd), Readiness::Ready);
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "status": {"conditions": [{"type": "Failed", "status": "True"}]}});
        assert_eq!(check(&job), not_ready("failed".into()));
        let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}});
        assert_eq!(check(&pvc), not_ready("phase Pending".into()));
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(check(&pod), Readiness::Ready);
        let lb =
            json!({"apiVersion": "v1", "kind": "Service", "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.9"}});
        assert_eq!(check(&lb), not_ready("no load balancer ingress".into()));
        let api = json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "status": {"conditions": [{"type": "Available", "status": "False"}]}});
        assert_eq!(check(&api), not_ready("not available".into()));
        assert_eq!(
            check(&json!({"apiVersion": "v1", "kind": "ConfigMap"})),
            Readiness::Ready
        );
    }
}
