//! Parsing YAML text into [`Value`] trees (owned by the parser helper).
//!
//! saphyr-parser supplies the events; this file builds the trees without recursion (nesting
//! is bounded by [`Limits::max_depth`]), expands aliases against a node budget (so an alias
//! bomb fails at once), applies `<<` merges, refuses duplicate keys, and splits big streams
//! at document markers to parse the pieces on several threads. What a scalar means is
//! decided in `resolve.rs`. Nothing here knows about Kubernetes.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::resolve::{ScalarTag, resolve_key, resolve_scalar};
use super::value::{Map, Value};

/// Which reader's scalar rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// kustomize resources: read as kyaml (go-yaml v3) reads them, YAML 1.2-like core schema.
    Kustomize,
    /// Helm values files and kustomization files: YAML 1.1 as go-yaml v2 reads them.
    Helm,
}

/// Bounds that stop hostile input early.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_alias_nodes: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 512,
            max_alias_nodes: 100_000,
            max_bytes: 256 << 20,
        }
    }
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDoc {
    pub value: Value,
    /// 1-based line where the document's content starts.
    pub line: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("{source_name}:{line}: {message}")]
pub struct ParseError {
    pub source_name: String,
    pub line: usize,
    pub message: String,
}

/// Parses a multi-document stream with the default [`Limits`].
///
/// Every document becomes one [`ParsedDoc`]; an empty document (only comments, or `---`
/// followed by nothing) gives [`Value::Null`], and a stream with no document at all gives an
/// empty list. Scalars are resolved as the dialect's Go reader resolves them (see
/// `resolve.rs`); anchors and aliases are expanded and `<<` merge keys applied.
///
/// # Errors
/// Invalid YAML, duplicate keys, non-scalar keys, bad merges, tags that do not fit their
/// scalar, and exceeded limits, with the 1-based line where the problem was found.
pub fn parse_stream(text: &str, dialect: Dialect, source_name: &str) -> Result<Vec<ParsedDoc>, ParseError> {
    parse_stream_with_limits(text, dialect, source_name, &Limits::default())
}

/// Like [`parse_stream`], with explicit [`Limits`].
///
/// # Errors
/// As [`parse_stream`].
pub fn parse_stream_with_limits(
    text: &str,
    dialect: Dialect,
    source_name: &str,
    limits: &Limits,
) -> Result<Vec<ParsedDoc>, ParseError> {
    let fail = |line: usize, message: String| ParseError {
        source_name: source_name.to_string(),
        line,
        message,
    };
    if text.len() > limits.max_bytes {
        return Err(fail(
            1,
            format!(
                "input is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    if text.len() >= PARALLEL_MIN_BYTES {
        let threads = std::thread::available_parallelism().map_or(1, usize::from).min(8);
        let pieces = threads.min(text.len() / CHUNK_MIN_BYTES);
        if pieces >= 2
            && let Some(docs) = parse_parallel(text, dialect, limits, pieces)
        {
            return Ok(docs);
        }
    }
    parse_chunk(text, dialect, limits, 0)
        .map(|(docs, _)| docs)
        .map_err(|(line, message)| fail(line, message))
}

/// Like [`parse_stream`], for bytes that must be UTF-8.
///
/// # Errors
/// Invalid UTF-8 (naming the source), then as [`parse_stream`].
pub fn parse_bytes(bytes: &[u8], dialect: Dialect, source_name: &str) -> Result<Vec<ParsedDoc>, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError {
        source_name: source_name.to_string(),
        line: bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1,
        message: "invalid UTF-8".to_string(),
    })?;
    parse_stream(text, dialect, source_name)
}

/// Streams smaller than this are parsed on the calling thread.
const PARALLEL_MIN_BYTES: usize = 1 << 20;
/// Each thread gets at least this much text.
const CHUNK_MIN_BYTES: usize = 512 << 10;

/// Parses a stream in up to `pieces` pieces on as many threads, split at document markers.
///
/// A line that starts with `---` and a blank always starts a document (YAML forbids it inside
/// any scalar), so parsing the pieces apart gives the same documents. Directives (`%TAG`)
/// would belong to the next piece, so a stream with any line starting with `%` is left to
/// the sequential path. Returns `None` to ask for the sequential parse: nothing to split, or
/// any error, so errors (and the stream-wide alias budget) are reported exactly as the
/// sequential parse reports them.
fn parse_parallel(text: &str, dialect: Dialect, limits: &Limits, pieces: usize) -> Option<Vec<ParsedDoc>> {
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
        line += text.as_bytes()[prev..start].iter().filter(|b| **b == b'\n').count();
        prev = start;
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        pieces.push((&text[start..end], line));
    }
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|&(piece, line)| scope.spawn(move || parse_chunk(piece, dialect, limits, line)))
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

/// The byte offset of the first line at or after `from` that starts with a `---` marker.
fn next_document_marker(text: &str, from: usize) -> Option<usize> {
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

/// Parses one piece of a stream whose first line is line `line_offset + 1` of the whole.
/// Returns the documents and the nodes produced by aliases, or the error's line and message.
fn parse_chunk(
    text: &str,
    dialect: Dialect,
    limits: &Limits,
    line_offset: usize,
) -> Result<(Vec<ParsedDoc>, usize), (usize, String)> {
    let mut builder = Builder::new(dialect, limits);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| (e.marker().line() + line_offset, e.info().to_string()))?;
        let line = span.start.line() + line_offset;
        if builder.on_event(event, line).map_err(|message| (line, message))? {
            break;
        }
    }
    Ok((builder.docs, builder.alias_nodes))
}

/// A mapping key waiting for its value.
enum PendingKey {
    /// The value goes to this entry of [`Builder::entries`] (the key is in, holding null).
    Entry(usize),
    /// The value is merged into the mapping (`<<`).
    Merge,
}

/// A collection being built. Its members sit in the builder's scratch pools until it ends,
/// so each list and mapping is allocated once, at its final size.
enum Frame {
    Seq(SeqFrame),
    Map(MapFrame),
}

struct SeqFrame {
    /// Where the items start in [`Builder::items`].
    start: usize,
    open: Open,
}

struct MapFrame {
    /// Where the entries start in [`Builder::entries`].
    start: usize,
    open: Open,
    key: Option<PendingKey>,
    /// Whether a `<<` key was seen (a second one is a duplicate key).
    has_merge: bool,
    /// Kustomize: merge sources, applied at the end so explicit keys win wherever they are.
    deferred_merges: Vec<Map>,
    /// Hashes of the keys, once the mapping is too big to search linearly.
    hashes: Option<HashSet<u64>>,
}

/// Bookkeeping shared by both kinds of collection.
struct Open {
    /// Anchor id of the collection, 0 for none.
    anchor: usize,
    /// Nodes built before this collection started, to size an anchored subtree.
    nodes_before: usize,
}

/// A mapping entry under construction.
struct Entry {
    key: String,
    value: Value,
    /// Written in the mapping itself rather than merged in by `<<` (Helm merges at once).
    explicit: bool,
}

/// Mappings up to this size are searched for duplicate keys linearly.
const LINEAR_KEYS: usize = 16;

/// What an anchor stands for.
struct Anchor {
    value: Value,
    /// Nodes in the subtree, counting expanded aliases.
    size: usize,
    /// For a scalar, the text it gives as a mapping key; `None` for a collection.
    key: Option<String>,
}

/// Turns parser events into documents.
struct Builder<'l> {
    dialect: Dialect,
    limits: &'l Limits,
    docs: Vec<ParsedDoc>,
    stack: Vec<Frame>,
    /// Items of the open lists, innermost last.
    items: Vec<Value>,
    /// Entries of the open mappings, innermost last.
    entries: Vec<Entry>,
    hasher: RandomState,
    root: Option<Value>,
    doc_line: Option<usize>,
    /// Line of the document start, the line of a document without content.
    doc_start_line: usize,
    anchors: HashMap<usize, Anchor>,
    /// Nodes built so far in the stream, aliases counted by their expanded size.
    nodes: usize,
    /// Nodes produced by expanding aliases, over the whole stream.
    alias_nodes: usize,
}

impl<'l> Builder<'l> {
    fn new(dialect: Dialect, limits: &'l Limits) -> Self {
        Builder {
            dialect,
            limits,
            docs: Vec::new(),
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            hasher: RandomState::new(),
            root: None,
            doc_line: None,
            doc_start_line: 1,
            anchors: HashMap::new(),
            nodes: 0,
            alias_nodes: 0,
        }
    }

    /// Handles one event; returns true at the end of the stream.
    fn on_event(&mut self, event: Event<'_>, line: usize) -> Result<bool, String> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.root = None;
                self.doc_line = None;
                self.doc_start_line = line;
                // Aliases never reach into another document.
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                let value = self.root.take().unwrap_or(Value::Null);
                let line = self.doc_line.take().unwrap_or(self.doc_start_line);
                self.docs.push(ParsedDoc { value, line });
            }
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain;
                // An empty document is an empty plain scalar: it has no content line.
                if !(self.stack.is_empty() && text.is_empty() && plain && tag.is_none() && anchor == 0) {
                    self.doc_line.get_or_insert(line);
                }
                self.nodes += 1;
                let tag = tag.map_or(ScalarTag::None, |t| ScalarTag::from_parts(&t.handle, &t.suffix));
                if anchor != 0 {
                    // Rare: keep what the scalar gives both as a value and as a key.
                    let key = resolve_key(Cow::Borrowed(&text), plain, tag, self.dialect)?;
                    let value = resolve_scalar(Cow::Borrowed(&text), plain, tag, self.dialect)?;
                    self.anchors.insert(
                        anchor,
                        Anchor {
                            value,
                            size: 1,
                            key: Some(key),
                        },
                    );
                }
                if self.wants_key() {
                    let merge = match tag {
                        ScalarTag::None | ScalarTag::NonSpecific => plain && &*text == "<<",
                        ScalarTag::Merge => true,
                        _ => false,
                    };
                    if merge {
                        self.start_merge()?;
                    } else {
                        let key = resolve_key(text, plain, tag, self.dialect)?;
                        self.insert_key(key)?;
                    }
                } else {
                    let value = resolve_scalar(text, plain, tag, self.dialect)?;
                    self.attach(value)?;
                }
            }
            Event::Alias(id) => {
                self.doc_line.get_or_insert(line);
                let Some(anchor) = self.anchors.get(&id) else {
                    return Err("alias refers to an unknown or unfinished anchor".to_string());
                };
                self.alias_nodes += anchor.size;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(format!(
                        "aliases expand to more than {} nodes (an alias bomb?)",
                        self.limits.max_alias_nodes
                    ));
                }
                self.nodes += anchor.size;
                if self.wants_key() {
                    let key = anchor.key.clone().ok_or(COMPLEX_KEY)?;
                    self.insert_key(key)?;
                } else {
                    let value = anchor.value.clone();
                    self.attach(value)?;
                }
            }
            Event::SequenceStart(anchor, _) => {
                self.doc_line.get_or_insert(line);
                let open = self.open(anchor)?;
                self.stack.push(Frame::Seq(SeqFrame {
                    start: self.items.len(),
                    open,
                }));
            }
            Event::MappingStart(anchor, _) => {
                self.doc_line.get_or_insert(line);
                let open = self.open(anchor)?;
                self.stack.push(Frame::Map(MapFrame {
                    start: self.entries.len(),
                    open,
                    key: None,
                    has_merge: false,
                    deferred_merges: Vec::new(),
                    hashes: None,
                }));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, open) = match self.stack.pop() {
                    Some(Frame::Seq(f)) => (Value::Seq(self.items.drain(f.start..).collect()), f.open),
                    Some(Frame::Map(f)) => (Value::Map(self.finish_map(f.start, f.deferred_merges)), f.open),
                    None => return Err("unbalanced collection end".to_string()),
                };
                if open.anchor != 0 {
                    let size = self.nodes - open.nodes_before;
                    let anchor = Anchor {
                        value: value.clone(),
                        size,
                        key: None,
                    };
                    self.anchors.insert(open.anchor, anchor);
                }
                self.attach(value)?;
            }
        }
        Ok(false)
    }

    /// Whether the next node is a key of the innermost mapping.
    fn wants_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(m)) if m.key.is_none())
    }

    /// Checks a collection may start here and counts it.
    fn open(&mut self, anchor: usize) -> Result<Open, String> {
        if self.wants_key() {
            return Err(COMPLEX_KEY.to_string());
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(format!("nesting deeper than {} levels", self.limits.max_depth));
        }
        let nodes_before = self.nodes;
        self.nodes += 1;
        Ok(Open { anchor, nodes_before })
    }

    /// Builds a finished mapping from its entries.
    fn finish_map(&mut self, start: usize, merges: Vec<Map>) -> Map {
        let merged: usize = merges.iter().map(Map::len).sum();
        let mut map = Map::with_capacity(self.entries.len() - start + merged);
        // Keys are unique already: duplicates were refused, merged keys updated in place.
        map.extend(self.entries.drain(start..).map(|e| (e.key, e.value)));
        if merged > 0 {
            for source in merges {
                for (k, v) in source {
                    map.entry(k).or_insert(v);
                }
            }
            map.shrink_to_fit();
        }
        map
    }

    /// Finds a key among the innermost mapping's entries.
    fn find_key(&mut self, key: &str) -> Option<usize> {
        let Some(Frame::Map(m)) = self.stack.last_mut() else {
            return None;
        };
        let entries = &self.entries[m.start..];
        if entries.len() >= LINEAR_KEYS && m.hashes.is_none() {
            m.hashes = Some(entries.iter().map(|e| self.hasher.hash_one(&e.key)).collect());
        }
        // A new hash means a new key; only a repeated hash needs the search.
        if let Some(hashes) = &mut m.hashes
            && hashes.insert(self.hasher.hash_one(key))
        {
            return None;
        }
        entries.iter().position(|e| e.key == key).map(|i| m.start + i)
    }

    /// Records a key of the innermost mapping, failing on a duplicate.
    fn insert_key(&mut self, key: String) -> Result<(), String> {
        let at = match self.find_key(&key) {
            // Helm: a key may overwrite one merged in before it, not one written before.
            Some(i) if !self.entries[i].explicit => {
                self.entries[i].explicit = true;
                i
            }
            Some(_) => return Err(format!("duplicate key {key:?}")),
            None => {
                self.entries.push(Entry {
                    key,
                    value: Value::Null,
                    explicit: true,
                });
                self.entries.len() - 1
            }
        };
        if let Some(Frame::Map(m)) = self.stack.last_mut() {
            m.key = Some(PendingKey::Entry(at));
        }
        Ok(())
    }

    fn start_merge(&mut self) -> Result<(), String> {
        let Some(Frame::Map(m)) = self.stack.last_mut() else {
            return Err("key outside a mapping".to_string());
        };
        if m.has_merge {
            return Err("duplicate key \"<<\"".to_string());
        }
        m.has_merge = true;
        m.key = Some(PendingKey::Merge);
        Ok(())
    }

    /// Puts a finished node where it belongs: the document root, a list, or a mapping value.
    fn attach(&mut self, value: Value) -> Result<(), String> {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq(_)) => self.items.push(value),
            Some(Frame::Map(m)) => match m.key.take() {
                Some(PendingKey::Entry(i)) => self.entries[i].value = value,
                Some(PendingKey::Merge) => self.merge(value)?,
                // Scalar and alias keys never get here; collections are refused in `open`.
                None => return Err(COMPLEX_KEY.to_string()),
            },
        }
        Ok(())
    }

    /// Applies a `<<` value to the innermost mapping.
    ///
    /// Merge rules:
    /// - the value is a mapping, or a list of mappings (inline or aliases);
    /// - of several mappings in a list, the earlier one wins a key;
    /// - Kustomize (go-yaml v3): keys written in the mapping itself win wherever they stand;
    /// - Helm (go-yaml v2): the merge overwrites keys written before `<<`, and keys written
    ///   after it overwrite merged ones.
    fn merge(&mut self, value: Value) -> Result<(), String> {
        const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
        let sources = match value {
            Value::Map(map) => vec![map],
            Value::Seq(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Map(map) => Ok(map),
                    _ => Err(WANT_MAP.to_string()),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(WANT_MAP.to_string()),
        };
        match self.dialect {
            Dialect::Kustomize => {
                if let Some(Frame::Map(m)) = self.stack.last_mut() {
                    m.deferred_merges.extend(sources);
                }
            }
            Dialect::Helm => {
                for source in sources.into_iter().rev() {
                    for (key, value) in source {
                        match self.find_key(&key) {
                            Some(i) => self.entries[i].value = value,
                            None => self.entries.push(Entry {
                                key,
                                value,
                                explicit: false,
                            }),
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

const COMPLEX_KEY: &str = "mapping keys must be scalars";

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str, dialect: Dialect) -> Vec<ParsedDoc> {
        parse_stream(text, dialect, "test.yaml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn one(text: &str, dialect: Dialect) -> Value {
        let mut d = docs(text, dialect);
        assert_eq!(d.len(), 1, "{d:?}");
        d.remove(0).value
    }

    fn k(text: &str) -> Value {
        one(text, Dialect::Kustomize)
    }

    fn h(text: &str) -> Value {
        one(text, Dialect::Helm)
    }

    fn err(text: &str, dialect: Dialect) -> ParseError {
        match parse_stream(text, dialect, "test.yaml") {
            Ok(d) => panic!("expected an error, got {d:?}"),
            Err(e) => e,
        }
    }

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_map().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn kustomize_scalars_match_kubectl_kustomize() {
        // Each row was checked with `kubectl kustomize` (v5.5) on a ConfigMap's data.
        let v = k(
            "hex: 0x1F\noct: 0o17\nbin: 0b101\nnbin: -0b101\nlegacy: 0777\nunder: 1_000\nplus: +5\n\
                   big: 18446744073709551615\nbigneg: -9223372036854775809\nf1: 1.5\nf2: 1e3\nf3: .5\n\
                   f6: 08\nf7: 1.\nf8: 1e400\nd1: 2024-01-01\nd2: 2024-01-01T10:00:00Z\n\
                   d3: 2001-12-14t21:59:43.10-05:00\nd4: 2001-12-14 21:59:43.10\ny: yes\nn: no\non: on\n\
                   t: True\nnl: ~\ne:\nq: \"0x1F\"\ncustom: !foo 123\nst: !!str 123\nfl: !!float 1\n\
                   bn: !!binary aGVsbG8=\nsexa: 1:20\nhexf: 0x1p-2\n",
        );
        let want = map(&[
            ("hex", Value::Int(31)),
            ("oct", Value::Int(15)),
            ("bin", Value::Int(5)),
            ("nbin", Value::Int(-5)),
            ("legacy", Value::Int(511)),
            ("under", Value::Int(1000)),
            ("plus", Value::Int(5)),
            ("big", Value::Uint(u64::MAX)),
            ("bigneg", Value::Float(-9.223372036854776e18)),
            ("f1", Value::Float(1.5)),
            ("f2", Value::Float(1000.0)),
            ("f3", Value::Float(0.5)),
            ("f6", Value::Float(8.0)),
            ("f7", Value::Float(1.0)),
            ("f8", s("1e400")),
            ("d1", s("2024-01-01T00:00:00Z")),
            ("d2", s("2024-01-01T10:00:00Z")),
            ("d3", s("2001-12-14T21:59:43.1-05:00")),
            ("d4", s("2001-12-14T21:59:43.1Z")),
            ("y", s("yes")),
            ("n", s("no")),
            ("on", s("on")),
            ("t", Value::Bool(true)),
            ("nl", Value::Null),
            ("e", Value::Null),
            ("q", s("0x1F")),
            ("custom", s("123")),
            ("st", s("123")),
            ("fl", Value::Float(1.0)),
            ("bn", s("hello")),
            ("sexa", s("1:20")),
            ("hexf", s("0x1p-2")),
        ]);
        assert_eq!(v, want);
        assert_eq!(
            k("a: ! 12\nb: !!int \"12\"\nc: !!str true\nd: !!null \"\"\ne: !!float 0x10\nf: !!str\n"),
            map(&[
                ("a", Value::Int(12)),
                ("b", Value::Int(12)),
                ("c", s("true")),
                ("d", Value::Null),
                ("e", Value::Float(16.0)),
                ("f", s(""))
            ])
        );
        match k("a: .nan\nb: -.inf\n").get("a") {
            Some(Value::Float(f)) => assert!(f.is_nan()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn helm_scalars_match_helm() {
        // Each row was checked with Helm v4 (oracle.py values) on a chart's values.yaml.
        let v = h(
            "b1: y\nb2: Y\nb3: yes\nb4: On\nb5: OFF\nb6: n\nb7: NO\nb8: True\noct: 0777\noct2: 0o17\n\
                   hex: 0x1F\nbin: 0b101\nunder: 1_000\nplus: +5\nsexa: 1:20\nd1: 2024-01-01\n\
                   d2: 2001-12-14t21:59:43.10-05:00\nf1: 1e3\nf2: .5\nf3: 08\nquoted: \"yes\"\n\
                   custom: !foo 123\nbn: !!binary aGVsbG8=\nc: 1e400\ne: !!str 12\nf: ! 12\ng: !!int \"12\"\n\
                   h: 0x_1F\ni: 1__0\nj: -0b11\n",
        );
        let want = map(&[
            ("b1", Value::Bool(true)),
            ("b2", Value::Bool(true)),
            ("b3", Value::Bool(true)),
            ("b4", Value::Bool(true)),
            ("b5", Value::Bool(false)),
            ("b6", Value::Bool(false)),
            ("b7", Value::Bool(false)),
            ("b8", Value::Bool(true)),
            ("oct", Value::Int(511)),
            ("oct2", Value::Int(15)),
            ("hex", Value::Int(31)),
            ("bin", Value::Int(5)),
            ("under", Value::Int(1000)),
            ("plus", Value::Int(5)),
            ("sexa", s("1:20")),
            ("d1", s("2024-01-01")),
            ("d2", s("2001-12-14t21:59:43.10-05:00")),
            ("f1", Value::Float(1000.0)),
            ("f2", Value::Float(0.5)),
            ("f3", Value::Float(8.0)),
            ("quoted", s("yes")),
            ("custom", s("123")),
            ("bn", s("hello")),
            ("c", s("1e400")),
            ("e", s("12")),
            ("f", s("12")),
            ("g", Value::Int(12)),
            ("h", Value::Int(31)),
            ("i", Value::Int(10)),
            ("j", Value::Int(-3)),
        ]);
        assert_eq!(v, want);
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let v = one(
                "a: 'true'\nb: \"1\"\nc: ''\nd: |\n  123\ne: >-\n  yes\nf: \"\"\n",
                dialect,
            );
            assert_eq!(
                v,
                map(&[
                    ("a", s("true")),
                    ("b", s("1")),
                    ("c", s("")),
                    ("d", s("123\n")),
                    ("e", s("yes")),
                    ("f", s(""))
                ])
            );
        }
    }

    #[test]
    fn keys_in_kustomize_keep_their_text() {
        let v = k("1: a\n0x1F: c\ntrue: b\n2024-01-01: e\n1.50: d\n\"q\": f\n~: g\n");
        assert_eq!(keys(&v), ["1", "0x1F", "true", "2024-01-01", "1.50", "q", "~"]);
    }

    #[test]
    fn keys_in_helm_are_resolved_then_stringified() {
        let v = h(
            "keys:\n  on: a\n  1: b\n  1.5: c\n  0x1F: d\n  2024-01-01: f\n  1e3: g\n  0.1: h\n  \
                   123456789.5: i\n  ~: j\n  n: k\n  \"on\": l\n",
        );
        assert_eq!(
            keys(v.get("keys").unwrap()),
            [
                "true",
                "1",
                "1.5",
                "31",
                "2024-01-01",
                "1000",
                "0.1",
                "1.2345679e+08",
                "null",
                "false",
                "on"
            ]
        );
    }

    #[test]
    fn helm_keys_that_collide_after_conversion_are_duplicates() {
        let e = err("on: a\ntrue: b\n", Dialect::Helm);
        assert_eq!((e.line, e.message.as_str()), (2, "duplicate key \"true\""));
        // In Kustomize they are different keys.
        assert_eq!(keys(&k("on: a\ntrue: b\n")), ["on", "true"]);
    }

    #[test]
    fn duplicate_keys_fail_naming_the_line() {
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let e = err("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n", dialect);
            assert_eq!((e.line, e.message.as_str()), (5, "duplicate key \"c\""));
            assert_eq!(e.to_string(), "test.yaml:5: duplicate key \"c\"");
            let e = err("{a: 1, a: 2}", dialect);
            assert_eq!(e.message, "duplicate key \"a\"");
        }
    }

    #[test]
    fn big_mappings_keep_order_and_catch_duplicates() {
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&format!("k{i}: {i}\n"));
        }
        let v = k(&text);
        let want: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
        assert_eq!(keys(&v), want);
        assert_eq!(v.get("k57"), Some(&Value::Int(57)));
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let e = err(&format!("{text}k3: again\n"), dialect);
            assert_eq!((e.line, e.message.as_str()), (101, "duplicate key \"k3\""));
            let e = err(&format!("{text}k99: again\n"), dialect);
            assert_eq!(e.line, 101);
        }
        // Helm merges into a big mapping: merged keys may be overwritten once, explicit ones never.
        let v = h(&format!("{text}<<: {{k5: merged, new: 1}}\nnew: 2\n"));
        assert_eq!((v.get("k5"), v.get("new")), (Some(&s("merged")), Some(&Value::Int(2))));
        let e = err(&format!("{text}<<: {{new: 1}}\nnew: 2\nnew: 3\n"), Dialect::Helm);
        assert_eq!((e.line, e.message.as_str()), (103, "duplicate key \"new\""));
        let v = k(&format!("{text}<<: {{k5: merged, new: 1}}\n"));
        assert_eq!(
            (v.get("k5"), v.get("new")),
            (Some(&Value::Int(5)), Some(&Value::Int(1)))
        );
    }

    #[test]
    fn merge_keys_kustomize() {
        let v = k("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\n\
                   m1:\n  <<: *b\n  x: 9\n\
                   m2:\n  <<: [*b, *o]\n\
                   m3:\n  x: 0\n  <<: [*o, *b]\n\
                   m4:\n  a: 1\n  <<: {a: 2, b: 3}\n\
                   m5:\n  <<: [{p: 1}, *o]\n  q: 2\n");
        assert_eq!(v.get("m1"), Some(&map(&[("x", Value::Int(9)), ("y", Value::Int(2))])));
        assert_eq!(
            v.get("m2"),
            Some(&map(&[
                ("x", Value::Int(1)),
                ("y", Value::Int(2)),
                ("z", Value::Int(4))
            ]))
        );
        // Explicit keys win even when they come before `<<` (go-yaml v3).
        assert_eq!(
            v.get("m3"),
            Some(&map(&[
                ("x", Value::Int(0)),
                ("y", Value::Int(3)),
                ("z", Value::Int(4))
            ]))
        );
        assert_eq!(v.get("m4"), Some(&map(&[("a", Value::Int(1)), ("b", Value::Int(3))])));
        assert_eq!(
            v.get("m5"),
            Some(&map(&[
                ("q", Value::Int(2)),
                ("p", Value::Int(1)),
                ("y", Value::Int(3)),
                ("z", Value::Int(4))
            ]))
        );
        assert_eq!(
            k("a: {!!merge <<: {x: 1}}").get("a"),
            Some(&map(&[("x", Value::Int(1))]))
        );
        assert_eq!(keys(k("a: {\"<<\": {x: 1}}").get("a").unwrap()), ["<<"]);
    }

    #[test]
    fn merge_keys_helm() {
        // go-yaml v2 applies `<<` where it stands: it overwrites earlier keys, later keys win.
        let v = h("base: &b {x: 1, w: 2}\nm1:\n  <<: *b\n  x: 9\nm3:\n  x: 0\n  <<: [{w: 3, z: 4}, *b]\n");
        assert_eq!(v.get("m1"), Some(&map(&[("x", Value::Int(9)), ("w", Value::Int(2))])));
        assert_eq!(
            v.get("m3"),
            Some(&map(&[
                ("x", Value::Int(1)),
                ("w", Value::Int(3)),
                ("z", Value::Int(4))
            ]))
        );
        // `y` is a boolean key in YAML 1.1.
        assert_eq!(keys(h("m:\n  <<: {y: 1}\n").get("m").unwrap()), ["true"]);
        // A key after a merge may replace a merged key, but not repeat an explicit one.
        assert_eq!(
            h("a:\n  <<: {x: 1}\n  x: 2\n").get("a"),
            Some(&map(&[("x", Value::Int(2))]))
        );
        let e = err("a:\n  x: 1\n  <<: {y: 1}\n  x: 2\n", Dialect::Helm);
        assert_eq!((e.line, e.message.as_str()), (4, "duplicate key \"x\""));
    }

    #[test]
    fn bad_merges_fail() {
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let e = err("a: &a 1\nb:\n  <<: *a\n", dialect);
            assert_eq!(e.message, "map merge requires map or sequence of maps as the value");
            let e = err("b:\n  <<: [{a: 1}, 2]\n", dialect);
            assert_eq!(e.message, "map merge requires map or sequence of maps as the value");
            let e = err("b:\n  <<: {a: 1}\n  <<: {b: 1}\n", dialect);
            assert_eq!((e.line, e.message.as_str()), (3, "duplicate key \"<<\""));
        }
    }

    #[test]
    fn aliases_expand() {
        let v = k("a: &x {b: [1, 2]}\nc: *x\nd: &s hello\ne: *s\n*s : key\n");
        assert_eq!(v.get("c"), v.get("a"));
        assert_eq!(v.get("e"), Some(&s("hello")));
        assert_eq!(v.get("hello"), Some(&s("key")));
        // An anchor may be redefined; aliases take the latest.
        assert_eq!(k("a: &x 1\nb: &x 2\nc: *x\n").get("c"), Some(&Value::Int(2)));
        // A scalar anchor used as a key keeps the dialect's key text.
        assert_eq!(keys(&k("a: &x 0x1F\n*x : b\n")), ["a", "0x1F"]);
        assert_eq!(keys(&h("a: &x 0x1F\n*x : b\n")), ["a", "31"]);
    }

    #[test]
    fn alias_errors() {
        let e = err("a: *nope\n", Dialect::Kustomize);
        assert_eq!(e.line, 1);
        // Anchors do not cross documents.
        let e = err("a: &x 1\n---\nb: *x\n", Dialect::Kustomize);
        assert_eq!(
            (e.line, e.message.as_str()),
            (3, "alias refers to an unknown or unfinished anchor")
        );
        // An alias inside its own anchor would recurse.
        let e = err("a: &x [1, *x]\n", Dialect::Kustomize);
        assert_eq!(e.message, "alias refers to an unknown or unfinished anchor");
        let e = err("a: &x [1]\n*x : b\n", Dialect::Kustomize);
        assert_eq!((e.line, e.message.as_str()), (2, "mapping keys must be scalars"));
    }

    fn billion_laughs() -> String {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i", "j"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn alias_bomb_fails_fast() {
        let text = billion_laughs();
        let start = std::time::Instant::now();
        let e = err(&text, Dialect::Kustomize);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(e.message, "aliases expand to more than 100000 nodes (an alias bomb?)");
        // a..e expand to 74,718 nodes; the second `*e` on line 6 crosses the limit.
        assert_eq!(e.line, 6);
        // The budget covers the whole stream, not each document.
        let doc = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n";
        let limits = Limits {
            max_alias_nodes: 250,
            ..Limits::default()
        };
        assert!(parse_stream_with_limits(doc, Dialect::Kustomize, "x", &limits).is_ok());
        let stream = format!("{doc}---\n{doc}---\n{doc}");
        let e = parse_stream_with_limits(&stream, Dialect::Kustomize, "x", &limits).unwrap_err();
        assert_eq!(e.line, 8);
    }

    #[test]
    fn anchored_subtree_size_counts_nested_aliases() {
        // c holds 2 copies of b, each 3 copies of a (3 nodes): c is 1 + 2 * (1 + 3 * 4) = 27 nodes.
        let text = "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: &c [*b, *b]\nd: *c\n";
        let used = 3 * 4 + 2 * 13 + 27;
        let ok = Limits {
            max_alias_nodes: used,
            ..Limits::default()
        };
        assert!(parse_stream_with_limits(text, Dialect::Helm, "x", &ok).is_ok());
        let tight = Limits {
            max_alias_nodes: used - 1,
            ..Limits::default()
        };
        assert!(parse_stream_with_limits(text, Dialect::Helm, "x", &tight).is_err());
    }

    /// Runs `f` on a thread with a small stack, as library callers may.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deep_nesting_fails_without_overflowing_the_stack() {
        let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let flow_map = format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000));
        let mut block_map = String::new();
        for i in 0..10_000 {
            block_map.push_str(&" ".repeat(i));
            block_map.push_str("a:\n");
        }
        let mut block_seq = String::new();
        for i in 0..10_000 {
            block_seq.push_str(&" ".repeat(2 * i));
            block_seq.push_str("-\n");
        }
        let block_seq_inline = format!("{}x\n", "- ".repeat(10_000));
        for text in [flow, flow_map, block_map, block_seq, block_seq_inline] {
            let e = on_small_stack(move || parse_stream(&text, Dialect::Kustomize, "deep.yaml").unwrap_err());
            assert!(
                e.message == "nesting deeper than 512 levels" || e.message == "recursion limit exceeded",
                "{e}"
            );
        }
    }

    #[test]
    fn depth_limit_is_exact() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(parse_stream_with_limits("a: {b: [1]}", Dialect::Kustomize, "x", &limits).is_ok());
        let e = parse_stream_with_limits("a:\n  b:\n    - [1]\n", Dialect::Kustomize, "x", &limits).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (3, "nesting deeper than 3 levels"));
    }

    #[test]
    fn input_over_max_bytes_fails() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let e = parse_stream_with_limits("a: 12345678901", Dialect::Kustomize, "big.yaml", &limits).unwrap_err();
        assert_eq!(
            e.to_string(),
            "big.yaml:1: input is 14 bytes, over the limit of 10 bytes"
        );
        assert!(parse_stream_with_limits("a: 1", Dialect::Kustomize, "x", &limits).is_ok());
    }

    #[test]
    fn multi_document_streams() {
        let d = docs(
            "a: 1\n---\nb: 2\n...\n---\n# only a comment\n---\n\n\n- c\n...\n",
            Dialect::Kustomize,
        );
        let values: Vec<_> = d.iter().map(|d| d.value.clone()).collect();
        assert_eq!(
            values,
            [
                map(&[("a", Value::Int(1))]),
                map(&[("b", Value::Int(2))]),
                Value::Null,
                Value::Seq(vec![s("c")])
            ]
        );
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), [1, 3, 5, 10]);
        assert_eq!(docs("--- a\n--- b\n", Dialect::Kustomize).len(), 2);
        assert_eq!(
            docs("---\n", Dialect::Kustomize)
                .iter()
                .map(|d| &d.value)
                .collect::<Vec<_>>(),
            [&Value::Null]
        );
        assert_eq!(docs("--- |\n  text\n", Dialect::Kustomize)[0].value, s("text\n"));
        let d = docs("---\n\n--- \"\"\n---\n\na: 1\n...\nb: 2\n", Dialect::Kustomize);
        let lines: Vec<_> = d.iter().map(|d| (d.line, d.value.clone())).collect();
        assert_eq!(
            lines,
            [
                (1, Value::Null),
                (3, s("")),
                (6, map(&[("a", Value::Int(1))])),
                (8, map(&[("b", Value::Int(2))]))
            ]
        );
        assert_eq!(
            docs("%YAML 1.2\n---\na: 1\n", Dialect::Kustomize)[0].value,
            map(&[("a", Value::Int(1))])
        );
    }

    #[test]
    fn empty_streams_have_no_documents() {
        for text in ["", "\n\n", "# comment\n# another\n", "  \n# c\n"] {
            assert!(docs(text, Dialect::Kustomize).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn document_line_is_first_content_line() {
        let d = docs("# header\n\napiVersion: v1\n---\n# c\n\nkind: A\n", Dialect::Kustomize);
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), [3, 7]);
    }

    #[test]
    fn comments_are_ignored() {
        let v = k("# top\na: 1 # trailing\n# between\nb: \"# not a comment\"\nc: x#y\nd: [1, # in flow\n  2]\n");
        assert_eq!(
            v,
            map(&[
                ("a", Value::Int(1)),
                ("b", s("# not a comment")),
                ("c", s("x#y")),
                ("d", Value::Seq(vec![Value::Int(1), Value::Int(2)]))
            ])
        );
    }

    #[test]
    fn block_scalars() {
        let v = k("lit: |\n  line 1\n   indented\n\n  line 3\n\
                   strip: |-\n  x\n\n\
                   keep: |+\n  x\n\n\
                   fold: >\n  a\n  b\n\n  c\n\
                   foldstrip: >-\n  a\n  b\n\
                   indent: |2\n    four\n  two\n\
                   last: end\n");
        assert_eq!(v.get("lit"), Some(&s("line 1\n indented\n\nline 3\n")));
        assert_eq!(v.get("strip"), Some(&s("x")));
        assert_eq!(v.get("keep"), Some(&s("x\n\n")));
        assert_eq!(v.get("fold"), Some(&s("a b\nc\n")));
        assert_eq!(v.get("foldstrip"), Some(&s("a b")));
        assert_eq!(v.get("indent"), Some(&s("  four\ntwo\n")));
        assert_eq!(v.get("last"), Some(&s("end")));
    }

    #[test]
    fn flow_collections() {
        let v = k("a: [1, \"two\", {b: c, d: [e]}, [], {}]\nf: {g: , h: null}\n");
        assert_eq!(
            v.get("a"),
            Some(&Value::Seq(vec![
                Value::Int(1),
                s("two"),
                map(&[("b", s("c")), ("d", Value::Seq(vec![s("e")]))]),
                Value::Seq(vec![]),
                map(&[]),
            ]))
        );
        assert_eq!(v.get("f"), Some(&map(&[("g", Value::Null), ("h", Value::Null)])));
    }

    #[test]
    fn unicode() {
        let v = k("name: café\n\"ключ\": 値\nemoji: \"\\u263A \\U0001F600\"\nesc: \"tab\\there\\nnl\"\n");
        assert_eq!(
            v,
            map(&[
                ("name", s("café")),
                ("ключ", s("値")),
                ("emoji", s("☺ 😀")),
                ("esc", s("tab\there\nnl"))
            ])
        );
        assert_eq!(k("\u{feff}a: 1\n"), map(&[("a", Value::Int(1))]));
    }

    #[test]
    fn crlf_line_endings() {
        let d = docs(
            "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: >-\r\n  p\r\n  q\r\n---\r\nd: 2\r\n",
            Dialect::Kustomize,
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].value,
            map(&[("a", Value::Int(1)), ("b", s("x\ny\n")), ("c", s("p q"))])
        );
        assert_eq!((d[1].line, &d[1].value), (9, &map(&[("d", Value::Int(2))])));
    }

    #[test]
    fn complex_keys_fail() {
        let e = err("? [a, b]\n: c\n", Dialect::Kustomize);
        assert_eq!((e.line, e.message.as_str()), (1, "mapping keys must be scalars"));
        let e = err("{a: 1}: b\n", Dialect::Helm);
        assert_eq!(e.message, "mapping keys must be scalars");
    }

    #[test]
    fn tag_errors_name_the_line() {
        let e = err("a: 1\nb: !!int 1.5\n", Dialect::Kustomize);
        assert_eq!(e.to_string(), "test.yaml:2: cannot decode !!float `1.5` as a !!int");
        let e = err("a: 1\n!!int x: 1\n", Dialect::Kustomize);
        assert_eq!(e.line, 2);
        // Tags on collections are ignored.
        assert_eq!(
            k("a: !custom {b: 1}\nc: !!seq [1]\n").get("a"),
            Some(&map(&[("b", Value::Int(1))]))
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = err("a: 1\nb: [1, 2\nc: 3\n", Dialect::Kustomize);
        assert!(e.line >= 2, "{e}");
        let e = err("a: 1\n  b: 2\n", Dialect::Kustomize);
        assert_eq!(e.line, 2, "{e}");
        assert_eq!(e.message, "mapping values are not allowed in this context");
        let e = err("a: \"unterminated\n", Dialect::Helm);
        assert!(e.to_string().starts_with("test.yaml:"), "{e}");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = parse_bytes(b"a: 1\nb: \xff\n", Dialect::Kustomize, "bad.yaml").unwrap_err();
        assert_eq!(e.to_string(), "bad.yaml:2: invalid UTF-8");
        assert_eq!(
            parse_bytes(b"a: 1\n", Dialect::Helm, "ok.yaml").unwrap()[0].value,
            map(&[("a", Value::Int(1))])
        );
    }

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
                text.push_str("...\n--- \n# empty\n---\n");
            }
        }
        text
    }

    #[test]
    fn streams_split_into_pieces_parse_the_same_as_whole() {
        let text = big_stream(300);
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let (whole, _) = parse_chunk(&text, dialect, &Limits::default(), 0).unwrap();
            for pieces in [2, 3, 7, 50] {
                let split = parse_parallel(&text, dialect, &Limits::default(), pieces).expect("split");
                assert_eq!(split.len(), whole.len());
                assert!(split == whole, "{pieces} pieces");
            }
            let second = whole.iter().filter(|d| !d.value.is_null()).nth(1).unwrap();
            assert_eq!(second.line, 24);
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
        let r = parse_chunk(&text[..half], Dialect::Kustomize, &limits, 0);
        assert!(r.is_ok(), "{:?}", r.map(|(_, n)| n));
        assert!(parse_chunk(&text[half..], Dialect::Kustomize, &limits, 0).is_ok());
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

    /// Integral floats come back as ints: kustomize's output is JSON re-read by go-yaml v2.
    fn normalize(v: Value) -> Value {
        match v {
            Value::Float(f)
                if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
            {
                Value::Int(f as i64)
            }
            Value::Float(f) if f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) => {
                Value::Uint(f as u64)
            }
            Value::Seq(items) => Value::Seq(items.into_iter().map(normalize).collect()),
            Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
            other => other,
        }
    }

    fn tricky_string() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        const WORDS: &[&str] = &[
            "",
            "on",
            "Off",
            "yes",
            "y",
            "N",
            "true",
            "NULL",
            "~",
            "null",
            "0x1F",
            "0o17",
            "0777",
            "08",
            "1e3",
            "1_000",
            "+5",
            "-0",
            ".5",
            ".inf",
            "-.Inf",
            ".nan",
            "1:20",
            "2024-01-01",
            "2001-12-14 21:59:43.10",
            "2024-01-01T10:00:00Z",
            "<<",
            "*a",
            "&a",
            "!tag",
            "%x",
            "@x",
            "`x",
            "|",
            ">",
            "'",
            "\"",
            "---",
            "...",
            "- x",
            "? x",
            ": x",
            "a: b",
            "a #b",
            "#c",
            " lead",
            "trail ",
            "two\nlines",
            "end\n",
            "\nstart",
            "\ttab",
            "caf\u{e9}",
            "\u{1F600}",
            "\u{feff}x",
            "x\u{0}y",
        ];
        prop_oneof![
            proptest::sample::select(WORDS).prop_map(str::to_string),
            // Not U+0085, U+2028, U+2029: go-yaml reads them as line breaks (YAML 1.1),
            // saphyr as content (YAML 1.2), and kustomize itself fails on them.
            "[^\\p{C}\\p{Zl}\\p{Zp}]{0,12}",
            "[ -~\\n]{0,30}",
        ]
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(Value::Uint),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::Float),
            tricky_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Seq),
                proptest::collection::vec((any_key(), inner), 0..6)
                    .prop_map(|entries| Value::Map(entries.into_iter().collect())),
            ]
        })
    }

    /// A mapping key; kustomize prints a `<<` key plain (go-yaml v2 does not quote it), so it
    /// would read back as a merge.
    fn any_key() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        tricky_string().prop_filter("merge key", |k| k != "<<")
    }

    fn any_docs() -> impl proptest::strategy::Strategy<Value = Vec<Value>> {
        use proptest::prelude::*;
        let doc = proptest::collection::vec((any_key(), any_value()), 0..6)
            .prop_map(|entries| Value::Map(entries.into_iter().collect()));
        proptest::collection::vec(doc, 1..4)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Parsing emitted YAML gives the same documents, in both dialects.
        #[test]
        fn parsing_emitted_yaml_round_trips(docs in any_docs()) {
            let text = crate::yaml::to_stream(&docs);
            let want: Vec<Value> = docs.into_iter().map(normalize).collect();
            for dialect in [Dialect::Kustomize, Dialect::Helm] {
                let parsed = parse_stream(&text, dialect, "emitted.yaml");
                proptest::prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed, text);
                let got: Vec<Value> = parsed.unwrap().into_iter().map(|d| normalize(d.value)).collect();
                proptest::prop_assert_eq!(&got, &want, "{:?}\n{}", dialect, text);
            }
        }
    }
}
