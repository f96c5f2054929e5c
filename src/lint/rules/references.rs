//! missing-reference: ConfigMaps and Secrets a pod uses (volumes, projected volumes,
//! env and envFrom) that the input does not define. References marked `optional: true`
//! are skipped.

use std::collections::HashSet;

use super::Hit;
use super::pod::PodSpec;
use crate::resource::Document;
use crate::yaml::Value;

struct Ref {
    kind: &'static str,
    name: String,
    field: String,
}

fn optional(v: &Value) -> bool {
    v.get("optional").and_then(Value::as_bool) == Some(true)
}

fn push(out: &mut Vec<Ref>, kind: &'static str, v: &Value, name_key: &str, field: String) {
    if optional(v) {
        return;
    }
    if let Some(name) = v.str_at(&[name_key]) {
        out.push(Ref {
            kind,
            name: name.to_string(),
            field: format!("{field}.{name_key}"),
        });
    }
}

fn refs(pod: &PodSpec<'_>) -> Vec<Ref> {
    let mut out = Vec::new();
    if let Some(volumes) = pod.spec.get("volumes").and_then(Value::as_seq) {
        for (i, v) in volumes.iter().enumerate() {
            let base = format!("{}.volumes[{i}]", pod.path);
            if let Some(cm) = v.get("configMap") {
                push(&mut out, "ConfigMap", cm, "name", format!("{base}.configMap"));
            }
            if let Some(s) = v.get("secret") {
                push(&mut out, "Secret", s, "secretName", format!("{base}.secret"));
            }
            let sources = v.pointer(&["projected", "sources"]).and_then(Value::as_seq);
            for (j, src) in sources.into_iter().flatten().enumerate() {
                let b = format!("{base}.projected.sources[{j}]");
                if let Some(cm) = src.get("configMap") {
                    push(&mut out, "ConfigMap", cm, "name", format!("{b}.configMap"));
                }
                if let Some(s) = src.get("secret") {
                    push(&mut out, "Secret", s, "name", format!("{b}.secret"));
                }
            }
        }
    }
    for (path, c) in pod.all_containers() {
        if let Some(env_from) = c.get("envFrom").and_then(Value::as_seq) {
            for (i, e) in env_from.iter().enumerate() {
                if let Some(cm) = e.get("configMapRef") {
                    push(
                        &mut out,
                        "ConfigMap",
                        cm,
                        "name",
                        format!("{path}.envFrom[{i}].configMapRef"),
                    );
                }
                if let Some(s) = e.get("secretRef") {
                    push(&mut out, "Secret", s, "name", format!("{path}.envFrom[{i}].secretRef"));
                }
            }
        }
        if let Some(env) = c.get("env").and_then(Value::as_seq) {
            for (i, e) in env.iter().enumerate() {
                let base = format!("{path}.env[{i}].valueFrom");
                if let Some(cm) = e.pointer(&["valueFrom", "configMapKeyRef"]) {
                    push(&mut out, "ConfigMap", cm, "name", format!("{base}.configMapKeyRef"));
                }
                if let Some(s) = e.pointer(&["valueFrom", "secretKeyRef"]) {
                    push(&mut out, "Secret", s, "name", format!("{base}.secretKeyRef"));
                }
            }
        }
    }
    out
}

pub fn check(docs: &[&Document], pods: &[Option<PodSpec<'_>>], hits: &mut Vec<Hit>) {
    let defined: HashSet<(&str, &str, &str)> = docs
        .iter()
        .filter_map(|d| {
            let kind = d.value.str_at(&["kind"])?;
            if !matches!(kind, "ConfigMap" | "Secret") || d.value.str_at(&["apiVersion"]) != Some("v1") {
                return None;
            }
            Some((kind, d.namespace().unwrap_or_default(), d.name()?))
        })
        .collect();
    for (i, d) in docs.iter().enumerate() {
        let Some(pod) = &pods[i] else { continue };
        let ns = d.namespace().unwrap_or_default();
        let mut reported = HashSet::new();
        for r in refs(pod) {
            if defined.contains(&(r.kind, ns, r.name.as_str())) || !reported.insert((r.kind, r.name.clone())) {
                continue;
            }
            hits.push(Hit::new(
                "missing-reference",
                i,
                r.field,
                format!("{} \"{}\" is not defined in the input", r.kind, r.name),
            ));
        }
    }
}
