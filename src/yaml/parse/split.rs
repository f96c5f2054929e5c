//! The threaded path: a big stream is cut at document markers and the pieces are parsed
//! on several threads, giving the same documents (and errors) as one sequential parse.

use super::{Dialect, Limits, ParsedDoc, parse_chunk};

/// Streams smaller than this are parsed on the calling thread.
pub(super) const PARALLEL_MIN_BYTES: usize = 1 << 20;
/// Each thread gets at least this much text.
pub(super) const CHUNK_MIN_BYTES: usize = 512 << 10;

/// Parses a stream in up to `pieces` pieces on as many threads, split at document markers.
///
/// A line that starts with `---` and a blank always starts a document (YAML forbids it inside
/// any scalar), so parsing the pieces apart gives the same documents. Directives (`%TAG`)
/// would belong to the next piece, so a stream with any line starting with `%` is left to
/// the sequential path. Returns `None` to ask for the sequential parse: nothing to split, or
/// any error, so errors (and the stream-wide alias budget) are reported exactly as the
/// sequential parse reports them.
pub(super) fn parse_parallel(text: &str, dialect: Dialect, limits: &Limits, pieces: usize) -> Option<Vec<ParsedDoc>> {
    if text.starts_with('%') || text.contains("\n%") {
        return None;
    }
    let mut starts = vec![0];
    for k in 1..pieces {
        let from = (text.len() * k / pieces).max(starts[starts.len() - 1] + 1);
        if let Some(at) = next_document_marker(text, from)
            && at > starts[starts.len() - 1]
            && at < text.len()
        {
            starts.push(at);
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let mut pieces = Vec::with_capacity(starts.len());
    let mut line = 0;
    let mut prev = 0;
    for (i, &start) in starts.iter().enumerate() {
        line += line_breaks(&text.as_bytes()[prev..start]);
        prev = start;
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        pieces.push((&text[start..end], line));
    }
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|&(piece, line)| scope.spawn(move || parse_chunk(piece, dialect, limits, line, false)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().and_then(Result::ok))
            .collect()
    });
    let mut docs = Vec::new();
    let mut alias_nodes = 0usize;
    for result in results {
        let (chunk_docs, chunk_aliases) = result?;
        alias_nodes = alias_nodes.saturating_add(chunk_aliases);
        if docs.is_empty() {
            docs = chunk_docs;
        } else {
            docs.extend(chunk_docs);
        }
    }
    (alias_nodes <= limits.max_alias_nodes).then_some(docs)
}

/// The line breaks in `bytes` as saphyr counts them: `\n`, `\r\n` and a lone `\r`.
pub(super) fn line_breaks(bytes: &[u8]) -> usize {
    let feeds = bytes.iter().filter(|b| **b == b'\n').count();
    if !bytes.contains(&b'\r') {
        return feeds;
    }
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    feeds + (0..bytes.len()).filter(|&i| lone_cr(i)).count()
}

/// The byte offset of the first line at or after `from` that starts with a `---` marker.
pub(super) fn next_document_marker(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        let nl = at + text.get(at..)?.find("\n---")?;
        let start = nl + 1;
        match bytes.get(start + 3) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n') => return Some(start),
            Some(_) => at = start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::parse_stream;

    /// A stream big enough to take the parallel path, with varied documents.
    fn big_stream(docs: usize) -> String {
        let mut text = String::new();
        for i in 0..docs {
            text.push_str(&format!(
                "# doc {i}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  labels: {{app: a{i}}}\n\
                 data:\n  n: {i}\n  on: yes\n  when: 2024-01-01\n  script: |\n    echo {i}\n    ---not a marker\n\
                 base: &b {{x: {i}}}\nmerged:\n  <<: *b\n  y: 0x1F\n---\n"
            ));
            if i % 100 == 0 {
                text.push_str("# empty\n---\n");
            }
        }
        text
    }

    #[test]
    fn streams_split_into_pieces_parse_the_same_as_whole() {
        let text = big_stream(300);
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let (whole, _) = parse_chunk(&text, dialect, &Limits::default(), 0, false).unwrap();
            for pieces in [2, 3, 7, 50] {
                let split = parse_parallel(&text, dialect, &Limits::default(), pieces).expect("split");
                assert_eq!(split.len(), whole.len());
                assert!(split == whole, "{pieces} pieces");
            }
            let second = whole.iter().filter(|d| !d.value.is_null()).nth(1).unwrap();
            assert_eq!(second.line, 22);
        }
        // Directives keep a stream on the sequential path.
        let directive = format!("{text}%YAML 1.2\n---\na: 1\n");
        assert!(parse_parallel(&directive, Dialect::Kustomize, &Limits::default(), 2).is_none());
        // So does an error anywhere, or an alias budget spent across pieces.
        let bad = format!("{text}a: 1\na: 2\n");
        assert!(parse_parallel(&bad, Dialect::Kustomize, &Limits::default(), 2).is_none());
        let limits = Limits {
            max_alias_nodes: 600,
            ..Limits::default()
        };
        let half = next_document_marker(&text, text.len() / 2).unwrap();
        let r = parse_chunk(&text[..half], Dialect::Kustomize, &limits, 0, false);
        assert!(r.is_ok(), "{:?}", r.map(|(_, n)| n));
        assert!(parse_chunk(&text[half..], Dialect::Kustomize, &limits, 0, false).is_ok());
        assert!(parse_parallel(&text, Dialect::Kustomize, &limits, 2).is_none());
    }

    #[test]
    fn large_streams_take_the_parallel_path() {
        let text = big_stream(5000);
        assert!(text.len() > PARALLEL_MIN_BYTES);
        let docs = parse_stream(&text, Dialect::Kustomize, "big.yaml").unwrap();
        assert_eq!(docs.iter().filter(|d| !d.value.is_null()).count(), 5000);
        let last = docs.iter().rev().find(|d| !d.value.is_null()).unwrap();
        assert_eq!(last.value.str_at(&["metadata", "name"]), Some("cm-4999"));
        assert_eq!(text.lines().nth(last.line - 1), Some("apiVersion: v1"));
        // Errors are those of the sequential parse, at the line in the whole stream.
        let lines = text.lines().count();
        let e = parse_stream(&format!("{text}a: 1\na: 2\n"), Dialect::Kustomize, "big.yaml").unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (lines + 2, "duplicate key \"a\""));
    }

    #[test]
    fn document_markers_for_splitting() {
        let text = "a: 1\n---x\n--- \n---\n";
        assert_eq!(next_document_marker(text, 0), Some(10));
        assert_eq!(next_document_marker(text, 11), Some(15));
        assert_eq!(next_document_marker(text, 16), None);
        assert_eq!(next_document_marker("a\n---", 0), Some(2));
    }
}
