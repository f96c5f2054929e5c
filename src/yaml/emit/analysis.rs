//! How go-yaml v2 looks at a string before writing it: libyaml's scalar analysis (which
//! styles the text allows), v2's `resolve` (whether plain text would read back as another
//! type), base-60 numbers it quotes for YAML 1.1 readers, and the NEL folding kustomize's
//! JSON text goes through.

use crate::yaml::parse::Dialect;
use crate::yaml::resolve::{Kind, resolve_kind};

/// kustomize's JSON text keeps NEL (U+0085) raw, and go-yaml v2 then reads it inside a
/// double-quoted scalar as a line break and folds it: white space around the break is
/// dropped, one break becomes a space, each further break a newline.
pub(super) fn fold_nel(s: &str) -> String {
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
pub(super) fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.chars().any(is_break)
}

pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's printable set (with unicode output on).
pub(in crate::yaml) fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

pub(super) struct Analysis {
    pub(super) multiline: bool,
    pub(super) block_plain_allowed: bool,
    pub(super) single_quoted_allowed: bool,
    pub(super) block_allowed: bool,
}

/// libyaml's scalar analysis, reduced to what block context needs.
pub(super) fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
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
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
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
pub(super) fn resolves_to_string(s: &str) -> bool {
    matches!(resolve_kind(s, Dialect::Helm, true), Kind::Str)
}

/// YAML 1.1 base-60 floats (`1:20`, `-3:25:45.5`), which v2 quotes for other readers.
pub(super) fn is_base60_float(s: &str) -> bool {
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

    use crate::yaml::emit::to_string;

    use crate::yaml::emit::testutil::{m, s};

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
            assert_eq!(
                to_string(&m(&[("k", s(input))])),
                format!("k: {want}\n"),
                "input {input:?}"
            );
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
            assert_eq!(
                to_string(&m(&[("k", s(input))])),
                format!("k: {want}\n"),
                "input {input:?}"
            );
        }
    }
}
