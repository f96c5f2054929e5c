//! `-o sarif`: SARIF 2.1.0 as GitHub code scanning reads it: one run, the rule catalogue
//! as `tool.driver.rules` (id, descriptions, help, default level), one result per finding
//! with `ruleId`, `ruleIndex`, `level`, `message.text` and a physical location
//! (`artifactLocation.uri` relative to the working directory, `region.startLine`, 1 when
//! the finding has no line).

use serde_json::{Value as Json, json};

use super::super::catalogue::RULES;
use super::super::engine::Report;
use super::super::finding::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a URI reference: `/` separators, reserved and non-ASCII bytes percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(report: &Report, version: &str) -> String {
    let rules: Vec<Json> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.hint, "markdown": r.hint},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            // Code scanning wants a region; a finding about a whole file points at line 1.
            let physical = json!({
                "artifactLocation": {"uri": uri(&f.file)},
                "region": {"startLine": f.line.max(1)},
            });
            let mut text = String::new();
            if let Some(o) = &f.object {
                text.push_str(&format!("{o}: "));
            }
            if !f.field.is_empty() {
                text.push_str(&format!("{}: ", f.field));
            }
            text.push_str(&f.message);
            json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": physical}],
            })
        })
        .collect();
    let out = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rudder",
                "informationUri": "https://github.com/rudder-k8s/rudder",
                "semanticVersion": version,
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&out).expect("JSON values serialize");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri("./a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri("dir\\x#1.yaml"), "dir/x%231.yaml");
    }
}
