//! Per-container rules: image-tag, resources, probes, privileged, run-as-root.

use super::Hit;
use super::pod::PodSpec;
use crate::yaml::{Map, Value};

pub fn check(doc: usize, pod: &PodSpec<'_>, hits: &mut Vec<Hit>) {
    let pod_sc = pod.spec.get("securityContext");
    for (path, c) in pod.all_containers() {
        image_tag(doc, &path, c, hits);
        let sc = c.get("securityContext");
        if sc.and_then(|s| s.get("privileged")).and_then(Value::as_bool) == Some(true) {
            hits.push(Hit::new(
                "privileged",
                doc,
                format!("{path}.securityContext.privileged"),
                "container runs privileged",
            ));
        }
        run_as_root(doc, pod.path, &path, sc, pod_sc, hits);
    }
    for (path, c) in pod.containers("containers") {
        resources(doc, &path, c, hits);
        if pod.long_running {
            let missing: Vec<&str> = ["readinessProbe", "livenessProbe"]
                .into_iter()
                .filter(|p| c.get(*p).is_none_or(Value::is_null))
                .collect();
            if !missing.is_empty() {
                hits.push(Hit::new(
                    "probes",
                    doc,
                    path.clone(),
                    format!("container has no {}", missing.join(" or ")),
                ));
            }
        }
    }
}

fn image_tag(doc: usize, path: &str, c: &Map, hits: &mut Vec<Hit>) {
    let Some(image) = c.get("image").and_then(Value::as_str) else {
        return;
    };
    if image.contains('@') {
        return;
    }
    // The tag follows the last ':' after the last '/' (a registry port is before a '/').
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        None => hits.push(Hit::new(
            "image-tag",
            doc,
            format!("{path}.image"),
            format!("image \"{image}\" has no tag"),
        )),
        Some((_, "latest")) => hits.push(Hit::new(
            "image-tag",
            doc,
            format!("{path}.image"),
            format!("image \"{image}\" uses the latest tag"),
        )),
        Some(_) => {}
    }
}

fn resources(doc: usize, path: &str, c: &Map, hits: &mut Vec<Hit>) {
    let res = c.get("resources");
    let has = |section: &str, key: &str| {
        res.and_then(|r| r.get(section))
            .and_then(|s| s.get(key))
            .is_some_and(|v| !v.is_null())
    };
    let mut missing = Vec::new();
    for (section, key) in [("requests", "cpu"), ("requests", "memory"), ("limits", "memory")] {
        // A limit alone sets the request to the same value.
        let set = has(section, key) || (section == "requests" && has("limits", key));
        if !set {
            missing.push(format!("{section}.{key}"));
        }
    }
    if !missing.is_empty() {
        hits.push(Hit::new(
            "resources",
            doc,
            format!("{path}.resources"),
            format!("container sets no {}", missing.join(", ")),
        ));
    }
}

fn run_as_root(
    doc: usize,
    pod_path: &str,
    path: &str,
    sc: Option<&Value>,
    pod_sc: Option<&Value>,
    hits: &mut Vec<Hit>,
) {
    // Container settings override the pod's.
    let user = get(sc, "runAsUser")
        .or(get(pod_sc, "runAsUser"))
        .and_then(Value::as_i64);
    let non_root = get(sc, "runAsNonRoot")
        .or(get(pod_sc, "runAsNonRoot"))
        .and_then(Value::as_bool);
    if user == Some(0) {
        let field = if get(sc, "runAsUser").is_some() {
            format!("{path}.securityContext.runAsUser")
        } else {
            format!("{pod_path}.securityContext.runAsUser")
        };
        hits.push(Hit::new(
            "run-as-root",
            doc,
            field,
            "container runs as root (runAsUser: 0)",
        ));
    } else if non_root != Some(true) && user.is_none() {
        hits.push(Hit::new(
            "run-as-root",
            doc,
            path.to_string(),
            "container may run as root: neither runAsNonRoot nor runAsUser is set",
        ));
    }
}

fn get<'a>(s: Option<&'a Value>, k: &str) -> Option<&'a Value> {
    s.and_then(|s| s.get(k)).filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Dialect, parse_stream};

    fn image_hits(image: &str) -> Vec<String> {
        let text = format!("image: \"{image}\"\n");
        let v = parse_stream(&text, Dialect::Helm, "t").unwrap().remove(0).value;
        let mut hits = Vec::new();
        image_tag(0, "c", v.as_map().unwrap(), &mut hits);
        hits.into_iter().map(|h| h.message).collect()
    }

    #[test]
    fn image_tags() {
        for ok in [
            "nginx:1.27",
            "registry:5000/team/app:v1",
            "app@sha256:abcd",
            "app:latest@sha256:abcd",
        ] {
            assert!(image_hits(ok).is_empty(), "{ok}");
        }
        assert_eq!(
            image_hits("registry:5000/team/app"),
            ["image \"registry:5000/team/app\" has no tag"]
        );
        assert_eq!(image_hits("nginx"), ["image \"nginx\" has no tag"]);
        assert_eq!(
            image_hits("nginx:latest"),
            ["image \"nginx:latest\" uses the latest tag"]
        );
    }
}
