//! The line of a field inside a document's block-style YAML text, found by following the
//! path's keys and list indices through the indentation. Only for reporting: when the text
//! is not plain block style (flow mappings, odd layouts) the nearest found ancestor's line,
//! or the document's, is the answer.

/// Line starts of one source text, computed once.
#[derive(Debug, Clone)]
pub struct SourceText {
    text: String,
    starts: Vec<usize>,
}

/// One line's structure: where its first `- ` is and which key (at which column) it starts.
struct Entry<'a> {
    line: usize,
    /// Column of the first non-blank character.
    first: usize,
    dash: bool,
    key_col: usize,
    key: Option<&'a str>,
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(Seg::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

fn entry(line: usize, text: &str) -> Option<Entry<'_>> {
    let first = text.len() - text.trim_start_matches(' ').len();
    let mut rest = &text[first..];
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    let mut col = first;
    let dash = rest.starts_with("- ") || rest == "-";
    if dash {
        let after = rest[1..].trim_start_matches(' ');
        col += rest.len() - after.len();
        rest = after;
    }
    let key = key_of(rest);
    Some(Entry {
        line,
        first,
        dash,
        key_col: col,
        key,
    })
}

fn key_of(rest: &str) -> Option<&str> {
    if let Some(q) = rest.strip_prefix('"').or_else(|| rest.strip_prefix('\'')) {
        let quote = rest.as_bytes()[0] as char;
        let end = q.find(quote)?;
        return q[end + 1..].starts_with(':').then(|| &q[..end]);
    }
    let i = rest.find(": ").or_else(|| rest.strip_suffix(':').map(str::len))?;
    Some(&rest[..i])
}

impl SourceText {
    pub fn new(text: String) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceText { text, starts }
    }

    fn line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.text.len(), |e| e - 1);
        Some(self.text.get(start..end)?.trim_end_matches('\r'))
    }

    /// The line of `path` in the document starting at `doc_line`, or of its nearest
    /// ancestor found, or `doc_line`.
    pub fn locate(&self, doc_line: usize, path: &str) -> usize {
        if doc_line == 0 || path.is_empty() {
            return doc_line;
        }
        let mut entries = Vec::new();
        let mut n = doc_line;
        // A document ends at the next `---` line (or `...`).
        while let Some(text) = self.line(n) {
            if n > doc_line && (text.starts_with("---") || text.starts_with("...")) {
                break;
            }
            if let Some(e) = entry(n, text) {
                entries.push(e);
            }
            n += 1;
            // Objects are rarely longer; stop scanning runaway documents.
            if entries.len() > 100_000 {
                break;
            }
        }
        let mut found = doc_line;
        let (mut lo, mut hi) = (0usize, entries.len());
        for seg in segments(path) {
            let range = &entries[lo..hi];
            match seg {
                Seg::Key(k) => {
                    let Some(col) = range.iter().find(|e| e.key.is_some()).map(|e| e.key_col) else {
                        return found;
                    };
                    let Some(pos) = range.iter().position(|e| e.key_col == col && e.key == Some(k)) else {
                        return found;
                    };
                    found = range[pos].line;
                    let start = lo + pos + 1;
                    let end = entries[start..hi]
                        .iter()
                        .position(|e| e.first < col || (e.first == col && !e.dash))
                        .map_or(hi, |p| start + p);
                    (lo, hi) = (start, end);
                }
                Seg::Index(i) => {
                    let Some(col) = range.iter().find(|e| e.dash).map(|e| e.first) else {
                        return found;
                    };
                    let items: Vec<usize> = range
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| e.dash && e.first == col)
                        .map(|(p, _)| lo + p)
                        .collect();
                    let Some(&start) = items.get(i) else { return found };
                    found = entries[start].line;
                    let end = items.get(i + 1).copied().unwrap_or(hi);
                    // The item's own line holds its first key: the next key search includes it.
                    (lo, hi) = (start, end);
                    if let Some(e) = entries.get_mut(start) {
                        e.dash = false;
                        e.first = e.key_col;
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n      - name: b\n        # a comment\n        image: b\n        securityContext:\n          privileged: true\n      volumes:\n        - name: v\n          hostPath:\n            path: /\n---\nkind: X\n";

    #[test]
    fn finds_nested_fields_and_list_items() {
        let s = SourceText::new(DOC.to_string());
        assert_eq!(s.locate(2, "metadata.name"), 5);
        assert_eq!(s.locate(2, "spec.template.spec.containers[1].image"), 14);
        assert_eq!(s.locate(2, "spec.template.spec.containers[0].image"), 11);
        assert_eq!(s.locate(2, "spec.template.spec.containers[1].name"), 12);
        assert_eq!(
            s.locate(2, "spec.template.spec.containers[1].securityContext.privileged"),
            16
        );
        assert_eq!(s.locate(2, "spec.template.spec.volumes[0].hostPath"), 19);
        // Missing fields give the nearest ancestor.
        assert_eq!(s.locate(2, "spec.template.spec.containers[0].resources"), 10);
        assert_eq!(s.locate(2, "spec.nope.x"), 6);
        assert_eq!(s.locate(2, "kind"), 3);
    }
}
