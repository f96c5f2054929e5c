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

use super::keyorder::key_cmp;
use super::number::float_scalar;
use super::parse::Dialect;
use super::resolve::{Kind, resolve_kind};
use super::value::Value;

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
        s.chars().any(|c| matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF))
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
        Emitter { out: String::new(), indent: -1, indents: Vec::new(), column: 0, whitespace: true, indention: true }
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

    fn write_plain(&mut self, s: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && chars.get(i + 1) != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < chars.len() - 1
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        // go-yaml's `is_bom` looks at the start of the value, not at the current character,
        // so a string that starts with a BOM has every character escaped (`"\uFEFF\x43"`).
        let escape_all = s.starts_with('\u{FEFF}');
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{B}' => self.put('v'),
                    '\u{C}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1B}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for ch in format!("{v:0width$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != chars.len() - 1 {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        // Indentation hint when the content starts with a space or a break.
        if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        // Chomping: '-' without a final break, '+' with more than one.
        let chomp = match chars.last() {
            None => Some('-'),
            Some(c) if !is_break(*c) => Some('-'),
            Some(_) if chars.len() == 1 => Some('+'),
            Some(_) if is_break(chars[chars.len() - 2]) => Some('+'),
            Some(_) => None,
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }
}

/// kustomize's JSON text keeps NEL (U+0085) raw, and go-yaml v2 then reads it inside a
/// double-quoted scalar as a line break and folds it: white space around the break is
/// dropped, one break becomes a space, each further break a newline.
fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\u{85}' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        while out.ends_with([' ', '\t']) {
            out.pop();
        }
        let mut breaks = 0;
        while i < chars.len() && matches!(chars[i], '\u{85}' | ' ' | '\t') {
            if chars[i] == '\u{85}' {
                breaks += 1;
            }
            i += 1;
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', breaks - 1));
        }
    }
    out
}

/// A key prints as `key:` unless it is long or spans lines (then `? key` / `: value`).
fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.chars().any(is_break)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's printable set (with unicode output on).
pub(super) fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's scalar analysis, reduced to what block context needs.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis { multiline: false, block_plain_allowed: true, single_quoted_allowed: true, block_allowed: false };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = i + 1 >= n || matches!(chars[i + 1], ' ' | '\t') || is_break(chars[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    block_indicators = true
                }
                '?' | ':' if followed_by_whitespace => block_indicators = true,
                '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    let mut a = Analysis { multiline: line_breaks, block_plain_allowed: true, single_quoted_allowed: true, block_allowed: true };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Whether go-yaml v2 would read `s`, unquoted, back as a string (its `resolve`, which the
/// Helm dialect's reader shares: `1e400` overflows and stays a string, `2024-02-30` is no
/// date, `2001-12-14  21:59:43` is one).
fn resolves_to_string(s: &str) -> bool {
    matches!(resolve_kind(s, Dialect::Helm, true), Kind::Str)
}

/// YAML 1.1 base-60 floats (`1:20`, `-3:25:45.5`), which v2 quotes for other readers.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = 0;
    if b[0] == b'+' || b[0] == b'-' {
        i = 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let g = &s[start..i];
        let ok = match g.len() {
            1 => true,
            2 => g.as_bytes()[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Map;

    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Map>())
    }

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn block_layout() {
        let doc = m(&[
            ("kind", s("ConfigMap")),
            ("list", Value::Seq(vec![s("a"), m(&[("b", s("c")), ("a", Value::Int(1))]), Value::Seq(vec![s("x"), s("y")])])),
            ("empty", Value::Map(Map::new())),
            ("none", Value::Seq(vec![])),
            ("nested", m(&[("k", Value::Null), ("t", Value::Bool(true))])),
        ]);
        assert_eq!(
            to_string(&doc),
            "empty: {}\nkind: ConfigMap\nlist:\n- a\n- a: 1\n  b: c\n- - x\n  - \"y\"\nnested:\n  k: null\n  t: true\nnone: []\n"
        );
    }

    #[test]
    fn quoting_matches_kustomize() {
        let cases = [
            ("on", "\"on\""),
            ("7472", "\"7472\""),
            ("a: b", "'a: b'"),
            ("*x", "'*x'"),
            ("'x'", "'''x'''"),
            ("\"x\"", "'\"x\"'"),
            ("a\tb", "\"a\\tb\""),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("", "\"\""),
            ("1:20", "\"1:20\""),
            ("2024-01-01", "\"2024-01-01\""),
            ("2024-01-01T00:00:00Z", "\"2024-01-01T00:00:00Z\""),
            (".", "."),
            ("~", "\"~\""),
            ("1e3", "\"1e3\""),
            ("a\u{1}b", "\"a\\x01b\""),
            ("😀", "\"\\U0001F600\""),
            ("h\u{e9}llo", "h\u{e9}llo"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("0x1G", "0x1G"),
            ("0b101", "\"0b101\""),
            ("<<", "<<"),
        ];
        for (input, want) in cases {
            assert_eq!(to_string(&m(&[("k", s(input))])), format!("k: {want}\n"), "input {input:?}");
        }
    }

    #[test]
    fn quoting_follows_v2_resolve() {
        // Each row checked with `kubectl kustomize`.
        let cases = [
            // Out of float range: v2 reads a string, so it prints plain.
            ("1e400", "1e400"),
            ("-1e400", "-1e400"),
            (".5e400", ".5e400"),
            ("1e4", "\"1e4\""),
            // Not a date (February 30th), or a date with a run of spaces before the time.
            ("2024-02-30", "2024-02-30"),
            ("2001-12-14  21:59:43", "\"2001-12-14  21:59:43\""),
            ("2001-12-14 21:59:43.10", "\"2001-12-14 21:59:43.10\""),
            ("2024-1-2", "\"2024-1-2\""),
            ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),
            ("0o17", "\"0o17\""),
            ("0O17", "\"0O17\""),
            ("1_000", "\"1_000\""),
            ("._5", "._5"),
        ];
        for (input, want) in cases {
            assert_eq!(to_string(&m(&[("k", s(input))])), format!("k: {want}\n"), "input {input:?}");
        }
    }

    #[test]
    fn leading_bom_escapes_every_character() {
        // go-yaml's `is_bom` checks the value's start at every position.
        assert_eq!(to_string(&m(&[("\u{FEFF}C", s("a"))])), "\"\\uFEFF\\x43\": a\n");
        assert_eq!(
            to_string(&m(&[("k", s("\u{FEFF}\u{fc} x\n\u{1F600}\"\\"))])),
            "k: \"\\uFEFF\\xFC\\x20\\x78\\n\\U0001F600\\\"\\\\\"\n"
        );
        // Elsewhere only the BOM itself is escaped.
        assert_eq!(to_string(&m(&[("k", s("a\u{FEFF}b"))])), "k: \"a\\uFEFFb\"\n");
    }

    #[test]
    fn literal_blocks() {
        assert_eq!(to_string(&m(&[("k", s("a\nb\n"))])), "k: |\n  a\n  b\n");
        assert_eq!(to_string(&m(&[("k", s("a\nb"))])), "k: |-\n  a\n  b\n");
        assert_eq!(to_string(&m(&[("k", s("a\nb\n\n"))])), "k: |+\n  a\n  b\n\n");
        assert_eq!(to_string(&m(&[("k", s("  x\ny\n"))])), "k: |2\n    x\n  y\n");
        assert_eq!(to_string(&m(&[("k", s("abc  \nd"))])), "k: \"abc  \\nd\"\n");
    }

    #[test]
    fn folds_long_lines() {
        let long = "this is a very long string that goes on and on and on and on past the eighty column limit of go-yaml v2 for sure";
        assert_eq!(
            to_string(&m(&[("data", m(&[("long", s(long))]))])),
            "data:\n  long: this is a very long string that goes on and on and on and on past the eighty\n    column limit of go-yaml v2 for sure\n"
        );
    }

    #[test]
    fn nel_folds_like_a_double_quoted_break() {
        assert_eq!(to_string(&m(&[("k", s("a\u{85}b"))])), "k: a b\n");
        assert_eq!(to_string(&m(&[("k", s("a \u{85}\u{85} b"))])), "k: |-\n  a\n  b\n");
    }

    #[test]
    fn stream_separators() {
        assert_eq!(to_stream(&[m(&[("a", Value::Int(1))]), m(&[("b", Value::Int(2))])]), "a: 1\n---\nb: 2\n");
    }
}
