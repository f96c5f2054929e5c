//! The scalar writers of go-yaml v2's emitter: plain, single-quoted, double-quoted and
//! literal, each folding long lines at spaces as v2 does.

use super::analysis::{is_break, is_printable};
use super::{BEST_INDENT, BEST_WIDTH, Emitter};

impl Emitter {
    pub(super) fn write_plain(&mut self, s: &str, allow_breaks: bool) {
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

    pub(super) fn write_single(&mut self, s: &str, allow_breaks: bool) {
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

    pub(super) fn write_double(&mut self, s: &str, allow_breaks: bool) {
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

    pub(super) fn write_literal(&mut self, s: &str) {
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

#[cfg(test)]
mod tests {

    use crate::yaml::emit::to_string;

    use crate::yaml::emit::testutil::{m, s};

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
}
