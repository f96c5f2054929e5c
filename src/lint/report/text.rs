//! `[ERROR] file:line: Kind/name: field: message (rule)` per finding, then a summary line.

use std::fmt::Write;

use super::super::engine::Report;
use super::super::finding::{Finding, Severity};
use super::plural;

pub fn line(f: &Finding) -> String {
    let mut s = format!("[{}] {}", f.severity.as_str().to_ascii_uppercase(), f.file);
    if f.line > 0 {
        let _ = write!(s, ":{}", f.line);
    }
    if let Some(o) = &f.object {
        let _ = write!(s, ": {o}");
    }
    if !f.field.is_empty() {
        let _ = write!(s, ": {}", f.field);
    }
    let _ = write!(s, ": {} ({})", f.message, f.rule);
    s
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&line(f));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}, {}, {} in {} ({})",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Info), "info"),
        plural(report.documents, "document"),
        plural(report.sources, "source"),
    );
    out
}
