//! Parsing YAML text into [`Value`] trees.
//!
//! saphyr-parser supplies the events; `builder.rs` builds the trees without recursion
//! (nesting is bounded by [`Limits::max_depth`]), expands aliases against a node budget (so
//! an alias bomb fails at once), applies `<<` merges and refuses duplicate keys; `split.rs`
//! splits big streams at document markers to parse the pieces on several threads.
//! `fast/` reads the block YAML manifests are written in straight from the bytes, and gives
//! up (the text then takes the saphyr path) on anything else. `source.rs` makes saphyr's YAML 1.2 scanner accept and refuse what go-yaml's scanner does,
//! and `kyaml.rs` applies what kustomize's own YAML reading and round trip do to resources.
//! What a scalar means is decided in `resolve.rs`. Nothing here knows about Kubernetes
//! beyond the two fields kyaml's reader looks at (`kind` ending in `List`, `items`).

mod builder;
mod documents;
mod fast;
mod kyaml;
mod source;
mod split;
#[cfg(test)]
mod testutil;

use std::borrow::Cow;

use saphyr_parser::Parser;

use super::value::Value;
use builder::Builder;

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
/// Every document becomes one [`ParsedDoc`]; an empty document (`---` followed by nothing)
/// gives [`Value::Null`], and a stream with no document at all gives an empty list. Scalars
/// are resolved as the dialect's Go reader resolves them (see `resolve.rs`); anchors and
/// aliases are expanded and `<<` merge keys applied.
///
/// The Kustomize dialect reads a stream as kustomize does: cut at every line starting with
/// `---`, the first document of each piece (a piece with none gives nothing), with what
/// kustomize's own write-and-read does to scalars applied (see `kyaml.rs`).
///
/// # Errors
/// Invalid YAML (as go-yaml sees it), duplicate keys, non-scalar keys, bad merges, tags
/// that do not fit their scalar, exceeded limits, and in the Kustomize dialect what kustomize
/// cannot print (a non-string key below the top level, a block starting with a tab), with
/// the 1-based line where the problem was found.
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
    let single_piece = match dialect {
        Dialect::Kustomize => {
            kyaml::split_documents(text, false)
                .map_err(|(line, message)| fail(line, message))?
                .len()
                == 1
        }
        Dialect::Helm => true,
    };
    if text.len() >= split::PARALLEL_MIN_BYTES {
        let threads = std::thread::available_parallelism().map_or(1, usize::from).min(8);
        let pieces = threads.min(text.len() / split::CHUNK_MIN_BYTES);
        if pieces >= 2
            && let Some(docs) = split::parse_parallel(text, dialect, limits, pieces)
        {
            return Ok(docs);
        }
    }
    parse_chunk(text, dialect, limits, 0, single_piece)
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

/// Parses one piece of a stream whose first line is line `line_offset + 1` of the whole
/// (a later piece starts with its `---` line). `single_piece` says the whole stream is one
/// kyaml piece. Returns the documents and the nodes produced by aliases, or the error's
/// line and message.
///
/// The Helm dialect reads the stream as go-yaml does. The Kustomize dialect reads it as
/// kyaml does: piece by piece, the first document of each (see `kyaml.rs`).
fn parse_chunk(
    text: &str,
    dialect: Dialect,
    limits: &Limits,
    line_offset: usize,
    single_piece: bool,
) -> Result<(Vec<ParsedDoc>, usize), (usize, String)> {
    parse_chunk_with(text, dialect, limits, line_offset, single_piece, true)
}

/// [`parse_chunk`], trying the fast path (`fast/`) first when `fast` is set: on each
/// document in the Helm dialect (see `documents.rs`), on each piece in the Kustomize dialect.
fn parse_chunk_with(
    text: &str,
    dialect: Dialect,
    limits: &Limits,
    line_offset: usize,
    single_piece: bool,
    fast: bool,
) -> Result<(Vec<ParsedDoc>, usize), (usize, String)> {
    if dialect == Dialect::Helm {
        if fast {
            // The whole stream in one pass when it can; else document by document.
            if let Some(docs) = fast::read_stream(text, limits, line_offset) {
                return Ok((docs, 0));
            }
            if let Some(done) = documents::parse_apart(text, limits, line_offset) {
                return Ok(done);
            }
        }
        if line_offset == 0 {
            source::ensure_stream_start(text)?;
        }
        return parse_text(text, dialect, limits, line_offset, Read::Stream, 0);
    }
    let mut docs = Vec::new();
    let mut alias_nodes = 0usize;
    let pieces = kyaml::split_documents(text, line_offset > 0).map_err(|(line, m)| (line + line_offset, m))?;
    for piece in pieces {
        let piece_text = &text[piece.start..piece.end];
        let offset = line_offset + piece.line;
        if fast && let Some(doc) = fast::read_piece(piece_text, limits, offset) {
            docs.push(doc);
            continue;
        }
        source::ensure_stream_start(piece_text).map_err(|(line, m)| (line + offset, m))?;
        let read = Read::FirstDocument {
            round_trip: true,
            single_piece,
        };
        let (mut first, aliases) = parse_text(piece_text, dialect, limits, offset, read, alias_nodes)?;
        // The alias budget covers the whole stream.
        alias_nodes = aliases;
        let Some(mut doc) = first.pop() else {
            continue;
        };
        if kyaml::items_rebuilt(&doc.value, single_piece) {
            // Rebuilt from JSON by kustomize: the items keep no styles for its round trip.
            let read = Read::FirstDocument {
                round_trip: false,
                single_piece,
            };
            let (mut raw, _) = parse_text(piece_text, dialect, limits, offset, read, 0)?;
            doc = raw.pop().unwrap_or(doc);
        }
        docs.push(doc);
    }
    Ok((docs, alias_nodes))
}

/// How much of a text to read, and how.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Every document (the Helm dialect).
    Stream,
    /// The first document, as kyaml reads a piece: with kustomize's round trip unless the
    /// items of a `List` are rebuilt from JSON; `single_piece` says the piece is the file.
    FirstDocument { round_trip: bool, single_piece: bool },
}

/// Parses `text`, spelling go-yaml's `\'` escape so saphyr takes it. `alias_nodes` were
/// spent before; returns the documents and the nodes spent in all.
fn parse_text(
    text: &str,
    dialect: Dialect,
    limits: &Limits,
    line_offset: usize,
    read: Read,
    alias_nodes: usize,
) -> Result<(Vec<ParsedDoc>, usize), (usize, String)> {
    let mut text = Cow::Borrowed(text);
    loop {
        match parse_events(&text, dialect, limits, line_offset, read, alias_nodes) {
            Err(Failure::Scan(at, line, message)) => {
                // go-yaml knows the `\'` escape that saphyr refuses: spell it `\x27`, again.
                let quote = source::Source::new(&text).byte(at);
                match source::patch_quote_escape(&text, quote) {
                    Some(patched) if message.ends_with(source::UNKNOWN_ESCAPE) => text = Cow::Owned(patched),
                    _ => return Err((line, message)),
                }
            }
            Err(Failure::Build(line, message)) => return Err((line, message)),
            Ok(done) => return Ok(done),
        }
    }
}

/// Why [`parse_events`] stopped.
enum Failure {
    /// saphyr refused the text: at this character index, on this line.
    Scan(usize, usize, String),
    /// The builder refused an event on this line.
    Build(usize, String),
}

/// Feeds saphyr's events for `text` to a [`Builder`].
fn parse_events(
    text: &str,
    dialect: Dialect,
    limits: &Limits,
    line_offset: usize,
    read: Read,
    alias_nodes: usize,
) -> Result<(Vec<ParsedDoc>, usize), Failure> {
    let (round_trip, unwrap_lists) = match read {
        Read::Stream => (false, false),
        Read::FirstDocument {
            round_trip,
            single_piece,
        } => (round_trip, single_piece),
    };
    let mut builder = Builder::new(dialect, limits, text, round_trip, unwrap_lists);
    builder.alias_nodes = alias_nodes;
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let at = e.marker();
            Failure::Scan(at.index(), at.line() + line_offset, e.info().to_string())
        })?;
        let line = span.start.line() + line_offset;
        let document_end = matches!(event, saphyr_parser::Event::DocumentEnd);
        if builder
            .on_event(event, span, line)
            .map_err(|message| Failure::Build(builder.error_line.unwrap_or(line), message))?
            || (document_end && read != Read::Stream)
        {
            break;
        }
    }
    Ok((builder.docs, builder.alias_nodes))
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

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
        let v = k("1: a\n0x1F: c\ntrue: b\n2024-01-01: e\n1.50: d\n\"q\": f\n");
        assert_eq!(keys(&v), ["1", "0x1F", "true", "2024-01-01", "1.50", "q"]);
        // kustomize fails on a null key at the top level.
        assert!(parse_stream("~: g\n", Dialect::Kustomize, "x").is_err());
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
        let text = "a: 1\n---\nb: 2\n...\n---\n# only a comment\n---\n\n\n- c\n...\n";
        let (a, b, c) = (
            map(&[("a", Value::Int(1))]),
            map(&[("b", Value::Int(2))]),
            Value::Seq(vec![s("c")]),
        );
        // Helm: every document, an empty one as null.
        let d = docs(text, Dialect::Helm);
        let values: Vec<_> = d.iter().map(|d| d.value.clone()).collect();
        assert_eq!(values, [a.clone(), b.clone(), Value::Null, c.clone()]);
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), [1, 3, 5, 10]);
        assert_eq!(docs("--- a\n--- b\n", Dialect::Helm).len(), 2);
        // Kustomize reads as kyaml: a piece without a document gives nothing.
        let d = docs(text, Dialect::Kustomize);
        let values: Vec<_> = d.iter().map(|d| d.value.clone()).collect();
        assert_eq!(values, [a.clone(), b, c]);
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), [1, 3, 10]);
        let e = err("--- a\n--- b\n", Dialect::Kustomize);
        assert_eq!((e.line, e.message.as_str()), (2, "invalid document separator: --- b"));
        assert_eq!(
            docs("---\n", Dialect::Kustomize)
                .iter()
                .map(|d| &d.value)
                .collect::<Vec<_>>(),
            [&Value::Null]
        );
        assert_eq!(docs("--- |\n  text\n", Dialect::Kustomize)[0].value, s("text\n"));
        // Only the first document of a piece counts.
        let d = docs("---\n\n---\n\"\"\n---\n\na: 1\n...\nb: 2\n", Dialect::Kustomize);
        let lines: Vec<_> = d.iter().map(|d| (d.line, d.value.clone())).collect();
        assert_eq!(lines, [(1, Value::Null), (4, s("")), (7, a)]);
        // go-yaml takes `%YAML 1.1` only; kyaml cuts a directive off its document anyway.
        assert_eq!(
            docs("%YAML 1.1\n---\na: 1\n", Dialect::Helm)[0].value,
            map(&[("a", Value::Int(1))])
        );
        let e = err("%YAML 1.2\n---\na: 1\n", Dialect::Helm);
        assert_eq!((e.line, e.message.as_str()), (1, "found incompatible YAML document"));
        assert!(parse_stream("%YAML 1.1\n---\na: 1\n", Dialect::Kustomize, "x").is_err());
        // A piece may not start with `...`; the stream may not in either dialect.
        assert!(parse_stream("a: 1\n---\n...\n", Dialect::Kustomize, "x").is_err());
        assert!(parse_stream("a: 1\n---\n...\n", Dialect::Helm, "x").is_ok());
        assert!(parse_stream("# c\n...\n---\na: 1\n", Dialect::Helm, "x").is_err());
        // A kept block at the end of a piece keeps the newline the cut took.
        assert_eq!(
            docs("a: |+\n  x\n\n---\nb: 1\n", Dialect::Kustomize)[0].value,
            map(&[("a", s("x\n\n"))])
        );
    }

    #[test]
    fn lists_in_files_of_several_pieces_lose_their_styles() {
        let list = "apiVersion: v1\nkind: List\nitems:\n- a: {b: }\n";
        let item = |d: &ParsedDoc| d.value.get("items").unwrap().as_seq().unwrap()[0].clone();
        // Alone, kyaml unwraps it keeping styles: kustomize's round trip applies.
        assert_eq!(
            item(&docs(list, Dialect::Kustomize)[0]),
            map(&[("a", map(&[("b", s(""))]))])
        );
        // Otherwise its items are rebuilt from JSON.
        let two = docs(&format!("{list}---\nx: 1\n"), Dialect::Kustomize);
        assert_eq!(item(&two[0]), map(&[("a", map(&[("b", Value::Null)]))]));
        let foo = docs(&list.replace("kind: List", "kind: FooList"), Dialect::Kustomize);
        assert_eq!(item(&foo[0]), map(&[("a", map(&[("b", Value::Null)]))]));
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
        // An empty value in a flow mapping comes out of kustomize as "" (see `kyaml.rs`).
        assert_eq!(v.get("f"), Some(&map(&[("g", s("")), ("h", Value::Null)])));
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

    /// Integral floats come back as ints: kustomize's output is JSON re-read by go-yaml v2.
    fn normalize(v: Value) -> Value {
        match v {
            // kustomize prints an integral float as the integer its JSON text spells.
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => {
                let json = f.to_string();
                match (json.parse::<i64>(), json.parse::<u64>()) {
                    (Ok(i), _) => Value::Int(i),
                    (_, Ok(u)) => Value::Uint(u),
                    _ => Value::Float(f),
                }
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
