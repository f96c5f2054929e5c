//! Where a workload keeps its pod template: `spec` of a Pod, `spec.template` of the
//! controllers, `spec.jobTemplate.spec.template` of a CronJob.

use crate::yaml::{Map, Value};

/// A pod spec inside a document, with the field path that leads to it.
pub struct PodSpec<'a> {
    pub spec: &'a Map,
    /// Path of the pod spec, e.g. `spec.template.spec`.
    pub path: &'static str,
    /// The pod template's labels (the Pod's own labels for a Pod).
    pub labels: Option<&'a Map>,
    /// Whether the pods run until stopped (not Jobs), so probes matter.
    pub long_running: bool,
}

impl<'a> PodSpec<'a> {
    pub fn of(v: &'a Value) -> Option<PodSpec<'a>> {
        let kind = v.str_at(&["kind"])?;
        let (path, meta, spec, long_running): (&'static str, &[&str], &[&str], bool) = match kind {
            "Pod" => ("spec", &["metadata"], &["spec"], false),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" => (
                "spec.template.spec",
                &["spec", "template", "metadata"],
                &["spec", "template", "spec"],
                true,
            ),
            "Job" => (
                "spec.template.spec",
                &["spec", "template", "metadata"],
                &["spec", "template", "spec"],
                false,
            ),
            "CronJob" => (
                "spec.jobTemplate.spec.template.spec",
                &["spec", "jobTemplate", "spec", "template", "metadata"],
                &["spec", "jobTemplate", "spec", "template", "spec"],
                false,
            ),
            _ => return None,
        };
        Some(PodSpec {
            spec: v.pointer(spec)?.as_map()?,
            path,
            labels: v.pointer(meta).and_then(|m| m.get("labels")).and_then(Value::as_map),
            long_running,
        })
    }

    /// `(field path, container)` for each container of `list` (`containers`, `initContainers`).
    pub fn containers(&self, list: &str) -> Vec<(String, &'a Map)> {
        let Some(items) = self.spec.get(list).and_then(Value::as_seq) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((format!("{}.{list}[{i}]", self.path), c.as_map()?)))
            .collect()
    }

    /// All regular and init containers.
    pub fn all_containers(&self) -> Vec<(String, &'a Map)> {
        let mut v = self.containers("initContainers");
        v.extend(self.containers("containers"));
        v
    }
}
