//! The canonical emitter: prints a [`Value`] exactly as kustomize does, that is as go-yaml
//! v2 marshals the JSON form of the object.
//!
//! Rules, as go-yaml v2 applies them:
//! - mapping keys sorted in v2's natural order ([`super::keyorder`]); block style, two
//!   spaces per level; a list under a key is not indented; empty collections print `{}`/`[]`;
//! - a string that v2 would read back as another type (`"on"`, `"7472"`, `""`, dates,
//!   base-60 numbers) is double-quoted; a string with a line break is a literal block
//!   (`|`, `|-`, `|+`, with an indentation hint when it starts with a space or break);
//! - otherwise plain, falling back to single quotes when an indicator or surrounding
//!   space forbids plain, and to double quotes (with escapes) for non-printable characters;
//! - plain and quoted scalars fold at a space once the line passes 80 columns.
//!
//! The style is chosen in `analysis.rs` (libyaml's scalar analysis, v2's `resolve`) and
//! written in `writers.rs`.

mod analysis;
#[cfg(test)]
mod testutil;
mod writers;

use super::keyorder::key_cmp;
use super::number::float_scalar;
use super::value::Value;
use analysis::{analyze, fold_nel, is_base60_float, is_simple_key, resolves_to_string};

pub(super) use analysis::is_printable;

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

/// Prints one document (ending with a newline, without `---`).
pub fn to_string(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, Ctx::Root);
    // Document end: move to a fresh line.
    e.write_indent();
    e.out
}

/// Prints documents separated by `---` lines, as `kustomize build` does.
pub fn to_stream(docs: &[Value]) -> String {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_string(d));
    }
    out
}

/// Checks that kustomize could print `v`: its JSON-to-YAML step rejects strings holding
/// raw control characters that JSON leaves unescaped (DEL, C1 controls, U+FFFE/U+FFFF).
///
/// # Errors
/// The dotted path of the first offending string.
pub fn ensure_printable(v: &Value) -> Result<(), String> {
    fn bad(s: &str) -> bool {
        s.chars()
            .any(|c| matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF))
    }
    fn walk(v: &Value, path: &mut Vec<String>) -> Result<(), String> {
        match v {
            Value::String(s) if bad(s) => Err(path.join(".")),
            Value::Map(m) => {
                for (k, x) in m {
                    path.push(k.clone());
                    if bad(k) {
                        return Err(path.join("."));
                    }
                    walk(x, path)?;
                    path.pop();
                }
                Ok(())
            }
            Value::Seq(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    walk(x, path)?;
                    path.pop();
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(v, &mut Vec::new())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    SeqItem,
    MapValue,
    SimpleKey,
    ComplexKey,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    indent: i64,
    indents: Vec<i64>,
    column: usize,
    whitespace: bool,
    indention: bool,
}

impl Emitter {
    fn new() -> Self {
        Emitter {
            out: String::new(),
            indent: -1,
            indents: Vec::new(),
            column: 0,
            whitespace: true,
            indention: true,
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, v: &Value, ctx: Ctx) {
        match v {
            Value::Map(m) if m.is_empty() => self.write_indicator("{}", true, false, false),
            Value::Seq(s) if s.is_empty() => self.write_indicator("[]", true, false, false),
            Value::Map(m) => {
                self.increase_indent(false, false);
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_by(|a, b| key_cmp(a.0, b.0));
                for (k, val) in entries {
                    self.write_indent();
                    if is_simple_key(k) {
                        self.string(k, Ctx::SimpleKey);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.string(k, Ctx::ComplexKey);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(val, Ctx::MapValue);
                }
                self.pop_indent();
            }
            Value::Seq(items) => {
                let mapping_context = matches!(ctx, Ctx::MapValue | Ctx::ComplexKey);
                self.increase_indent(false, mapping_context && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::SeqItem);
                }
                self.pop_indent();
            }
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Int(i) => self.scalar(&i.to_string(), Style::Plain, ctx),
            Value::Uint(u) => self.scalar(&u.to_string(), Style::Plain, ctx),
            Value::Float(f) => self.scalar(&float_scalar(*f), Style::Plain, ctx),
            Value::String(s) => self.string(s, ctx),
        }
    }

    /// go-yaml v2's choice of requested style for a string, then the emitter's checks.
    fn string(&mut self, s: &str, ctx: Ctx) {
        if s.contains('\u{85}') {
            let folded = fold_nel(s);
            return self.string_folded(&folded, ctx);
        }
        self.string_folded(s, ctx)
    }

    fn string_folded(&mut self, s: &str, ctx: Ctx) {
        let requested = if s.contains('\n') {
            Style::Literal
        } else if resolves_to_string(s) && !is_base60_float(s) {
            Style::Plain
        } else {
            Style::Double
        };
        self.scalar(s, requested, ctx);
    }

    fn scalar(&mut self, s: &str, requested: Style, ctx: Ctx) {
        let a = analyze(s);
        let simple_key = ctx == Ctx::SimpleKey;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(s, allow_breaks),
            Style::Single => self.write_single(s, allow_breaks),
            Style::Double => self.write_double(s, allow_breaks),
            Style::Literal => self.write_literal(s),
        }
        self.pop_indent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Map;

    use crate::yaml::emit::testutil::{m, s};

    #[test]
    fn block_layout() {
        let doc = m(&[
            ("kind", s("ConfigMap")),
            (
                "list",
                Value::Seq(vec![
                    s("a"),
                    m(&[("b", s("c")), ("a", Value::Int(1))]),
                    Value::Seq(vec![s("x"), s("y")]),
                ]),
            ),
            ("empty", Value::Map(Map::default())),
            ("none", Value::Seq(vec![])),
            ("nested", m(&[("k", Value::Null), ("t", Value::Bool(true))])),
        ]);
        assert_eq!(
            to_string(&doc),
            "empty: {}\nkind: ConfigMap\nlist:\n- a\n- a: 1\n  b: c\n- - x\n  - \"y\"\nnested:\n  k: null\n  t: true\nnone: []\n"
        );
    }

    #[test]
    fn stream_separators() {
        assert_eq!(
            to_stream(&[m(&[("a", Value::Int(1))]), m(&[("b", Value::Int(2))])]),
            "a: 1\n---\nb: 2\n"
        );
    }

    #[test]
    fn nel_folds_like_a_double_quoted_break() {
        assert_eq!(to_string(&m(&[("k", s("a\u{85}b"))])), "k: a b\n");
        assert_eq!(to_string(&m(&[("k", s("a \u{85}\u{85} b"))])), "k: |-\n  a\n  b\n");
    }
}
