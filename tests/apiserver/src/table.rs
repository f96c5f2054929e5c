//! Server-side printing: the `meta.k8s.io/v1` Table kubectl asks for on `get`, with the columns
//! the real server prints for the common kinds (Name and Age for the rest).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// A column: (name, type).
type Column = (&'static str, &'static str);

fn columns(kind: &str) -> Vec<Column> {
    let mut c = vec![("Name", "string")];
    c.extend(match kind {
        "Namespace" => vec![("Status", "string")],
        "ConfigMap" => vec![("Data", "integer")],
        "Secret" => vec![("Type", "string"), ("Data", "integer")],
        "Service" => vec![
            ("Type", "string"),
            ("Cluster-IP", "string"),
            ("External-IP", "string"),
            ("Port(s)", "string"),
        ],
        "Deployment" => vec![("Ready", "string"), ("Up-to-date", "integer"), ("Available", "integer")],
        "StatefulSet" => vec![("Ready", "string")],
        "Pod" => vec![("Ready", "string"), ("Status", "string"), ("Restarts", "integer")],
        _ => vec![],
    });
    c.push(("Age", "string"));
    c
}

fn cells(kind: &str, o: &Value) -> Vec<Value> {
    let int = |p: &str| o.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let count = |p: &str| o.pointer(p).and_then(Value::as_object).map_or(0, |m| m.len());
    let mut c = vec![o["metadata"]["name"].clone()];
    c.extend(match kind {
        "Namespace" => vec![o["status"]["phase"].clone()],
        "ConfigMap" => vec![json!(count("/data") + count("/binaryData"))],
        "Secret" => vec![o["type"].clone(), json!(count("/data"))],
        "Service" => {
            let ports: Vec<String> = o["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
                .collect();
            let external = match o["status"]["loadBalancer"]["ingress"][0]["ip"].as_str() {
                Some(ip) => ip.to_string(),
                None if o["spec"]["type"] == "LoadBalancer" => "<pending>".into(),
                None => "<none>".into(),
            };
            let ports = if ports.is_empty() {
                "<none>".to_string()
            } else {
                ports.join(",")
            };
            vec![
                o["spec"]["type"].clone(),
                o["spec"]["clusterIP"].clone(),
                json!(external),
                json!(ports),
            ]
        }
        "Deployment" => vec![
            json!(format!("{}/{}", int("/status/readyReplicas"), int("/spec/replicas"))),
            json!(int("/status/updatedReplicas")),
            json!(int("/status/availableReplicas")),
        ],
        "StatefulSet" => vec![json!(format!(
            "{}/{}",
            int("/status/readyReplicas"),
            int("/spec/replicas")
        ))],
        "Pod" => {
            let total = o["spec"]["containers"].as_array().map_or(0, Vec::len);
            let ready = if o["status"]["phase"] == "Running" { total } else { 0 };
            vec![
                json!(format!("{ready}/{total}")),
                o["status"]["phase"].clone(),
                json!(0),
            ]
        }
        _ => vec![],
    });
    c.push(json!(age(o["metadata"]["creationTimestamp"]
        .as_str()
        .unwrap_or_default())));
    c
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp.
fn parse_time(t: &str) -> Option<u64> {
    let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

/// kubectl's short ages: `45s`, `3m12s`, `17m`, `5h3m`, `30h`, `4d2h`, `12d`.
fn age(created: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let Some(t) = parse_time(created) else {
        return "<unknown>".into();
    };
    let s = now.saturating_sub(t);
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    match s {
        _ if s < 120 => format!("{s}s"),
        _ if m < 10 => format!("{m}m{}s", s % 60),
        _ if m < 180 => format!("{m}m"),
        _ if h < 8 => format!("{h}h{}m", m % 60),
        _ if h < 48 => format!("{h}h"),
        _ if h < 192 => format!("{d}d{}h", h % 24),
        _ => format!("{d}d"),
    }
}

/// The Table for a list (or one object) of `kind`.
pub fn table(kind: &str, body: &Value, rv: u64) -> Value {
    let items: Vec<&Value> = match body["items"].as_array() {
        Some(items) => items.iter().collect(),
        None => vec![body],
    };
    let defs: Vec<Value> = columns(kind)
        .into_iter()
        .map(|(name, ty)| {
            let format = if name == "Name" { "name" } else { "" };
            json!({"name": name, "type": ty, "format": format, "description": "", "priority": 0})
        })
        .collect();
    let rows: Vec<Value> = items
        .into_iter()
        .map(|o| {
            json!({"cells": cells(kind, o),
                   "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"].clone()}})
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": rv.to_string()},
           "columnDefinitions": defs, "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_times_back() {
        assert_eq!(parse_time("2026-11-18T11:06:40Z"), Some(1_795_000_000));
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
    }

    #[test]
    fn deployments_print_ready_counts() {
        let d = json!({"metadata": {"name": "web", "creationTimestamp": "2026-01-01T00:00:00Z"},
                       "spec": {"replicas": 2}, "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}});
        let t = table("Deployment", &d, 5);
        assert_eq!(
            t["rows"][0]["cells"].as_array().unwrap()[..4],
            [json!("web"), json!("1/2"), json!(2), json!(1)]
        );
        assert_eq!(t["columnDefinitions"].as_array().unwrap().len(), 5);
    }
}
