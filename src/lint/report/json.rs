//! `-o json`: `{"findings": [...], "summary": {...}}`, one object per finding with its
//! rule's hint.

use serde_json::{Value as Json, json};

use super::super::catalogue::rule_by_id;
use super::super::engine::Report;
use super::super::finding::Severity;

pub fn render(report: &Report) -> String {
    let findings: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            let object = f.object.as_ref().map(
                |o| json!({"apiVersion": o.api_version, "kind": o.kind, "name": o.name, "namespace": o.namespace}),
            );
            json!({
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "file": f.file,
                "line": f.line,
                "object": object,
                "field": f.field,
                "message": f.message,
                "hint": rule_by_id(f.rule).map(|r| r.hint),
            })
        })
        .collect();
    let out = json!({
        "findings": findings,
        "summary": {
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
            "documents": report.documents,
            "sources": report.sources,
        },
    });
    let mut s = serde_json::to_string_pretty(&out).expect("JSON values serialize");
    s.push('\n');
    s
}
