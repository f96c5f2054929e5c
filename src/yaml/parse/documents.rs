//! A Helm stream read document by document, so one document outside the fast path's subset
//! does not send the whole stream to saphyr.
//!
//! As in `split.rs`, a line that starts with `---` and a blank always starts a document
//! (YAML forbids it inside any scalar), so the documents parse the same apart as together;
//! directives (`%TAG`) would belong to the next piece, so a stream with any line starting
//! with `%` is not cut. Each piece is read by the fast path, else by saphyr; any error sends
//! the whole stream back to the caller's single saphyr parse, so errors (and the stream-wide
//! alias budget) are reported exactly as that parse reports them.

use super::split::{line_breaks, next_document_marker};
use super::{Dialect, Limits, ParsedDoc, Read, fast, parse_text, source};

/// The pieces of a stream, each starting at a `---` line but the first: byte ranges and the
/// lines before each. `None` for a stream with directives.
pub(super) fn pieces(text: &str) -> Option<Vec<(usize, usize, usize)>> {
    if text.starts_with('%') || text.contains("\n%") {
        return None;
    }
    let mut pieces = Vec::new();
    let (mut start, mut line) = (0, 0);
    loop {
        let end = next_document_marker(text, start).unwrap_or(text.len());
        pieces.push((start, end, line));
        if end >= text.len() {
            return Some(pieces);
        }
        line += line_breaks(&text.as_bytes()[start..end]);
        start = end;
    }
}

/// Reads a Helm stream whose first line is line `line_offset + 1` piece by piece; returns
/// the documents and the nodes spent on aliases, or `None` to ask for the whole-stream parse.
pub(super) fn parse_apart(text: &str, limits: &Limits, line_offset: usize) -> Option<(Vec<ParsedDoc>, usize)> {
    let mut docs = Vec::new();
    let mut alias_nodes = 0;
    for (start, end, line) in pieces(text)? {
        let piece = &text[start..end];
        let offset = line_offset + line;
        if let Some(read) = fast::read_stream(piece, limits, offset) {
            docs.extend(read);
            continue;
        }
        if start == 0 && line_offset == 0 {
            source::ensure_stream_start(piece).ok()?;
        }
        let (read, spent) = parse_text(piece, Dialect::Helm, limits, offset, Read::Stream, alias_nodes).ok()?;
        alias_nodes = spent;
        docs.extend(read);
    }
    Some((docs, alias_nodes))
}
