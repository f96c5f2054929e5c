//! Rendered text to manifests, as Helm turns it: each file split into documents at `---`
//! lines, blank documents dropped, hooks (`helm.sh/hook` or `rudder.dev/hook`) set apart, then a stable sort
//! by Helm's install order of kinds (files in path order, documents in file order).

use std::cmp::Ordering;

use crate::resource::helm_install_index;
use crate::yaml::{self, Dialect, Value};

use super::error::Error;

/// One rendered document.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The template it came from: `chart/templates/file.yaml`.
    pub source: String,
    /// Its text as rendered (leading blank lines removed).
    pub content: String,
    /// Its `kind` ("" when it has none, e.g. a document holding only comments).
    pub kind: String,
    /// The hook events of `helm.sh/hook` (or `rudder.dev/hook`), empty for a plain manifest.
    pub hooks: Vec<String>,
}

/// Hook events Helm knows; a document naming another is dropped, as Helm drops it.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// Splits rendered text into documents: a separator is a line starting with `---`
/// followed by nothing or by spaces or tabs (what follows them belongs to the next
/// document). Blank documents are dropped, leading whitespace removed.
pub fn split_documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    for line_start in line_starts(text.as_bytes()) {
        let Some(rest) = text[line_start..].strip_prefix("---") else {
            continue;
        };
        let rest = rest.split('\n').next().unwrap_or_default();
        let rest = rest.strip_suffix('\r').unwrap_or(rest);
        let sep_end = if rest.is_empty() {
            Some(line_start + 3)
        } else if rest.starts_with([' ', '\t']) {
            Some(line_start + 3 + (rest.len() - rest.trim_start_matches([' ', '\t']).len()))
        } else {
            None
        };
        if let Some(sep_end) = sep_end {
            docs.push(&text[start..line_start]);
            start = sep_end;
        }
    }
    docs.push(&text[start..]);
    docs.into_iter()
        .filter(|d| !d.trim().is_empty())
        .map(|d| d.trim_start())
        .collect()
}

/// The offsets where the lines of `text` start (0, then after each `\n`), found a word
/// at a time: rendered files are megabytes of short lines.
fn line_starts(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let newlines = ONES * u64::from(b'\n');
    let mut started = false;
    // The word at `base` still to report: a bit per byte that may be a newline (the
    // zero-byte test can flag a byte after a true one; each is checked).
    let (mut base, mut next, mut mask) = (0usize, 0usize, 0u64);
    std::iter::from_fn(move || {
        if !started {
            started = true;
            return Some(0);
        }
        loop {
            while mask != 0 {
                let at = base + mask.trailing_zeros() as usize / 8;
                mask &= mask - 1;
                if text[at] == b'\n' {
                    return Some(at + 1);
                }
            }
            if next >= text.len() {
                return None;
            }
            base = next;
            next = (base + 8).min(text.len());
            let chunk = &text[base..next];
            mask = match <[u8; 8]>::try_from(chunk) {
                Ok(word) => {
                    let x = u64::from_le_bytes(word) ^ newlines;
                    x.wrapping_sub(ONES) & !x & HIGHS
                }
                Err(_) => chunk
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .fold(0, |m, (i, _)| m | (0x80 << (8 * i))),
            };
        }
    })
}

/// The head of a document read from its top-level lines, for the common case of a plain
/// block mapping without hook annotations: its `kind` ("" when absent). `None` when the
/// document needs the full parser (flow style, anchors, quoted or odd keys, duplicate
/// `kind`, any mention of `helm.sh/hook` or `rudder.dev/hook`).
///
/// Departure from Helm, for speed: a document taking this path is not checked to be valid
/// YAML here; whatever consumes the output (an overlay, `lint`, `apply`) parses it.
fn fast_head(doc: &str) -> Option<String> {
    if doc.contains("helm.sh/hook") || doc.contains("rudder.dev/hook") {
        return None;
    }
    let mut kind: Option<&str> = None;
    for start in line_starts(doc.as_bytes()) {
        // Indented lines and comments are skipped without finding their end.
        let Some(&first) = doc.as_bytes().get(start) else {
            continue;
        };
        if first == b' ' || first == b'#' || first == b'\n' {
            continue;
        }
        let line = doc[start..].split('\n').next().unwrap_or_default();
        if line == "\r" {
            continue;
        }
        if b"-{[?&*!|>%'\"\t@`,".contains(&first) {
            return None;
        }
        if let Some(rest) = line.strip_prefix("kind:") {
            let v = rest.trim();
            let plain = v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
            if kind.is_some() || !plain || v == "null" || v == "Null" || v == "NULL" {
                return None;
            }
            kind = Some(v);
        } else if !line.contains(": ") && !line.trim_end().ends_with(':') {
            return None;
        } else if let Some((_, value)) = line.split_once(": ")
            && !closed_on_its_line(value.trim())
        {
            return None;
        }
    }
    Some(kind.unwrap_or_default().to_string())
}

/// Whether a top-level value that opens a flow collection or a quoted scalar also closes
/// it on its line (anything else is left to the full parser).
fn closed_on_its_line(v: &str) -> bool {
    match v.as_bytes().first() {
        Some(b'[') | Some(b'{') => {
            let (mut depth, mut quote) = (0i32, None);
            for c in v.chars() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '[' | '{') => depth += 1,
                    (None, ']' | '}') => depth -= 1,
                    _ => {}
                }
            }
            depth == 0 && quote.is_none()
        }
        Some(b'"') => v.len() > 1 && v.ends_with('"') && !v.ends_with("\\\""),
        Some(b'\'') => v.len() > 1 && v.ends_with('\''),
        _ => true,
    }
}

/// The head of a document: its kind and hook events. `first_line` is the line of the
/// rendered file where the document starts (for messages).
fn head(doc: &str, source: &str, first_line: usize) -> Result<(String, Option<Hook>), Error> {
    if let Some(kind) = fast_head(doc) {
        return Ok((kind, None));
    }
    let parsed = yaml::parse_stream(doc, Dialect::Helm, source).map_err(|e| Error::ParseOutput {
        file: source.to_string(),
        message: format!("line {} of the output: {}", first_line + e.line.max(1) - 1, e.message),
    })?;
    let value = parsed.into_iter().next().map(|d| d.value).unwrap_or(Value::Null);
    match &value {
        Value::Null | Value::Map(_) => {}
        other => {
            return Err(Error::ParseOutput {
                file: source.to_string(),
                message: format!("a document must be a mapping, found {}", other.type_name()),
            });
        }
    }
    let kind = match value.get("kind") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(Error::ParseOutput {
                file: source.to_string(),
                message: format!("kind: expected a string, found {}", other.type_name()),
            });
        }
    };
    let annotation = |key: &str| {
        value
            .pointer(&["metadata", "annotations", key])
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // Helm's annotation decides when both are given; the release manager checks that they agree.
    let hook = match (annotation("helm.sh/hook"), annotation("rudder.dev/hook")) {
        (Some(events), _) => Some(Hook { events, ours: false }),
        (None, Some(events)) => Some(Hook { events, ours: true }),
        (None, None) => None,
    };
    Ok((kind, hook))
}

/// A hook annotation's events, and whether they came from `rudder.dev/hook` (then an unknown
/// event is an error rather than a reason to drop the document, as Helm does).
struct Hook {
    events: String,
    ours: bool,
}

/// Splits and sorts rendered files (template name, text; partials and NOTES already
/// left out). Returns the manifests and the hooks, each in install order.
///
/// # Errors
/// A document that is not YAML, or whose `kind` is not a string.
pub fn sort(mut files: Vec<(String, String)>) -> Result<(Vec<Manifest>, Vec<Manifest>), Error> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for (source, mut text) in files {
        if text.trim().is_empty() {
            continue;
        }
        // Each document as (offset in `text`, length, first line, kind, hook).
        let mut docs = Vec::new();
        for doc in split_documents(&text) {
            // `doc` is a slice of `text`: its offset gives its first line.
            let offset = doc.as_ptr() as usize - text.as_ptr() as usize;
            let first_line = 1 + text.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count();
            let (kind, hook) = head(doc, &source, first_line)?;
            docs.push((offset, doc.len(), first_line, kind, hook));
        }
        let whole_tail = docs.len() == 1 && docs[0].0 + docs[0].1 == text.len();
        for (offset, len, first_line, kind, hook) in docs {
            let content = if whole_tail {
                // The usual one-document file: its text is the manifest, no copy.
                text.drain(..offset);
                std::mem::take(&mut text)
            } else {
                text[offset..offset + len].to_string()
            };
            let mut m = Manifest {
                source: source.clone(),
                content,
                kind,
                hooks: Vec::new(),
            };
            match hook {
                None => manifests.push(m),
                Some(hook) => {
                    let events: Vec<String> = hook.events.split(',').map(|e| e.trim().to_lowercase()).collect();
                    match events.iter().find(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                        None => {
                            m.hooks = events;
                            hooks.push(m);
                        }
                        Some(unknown) if hook.ours => {
                            return Err(Error::ParseOutput {
                                file: source.clone(),
                                message: format!(
                                    "line {first_line} of the output: metadata.annotations.rudder.dev/hook: unknown hook event {unknown:?}"
                                ),
                            });
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    manifests.sort_by(|a, b| by_kind(&a.kind, &b.kind));
    hooks.sort_by(|a, b| by_kind(&a.kind, &b.kind));
    Ok((manifests, hooks))
}

/// Helm's order of kinds: known kinds by install order, then unknown kinds
/// alphabetically; equal kinds keep their order (the sort is stable).
fn by_kind(a: &str, b: &str) -> Ordering {
    const UNKNOWN: usize = usize::MAX;
    let rank = |k: &str| {
        let i = helm_install_index(k);
        if i == helm_install_index("\u{0}unknown") {
            UNKNOWN
        } else {
            i
        }
    };
    match (rank(a), rank(b)) {
        (UNKNOWN, UNKNOWN) => a.cmp(b),
        (x, y) => x.cmp(&y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_finds_every_line() {
        let texts = [
            "",
            "\n",
            "a",
            "a\n",
            "\n\n\n",
            "abcdefg\nhijklmn\nopq\n",
            "1234567\n\u{b}\u{b}x\n\n\u{1}\n\u{b}\n",
            "kind: A\n---\n  x: 1\n# c\n--- \n\u{e9}\u{e9}\u{e9}\u{e9}\n\n\n\n\n\n\n\n\n\nend",
        ];
        for t in texts {
            let naive: Vec<usize> = std::iter::once(0)
                .chain(t.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1))
                .collect();
            assert_eq!(line_starts(t.as_bytes()).collect::<Vec<_>>(), naive, "{t:?}");
        }
    }

    #[test]
    fn fast_head_agrees_with_the_parser_or_steps_aside() {
        let docs = [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  kind: nope\n",
            "# only a comment\n",
            "kind: Service # trailing\n",
            "{kind: Flow}\n",
            "kind: 'Quoted'\n",
            "metadata:\n  name: x\n",
            "kind: A\nkind: B\n",
            "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n",
        ];
        for d in docs {
            if let Some(k) = fast_head(d) {
                assert_eq!(k, head_slow(d), "{d}");
            }
        }
        assert_eq!(fast_head(docs[0]).as_deref(), Some("ConfigMap"));
        assert_eq!(fast_head(docs[3]), None);
        assert_eq!(fast_head(docs[7]), None);
    }

    fn head_slow(doc: &str) -> String {
        let v = yaml::parse_stream(doc, Dialect::Helm, "t")
            .unwrap()
            .into_iter()
            .next()
            .map(|d| d.value)
            .unwrap_or(Value::Null);
        v.get("kind").and_then(Value::as_str).unwrap_or("").to_string()
    }

    #[test]
    fn splits_at_separator_lines_only() {
        let docs = split_documents("a: 1\n---\nb: 2   \n  \n---   \nc: 3\n---\n\n---\n\nd: \"4---\"\n---x\n");
        assert_eq!(docs, vec!["a: 1\n", "b: 2   \n  \n", "c: 3\n", "d: \"4---\"\n---x\n"]);
    }

    #[test]
    fn sorts_by_kind_then_file_order() {
        let files = vec![
            (
                "c/templates/b.yaml".to_string(),
                "kind: Service\n---\nkind: Zeta\n---\n# only a comment\n".to_string(),
            ),
            (
                "c/templates/a.yaml".to_string(),
                "kind: Deployment\n---\nkind: Alpha\n---\nkind: ServiceAccount\n".to_string(),
            ),
        ];
        let (m, h) = sort(files).unwrap();
        let kinds: Vec<&str> = m.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(
            kinds,
            vec!["ServiceAccount", "Service", "Deployment", "", "Alpha", "Zeta"]
        );
        assert!(h.is_empty());
    }

    #[test]
    fn rudder_hooks_are_set_apart_like_helm_hooks() {
        let files = vec![(
            "c/templates/h.yaml".to_string(),
            "kind: Pod\nmetadata:\n  annotations:\n    rudder.dev/hook: test\n---\nkind: ConfigMap\n".to_string(),
        )];
        let (m, h) = sort(files).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].hooks, vec!["test"]);
        let bad = vec![(
            "c/templates/h.yaml".to_string(),
            "kind: Pod\nmetadata:\n  annotations:\n    rudder.dev/hook: tset\n".to_string(),
        )];
        assert!(
            sort(bad)
                .unwrap_err()
                .to_string()
                .contains("unknown hook event \"tset\"")
        );
    }

    #[test]
    fn hooks_are_set_apart_and_unknown_ones_dropped() {
        let files = vec![(
            "c/templates/h.yaml".to_string(),
            "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n---\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: bogus\n".to_string(),
        )];
        let (m, h) = sort(files).unwrap();
        assert!(m.is_empty());
        assert_eq!(h.len(), 1);
    }
}
