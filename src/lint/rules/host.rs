//! host-path and host-network: pods that reach into the node.

use super::Hit;
use super::pod::PodSpec;
use crate::yaml::Value;

pub fn check(doc: usize, pod: &PodSpec<'_>, hits: &mut Vec<Hit>) {
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if pod.spec.get(key).and_then(Value::as_bool) == Some(true) {
            hits.push(Hit::new(
                "host-network",
                doc,
                format!("{}.{key}", pod.path),
                format!("pod sets {key}: true"),
            ));
        }
    }
    let Some(volumes) = pod.spec.get("volumes").and_then(Value::as_seq) else {
        return;
    };
    for (i, v) in volumes.iter().enumerate() {
        if let Some(hp) = v.get("hostPath").filter(|h| !h.is_null()) {
            let dir = hp.str_at(&["path"]).unwrap_or("?");
            hits.push(Hit::new(
                "host-path",
                doc,
                format!("{}.volumes[{i}].hostPath", pod.path),
                format!("volume mounts the host path {dir}"),
            ));
        }
    }
}
