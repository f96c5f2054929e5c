//! What kustomize's own YAML round trip does to a resource's scalars (Kustomize dialect).
//!
//! Before printing, kyaml writes each resource with go-yaml v3, keeping every node's style
//! (plain, quoted, literal, folded, flow collections), and reads the text back. Most values
//! survive; these do not:
//! - a literal or folded block whose text starts with a tab gets no indentation indicator,
//!   so reading it back fails ([`ensure_block_round_trip`]);
//! - v3's folded writer adds an empty line after a line whenever the *value* (not the line)
//!   starts with a non-blank, and folds long lines at spaces. Read back, a line break before
//!   or after a more-indented line gains a newline, a kept (`>+`) tail one more, and a
//!   folded more-indented line a break ([`folded_round_trip`]);
//! - in a flow collection, a plain scalar whose text cannot be a flow plain scalar (an empty
//!   null, a timestamp with `:`) is written quoted and reads back as a string
//!   ([`flow_plain_allowed`]).
//!
//! Explicitly tagged nodes keep their tag through the round trip, so only the style matters.
//!
//! kyaml also reads files its own way ([`split_documents`]): it cuts them at every line that
//! starts with `---` (anything but a comment after it is an error), reads only the first
//! document of each piece, and a `List` in a file of several pieces has its items rebuilt
//! from JSON, so they lose their styles and none of the above applies to them
//! ([`items_rebuilt`]).

use crate::yaml::value::Value;

/// v3's line width: plain, quoted and folded text folds at a space past this column.
const BEST_WIDTH: usize = 80;

/// The indentation v3's emitter gives one level.
pub(super) const INDENT: usize = 2;

/// Fails where kustomize fails: a literal or folded block starting with a tab is written
/// without an indentation indicator, and go-yaml refuses the tab when it reads it back.
/// `key` says the scalar is a mapping key (written as a block only when it spans lines).
pub(super) fn ensure_block_round_trip(value: &str, key: bool) -> Result<(), String> {
    let written_as_block = block_allowed(value) && (!key || value.contains('\n'));
    if written_as_block && value.starts_with('\t') {
        return Err(super::source::TAB_INDENT.to_string());
    }
    Ok(())
}

/// The value a folded block scalar has after kustomize writes it with go-yaml v3 (content
/// at `column`) and reads it back. Call [`ensure_block_round_trip`] first.
pub(super) fn folded_round_trip(value: &str, column: usize, key: bool) -> String {
    if !block_allowed(value) || (key && !value.contains('\n')) {
        // Written double-quoted instead: nothing changes.
        return value.to_string();
    }
    read_folded(&write_folded(value, column), value)
}

/// The lines v3's folded writer produces for `value`, without their indentation; a line
/// break (from the value, or added by the writer) ends each.
fn write_folded(value: &str, column: usize) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    // go-yaml checks the character after the value's leading breaks where libyaml checks
    // the one after the current line's: so the extra break depends on how the value starts.
    let first = chars.iter().position(|c| *c != '\n');
    let starts_blank = first.is_none_or(|i| matches!(chars[i], ' ' | '\t'));
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut breaks = true;
    let mut leading_spaces = true;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            if !breaks && !leading_spaces && !starts_blank {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(std::mem::take(&mut line));
            breaks = true;
            continue;
        }
        if breaks {
            leading_spaces = matches!(c, ' ' | '\t');
        }
        let width = column + line.chars().count();
        if !breaks && c == ' ' && chars.get(i + 1) != Some(&' ') && width > BEST_WIDTH {
            lines.push(std::mem::take(&mut line));
        } else {
            line.push(c);
        }
        breaks = false;
    }
    if !breaks {
        lines.push(line);
    }
    lines
}

/// go-yaml's folded block reading of `lines` (all at the same indentation), with the
/// chomping v3 wrote for `value`.
fn read_folded(lines: &[String], value: &str) -> String {
    let mut out = String::new();
    let mut leading_break = false;
    let mut trailing_breaks = 0;
    let mut leading_blank = false;
    for line in lines {
        if line.is_empty() {
            trailing_breaks += 1;
            continue;
        }
        let trailing_blank = line.starts_with([' ', '\t']);
        if leading_break && !leading_blank && !trailing_blank {
            if trailing_breaks == 0 {
                out.push(' ');
            }
        } else if leading_break {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n('\n', trailing_breaks));
        trailing_breaks = 0;
        leading_blank = trailing_blank;
        out.push_str(line);
        leading_break = true;
    }
    // v3's chomping hint: `-` without a final break, `+` with two or more (or only one).
    let keep = value.ends_with("\n\n") || value == "\n";
    let strip = !value.ends_with('\n');
    if !strip && leading_break {
        out.push('\n');
    }
    if keep {
        out.extend(std::iter::repeat_n('\n', trailing_breaks));
    }
    out
}

/// v3's analysis: whether a block style is allowed for `s` (else it writes double quotes).
fn block_allowed(s: &str) -> bool {
    if s.is_empty() || s.ends_with(' ') {
        return false;
    }
    let mut prev_space = false;
    for c in s.chars() {
        if c == '\n' && prev_space {
            return false;
        }
        if c != '\t' && c != '\n' && !crate::yaml::emit::is_printable(c) {
            return false;
        }
        prev_space = c == ' ';
    }
    true
}

/// v3's analysis: whether `s` may be written as a plain scalar inside a flow collection.
pub(super) fn flow_plain_allowed(s: &str) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") || s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut preceded_by_blank = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_blank = chars.get(i + 1).is_none_or(|n| matches!(n, ' ' | '\t'));
        let indicator = match c {
            '#' => i == 0 || preceded_by_blank,
            ',' | '[' | ']' | '{' | '}' | '?' | ':' => true,
            '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => i == 0,
            '-' => i == 0 && followed_by_blank,
            _ => false,
        };
        if indicator || c == '\t' || c == '\n' || !crate::yaml::emit::is_printable(c) {
            return false;
        }
        preceded_by_blank = c == ' ';
    }
    true
}

/// One piece of a file as kyaml cuts it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Piece {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Lines of the text before the piece.
    pub line: usize,
}

/// Cuts `text` as kyaml does (the regular expression `\n---.*\n`): at each line starting
/// with `---` that follows a newline not taken by the previous cut and ends with a newline.
/// `after_separator` says `text` starts with such a line (a piece of a longer stream).
///
/// # Errors
/// A cutting line with something other than a comment after the `---`, with its 1-based
/// line: kustomize's "invalid document separator".
pub(super) fn split_documents(text: &str, after_separator: bool) -> Result<Vec<Piece>, (usize, String)> {
    let mut pieces = Vec::new();
    let (mut start, mut start_line) = (0, 0);
    if after_separator && let Some(nl) = text.find('\n') {
        (start, start_line) = (nl + 1, 1);
    }
    // The newline before a cutting line; the previous cut ends just past its own newline.
    let mut line_no = start_line;
    let mut at = start;
    while let Some(nl) = text[at..].find('\n').map(|n| at + n) {
        line_no += 1;
        let line_start = nl + 1;
        let Some(line_end) = text[line_start..].find('\n').map(|n| line_start + n) else {
            break;
        };
        let line = &text[line_start..line_end];
        if nl >= start && line.starts_with("---") {
            let rest = line[3..].trim_matches([' ', '\t', '\r']);
            if !rest.is_empty() && !rest.starts_with('#') {
                return Err((line_no + 1, format!("invalid document separator: {}", line.trim_end())));
            }
            // kyaml gives each piece back the newline the cut took.
            pieces.push(Piece {
                start,
                end: nl + 1,
                line: start_line,
            });
            start = line_end + 1;
            start_line = line_no + 1;
        }
        at = line_start;
    }
    pieces.push(Piece {
        start,
        end: text.len(),
        line: start_line,
    });
    Ok(pieces)
}

/// Whether kustomize rebuilds the items of this document from JSON: any kind ending in
/// `List`, except a `kind: List` with `items` that is the only piece of its file (kyaml's
/// reader unwraps that one itself, keeping the items' styles).
pub(super) fn items_rebuilt(doc: &Value, single_piece: bool) -> bool {
    let Some(kind) = doc.get("kind").and_then(Value::as_str) else {
        return false;
    };
    kind.ends_with("List") && !(single_piece && kind == "List" && doc.get("items").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &str) -> Vec<&str> {
        split_documents(text, false)
            .unwrap()
            .iter()
            .map(|p| &text[p.start..p.end])
            .collect()
    }

    #[test]
    fn files_are_cut_at_lines_starting_with_dashes() {
        assert_eq!(cuts("a\n---\nb\n"), ["a\n", "b\n"]);
        assert_eq!(cuts("---\na\n--- # c\nb"), ["---\na\n", "b"]);
        // Back to back, the second line's newline went with the first cut.
        assert_eq!(cuts("a\n---\n---\nb"), ["a\n", "---\nb"]);
        // A last line without a newline is not a cut.
        assert_eq!(cuts("a\n---"), ["a\n---"]);
        assert_eq!(cuts(""), [""]);
        assert_eq!(
            split_documents("a\n--- x\n", false).unwrap_err(),
            (2, "invalid document separator: --- x".to_string())
        );
        assert_eq!(split_documents("a\n----\nb\n", false).unwrap_err().0, 2);
        let p = split_documents("x\ny\n---\n\nz\n", false).unwrap();
        assert_eq!((p[1].line, p[1].start), (3, 8));
        // A piece of a longer stream starts with its cutting line.
        let p = split_documents("---\na\n---\nb\n", true).unwrap();
        assert_eq!(
            p.iter().map(|p| (p.start, p.line)).collect::<Vec<_>>(),
            [(4, 1), (10, 3)]
        );
    }

    #[test]
    fn lists_rebuilt_from_json() {
        let list = |kind: &str, items: bool| {
            let mut m = crate::yaml::Map::default();
            m.insert("kind".into(), Value::String(kind.into()));
            if items {
                m.insert("items".into(), Value::Seq(vec![]));
            }
            Value::Map(m)
        };
        assert!(!items_rebuilt(&list("List", true), true));
        assert!(items_rebuilt(&list("List", true), false));
        assert!(items_rebuilt(&list("ConfigMapList", true), true));
        assert!(items_rebuilt(&list("List", false), true));
        assert!(!items_rebuilt(&list("ConfigMap", true), false));
    }

    fn rt(value: &str) -> String {
        folded_round_trip(value, 4, false)
    }

    #[test]
    fn folded_values_seen_by_kubectl() {
        // Each row checked with `kubectl kustomize` on a folded block read from the input.
        assert_eq!(rt("a\n"), "a\n");
        assert_eq!(rt("a b\nc\n"), "a b\nc\n");
        assert_eq!(rt("a\n\n"), "a\n\n\n");
        assert_eq!(rt("a\n\n\n"), "a\n\n\n\n");
        assert_eq!(rt("p\nq\n  r\ns"), "p\nq\n\n  r\ns");
        assert_eq!(rt("mbe oRPn q\n   amet 8s #h\n"), "mbe oRPn q\n\n   amet 8s #h\n");
        assert_eq!(rt("x"), "x");
    }

    #[test]
    fn folded_values_starting_with_a_blank_lose_breaks() {
        // No extra break is written, so plain lines fold into one when read back.
        assert_eq!(rt(" x\ny\nz"), " x\ny z");
        assert_eq!(rt("\n\n"), "\n\n");
    }

    #[test]
    fn long_more_indented_lines_gain_breaks() {
        let long = format!("a\n  {}", ["word"; 30].join(" "));
        let back = folded_round_trip(&long, 4, false);
        assert!(back.starts_with("a\n\n  word"), "{back:?}");
        assert!(back.matches('\n').count() > 2, "{back:?}");
        // A normal long line folds and unfolds to the same text.
        let plain = ["word"; 30].join(" ");
        assert_eq!(folded_round_trip(&plain, 4, false), plain);
    }

    #[test]
    fn values_written_quoted_do_not_change() {
        assert_eq!(rt("a \nb"), "a \nb");
        assert_eq!(rt("a\u{1}\nb"), "a\u{1}\nb");
        assert_eq!(folded_round_trip("a b", 4, true), "a b");
    }

    #[test]
    fn blocks_starting_with_a_tab_fail() {
        assert!(ensure_block_round_trip("\tx\n", false).is_err());
        assert!(ensure_block_round_trip("\tx\ny \n", false).is_ok());
        assert!(ensure_block_round_trip("\tx", true).is_ok());
        assert!(ensure_block_round_trip(" \tx\n", false).is_ok());
        assert!(ensure_block_round_trip("x\n\ty\n", false).is_ok());
    }

    #[test]
    fn flow_plain() {
        for ok in ["x", "1", "2024-01-01", "null", "a b", "-1", "a-b", "a#b"] {
            assert!(flow_plain_allowed(ok), "{ok}");
        }
        for bad in [
            "",
            "2001-12-14 21:59:43.10",
            "12:30",
            "a,b",
            "a #b",
            "- a",
            " a",
            "---x",
            "?x",
        ] {
            assert!(!flow_plain_allowed(bad), "{bad}");
        }
    }
}
