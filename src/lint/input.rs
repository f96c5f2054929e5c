//! What lint reads: files, directories and standard input, each parsed into documents
//! with their source name and line. Bad input becomes findings (`parse-error`,
//! `invalid-object`), never a crash; sizes and YAML aliases are bounded by [`Limits`].
//!
//! Directories are walked for `*.yaml`, `*.yml` and `*.json` files (hidden entries skipped);
//! a directory holding a kustomization or a `Chart.yaml` is a [`Target::Overlay`] or
//! [`Target::Chart`], which the caller builds (lint does not import `overlay` or `chart`)
//! and hands back with [`Input::add_documents`] or [`Input::add_chart`].

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::chart::RenderedChart;
use super::finding::{Finding, Severity};
use super::locate::SourceText;
use crate::resource::Document;
use crate::yaml::{self, Dialect, Limits, Value};

/// Largest file or standard input read, in bytes.
pub const MAX_INPUT_BYTES: usize = 64 << 20;

/// Most documents read from one source (a `List` counts its items).
const MAX_DOCUMENTS: usize = 1_000_000;

/// Files kustomize recognises as a kustomization.
pub const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: no such file or directory")]
    Missing(String),
}

/// One thing named on the command line, or found in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdin,
    File(PathBuf),
    Overlay(PathBuf),
    Chart(PathBuf),
}

/// Expands paths into targets: `-` is standard input, files are themselves, directories
/// are an overlay, a chart, or walked (sorted) for YAML files and nested overlays/charts.
///
/// # Errors
/// A path that does not exist, a directory that cannot be read.
pub fn targets(paths: &[PathBuf]) -> Result<Vec<Target>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Target::Stdin);
        } else if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.exists() {
            out.push(Target::File(p.clone()));
        } else {
            return Err(InputError::Missing(p.display().to_string()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Target>) -> Result<(), InputError> {
    if KUSTOMIZATION_FILES.iter().any(|f| dir.join(f).is_file()) {
        out.push(Target::Overlay(dir.to_path_buf()));
        return Ok(());
    }
    if dir.join("Chart.yaml").is_file() {
        out.push(Target::Chart(dir.to_path_buf()));
        return Ok(());
    }
    let read_err = |source| InputError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
            out.push(Target::File(p));
        }
    }
    Ok(())
}

/// Documents to lint, the texts they came from and the findings reading them gave.
#[derive(Debug, Default)]
pub struct Input {
    pub documents: Vec<Document>,
    pub findings: Vec<Finding>,
    /// Source texts by name, for field line numbers.
    pub(super) texts: HashMap<String, SourceText>,
    /// Source names in the order they were added.
    pub(super) sources: Vec<String>,
}

impl Input {
    pub fn new() -> Self {
        Input::default()
    }

    /// Reads a target that is a file or standard input.
    ///
    /// # Errors
    /// The file cannot be opened or read (a file too large or not UTF-8 is a finding).
    pub fn read(&mut self, target: &Target) -> Result<(), InputError> {
        let (name, bytes) = match target {
            Target::Stdin => ("-".to_string(), read_limited(std::io::stdin().lock(), "-")?),
            Target::File(p) => {
                let name = p.display().to_string();
                let file = std::fs::File::open(p).map_err(|source| InputError::Read {
                    path: name.clone(),
                    source,
                })?;
                let bytes = read_limited(file, &name)?;
                (name, bytes)
            }
            Target::Overlay(_) | Target::Chart(_) => return Ok(()),
        };
        self.add_bytes(&name, bytes);
        Ok(())
    }

    /// Adds a source given as bytes.
    pub fn add_bytes(&mut self, name: &str, bytes: Vec<u8>) {
        if bytes.len() > MAX_INPUT_BYTES {
            self.problem(
                "parse-error",
                name,
                1,
                format!("input is over the limit of {MAX_INPUT_BYTES} bytes"),
            );
            return;
        }
        match String::from_utf8(bytes) {
            Ok(text) => self.add_text(name, text),
            Err(e) => {
                let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                self.problem("parse-error", name, line, "invalid UTF-8".into());
            }
        }
    }

    /// Adds a source given as text: parses it and keeps its well-formed objects.
    ///
    /// Plain manifests are read as `kubectl apply` and kubeconform read them: YAML 1.1 as
    /// go-yaml v2 resolves scalars (`yes` is a boolean), which is the Helm dialect.
    pub fn add_text(&mut self, name: &str, text: String) {
        let limits = Limits {
            max_bytes: MAX_INPUT_BYTES,
            ..Limits::default()
        };
        let docs = match yaml::parse_stream_with_limits(&text, Dialect::Helm, name, &limits) {
            Ok(docs) => docs,
            Err(_) => self.parse_pieces(name, &text, &limits),
        };
        let mut count = 0usize;
        for d in docs {
            self.add_value(name, d.value, d.line, &mut count);
        }
        self.note_source(name);
        self.texts.insert(name.to_string(), SourceText::new(text));
    }

    /// After a failed parse, parses each `---` piece alone so one bad document does not
    /// hide the others; each bad piece becomes a finding.
    fn parse_pieces(&mut self, name: &str, text: &str, limits: &Limits) -> Vec<yaml::ParsedDoc> {
        let mut docs = Vec::new();
        let mut start = 0usize;
        let mut start_line = 1usize;
        let mut pos = 0usize;
        let mut pieces = Vec::new();
        for (line, l) in (1usize..).zip(text.split_inclusive('\n')) {
            if l.starts_with("---") && pos > 0 {
                pieces.push((start, pos, start_line));
                start = pos;
                start_line = line;
            }
            pos += l.len();
        }
        pieces.push((start, text.len(), start_line));
        for (a, b, first_line) in pieces {
            match yaml::parse_stream_with_limits(&text[a..b], Dialect::Helm, name, limits) {
                Ok(ds) => docs.extend(ds.into_iter().map(|mut d| {
                    d.line += first_line - 1;
                    d
                })),
                Err(e) => self.problem("parse-error", name, e.line + first_line - 1, e.message),
            }
        }
        docs
    }

    fn add_value(&mut self, name: &str, value: Value, line: usize, count: &mut usize) {
        *count += 1;
        if *count > MAX_DOCUMENTS {
            if *count == MAX_DOCUMENTS + 1 {
                self.problem(
                    "parse-error",
                    name,
                    line,
                    format!("more than {MAX_DOCUMENTS} documents"),
                );
            }
            return;
        }
        match &value {
            Value::Null => {}
            Value::Map(_) => {
                let kind = value.str_at(&["kind"]).unwrap_or_default();
                if kind.ends_with("List")
                    && let Some(Value::Seq(items)) = value.get("items")
                {
                    for item in items.clone() {
                        self.add_value(name, item, line, count);
                    }
                    return;
                }
                self.documents.push(Document::new(value, name, line));
            }
            other => {
                let found = other.type_name();
                self.problem(
                    "invalid-object",
                    name,
                    line,
                    format!("document is {found}, not a mapping"),
                );
            }
        }
    }

    /// Adds objects built elsewhere (an overlay's output), named by their source. Source
    /// files that can still be read are kept for field line numbers: a field a later stage
    /// added is then placed at its nearest ancestor found in the file.
    pub fn add_documents(&mut self, docs: Vec<Document>) {
        for d in &docs {
            if self.texts.contains_key(&d.source) {
                continue;
            }
            self.note_source(&d.source);
            let path = Path::new(&d.source);
            let small = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= MAX_INPUT_BYTES as u64);
            if small && let Ok(text) = std::fs::read_to_string(path) {
                self.texts.insert(d.source.clone(), SourceText::new(text));
            }
        }
        self.documents.extend(docs);
    }

    /// Adds a rendered chart: each template's output as a source, and the chart's problems.
    pub fn add_chart(&mut self, chart: RenderedChart) {
        for p in chart.problems {
            self.findings.push(Finding {
                rule: "chart",
                severity: p.severity,
                file: p.file,
                line: p.line,
                object: None,
                field: p.field,
                message: p.message,
            });
        }
        for t in chart.templates {
            self.add_text(&t.source, t.text);
        }
    }

    /// Records a problem found while reading or building a source.
    pub fn problem(&mut self, rule: &'static str, file: &str, line: usize, message: String) {
        self.findings.push(Finding {
            rule,
            severity: Severity::Error,
            file: file.to_string(),
            line,
            object: None,
            field: String::new(),
            message,
        });
        self.note_source(file);
    }

    fn note_source(&mut self, name: &str) {
        if !self.sources.iter().any(|s| s == name) {
            self.sources.push(name.to_string());
        }
    }
}

fn read_limited(r: impl Read, name: &str) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    r.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Read {
            path: name.to_string(),
            source,
        })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_documents_become_findings_and_good_ones_stay() {
        let mut input = Input::new();
        input.add_text(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust a string\n---\nkey: [unclosed\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n".into(),
        );
        let kinds: Vec<_> = input
            .documents
            .iter()
            .map(|d| (d.value.str_at(&["kind"]).unwrap().to_string(), d.line))
            .collect();
        assert_eq!(kinds, [("ConfigMap".to_string(), 1), ("Secret".to_string(), 9)]);
        let mut f: Vec<_> = input.findings.iter().map(|f| (f.rule, f.line)).collect();
        f.sort_by_key(|f| f.1);
        // The unclosed flow sequence is found where the next document starts.
        assert_eq!(f, [("invalid-object", 5), ("parse-error", 8)]);
    }

    #[test]
    fn alias_bombs_and_invalid_utf8_are_findings() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let mut input = Input::new();
        input.add_text("bomb.yaml", bomb);
        input.add_bytes("bin.yaml", vec![b'a', b':', b' ', 0xff, b'\n']);
        assert!(input.documents.is_empty());
        let f: Vec<_> = input.findings.iter().map(|f| (f.file.as_str(), f.rule)).collect();
        assert_eq!(f, [("bomb.yaml", "parse-error"), ("bin.yaml", "parse-error")]);
    }
}
