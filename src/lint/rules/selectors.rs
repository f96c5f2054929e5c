//! deployment-selector (a workload's selector must match its own template) and
//! service-selector (a Service's selector should match some pod template in the input).

use std::collections::HashMap;

use super::Hit;
use super::pod::PodSpec;
use crate::resource::Document;
use crate::yaml::{Map, Value};

/// Whether a label selector (`matchLabels` + `matchExpressions`) selects `labels`.
/// Unknown operators select nothing.
fn selects(selector: &Map, labels: Option<&Map>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_map)
        && !ml.iter().all(|(k, v)| v.as_str().is_some_and(|v| get(k) == Some(v)))
    {
        return false;
    }
    let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_seq) else {
        return true;
    };
    exprs.iter().all(|e| {
        let key = e.str_at(&["key"]).unwrap_or_default();
        let values: Vec<&str> = e
            .get("values")
            .and_then(Value::as_seq)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match e.str_at(&["operator"]) {
            Some("In") => get(key).is_some_and(|v| values.contains(&v)),
            Some("NotIn") => get(key).is_none_or(|v| !values.contains(&v)),
            Some("Exists") => get(key).is_some(),
            Some("DoesNotExist") => get(key).is_none(),
            _ => false,
        }
    })
}

pub fn check_workload(doc: usize, v: &Value, hits: &mut Vec<Hit>) {
    let Some(kind) = v.str_at(&["kind"]) else { return };
    if !matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") {
        return;
    }
    let Some(selector) = v.pointer(&["spec", "selector"]).and_then(Value::as_map) else {
        return;
    };
    let labels = v
        .pointer(&["spec", "template", "metadata", "labels"])
        .and_then(Value::as_map);
    if !selects(selector, labels) {
        hits.push(Hit::new(
            "deployment-selector",
            doc,
            "spec.selector",
            "selector does not match the pod template's labels (spec.template.metadata.labels)",
        ));
    }
}

/// Pod template labels indexed by namespace and label, so each Service looks only at the
/// templates carrying the first label of its selector (linear in the input, not quadratic).
type LabelIndex<'a> = HashMap<(&'a str, &'a str, &'a str), Vec<&'a Map>>;

pub fn check_services<'a>(docs: &[&'a Document], pods: &[Option<PodSpec<'a>>], hits: &mut Vec<Hit>) {
    let mut index: LabelIndex<'a> = HashMap::new();
    for (d, pod) in docs.iter().zip(pods) {
        let Some(labels) = pod.as_ref().and_then(|p| p.labels) else {
            continue;
        };
        let ns = d.namespace().unwrap_or_default();
        for (k, v) in labels {
            if let Some(v) = v.as_str() {
                index.entry((ns, k.as_str(), v)).or_default().push(labels);
            }
        }
    }
    for (i, d) in docs.iter().enumerate() {
        if d.value.str_at(&["kind"]) != Some("Service") || d.value.str_at(&["apiVersion"]) != Some("v1") {
            continue;
        }
        let Some(sel) = d.value.pointer(&["spec", "selector"]).and_then(Value::as_map) else {
            continue;
        };
        let Some((k0, v0)) = sel.first() else { continue };
        let ns = d.namespace().unwrap_or_default();
        let candidates = v0.as_str().and_then(|v0| index.get(&(ns, k0.as_str(), v0)));
        let matched = candidates.is_some_and(|c| {
            c.iter()
                .any(|labels| sel.iter().all(|(k, v)| labels.get(k).is_some_and(|l| l == v)))
        });
        if !matched {
            let shown: Vec<String> = sel
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("?")))
                .collect();
            hits.push(Hit::new(
                "service-selector",
                i,
                "spec.selector",
                format!("selector {} matches no pod template in the input", shown.join(",")),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Map {
        crate::yaml::first_document(text).as_map().unwrap().clone()
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let labels = map("app: web\ntier: front\n");
        assert!(selects(&map("matchLabels: {app: web}\n"), Some(&labels)));
        assert!(!selects(&map("matchLabels: {app: db}\n"), Some(&labels)));
        assert!(selects(
            &map(
                "matchExpressions: [{key: tier, operator: In, values: [front, back]}, {key: x, operator: DoesNotExist}]\n"
            ),
            Some(&labels)
        ));
        assert!(!selects(
            &map("matchExpressions: [{key: tier, operator: NotIn, values: [front]}]\n"),
            Some(&labels)
        ));
        assert!(!selects(&map("matchLabels: {app: web}\n"), None));
    }
}
