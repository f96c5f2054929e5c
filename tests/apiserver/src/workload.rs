//! What controllers and defaulting would do to an object, done at write time: a few defaults
//! (replicas, Service type and cluster IP, namespace phase, CRD conditions) and, with the
//! readiness knob on, the status that makes Deployments, StatefulSets, DaemonSets, ReplicaSets,
//! Jobs, Pods, PVCs and LoadBalancer Services count as ready. With it off they stay not ready.

use serde_json::{Value, json};

use crate::clock;

/// Fills defaults the API server would set on `obj` of `kind`; `next_ip` allocates cluster IPs.
pub fn default(kind: &str, obj: &mut Value, next_ip: &mut u32) {
    let spec_missing = obj.get("spec").is_none();
    match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" => {
            if spec_missing {
                obj["spec"] = json!({});
            }
            if obj["spec"].get("replicas").is_none() {
                obj["spec"]["replicas"] = json!(1);
            }
            if kind == "Deployment" {
                let spec = &mut obj["spec"];
                or_insert(
                    spec,
                    "strategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
                );
                or_insert(spec, "revisionHistoryLimit", json!(10));
                or_insert(spec, "progressDeadlineSeconds", json!(600));
            }
            default_template(&mut obj["spec"]["template"]);
        }
        "DaemonSet" | "Job" => default_template(&mut obj["spec"]["template"]),
        "CronJob" => default_pod_spec(&mut obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
        "Pod" => default_pod_spec(&mut obj["spec"]),
        "Service" => {
            if spec_missing {
                obj["spec"] = json!({});
            }
            let spec = &mut obj["spec"];
            if spec.get("type").is_none() {
                spec["type"] = json!("ClusterIP");
            }
            if spec["type"] != "ExternalName" && spec.get("clusterIP").is_none() {
                let ip = format!("10.96.{}.{}", *next_ip / 250, *next_ip % 250 + 1);
                *next_ip += 1;
                spec["clusterIP"] = json!(ip);
                spec["clusterIPs"] = json!([ip]);
            }
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    if p.get("protocol").is_none() {
                        p["protocol"] = json!("TCP");
                    }
                    if p.get("targetPort").is_none() {
                        p["targetPort"] = p["port"].clone();
                    }
                }
            }
        }
        "Namespace" if obj["status"].get("phase").is_none() => {
            obj["status"] = json!({"phase": "Active"});
        }
        "CustomResourceDefinition" => {
            let now = clock::now_rfc3339();
            let cond = |t: &str, reason: &str, msg: &str| json!({"type": t, "status": "True", "lastTransitionTime": now, "reason": reason, "message": msg});
            let versions: Vec<Value> = obj["spec"]["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| v["storage"] == true)
                .map(|v| v["name"].clone())
                .collect();
            obj["status"] = json!({
                "conditions": [
                    cond("NamesAccepted", "NoConflicts", "no conflicts found"),
                    cond("Established", "InitialNamesAccepted", "the initial names have been accepted"),
                ],
                "acceptedNames": obj["spec"]["names"].clone(),
                "storedVersions": versions,
            });
        }
        "APIService" => {
            obj["status"] = json!({"conditions": [{"type": "Available", "status": "True",
                "lastTransitionTime": clock::now_rfc3339(), "reason": "Passed", "message": "all checks passed"}]});
        }
        _ => {}
    }
}

fn or_insert(v: &mut Value, key: &str, default: Value) {
    if let Some(m) = v.as_object_mut() {
        m.entry(key).or_insert(default);
    }
}

/// A pod template: its metadata carries `creationTimestamp: null`, as Go serializes a zero time.
fn default_template(template: &mut Value) {
    if !template.is_object() {
        return;
    }
    if let Some(meta) = template.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.entry("creationTimestamp").or_insert(Value::Null);
    }
    default_pod_spec(&mut template["spec"]);
}

/// The defaults the API server fills in a pod spec and its containers.
fn default_pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    or_insert(spec, "restartPolicy", json!("Always"));
    or_insert(spec, "terminationGracePeriodSeconds", json!(30));
    or_insert(spec, "dnsPolicy", json!("ClusterFirst"));
    or_insert(spec, "securityContext", json!({}));
    or_insert(spec, "schedulerName", json!("default-scheduler"));
    for list in ["initContainers", "containers"] {
        for c in spec.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
            let image = c["image"].as_str().unwrap_or_default();
            let tag = image.rsplit('/').next().unwrap_or_default();
            let pull = if !tag.contains(':') || tag.ends_with(":latest") {
                "Always"
            } else {
                "IfNotPresent"
            };
            or_insert(c, "resources", json!({}));
            or_insert(c, "terminationMessagePath", json!("/dev/termination-log"));
            or_insert(c, "terminationMessagePolicy", json!("File"));
            or_insert(c, "imagePullPolicy", json!(pull));
            for p in c.get_mut("ports").and_then(Value::as_array_mut).into_iter().flatten() {
                or_insert(p, "protocol", json!("TCP"));
            }
        }
    }
}

/// Whether `kind` gets a status from `fill`.
pub fn has_readiness(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "Pod" | "PersistentVolumeClaim" | "Service"
    )
}

/// Sets the status controllers would report: ready (`ready`) or still progressing.
pub fn fill(kind: &str, obj: &mut Value, ready: bool) {
    let generation = obj["metadata"]["generation"].clone();
    let want = obj["spec"]["replicas"].as_i64().unwrap_or(1);
    let n = if ready { want } else { 0 };
    let now = clock::now_rfc3339();
    let status = match kind {
        "Deployment" => {
            let annotations = &mut obj["metadata"]["annotations"];
            if annotations.get("deployment.kubernetes.io/revision").is_none() {
                annotations["deployment.kubernetes.io/revision"] = json!("1");
            }
            let (avail, reason) = if ready {
                ("True", "MinimumReplicasAvailable")
            } else {
                ("False", "MinimumReplicasUnavailable")
            };
            let mut s = json!({
            "observedGeneration": generation, "replicas": want, "updatedReplicas": want,
            "conditions": [
                {"type": "Available", "status": avail, "lastUpdateTime": now, "lastTransitionTime": now, "reason": reason,
                 "message": if ready { "Deployment has minimum availability." } else { "Deployment does not have minimum availability." }},
                {"type": "Progressing", "status": "True", "lastUpdateTime": now, "lastTransitionTime": now,
                 "reason": if ready { "NewReplicaSetAvailable" } else { "ReplicaSetUpdated" }, "message": "ReplicaSet is progressing."}
            ]});
            if ready {
                s["readyReplicas"] = json!(n);
                s["availableReplicas"] = json!(n);
            } else if want > 0 {
                s["unavailableReplicas"] = json!(want);
            }
            s
        }
        "StatefulSet" => json!({
            "observedGeneration": generation, "replicas": want, "readyReplicas": n, "currentReplicas": want,
            "updatedReplicas": want, "availableReplicas": n, "currentRevision": "rev-1", "updateRevision": "rev-1"}),
        "ReplicaSet" => json!({
            "observedGeneration": generation, "replicas": want, "fullyLabeledReplicas": want,
            "readyReplicas": n, "availableReplicas": n}),
        "DaemonSet" => {
            let r = i64::from(ready);
            json!({"observedGeneration": generation, "currentNumberScheduled": 1, "desiredNumberScheduled": 1,
                   "numberMisscheduled": 0, "numberReady": r, "numberAvailable": r, "updatedNumberScheduled": 1,
                   "numberUnavailable": 1 - r})
        }
        "Job" if ready && fails(obj) => failed_job(obj, &now),
        "Job" if ready => {
            let completions = obj["spec"]["completions"].as_i64().unwrap_or(1);
            json!({"startTime": now, "completionTime": now, "succeeded": completions,
                   "conditions": [{"type": "Complete", "status": "True", "lastProbeTime": now, "lastTransitionTime": now}]})
        }
        "Job" => json!({"startTime": now, "active": 1}),
        "Pod" if ready && runs_to_completion(obj) => finished_pod(obj, &now),
        "Pod" if ready => {
            let cond = |t: &str| json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": now});
            json!({"phase": "Running", "conditions": [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
                   "startTime": now})
        }
        "Pod" => json!({"phase": "Pending"}),
        "PersistentVolumeClaim" => json!({"phase": if ready { "Bound" } else { "Pending" }}),
        "Service" => {
            if obj["spec"]["type"] == "LoadBalancer" && ready {
                json!({"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}})
            } else {
                json!({"loadBalancer": {}})
            }
        }
        _ => return,
    };
    obj["status"] = status;
}

/// The test-only convention shared with `scripts/cluster.sh`'s fake kubelet: a Pod (or a Job's
/// pod template, or the Job itself) annotated `rudder.dev/test-fail: "true"` fails with exit code 1.
fn fails(obj: &Value) -> bool {
    let marked = |meta: &Value| meta["annotations"]["rudder.dev/test-fail"] == "true";
    marked(&obj["metadata"]) || marked(&obj["spec"]["template"]["metadata"])
}

/// Pods with restartPolicy Never or OnFailure run to completion (test pods, a Job's pods).
fn runs_to_completion(obj: &Value) -> bool {
    matches!(obj["spec"]["restartPolicy"].as_str(), Some("Never" | "OnFailure"))
}

/// A run-to-completion Pod whose containers all exited: 0 (Succeeded), or 1 (Failed) when marked.
fn finished_pod(obj: &Value, now: &str) -> Value {
    let failed = fails(obj);
    let (phase, reason, code) = if failed {
        ("Failed", "Error", 1)
    } else {
        ("Succeeded", "Completed", 0)
    };
    let statuses: Vec<Value> = obj["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            json!({"name": c["name"], "image": c["image"], "ready": false, "restartCount": 0, "started": false,
                   "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": now, "finishedAt": now}}})
        })
        .collect();
    let cond =
        |t: &str, status: &str| json!({"type": t, "status": status, "lastProbeTime": null, "lastTransitionTime": now});
    json!({"phase": phase, "startTime": now, "containerStatuses": statuses,
           "conditions": [cond("Initialized", "True"), cond("Ready", "False"), cond("ContainersReady", "False"), cond("PodScheduled", "True")]})
}

/// A Job whose pods all failed: the job controller's BackoffLimitExceeded.
fn failed_job(obj: &Value, now: &str) -> Value {
    let tries = obj["spec"]["backoffLimit"].as_i64().unwrap_or(6) + 1;
    let cond = |t: &str| {
        json!({"type": t, "status": "True", "lastProbeTime": now, "lastTransitionTime": now,
        "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"})
    };
    json!({"startTime": now, "failed": tries, "conditions": [cond("FailureTarget"), cond("Failed")]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployments_become_available_only_when_ready() {
        let mut d = json!({"metadata": {"generation": 2}, "spec": {"replicas": 3}});
        fill("Deployment", &mut d, true);
        assert_eq!(d["status"]["availableReplicas"], 3);
        assert_eq!(d["status"]["observedGeneration"], 2);
        fill("Deployment", &mut d, false);
        assert!(d["status"].get("availableReplicas").is_none());
        assert_eq!(d["status"]["conditions"][0]["status"], "False");
    }

    #[test]
    fn run_to_completion_pods_and_jobs_finish_and_fail_when_marked() {
        let pod = |policy: &str, fail: bool| {
            let mut p = json!({"metadata": {}, "spec": {"restartPolicy": policy, "containers": [{"name": "t", "image": "busybox"}]}});
            if fail {
                p["metadata"]["annotations"] = json!({"rudder.dev/test-fail": "true"});
            }
            fill("Pod", &mut p, true);
            p
        };
        assert_eq!(pod("Always", false)["status"]["phase"], "Running");
        assert_eq!(pod("Never", false)["status"]["phase"], "Succeeded");
        let failed = pod("OnFailure", true);
        assert_eq!(failed["status"]["phase"], "Failed");
        assert_eq!(
            failed["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"],
            1
        );
        let mut job = json!({"metadata": {}, "spec": {"backoffLimit": 0, "template": {"metadata": {"annotations": {"rudder.dev/test-fail": "true"}}}}});
        fill("Job", &mut job, true);
        assert_eq!(job["status"]["conditions"][1]["type"], "Failed");
        assert_eq!(job["status"]["failed"], 1);
    }

    #[test]
    fn services_get_a_cluster_ip_and_tcp_ports() {
        let mut ip = 0;
        let mut s = json!({"spec": {"ports": [{"port": 80}]}});
        default("Service", &mut s, &mut ip);
        assert_eq!(s["spec"]["clusterIP"], "10.96.0.1");
        assert_eq!(s["spec"]["ports"][0]["protocol"], "TCP");
        assert_eq!(s["spec"]["type"], "ClusterIP");
    }
}
