//! Turns parser events into documents: one pass, no recursion, each list and mapping
//! allocated once at its final size. Aliases are expanded against a node budget and
//! duplicate keys refused here; scalars are read in `scalar.rs`, `<<` merges applied in
//! `merge.rs`.

mod merge;
mod scalar;

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use saphyr_parser::{Event, Span};

use super::source::{Source, ensure_properties};
use super::{Dialect, Limits, ParsedDoc};
use crate::yaml::value::{Map, Value};

/// A mapping key waiting for its value.
enum PendingKey {
    /// The value goes to this entry of [`Builder::entries`] (the key is in, holding null).
    Entry(usize),
    /// The value is merged into the mapping (`<<`).
    Merge,
    /// The entry is dropped (kustomize drops a quoted `"<<"` key, see `merge.rs`).
    Discard,
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
    /// Whether a `<<` merge key was seen (a second one is a duplicate key).
    has_merge: bool,
    /// Whether any key written `<<` was seen, merge or quoted.
    has_merge_text: bool,
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
    layout: Layout,
}

/// Where a collection sits in the text, and where kustomize's writer puts it.
#[derive(Clone, Copy)]
struct Layout {
    /// Written in flow style (`{}`/`[]`), or inside such a collection.
    flow: bool,
    /// go-yaml's block indentation level inside it (-1 outside any block collection).
    indent: isize,
    /// The column go-yaml v3 writes its keys or dashes at (compact lists).
    out_indent: usize,
}

/// A key kustomize cannot print, found below the top level.
struct NonStringKey {
    line: usize,
    key: String,
    /// At the top level of an item of a top-level `items` list.
    item_top: bool,
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

const COMPLEX_KEY: &str = "mapping keys must be scalars";

/// What an anchor stands for.
struct Anchor {
    value: Value,
    /// Nodes in the subtree, counting expanded aliases.
    size: usize,
    /// For a scalar, the text it gives as a mapping key; `None` for a collection.
    key: Option<String>,
}

/// Turns parser events into documents.
pub(super) struct Builder<'l, 't> {
    dialect: Dialect,
    /// Apply what kustomize's own write-and-read does to scalars (see `kyaml.rs`).
    kyaml: bool,
    /// Kustomize: a `kind: List` document is unwrapped by kyaml's reader, so its items'
    /// top-level keys may be non-strings (the stream is one kyaml piece).
    unwrap_lists: bool,
    /// Kustomize: the first key of the document go-yaml v3 would not tag `!!str`, below the
    /// top level (kustomize cannot turn its mapping into JSON).
    nonstring_key: Option<NonStringKey>,
    /// The line an error is about, when not the current event's.
    pub(super) error_line: Option<usize>,
    /// The depth of the flow list whose last item is an empty node whose tag took in the
    /// `,` after it: go-yaml gives that tag to the next item instead.
    tag_took_comma: Option<usize>,
    limits: &'l Limits,
    source: Source<'t>,
    pub(super) docs: Vec<ParsedDoc>,
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
    pub(super) alias_nodes: usize,
}

impl<'l, 't> Builder<'l, 't> {
    /// A builder for `text`; `kyaml` applies kustomize's round trip, `unwrap_lists` says
    /// a `kind: List` is unwrapped by kyaml's reader (Kustomize dialect).
    pub(super) fn new(dialect: Dialect, limits: &'l Limits, text: &'t str, kyaml: bool, unwrap_lists: bool) -> Self {
        Builder {
            dialect,
            kyaml: kyaml && dialect == Dialect::Kustomize,
            unwrap_lists,
            nonstring_key: None,
            error_line: None,
            tag_took_comma: None,
            limits,
            source: Source::new(text),
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

    /// Handles one event found at `span`, on 1-based `line`; returns true at the end of the
    /// stream.
    pub(super) fn on_event(&mut self, event: Event<'_>, span: Span, line: usize) -> Result<bool, String> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.root = None;
                self.doc_line = None;
                self.doc_start_line = line;
                self.nonstring_key = None;
                // Aliases never reach into another document.
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                let value = self.root.take().unwrap_or(Value::Null);
                self.ensure_string_keys(&value)?;
                let line = self.doc_line.take().unwrap_or(self.doc_start_line);
                self.docs.push(ParsedDoc { value, line });
            }
            Event::Scalar(text, style, anchor, tag) => self.on_scalar(text, style, anchor, tag, span, line)?,
            Event::Alias(id) => {
                self.doc_line.get_or_insert(line);
                let in_flow = self.layout().is_some_and(|l| l.flow);
                ensure_properties(self.source.text(), self.source.byte(span.start.index()), in_flow)?;
                self.take_tagged_item();
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
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                self.doc_line.get_or_insert(line);
                if anchor != 0 || tag.is_some() {
                    let in_flow = self.layout().is_some_and(|l| l.flow);
                    ensure_properties(self.source.text(), self.source.byte(span.start.index()), in_flow)?;
                }
                self.take_tagged_item();
                let is_map = matches!(event, Event::MappingStart(..));
                let open = self.open(anchor, span, is_map)?;
                let frame = if is_map {
                    Frame::Map(MapFrame {
                        start: self.entries.len(),
                        open,
                        key: None,
                        has_merge: false,
                        has_merge_text: false,
                        deferred_merges: Vec::new(),
                        hashes: None,
                    })
                } else {
                    Frame::Seq(SeqFrame {
                        start: self.items.len(),
                        open,
                    })
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if self.tag_took_comma == Some(self.stack.len()) {
                    // Nothing followed: the empty tagged item stays.
                    self.tag_took_comma = None;
                }
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

    /// Fails on a non-string key below the top level, as kustomize does when it turns the
    /// object into JSON (`json: unsupported type: map[interface {}]interface {}`). The items
    /// of a `kind: List` kyaml unwraps are objects of their own: their top level is free.
    fn ensure_string_keys(&mut self, doc: &Value) -> Result<(), String> {
        let Some(found) = self.nonstring_key.take() else {
            return Ok(());
        };
        let unwrapped =
            self.unwrap_lists && doc.get("kind").and_then(Value::as_str) == Some("List") && doc.get("items").is_some();
        if found.item_top && unwrapped {
            return Ok(());
        }
        self.error_line = Some(found.line);
        Err(format!(
            "mapping key {:?} is not a string below the top level",
            found.key
        ))
    }

    /// Records a key go-yaml v3 does not read as a string, at this depth.
    fn note_nonstring_key(&mut self, key: &str, line: usize) {
        if self.dialect != Dialect::Kustomize || self.stack.len() < 2 || self.nonstring_key.is_some() {
            return;
        }
        let item_top = self.stack.len() == 3
            && matches!(self.stack[1], Frame::Seq(_))
            && matches!(&self.stack[0], Frame::Map(m)
                if matches!(m.key, Some(PendingKey::Entry(i)) if self.entries[i].key == "items"));
        self.nonstring_key = Some(NonStringKey {
            line,
            key: key.to_string(),
            item_top,
        });
    }

    /// Drops the empty item whose tag go-yaml moved onto the node now starting (the next
    /// item of the same flow list); returns whether it did.
    fn take_tagged_item(&mut self) -> bool {
        if self.tag_took_comma != Some(self.stack.len()) {
            return false;
        }
        self.tag_took_comma = None;
        self.items.pop();
        true
    }

    /// Whether the next node is a key of the innermost mapping.
    fn wants_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(m)) if m.key.is_none())
    }

    /// The layout of the innermost open collection.
    fn layout(&self) -> Option<Layout> {
        self.stack.last().map(|f| match f {
            Frame::Seq(s) => s.open.layout,
            Frame::Map(m) => m.open.layout,
        })
    }

    /// Checks a collection may start here, counts it and works out its layout.
    fn open(&mut self, anchor: usize, span: Span, is_map: bool) -> Result<Open, String> {
        if self.wants_key() {
            return Err(COMPLEX_KEY.to_string());
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(format!("nesting deeper than {} levels", self.limits.max_depth));
        }
        let nodes_before = self.nodes;
        self.nodes += 1;
        // A flow collection's event ends after its `{`/`[`; a block one's is empty, at its
        // first key or dash, except a list under a key at the key's column (which starts
        // after the dash and its blanks).
        let before = self.source.char_before(span.end.index());
        let flow_start = matches!(before, Some('{' | '[')) && span.end.index() > span.start.index();
        let at_dash = self.source.char_at(span.end.index()) == Some('-');
        let column = if is_map || at_dash {
            span.end.col() as isize
        } else {
            span.end.col() as isize - self.source.dash_before(span.end.index()) as isize
        };
        let parent = self.layout();
        let in_seq = matches!(self.stack.last(), Some(Frame::Seq(_)));
        let layout = match parent {
            None => Layout {
                flow: flow_start,
                indent: if flow_start { -1 } else { column },
                out_indent: 0,
            },
            Some(p) => Layout {
                flow: p.flow || flow_start,
                indent: if p.flow || flow_start {
                    p.indent
                } else {
                    p.indent.max(column)
                },
                // v3 writes a list under a key at the key's column, anything else deeper.
                out_indent: if !is_map && !in_seq {
                    p.out_indent
                } else {
                    p.out_indent + super::kyaml::INDENT
                },
            },
        };
        Ok(Open {
            anchor,
            nodes_before,
            layout,
        })
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

    /// Puts a finished node where it belongs: the document root, a list, or a mapping value.
    fn attach(&mut self, value: Value) -> Result<(), String> {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq(_)) => self.items.push(value),
            Some(Frame::Map(m)) => match m.key.take() {
                Some(PendingKey::Entry(i)) => self.entries[i].value = value,
                Some(PendingKey::Merge) => self.merge(value)?,
                Some(PendingKey::Discard) => {}
                // Scalar and alias keys never get here; collections are refused in `open`.
                None => return Err(COMPLEX_KEY.to_string()),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{parse_stream, parse_stream_with_limits};
    use super::*;

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
    fn helm_keys_that_collide_after_conversion_are_duplicates() {
        let e = err("on: a\ntrue: b\n", Dialect::Helm);
        assert_eq!((e.line, e.message.as_str()), (2, "duplicate key \"true\""));
        // In Kustomize they are different keys.
        assert_eq!(keys(&k("on: a\ntrue: b\n")), ["on", "true"]);
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
        // Anchors do not cross documents (in the Kustomize dialect, saphyr sees each piece
        // on its own).
        let e = err("a: &x 1\n---\nb: *x\n", Dialect::Helm);
        assert_eq!(
            (e.line, e.message.as_str()),
            (3, "alias refers to an unknown or unfinished anchor")
        );
        let e = err("a: &x 1\n---\nb: *x\n", Dialect::Kustomize);
        assert_eq!(e.line, 3);
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
    fn complex_keys_fail() {
        let e = err("? [a, b]\n: c\n", Dialect::Kustomize);
        assert_eq!((e.line, e.message.as_str()), (1, "mapping keys must be scalars"));
        let e = err("{a: 1}: b\n", Dialect::Helm);
        assert_eq!(e.message, "mapping keys must be scalars");
    }
}
