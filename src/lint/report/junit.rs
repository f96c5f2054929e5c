//! `-o junit`: one test suite per source, one test case per object (named `Kind/name`),
//! each finding at or above warning a `<failure>`; infos go to `<system-out>`. Findings
//! without an object (parse errors, chart problems) are a test case named after the source.

use std::fmt::Write;

use super::super::engine::Report;
use super::super::finding::{Finding, Severity};
use super::text;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry other control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

struct Case<'a> {
    name: String,
    findings: Vec<&'a Finding>,
}

type Suites<'a> = Vec<(&'a str, Vec<Case<'a>>)>;

/// The index of `file`'s suite, added at the end when new.
fn suite_index<'a>(suites: &mut Suites<'a>, file: &'a str) -> usize {
    if let Some(i) = suites.iter().position(|(f, _)| *f == file) {
        return i;
    }
    suites.push((file, Vec::new()));
    suites.len() - 1
}

pub fn render(report: &Report) -> String {
    // Sources in order, each with its cases in order.
    let mut suites: Suites<'_> = Vec::new();
    for (file, obj) in &report.objects {
        let i = suite_index(&mut suites, file);
        suites[i].1.push(Case {
            name: obj.to_string(),
            findings: Vec::new(),
        });
    }
    // Findings attach to the first case of their object (duplicates share a name).
    for f in &report.findings {
        let i = suite_index(&mut suites, &f.file);
        let name = f.object.as_ref().map_or_else(|| f.file.clone(), ToString::to_string);
        let cases = &mut suites[i].1;
        match cases.iter_mut().find(|c| c.name == name) {
            Some(c) => c.findings.push(f),
            None => cases.push(Case {
                name,
                findings: vec![f],
            }),
        }
    }
    let failing = |c: &Case<'_>| c.findings.iter().any(|f| f.severity >= Severity::Warning);
    let tests: usize = suites.iter().map(|(_, c)| c.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|(_, c)| c.iter().filter(|c| failing(c)).count())
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"rudder lint\" tests=\"{tests}\" failures=\"{failures}\">"
    );
    for (file, cases) in &suites {
        let f = cases.iter().filter(|c| failing(c)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\">",
            esc(file),
            cases.len()
        );
        for c in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                esc(file),
                esc(&c.name)
            );
            if c.findings.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let mut infos = Vec::new();
            for f in &c.findings {
                if f.severity < Severity::Warning {
                    infos.push(text::line(f));
                    continue;
                }
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    f.rule,
                    esc(&f.message),
                    esc(&text::line(f))
                );
            }
            if !infos.is_empty() {
                let _ = writeln!(out, "      <system-out>{}</system-out>", esc(&infos.join("\n")));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
