//! Scalar events: the source checks that make saphyr's scanner agree with go-yaml's, what
//! kustomize's round trip does to the text (Kustomize dialect), then resolution as a key or
//! a value.

use std::borrow::Cow;

use saphyr_parser::{ScalarStyle, Span, Tag};

use super::super::kyaml;
use super::super::source::{self, CANNOT_START_TOKEN};
use super::{Anchor, Builder, Dialect, Frame, PendingKey};
use crate::yaml::resolve::{Kind, ScalarTag, resolve_key, resolve_kind, resolve_scalar};
use crate::yaml::value::Value;

const FLOW_QUESTION_MARK: &str = "did not find expected ',' or ']' (a `?` in a plain scalar in a flow collection)";

impl Builder<'_, '_> {
    pub(super) fn on_scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        span: Span,
        line: usize,
    ) -> Result<(), String> {
        let plain = style == ScalarStyle::Plain;
        // An empty document is an empty plain scalar: it has no content line.
        if !(self.stack.is_empty() && text.is_empty() && plain && tag.is_none() && anchor == 0) {
            self.doc_line.get_or_insert(line);
        }
        self.nodes += 1;
        let tag_took_comma = self.check_source(&text, style, anchor != 0 || tag.is_some(), span)?;
        let mut tag = tag.map_or(ScalarTag::None, |t| ScalarTag::from_parts(&t.handle, &t.suffix));
        if self.take_tagged_item() {
            // The tag go-yaml read, `!!str,`, is no core tag: the text stays a string.
            tag = ScalarTag::Other;
        }
        if tag_took_comma {
            match self.stack.last() {
                Some(Frame::Seq(_)) if text.is_empty() && plain => self.tag_took_comma = Some(self.stack.len()),
                // go-yaml tags the next key or value and then finds no `,` or `}`.
                _ => return Err("did not find expected ',' or '}'".to_string()),
            }
        }
        let wants_key = self.wants_key();
        if plain && text.len() > 1 && text.starts_with('?') && self.layout().is_some_and(|l| l.flow) {
            return self.flow_question_key(&text[1..], wants_key);
        }
        let text = if wants_key && plain && self.colon_ends_flow_key(span) {
            // go-yaml ends a plain scalar at `:` only before a blank: `{a:}` has the key
            // "a:" (saphyr reads "a" and a value indicator); the value is empty either way.
            Cow::Owned(format!("{text}:"))
        } else {
            text
        };
        let text = if self.kyaml {
            self.round_trip(text, style, wants_key)?
        } else {
            text
        };
        if anchor != 0 {
            // Rare: keep what the scalar gives both as a value and as a key.
            let key = resolve_key(Cow::Borrowed(&text), plain, tag, self.dialect)?;
            let value = self.value(Cow::Borrowed(&text), plain, tag)?;
            self.anchors.insert(
                anchor,
                Anchor {
                    value,
                    size: 1,
                    key: Some(key),
                },
            );
        }
        if wants_key {
            self.key(text, plain, tag, line)
        } else {
            let value = self.value(text, plain, tag)?;
            self.attach(value)
        }
    }

    /// A scalar read as a mapping key.
    ///
    /// Key rules beyond the dialect's resolution (`resolve_key`):
    /// - a plain `<<` (or a `!!merge` key) merges its value;
    /// - Kustomize: kyaml removes the first key written `<<` of a mapping, merge key or not,
    ///   so a quoted `"<<"` that comes first is dropped with its value;
    /// - Kustomize: at the top level kustomize reads keys into strings, where a null key
    ///   fails (plain) or vanishes (`!!null`); below it, a key go-yaml v3 does not tag
    ///   `!!str` fails the document (see `Builder::ensure_string_keys`).
    fn key(&mut self, text: Cow<'_, str>, plain: bool, tag: ScalarTag, line: usize) -> Result<(), String> {
        let merge = match tag {
            ScalarTag::None | ScalarTag::NonSpecific => plain && &*text == "<<",
            ScalarTag::Merge => true,
            _ => false,
        };
        if merge {
            return self.start_merge();
        }
        let kustomize = self.dialect == Dialect::Kustomize;
        if kustomize && &*text == "<<" && !self.merge_text_seen() {
            self.discard_next_value(true);
            return Ok(());
        }
        let string = key_is_string(&text, plain, tag);
        if kustomize && self.stack.len() == 1 && !string {
            if tag == ScalarTag::Null {
                self.discard_next_value(false);
                return Ok(());
            }
            if resolve_scalar(Cow::Borrowed(&text), plain, tag, self.dialect)? == Value::Null {
                return Err(format!("mapping key {text:?} is null"));
            }
        }
        let key = resolve_key(text, plain, tag, self.dialect)?;
        if !string {
            self.note_nonstring_key(&key, line);
        }
        self.insert_key(key)
    }

    /// What go-yaml's scanner refuses that saphyr's accepts (see `source.rs`); returns
    /// whether go-yaml's tag took in the `,` after it.
    fn check_source(&self, text: &str, style: ScalarStyle, properties: bool, span: Span) -> Result<bool, String> {
        let src = self.source.text();
        let start = || self.source.byte(span.start.index());
        let tag_took_comma =
            properties && source::ensure_properties(src, start(), self.layout().is_some_and(|l| l.flow))?;
        match style {
            ScalarStyle::DoubleQuoted if text.contains('/') => source::ensure_escapes(src, start()),
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let parent = self.layout().map_or(-1, |l| l.indent);
                source::ensure_block_indentation(src, start(), properties, parent)
            }
            // In block context `|` and `>` start block scalars; saphyr takes them as plain
            // text in flow context, where go-yaml refuses them.
            ScalarStyle::Plain if text.starts_with(['|', '>']) => Err(CANNOT_START_TOKEN.to_string()),
            // go-yaml ends a plain scalar at any `?` in flow context (and then fails), where
            // saphyr reads on: `[http://x/?q=1]`. A leading `?` is a key indicator to go-yaml
            // (see `Builder::flow_question_key`).
            ScalarStyle::Plain
                if text.strip_prefix('?').unwrap_or(text).contains('?') && self.layout().is_some_and(|l| l.flow) =>
            {
                Err(FLOW_QUESTION_MARK.to_string())
            }
            _ => Ok(()),
        }?;
        Ok(tag_took_comma)
    }

    /// The text kustomize prints after its own write-and-read of a block scalar.
    fn round_trip<'a>(&self, text: Cow<'a, str>, style: ScalarStyle, key: bool) -> Result<Cow<'a, str>, String> {
        match style {
            ScalarStyle::Literal => {
                kyaml::ensure_block_round_trip(&text, key)?;
                Ok(text)
            }
            ScalarStyle::Folded => {
                kyaml::ensure_block_round_trip(&text, key)?;
                let column = self.layout().map_or(0, |l| l.out_indent) + kyaml::INDENT;
                Ok(Cow::Owned(kyaml::folded_round_trip(&text, column, key)))
            }
            _ => Ok(text),
        }
    }

    /// Resolves a value; in a flow collection (Kustomize dialect), a plain scalar that go-yaml
    /// v3 must quote to write (an empty null, a timestamp with `:`) comes back as its text.
    fn value(&self, text: Cow<'_, str>, plain: bool, tag: ScalarTag) -> Result<Value, String> {
        let quoted_on_write = self.kyaml
            && plain
            && matches!(tag, ScalarTag::None | ScalarTag::NonSpecific)
            && self.layout().is_some_and(|l| l.flow)
            && !kyaml::flow_plain_allowed(&text);
        if quoted_on_write {
            return Ok(Value::String(text.into_owned()));
        }
        resolve_scalar(text, plain, tag, self.dialect)
    }

    /// A plain scalar `?rest` in a flow collection, which go-yaml reads as a key indicator
    /// and the key `rest`: a key in a flow mapping, a one-entry mapping `{rest: }` in a flow
    /// list; anywhere else go-yaml fails.
    fn flow_question_key(&mut self, rest: &str, wants_key: bool) -> Result<(), String> {
        if wants_key {
            let key = resolve_key(Cow::Borrowed(rest), true, ScalarTag::None, self.dialect)?;
            return self.insert_key(key);
        }
        if !matches!(self.stack.last(), Some(Frame::Seq(_))) {
            return Err(FLOW_QUESTION_MARK.to_string());
        }
        let key = resolve_key(Cow::Borrowed(rest), true, ScalarTag::None, self.dialect)?;
        // The empty value as the pair's own flow collection reads it.
        let value = if self.kyaml {
            Value::String(String::new())
        } else {
            Value::Null
        };
        self.attach(Value::Map(std::iter::once((key, value)).collect()))
    }

    /// Whether the plain key at `span`, in a flow mapping, is followed right away by `:`
    /// and `,` or `}`.
    fn colon_ends_flow_key(&self, span: Span) -> bool {
        if !self.layout().is_some_and(|l| l.flow) {
            return false;
        }
        let at = self.source.byte(span.end.index());
        let after = self.source.text().as_bytes().get(at..at + 2);
        matches!(after, Some([b':', b',' | b'}']))
    }

    /// Whether the innermost mapping already has a key written `<<`.
    fn merge_text_seen(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(m)) if m.has_merge_text)
    }

    /// Drops the entry whose key was just read; `merge_text` says the key was written `<<`.
    fn discard_next_value(&mut self, merge_text: bool) {
        if let Some(Frame::Map(m)) = self.stack.last_mut() {
            m.has_merge_text |= merge_text;
            m.key = Some(PendingKey::Discard);
        }
    }
}

/// Whether go-yaml v3 tags a key `!!str`: quoted and block keys, plain keys that resolve to
/// strings, and `!!str` keys. Any other tag, custom ones too, is not a string.
fn key_is_string(text: &str, plain: bool, tag: ScalarTag) -> bool {
    match tag {
        ScalarTag::Str => true,
        ScalarTag::None | ScalarTag::NonSpecific => !plain || resolve_kind(text, Dialect::Kustomize, true) == Kind::Str,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testutil::*;
    use super::*;
    use crate::yaml::parse::parse_stream;

    #[test]
    fn escapes_follow_go_yaml() {
        assert_eq!(k("a: \"it\\'s\"\n").get("a"), Some(&s("it's")));
        assert_eq!(h("a: \"\\'\\'\"\n").get("a"), Some(&s("''")));
        assert_eq!(k("a: \"x\\'y\\'z\"\nb: \"\\'\"\n").get("b"), Some(&s("'")));
        let e = err("a: 1\nb: \"p\\/q\"\n", Dialect::Kustomize);
        assert_eq!((e.line, e.message.as_str()), (2, "found unknown escape character"));
        assert!(parse_stream("a: \"\\q\"\n", Dialect::Helm, "x").is_err());
    }

    #[test]
    fn tabs_where_indentation_is_expected_fail() {
        for text in ["a: |\n   \tx\n", "a: >-\n\n  \t\n  x\n", "a:\n- |\n  \tx\n"] {
            let e = err(text, Dialect::Kustomize);
            assert_eq!(e.message, source::TAB_INDENT, "{text:?}");
            assert!(parse_stream(text, Dialect::Helm, "x").is_err(), "{text:?}");
        }
        // Past the indentation a tab is content (kustomize then fails on a block starting
        // with one, see `block_scalars_as_kustomize_prints_them`).
        assert_eq!(h("a: |2\n  \tx\n").get("a"), Some(&s("\tx\n")));
        assert_eq!(k("a: |\n  x\n  \ty\n").get("a"), Some(&s("x\n\ty\n")));
        // An indentation indicator counts from the enclosing collection: a list under a key
        // sits at the key's column.
        assert_eq!(
            k("a:\n  b:\n  - |3\n\n     \tx\n").get("a"),
            Some(&map(&[("b", Value::Seq(vec![s("\n\tx\n")]))]))
        );
        assert_eq!(
            k("a:\n  - |3\n\n       \tx\n").get("a"),
            Some(&Value::Seq(vec![s("\n  \tx\n")]))
        );
        assert!(parse_stream("a:\n- |3\n\n  \tx\n", Dialect::Kustomize, "x").is_err());
    }

    #[test]
    fn flow_plain_scalars_cannot_start_with_block_indicators() {
        let e = err("a: [|x]\n", Dialect::Kustomize);
        assert_eq!(e.message, CANNOT_START_TOKEN);
        assert!(parse_stream("a: {b: >}\n", Dialect::Helm, "x").is_err());
        assert_eq!(k("a: [x|y]\n").get("a"), Some(&Value::Seq(vec![s("x|y")])));
    }

    #[test]
    fn question_marks_end_flow_plain_scalars() {
        for text in ["a: [http://x/p?q=1]\n", "a: {k: a?b}\n", "a: {b?: 1}\n", "a: {k: ?b}\n"] {
            assert_eq!(err(text, Dialect::Kustomize).message, FLOW_QUESTION_MARK, "{text:?}");
            assert!(parse_stream(text, Dialect::Helm, "x").is_err(), "{text:?}");
        }
        assert_eq!(
            k("a: http://x/p?q=1\nb: [\"?\", '?']\n").get("a"),
            Some(&s("http://x/p?q=1"))
        );
        // A leading `?` is a key indicator: checked with `kubectl kustomize`, `[[?x y]]`
        // prints `- - x y: ""`.
        let pair = |v: Value| map(&[("x y", v)]);
        assert_eq!(
            k("a: [[?x y]]\n").get("a"),
            Some(&Value::Seq(vec![Value::Seq(vec![pair(s(""))])]))
        );
        assert_eq!(h("a: [?x y]\n").get("a"), Some(&Value::Seq(vec![pair(Value::Null)])));
        assert_eq!(k("a: {?x y: 1}\n").get("a"), Some(&pair(Value::Int(1))));
    }

    #[test]
    fn colons_before_flow_indicators_stay_in_keys() {
        // Checked with `kubectl kustomize`: `{XNqi:}` prints `'XNqi:': ""`.
        assert_eq!(k("a: {x:}\n").get("a"), Some(&map(&[("x:", s(""))])));
        assert_eq!(keys(k("a: {x:, y: 1, \"z\":}\n").get("a").unwrap()), ["x:", "y", "z"]);
        assert_eq!(h("a: {x:}\n").get("a"), Some(&map(&[("x:", Value::Null)])));
    }

    #[test]
    fn a_tag_before_a_comma_moves_to_the_next_item() {
        // Checked with `kubectl kustomize`: `[!!str,\n "08"]` prints one item, "08".
        assert_eq!(
            k("a: [!!str, 08, 1]\n").get("a"),
            Some(&Value::Seq(vec![s("08"), Value::Int(1)]))
        );
        assert_eq!(
            k("a: [x, !!str, [1]]\n").get("a"),
            Some(&Value::Seq(vec![s("x"), Value::Seq(vec![Value::Int(1)])]))
        );
        // go-yaml's tag takes the `]` too, and the list never ends.
        assert!(parse_stream("a: [!!str,]\n", Dialect::Kustomize, "x").is_err());
        assert!(parse_stream("a: {b: !!str, c: 1}\n", Dialect::Kustomize, "x").is_err());
        assert_eq!(
            k("a: [!!str , 1]\n").get("a"),
            Some(&Value::Seq(vec![s(""), Value::Int(1)]))
        );
    }

    #[test]
    fn properties_follow_go_yaml() {
        assert!(parse_stream("a: &x.y 1\n", Dialect::Kustomize, "x").is_err());
        assert!(parse_stream("a: {k: !!null}\n", Dialect::Kustomize, "x").is_err());
        assert!(parse_stream("a: [&x 1, *x]\n", Dialect::Kustomize, "x").is_ok());
        assert!(parse_stream("a: &x {b: 1}\nc: *x\n", Dialect::Helm, "x").is_ok());
        assert!(parse_stream("a: [b, !!str]\n", Dialect::Kustomize, "x").is_err());
    }

    #[test]
    fn block_scalars_as_kustomize_prints_them() {
        let v = k("a: >+\n  x\n\nb: >-\n  p\n  q\n    r\n  s\nc: |\n  x\n");
        assert_eq!(v.get("a"), Some(&s("x\n\n\n")));
        assert_eq!(v.get("b"), Some(&s("p q\n\n  r\ns")));
        assert_eq!(v.get("c"), Some(&s("x\n")));
        // Helm reads the same text without kustomize's round trip.
        assert_eq!(h("b: >-\n  p\n  q\n    r\n  s\n").get("b"), Some(&s("p q\n  r\ns")));
        let e = err("a: |2\n  \tx\n  y\n", Dialect::Kustomize);
        assert_eq!(e.message, source::TAB_INDENT);
        assert_eq!(h("a: |2\n  \tx\n").get("a"), Some(&s("\tx\n")));
    }

    #[test]
    fn flow_plain_scalars_that_v3_quotes_become_strings() {
        let v = k("a: {b: , c: ~, d: 2001-12-14 21:59:43.10, e: 2024-01-01, f: 1}\ng: [x, {h}]\ni:\n");
        let a = v.get("a").unwrap();
        assert_eq!(a.get("b"), Some(&s("")));
        assert_eq!(a.get("c"), Some(&Value::Null));
        assert_eq!(a.get("d"), Some(&s("2001-12-14 21:59:43.10")));
        assert_eq!(a.get("e"), Some(&s("2024-01-01T00:00:00Z")));
        assert_eq!(a.get("f"), Some(&Value::Int(1)));
        assert_eq!(v.get("g"), Some(&Value::Seq(vec![s("x"), map(&[("h", s(""))])])));
        assert_eq!(v.get("i"), Some(&Value::Null));
        // Tagged nodes keep their tag through the round trip.
        assert_eq!(
            k("a: [!!null '', !!timestamp 2001-12-14 21:59:43]\n")
                .get("a")
                .unwrap()
                .as_seq()
                .unwrap()[0],
            Value::Null
        );
        assert_eq!(h("a: {b: }\n").get("a"), Some(&map(&[("b", Value::Null)])));
    }

    #[test]
    fn non_string_keys_below_the_top_level_fail_in_kustomize() {
        for text in [
            "a:\n  1: x\n",
            "a: {true: x}\n",
            "a:\n- b: 1\n  2024-01-01: x\n",
            "a: {!foo b: 1}\n",
            "a: {~: 1}\n",
        ] {
            let e = err(text, Dialect::Kustomize);
            assert!(
                e.message.ends_with("is not a string below the top level"),
                "{text:?}: {e}"
            );
            assert!(parse_stream(text, Dialect::Helm, "x").is_ok(), "{text:?}");
        }
        let e = err("a: 1\nb:\n  c: 1\n  0x1F: 2\n", Dialect::Kustomize);
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "mapping key \"0x1F\" is not a string below the top level")
        );
        assert_eq!(
            keys(&k("1: a\n0x1F: b\nc: {\"1\": x, !!str 2: y, '3': z}\n")),
            ["1", "0x1F", "c"]
        );
        assert!(parse_stream("c: {!!binary YQ==: w}\n", Dialect::Kustomize, "x").is_err());
        // The top level of an item kyaml unwraps from a lone `kind: List` is free.
        let list = "kind: List\nitems:\n- 1: x\n  b: {c: 1}\n";
        assert!(parse_stream(list, Dialect::Kustomize, "x").is_ok());
        assert!(parse_stream(&format!("{list}---\nd: 1\n"), Dialect::Kustomize, "x").is_err());
        assert!(parse_stream("kind: List\nitems:\n- b: {1: x}\n", Dialect::Kustomize, "x").is_err());
        // Null keys at the top level: plain ones fail, tagged ones are dropped.
        assert_eq!(err("a: 1\n~: 2\n", Dialect::Kustomize).line, 2);
        assert_eq!(keys(&k("a: 1\n!!null '': 2\n")), ["a"]);
    }

    #[test]
    fn quoted_merge_text_is_dropped_in_kustomize() {
        let v = k("a:\n  b: 2\n  \"<<\": {x: 1}\n  c: 3\n");
        assert_eq!(v.get("a"), Some(&map(&[("b", Value::Int(2)), ("c", Value::Int(3))])));
        let v = k("a: {'<<': [], b: 1, \"<<\": 2}\n");
        assert_eq!(keys(v.get("a").unwrap()), ["b", "<<"]);
        let v = k("a:\n  !!str <<: x\n  <<: {y: 1}\n");
        assert_eq!(v.get("a"), Some(&map(&[("y", Value::Int(1))])));
        assert_eq!(keys(h("a: {\"<<\": 1}\n").get("a").unwrap()), ["<<"]);
    }
}
