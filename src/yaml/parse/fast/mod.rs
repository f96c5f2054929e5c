//! The fast path: block YAML as manifests are written, read straight from the bytes.
//!
//! Real manifests use a small part of YAML: block mappings and lists, one-line plain and
//! quoted scalars, one-line flow collections, literal and folded blocks, comments and `---`
//! separators.
//! [`read_stream`] and [`read_piece`] build [`Value`] trees from such text in one pass,
//! resolving every scalar and key with the functions the full path uses (`resolve.rs`,
//! `kyaml.rs`), so typing is the same by construction.
//!
//! The moment they meet anything else they give up, and the caller parses the same text
//! with the full path, which then gives its own result or error. Giving up covers:
//! - what the subset leaves out: anchors, aliases, tags, `<<` merge keys, `?` keys, kept
//!   (`|+`) blocks or ones with an indentation indicator, folded blocks in the Kustomize
//!   dialect (kustomize refolds them), multi-line plain, quoted
//!   or flow nodes, scalar documents, top-level nodes not at column 0, `...` markers,
//!   directives, tabs, carriage returns, control characters, and the few non-ASCII
//!   characters the readers disagree on (see [`plain_text`]);
//! - whatever the full path refuses or treats specially: duplicate keys, text after a
//!   value, odd indentation, a key of the Kustomize dialect that does not resolve to a
//!   string, a `...List` kind in the Kustomize dialect (kustomize rebuilds or unwraps it),
//!   nesting near the depth limit, escapes go-yaml and saphyr may read differently, a
//!   document with no content in the Kustomize dialect.
//!
//! So the fast path gives the full path's answer or none; `tests.rs` checks that on every
//! YAML file of the repository and on generated and mutated text.

mod block;
mod flow;
mod scalar;
#[cfg(test)]
mod testgen;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::Cell;

use super::{Dialect, Limits, ParsedDoc};
use crate::yaml::resolve::{ScalarTag, resolve_scalar};
use crate::yaml::value::Value;

/// The text leaves the subset (or holds an error): the full path must read it.
#[derive(Debug)]
struct GiveUp;

type Fast<T> = Result<T, GiveUp>;

/// Collections nested deeper than this are left to the full path (which also keeps the
/// recursion here shallow).
const MAX_FAST_DEPTH: usize = 128;

/// Keys longer than this are left to the full path (YAML caps implicit keys at 1024
/// characters).
const MAX_KEY_LEN: usize = 1000;

/// Reads every document of a stream as the full path's Helm dialect does; `line_offset`
/// lines come before the text. `None`: read it with the full path.
pub(super) fn read_stream(text: &str, limits: &Limits, line_offset: usize) -> Option<Vec<ParsedDoc>> {
    Reader::new(text, Dialect::Helm, false, limits, line_offset)?
        .stream()
        .ok()
}

/// Reads the one document of a kyaml piece (Kustomize dialect, with kustomize's round trip);
/// `line_offset` lines come before the piece. `None`: read it with the full path.
pub(super) fn read_piece(text: &str, limits: &Limits, line_offset: usize) -> Option<ParsedDoc> {
    let doc = Reader::new(text, Dialect::Kustomize, true, limits, line_offset)?
        .piece()
        .ok()?;
    // kustomize rebuilds the items of a `...List` from JSON, or unwraps a `List`.
    let kind = doc.value.get("kind").and_then(Value::as_str);
    if kind.is_some_and(|k| k.ends_with("List")) {
        return None;
    }
    Some(doc)
}

/// A cursor over the text and the scratch pools the collections are built in.
struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// Where the current line starts.
    line_start: usize,
    /// 1-based line of `pos` in the whole stream.
    line: usize,
    dialect: Dialect,
    /// Apply kustomize's round trip (see `kyaml.rs`).
    kyaml: bool,
    max_depth: usize,
    /// Items of the open lists, innermost last.
    items: Vec<Value>,
    /// Entries of the open mappings, innermost last.
    entries: Vec<(String, Value)>,
}

/// The scratch pools of a reader: list items and mapping entries.
type Pools = (Vec<Value>, Vec<(String, Value)>);

thread_local! {
    /// The scratch pools of the last reader on this thread, kept for the next document.
    static POOLS: Cell<Pools> = Cell::default();
}

/// Pools bigger than this are not kept.
const MAX_POOL: usize = 4096;

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let (mut items, mut entries) = (std::mem::take(&mut self.items), std::mem::take(&mut self.entries));
        if items.capacity() <= MAX_POOL && entries.capacity() <= MAX_POOL {
            items.clear();
            entries.clear();
            POOLS.set((items, entries));
        }
    }
}

/// Whether the text holds only line feeds and printable characters that both readers treat
/// alike: no tabs, CRs or other controls, no byte order mark, no NEL, line or paragraph
/// separators (line breaks to go-yaml, content to saphyr), no non-breaking spaces.
fn plain_text(text: &str) -> bool {
    let printable_ascii = |b: u8| matches!(b, b' '..=b'~' | b'\n');
    // Checked in blocks without early exit, which the compiler vectorizes.
    let all_printable_ascii = text
        .as_bytes()
        .chunks(64)
        .all(|block| block.iter().fold(true, |ok, &b| ok & printable_ascii(b)));
    if all_printable_ascii {
        return true;
    }
    text.chars().all(|c| {
        if c.is_ascii() {
            printable_ascii(c as u8)
        } else {
            c > '\u{a0}' && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
        }
    })
}

/// Whether `b` ends a line (0 stands for the end of the text, which holds no NUL).
fn is_eol(b: u8) -> bool {
    b == b'\n' || b == 0
}

fn is_blank_or_eol(b: u8) -> bool {
    b == b' ' || is_eol(b)
}

impl<'t> Reader<'t> {
    /// A reader, or `None` for text with bytes the subset leaves out.
    fn new(text: &'t str, dialect: Dialect, kyaml: bool, limits: &Limits, line_offset: usize) -> Option<Self> {
        if !plain_text(text) {
            return None;
        }
        let (items, entries) = POOLS.take();
        Some(Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line_start: 0,
            line: line_offset + 1,
            dialect,
            kyaml,
            max_depth: limits.max_depth.min(MAX_FAST_DEPTH),
            items,
            entries,
        })
    }

    /// The byte at `i`, 0 past the end.
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn column(&self) -> usize {
        self.pos - self.line_start
    }

    /// Skips spaces on the current line; returns how many.
    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.at(self.pos) == b' ' {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Moves to the start of the next line (or the end of the text).
    fn next_line(&mut self) {
        match self.bytes[self.pos..].iter().position(|&b| b == b'\n') {
            Some(n) => {
                self.pos += n + 1;
                self.line += 1;
                self.line_start = self.pos;
            }
            None => self.pos = self.bytes.len(),
        }
    }

    /// From the start of a line, skips blank and comment lines. Returns the indentation of
    /// the next content line, leaving `pos` at its start; `None` at the end of the text or
    /// at a `---` line.
    fn next_indent(&mut self) -> Fast<Option<usize>> {
        loop {
            let start = self.pos;
            let mut i = start;
            while self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                0 => {
                    self.pos = i;
                    return Ok(None);
                }
                b'\n' | b'#' => self.next_line(),
                _ if i == start => return Ok((!self.at_marker()?).then_some(0)),
                _ => return Ok(Some(i - start)),
            }
        }
    }

    /// At the start of a line: whether it is a `---` marker line (blanks or a comment may
    /// follow). Gives up on `...`, directives and other lines starting with `---`.
    fn at_marker(&self) -> Fast<bool> {
        let b = &self.bytes[self.pos..];
        if b.starts_with(b"...") || b.starts_with(b"%") {
            return Err(GiveUp);
        }
        if !b.starts_with(b"---") {
            return Ok(false);
        }
        let rest = &b[3..];
        let blanks = rest.iter().take_while(|&&c| c == b' ').count();
        match rest.get(blanks) {
            None | Some(b'\n') => Ok(true),
            Some(b'#') if blanks > 0 => Ok(true),
            Some(_) => Err(GiveUp),
        }
    }

    /// Whether the line at `i` holds a list entry dash.
    fn dash_at(&self, i: usize) -> bool {
        self.at(i) == b'-' && is_blank_or_eol(self.at(i + 1))
    }

    /// Checks a collection may open at `depth` (counting itself).
    fn enter(&self, depth: usize) -> Fast<()> {
        if depth >= self.max_depth {
            return Err(GiveUp);
        }
        Ok(())
    }

    /// Every document of a stream: an explicit `---` with no content gives null, at the
    /// marker's line.
    fn stream(&mut self) -> Fast<Vec<ParsedDoc>> {
        let mut docs = Vec::new();
        // The line of the `---` that opened the current document while it has no content.
        let mut opened: Option<usize> = None;
        loop {
            match self.next_indent()? {
                Some(0) => {
                    let line = self.line;
                    let value = self.block_node(0, 1)?;
                    docs.push(ParsedDoc { value, line });
                    opened = None;
                    if self.next_indent()?.is_some() {
                        return Err(GiveUp);
                    }
                }
                Some(_) => return Err(GiveUp),
                None => {
                    if let Some(line) = opened.take() {
                        docs.push(ParsedDoc {
                            value: Value::Null,
                            line,
                        });
                    }
                    if self.pos >= self.bytes.len() {
                        return Ok(docs);
                    }
                    opened = Some(self.line);
                    self.next_line();
                }
            }
        }
    }

    /// The one document of a kyaml piece, which may start with its own `---` line.
    fn piece(&mut self) -> Fast<ParsedDoc> {
        let mut indent = self.next_indent()?;
        if indent.is_none() && self.pos < self.bytes.len() {
            self.next_line();
            indent = self.next_indent()?;
        }
        if indent != Some(0) {
            return Err(GiveUp);
        }
        let line = self.line;
        let value = self.block_node(0, 1)?;
        if self.next_indent()?.is_some() || self.pos < self.bytes.len() {
            return Err(GiveUp);
        }
        Ok(ParsedDoc { value, line })
    }

    /// An untagged scalar resolved as the full path resolves it.
    fn scalar(&self, text: Cow<'_, str>, plain: bool) -> Fast<Value> {
        resolve_scalar(text, plain, ScalarTag::None, self.dialect).map_err(|_| GiveUp)
    }
}
