//! Text generators for the fast path's differential tests: random trees written in varied
//! styles (indentation widths, lists under keys indented or not, quoting, flow collections,
//! block scalars, comments, blank lines), valid YAML or not, and edits for mutating text.

use crate::yaml::value::{Map, Value};

/// Writes random trees as YAML text in varied styles, from a stream of choices.
pub(super) struct Styler<'c> {
    choices: &'c [u8],
    at: usize,
    out: String,
    width: usize,
    keys: usize,
}

pub(super) const WORDS: &[&str] = &[
    "",
    "a",
    "on",
    "yes",
    "No",
    "true",
    "~",
    "null",
    "0x1F",
    "0777",
    "08",
    "1e3",
    "1_000",
    "+5",
    "-1",
    ".5",
    ".inf",
    "1:20",
    "2024-01-01",
    "2001-12-14 21:59:43.10",
    "<<",
    "x y",
    "a: b",
    "a #b",
    "#c",
    "-",
    "- x",
    "--- x",
    "...",
    "?",
    "?x",
    "x?",
    ":x",
    "x:",
    "a,b",
    "[x]",
    "{x}",
    "'",
    "\"",
    "it's",
    "\\",
    "back\\slash",
    "&a",
    "*a",
    "!t",
    "%x",
    "@x",
    "|",
    ">",
    " lead",
    "trail ",
    "two\nlines",
    "end\n",
    "\nstart",
    "x\n\ny\n",
    "\ttab",
    "caf\u{e9}",
    "http://x/?q=1",
    "registry.example.com/a:1.2",
    "100m",
    "--flag=1",
];

const COMMON: &[&str] = &[
    "a",
    "name",
    "web-1",
    "10m",
    "1",
    "0",
    "true",
    "x y",
    "registry.example.com/a:1.2",
    "--flag=1",
    "2024-01-01",
    "http://x/y",
    "1.5",
    "null",
    "yes",
    "on",
    "a.b/c",
    "Deployment",
    "-1",
    "0x1F",
    "~",
    "",
];

impl Styler<'_> {
    fn pick(&mut self, n: usize) -> usize {
        // Past the choices, go on pseudo-randomly from them.
        let c = match self.choices.get(self.at) {
            Some(&c) => c as usize,
            None => (self.at * 2_654_435_761 + self.choices.len()) >> 7,
        };
        self.at += 1;
        c % n
    }

    /// A word: mostly what manifests hold, sometimes one of [`WORDS`].
    fn word(&mut self) -> &'static str {
        if self.pick(30) == 0 {
            WORDS[self.pick(WORDS.len())]
        } else {
            COMMON[self.pick(COMMON.len())]
        }
    }

    fn scalar_text(&mut self, flow: bool) -> String {
        let word = self.word();
        let escape_double = |w: &str| w.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
        match self.pick(if flow { 3 } else { 4 }) {
            0 => word.replace('\n', " "),
            1 => format!("'{}'", word.replace('\'', "''").replace('\n', " ")),
            2 => format!("\"{}\"", escape_double(word)),
            _ => word.to_string(),
        }
    }

    /// A key: mostly a distinct identifier, sometimes any scalar.
    fn key(&mut self) -> String {
        if self.pick(30) == 0 {
            return self.scalar_text(false);
        }
        self.keys += 1;
        let key = format!(
            "{}{}",
            ["name", "image", "app.kubernetes.io/name", "a b", "x-y"][self.pick(5)],
            self.keys
        );
        match self.pick(6) {
            0 => format!("'{key}'"),
            1 => format!("\"{key}\""),
            _ => key,
        }
    }

    fn flow(&mut self, depth: usize) -> String {
        match self.pick(if depth > 2 { 1 } else { 8 }) {
            0..=4 => self.scalar_text(true),
            5 => {
                let n = self.pick(4);
                let items: Vec<String> = (0..n).map(|_| self.flow(depth + 1)).collect();
                format!("[{}]", items.join(", "))
            }
            6 => {
                let n = self.pick(4);
                let items: Vec<String> = (0..n)
                    .map(|_| format!("{}: {}", self.key(), self.flow(depth + 1)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            _ => String::new(),
        }
    }

    fn trailer(&mut self) {
        match self.pick(8) {
            0 => self.out.push_str(" # note"),
            1 => self.out.push_str("  "),
            _ => {}
        }
        self.out.push('\n');
        match self.pick(10) {
            0 => self.out.push('\n'),
            1 => self.out.push_str("# comment\n"),
            2 => self.out.push_str("    # indented comment\n"),
            _ => {}
        }
    }

    /// A value after `key:` or `-` (the line so far in `out`), in a collection at `col`.
    fn value(&mut self, col: usize, depth: usize, under_key: bool) {
        match self.pick(if depth > 4 { 3 } else { 6 }) {
            0 => {
                let text = self.scalar_text(false);
                self.out.push(' ');
                self.out.push_str(&text);
                self.trailer();
            }
            1 => {
                let text = self.flow(0);
                self.out.push(' ');
                self.out.push_str(&text);
                self.trailer();
            }
            2 => {
                let chomp = ["", "-", "", "-", "+"][self.pick(5)];
                let style = ["|", "|", "|", ">"][self.pick(4)];
                self.out.push_str(&format!(" {style}{chomp}\n"));
                let indent = col + 1 + self.pick(self.width + 1);
                for _ in 0..1 + self.pick(4) {
                    let word = self.word();
                    if !word.is_empty() {
                        // Sometimes more indented.
                        let extra = [0, 0, 0, 0, 0, 0, 1, 3][self.pick(8)];
                        self.out.push_str(&" ".repeat(indent + extra));
                    }
                    self.out.push_str(word);
                    self.out.push('\n');
                }
            }
            3 if under_key && self.pick(2) == 0 => {
                // A list at the key's column.
                self.out.push('\n');
                self.seq(col, depth + 1);
            }
            3 | 4 => {
                self.out.push('\n');
                self.map(col + self.width, depth + 1);
            }
            _ => {
                self.out.push('\n');
                self.seq(col + self.width, depth + 1);
            }
        }
    }

    fn map(&mut self, col: usize, depth: usize) {
        for _ in 0..1 + self.pick(4) {
            self.out.push_str(&" ".repeat(col));
            let key = self.key();
            self.out.push_str(&key);
            self.out.push(':');
            self.value(col, depth, true);
        }
    }

    fn seq(&mut self, col: usize, depth: usize) {
        for _ in 0..1 + self.pick(4) {
            self.out.push_str(&" ".repeat(col));
            self.out.push('-');
            if self.pick(3) == 0 {
                // A mapping starting on the dash's line.
                let key = self.key();
                self.out.push(' ');
                self.out.push_str(&key);
                self.out.push(':');
                self.value(col + 2, depth + 1, true);
                if self.pick(2) == 0 {
                    self.out.push_str(&" ".repeat(col + 2));
                    self.out.push_str("k2:");
                    self.value(col + 2, depth + 1, true);
                }
            } else {
                self.value(col, depth, false);
            }
        }
    }

    pub(super) fn stream(choices: &[u8]) -> String {
        let mut s = Styler {
            choices,
            at: 1,
            out: String::new(),
            keys: 0,
            width: 1 + choices.first().copied().unwrap_or(1) as usize % 4,
        };
        for i in 0..1 + s.pick(3) {
            if i > 0 || s.pick(3) == 0 {
                s.out.push_str("---\n");
            }
            if s.pick(4) == 0 {
                s.seq(0, 1);
            } else {
                s.map(0, 1);
            }
        }
        s.out
    }
}

/// A random tree of plain data (strings from [`WORDS`]).
pub(super) fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (-1e6f64..1e6).prop_map(Value::Float),
        proptest::sample::select(WORDS).prop_map(|w| Value::String(w.to_string())),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Seq),
            proptest::collection::vec((proptest::sample::select(WORDS), inner), 0..5)
                .prop_map(|e| Value::Map(e.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map>())),
        ]
    })
}

/// Edits that take text into and out of the subset.
pub(super) const TOKENS: &[&str] = &[
    " ", "  ", "\n", "\n\n", "-", "- ", ":", ": ", "#", " #", "'", "\"", "[", "]", "{", "}", ",", "|", "|-", ">",
    "&a ", "*a", "!!str ", "? ", "---\n", "...\n", "\t", "\\", "\\n", "x", "0", "~", "<<: ", "\r", "é", "\u{2029}",
    "\u{feff}",
];
