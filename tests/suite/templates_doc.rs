//! Every example in `docs/templates.md` rendered, so the document stays true to the engine.
//!
//! The document's fenced blocks tagged `file=PATH` (after the language) make a chart; each
//! ```` ```jinja ```` block is then rendered as that chart's `templates/NOTES.txt` (release
//! `demo`, namespace `web`; ```` ```jinja strict ```` with `--strict`) and must give the
//! ```` ```text ```` block that follows it, or, when that block is tagged `error`, fail with a
//! message containing its text.

use std::path::Path;

use rudder::chart::render::{Release, RenderOptions};
use rudder::chart::values::ValueOptions;

/// A fenced block: its info string and body.
struct Block {
    info: String,
    body: String,
    line: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let mut body = String::new();
        for (_, l) in lines.by_ref() {
            if l == "```" {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push(Block {
            info: info.trim().to_string(),
            body,
            line: i + 1,
        });
    }
    out
}

fn file_of(info: &str) -> Option<&str> {
    info.split_whitespace().find_map(|w| w.strip_prefix("file="))
}

/// Renders each example; returns the failures.
pub fn check(doc: &str, scratch: &Path) -> (usize, Vec<String>) {
    let all = blocks(doc);
    for b in &all {
        if let Some(path) = file_of(&b.info) {
            let p = scratch.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, &b.body).unwrap();
        }
    }
    let opts = RenderOptions {
        release: Release {
            name: "demo".into(),
            namespace: "web".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for (k, b) in all.iter().enumerate() {
        let strict = match b.info.as_str() {
            "jinja" => false,
            "jinja strict" => true,
            _ => continue,
        };
        count += 1;
        let Some(want) = all.get(k + 1).filter(|n| n.info.starts_with("text")) else {
            failures.push(format!(
                "line {}: a jinja example without a text block after it",
                b.line
            ));
            continue;
        };
        std::fs::write(scratch.join("templates/NOTES.txt"), &b.body).unwrap();
        let opts = RenderOptions { strict, ..opts.clone() };
        let got = rudder::pipeline::render_chart(scratch, &ValueOptions::default(), &opts);
        let expect_error = want.info.split_whitespace().any(|w| w == "error");
        match (got, expect_error) {
            (Ok(out), false) => {
                let notes = out.rendered.notes.unwrap_or_default();
                if notes.trim_end() != want.body.trim_end() {
                    failures.push(format!(
                        "line {}: rendered\n{}\nwanted\n{}",
                        b.line,
                        notes.trim_end(),
                        want.body.trim_end()
                    ));
                }
            }
            (Ok(out), true) => failures.push(format!(
                "line {}: wanted an error, rendered {:?}",
                b.line,
                out.rendered.notes.unwrap_or_default()
            )),
            (Err(e), true) => {
                let msg = e.to_string();
                if !msg.contains(want.body.trim()) {
                    failures.push(format!("line {}: error {msg:?} lacks {:?}", b.line, want.body.trim()));
                }
            }
            (Err(e), false) => failures.push(format!("line {}: {e}", b.line)),
        }
    }
    (count, failures)
}

#[test]
fn every_example_in_the_templates_doc_renders_as_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/templates.md")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let (count, failures) = check(&doc, scratch.path());
    assert!(count >= 30, "only {count} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every built-in the engine registers is named in the document (read from the engine's
/// registration calls, so a new built-in without documentation fails here).
#[test]
fn every_builtin_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/templates.md")).unwrap();
    let call = regex::Regex::new(r#"(?:filter|function)\(\s*env,\s*&\[([^\]]*)\]"#).unwrap();
    let name = regex::Regex::new(r#""([A-Za-z0-9_]+)""#).unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root.join("src/chart/render/funcs")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for c in call.captures_iter(&text) {
            names.extend(name.captures_iter(&c[1]).map(|n| n[1].to_string()));
        }
    }
    assert!(names.len() > 80, "found only {} built-ins", names.len());
    let missing: Vec<_> = names
        .iter()
        .filter(|n| !n.starts_with("__"))
        .filter(|n| !regex::Regex::new(&format!(r"\b{n}\b")).unwrap().is_match(&doc))
        .collect();
    assert!(missing.is_empty(), "not in docs/templates.md: {missing:?}");
}
