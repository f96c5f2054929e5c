//! Where saphyr's scanner (YAML 1.2) and go-yaml's (libyaml's) part ways on input people
//! write. saphyr produces the events; these checks read the source text of a node so the
//! parse accepts and refuses what both go-yaml readers do:
//! - double-quoted escapes: go-yaml knows `\'` and not `\/` ([`patch_quote_escape`],
//!   [`ensure_escapes`]);
//! - block scalars: a tab where go-yaml expects indentation fails, on the lines before an
//!   auto-detected indentation is known and below it afterwards ([`ensure_block_indentation`]);
//! - anchor and alias names are letters, digits, `-` and `_`, followed by a blank or an
//!   indicator; a tag is followed by a blank ([`ensure_properties`]);
//! - a stream cannot start with a `...` marker ([`ensure_stream_start`]);
//! - a plain scalar never starts with `|` or `>` (the builder checks the value).
//!
//! Error messages are go-yaml's problem texts.

use std::cell::Cell;

pub(super) const UNKNOWN_ESCAPE: &str = "found unknown escape character";
pub(super) const TAB_INDENT: &str = "found a tab character where an indentation space is expected";
pub(super) const CANNOT_START_TOKEN: &str = "found character that cannot start any token";

/// The text being parsed, with saphyr's character indexes turned into byte offsets.
pub(super) struct Source<'t> {
    text: &'t str,
    ascii: bool,
    /// The last conversion, (character index, byte offset): events come in text order, so
    /// walking on from it keeps conversions linear overall.
    cursor: Cell<(usize, usize)>,
}

impl<'t> Source<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Source {
            text,
            ascii: text.is_ascii(),
            cursor: Cell::new((0, 0)),
        }
    }

    pub(super) fn text(&self) -> &'t str {
        self.text
    }

    /// The byte offset of the character at `index` (the text's length past the end).
    pub(super) fn byte(&self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        let (mut ci, mut bi) = self.cursor.get();
        if index >= ci {
            for (off, _) in self.text[bi..].char_indices() {
                if ci == index {
                    bi += off;
                    self.cursor.set((ci, bi));
                    return bi;
                }
                ci += 1;
            }
            self.cursor.set((ci, self.text.len()));
            self.text.len()
        } else {
            for (off, _) in self.text[..bi].char_indices().rev() {
                ci -= 1;
                if ci == index {
                    self.cursor.set((ci, off));
                    return off;
                }
            }
            self.cursor.set((0, 0));
            0
        }
    }

    /// How far back from the character at `index` a `-` followed by blanks ends: 0 when
    /// there is none just before it.
    pub(super) fn dash_before(&self, index: usize) -> usize {
        let before = &self.text[..self.byte(index)];
        let trimmed = before.trim_end_matches([' ', '\t']);
        if trimmed.ends_with('-') {
            before[trimmed.len() - 1..].chars().count()
        } else {
            0
        }
    }

    /// The character at `index`.
    pub(super) fn char_at(&self, index: usize) -> Option<char> {
        self.text[self.byte(index)..].chars().next()
    }

    /// The character just before the one at `index`.
    pub(super) fn char_before(&self, index: usize) -> Option<char> {
        if index == 0 {
            return None;
        }
        let at = self.byte(index);
        self.text[..at].chars().next_back()
    }
}

/// Rewrites the first `\'` of the double-quoted scalar whose opening quote is at byte `quote`
/// into `\x27`, which saphyr reads as go-yaml reads `\'`. `None` when the scalar holds no
/// such escape (its unknown escape is unknown to go-yaml too).
pub(super) fn patch_quote_escape(text: &str, quote: usize) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.get(quote) != Some(&b'"') {
        return None;
    }
    let mut i = quote + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return None,
            b'\\' if bytes.get(i + 1) == Some(&b'\'') => {
                return Some(format!("{}\\x27{}", &text[..i], &text[i + 2..]));
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// Fails on an escape go-yaml does not know (`\/`) in the double-quoted scalar whose source
/// starts at byte `start` (at its properties or its opening quote).
pub(super) fn ensure_escapes(text: &str, start: usize) -> Result<(), String> {
    let bytes = text.as_bytes();
    let Some(quote) = text[start..].find('"').map(|q| start + q) else {
        return Ok(());
    };
    let mut i = quote + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Ok(()),
            b'\\' if bytes.get(i + 1) == Some(&b'/') => return Err(UNKNOWN_ESCAPE.to_string()),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    Ok(())
}

/// Checks the anchor, alias and tag written at byte `start` as go-yaml scans them, and
/// returns whether go-yaml's tag took in a `,` after it (in a flow collection, where
/// saphyr's tag stops there: go-yaml then tags the next node). A `[` or `]` taken in fails.
pub(super) fn ensure_properties(text: &str, start: usize, in_flow: bool) -> Result<bool, String> {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut takes_comma = false;
    for _ in 0..2 {
        match bytes.get(i) {
            Some(b'&' | b'*') => {
                let name_start = i + 1;
                i = name_start;
                while bytes
                    .get(i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
                {
                    i += 1;
                }
                let ends_well = match bytes.get(i) {
                    None => true,
                    Some(b) => matches!(
                        b,
                        b' ' | b'\t' | b'\r' | b'\n' | b'?' | b':' | b',' | b']' | b'}' | b'%' | b'@' | b'`'
                    ),
                };
                if i == name_start || !ends_well {
                    return Err("did not find expected alphabetic or numeric character".to_string());
                }
            }
            Some(b'!') => {
                i += 1;
                if bytes.get(i) == Some(&b'<') {
                    while bytes.get(i).is_some_and(|b| *b != b'>') {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let tag_start = i;
                    while bytes.get(i).is_some_and(|b| is_tag_char(*b)) {
                        i += 1;
                    }
                    if in_flow && bytes[tag_start..i].iter().any(|b| matches!(b, b'[' | b']')) {
                        return Err("did not find expected ',' or '}'".to_string());
                    }
                    takes_comma |= in_flow && bytes[tag_start..i].contains(&b',');
                }
                if !matches!(bytes.get(i), None | Some(b' ' | b'\t' | b'\r' | b'\n')) {
                    return Err("did not find expected whitespace or line break".to_string());
                }
            }
            _ => return Ok(takes_comma),
        }
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
    }
    Ok(takes_comma)
}

/// The characters go-yaml takes into a tag (its URI characters and `!`).
fn is_tag_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_;/?:@&=+$,.!~*'()[]%".contains(&b)
}

/// Fails when the stream's first document starts with a `...` marker (go-yaml wants a
/// node there), or follows a `%YAML` directive for another version than 1.1. Returns the
/// 1-based line.
pub(super) fn ensure_stream_start(text: &str) -> Result<(), (usize, String)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if let Some(version) = line.strip_prefix("%YAML") {
            let version = version.split('#').next().unwrap_or("").trim();
            if version != "1.1" {
                return Err((n + 1, "found incompatible YAML document".to_string()));
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let marker = line.strip_prefix("...");
        if marker.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r'])) {
            return Err((n + 1, "did not find expected node content".to_string()));
        }
        return Ok(());
    }
    Ok(())
}

/// The header of a block scalar: where it is and the indentation indicator, if any.
struct Header {
    /// Byte offset of the line after the header.
    body: usize,
    increment: usize,
}

/// Fails where go-yaml's block scalar scanner finds a tab in place of indentation.
///
/// `start` is the byte offset saphyr's event starts at: the scalar's properties when it has
/// some (`properties`), its `|`/`>` when it has no content up to the end of the text, else
/// its first content line. `parent` is the enclosing block collection's indentation (-1 at
/// the top).
///
/// go-yaml's rules, per line after the header:
/// - while the indentation is not known yet (no indicator), all leading spaces are eaten and
///   a tab after them fails; a blank line is skipped; the first other line fixes the
///   indentation at the most spaces seen, at least `parent + 1`;
/// - afterwards, up to that many spaces are eaten; a tab right after fewer spaces fails; a
///   line indented less ends the scalar.
pub(super) fn ensure_block_indentation(
    text: &str,
    start: usize,
    properties: bool,
    parent: isize,
) -> Result<(), String> {
    let Some(header) = find_header(text, start, properties) else {
        return Ok(());
    };
    let bytes = text.as_bytes();
    let mut indent = match header.increment {
        0 => 0,
        d if parent >= 0 => parent as usize + d,
        d => d,
    };
    let mut max_indent = 0;
    let mut at = header.body;
    while at < bytes.len() {
        let line_end = text[at..].find('\n').map_or(bytes.len(), |n| at + n + 1);
        let spaces = bytes[at..line_end].iter().take_while(|b| **b == b' ').count();
        let eaten = if indent == 0 { spaces } else { spaces.min(indent) };
        let next = bytes.get(at + eaten).copied();
        if (indent == 0 || eaten < indent) && next == Some(b'\t') {
            return Err(TAB_INDENT.to_string());
        }
        let blank = matches!(next, None | Some(b'\n' | b'\r'));
        if indent == 0 {
            max_indent = max_indent.max(spaces);
            if !blank {
                indent = max_indent.max((parent + 1).max(1) as usize);
                if eaten < indent {
                    return Ok(());
                }
            }
        } else if !blank && eaten < indent {
            return Ok(());
        }
        at = line_end;
    }
    Ok(())
}

/// Finds the `|`/`>` header of the block scalar saphyr's event starts at byte `start`.
fn find_header(text: &str, start: usize, properties: bool) -> Option<Header> {
    let bytes = text.as_bytes();
    let line_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let empty_at_end = matches!(bytes.get(start), Some(b'|' | b'>')) && text[line_end..].trim().is_empty();
    let at = if properties || empty_at_end {
        // Properties, or the header itself: the header is the first `|`/`>` from here (tags
        // and anchor names hold neither).
        start + text[start..].find(['|', '>'])?
    } else {
        // The first content line: the header ends the last non-blank line above it.
        let mut line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
        loop {
            let prev_end = line_start.checked_sub(1)?;
            let prev_start = text[..prev_end].rfind('\n').map_or(0, |n| n + 1);
            let line = &text[prev_start..prev_end];
            if line.trim_matches([' ', '\t', '\r']).is_empty() {
                line_start = prev_start;
                continue;
            }
            break prev_start + header_in_line(line)?;
        }
    };
    let mut i = at + 1;
    let mut increment = 0;
    for _ in 0..2 {
        match bytes.get(i) {
            Some(b'+' | b'-') => i += 1,
            Some(d @ b'1'..=b'9') => {
                increment = (d - b'0') as usize;
                i += 1;
            }
            _ => break,
        }
    }
    let body = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
    Some(Header { body, increment })
}

/// The offset in `line` of its block scalar header: the first `|`/`>` after a blank (or at
/// the start) that is followed by indicators, then only blanks or a comment.
fn header_in_line(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| {
        if !matches!(b[i], b'|' | b'>') || (i > 0 && !matches!(b[i - 1], b' ' | b'\t')) {
            return false;
        }
        let mut j = i + 1;
        while j < b.len() && j <= i + 2 && matches!(b[j], b'+' | b'-' | b'1'..=b'9') {
            j += 1;
        }
        let rest = line[j..].trim_start_matches([' ', '\t']);
        rest.is_empty() || rest == "\r" || (rest.starts_with('#') && j < b.len() && matches!(b[j], b' ' | b'\t'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_follow_characters_both_ways() {
        let s = Source::new("aé😀b\nc");
        assert_eq!([0, 1, 2, 3, 4, 5].map(|i| s.byte(i)), [0, 1, 3, 7, 8, 9]);
        assert_eq!(s.byte(1), 1);
        assert_eq!(s.byte(9), 10);
        assert_eq!(s.char_before(3), Some('😀'));
        assert_eq!(s.char_before(0), None);
        let dash = Source::new("a:\n- \tb");
        assert_eq!(
            (dash.dash_before(6), dash.dash_before(4), dash.dash_before(3)),
            (3, 1, 0)
        );
        assert_eq!((dash.char_at(3), dash.char_at(7)), (Some('-'), None));
        let ascii = Source::new("abc");
        assert_eq!((ascii.byte(2), ascii.byte(7)), (2, 3));
    }

    #[test]
    fn quote_escapes() {
        let t = r#"a: "x\"y\'z" # \'"#;
        assert_eq!(patch_quote_escape(t, 3).as_deref(), Some(r#"a: "x\"y\x27z" # \'"#));
        assert_eq!(patch_quote_escape(r#"a: "x\\'y""#, 3), None);
        assert_eq!(patch_quote_escape(r#"a: "x\qy""#, 3), None);
        assert!(ensure_escapes(r#"a: "p\/q""#, 3).is_err());
        assert!(ensure_escapes(r#"a: !!str "p\\/q""#, 3).is_ok());
        assert!(ensure_escapes(r#"a: "p/q" # \/"#, 3).is_ok());
    }

    #[test]
    fn properties() {
        assert!(ensure_properties("&a-1_b x", 0, false).is_ok());
        assert!(ensure_properties("&a !!str x", 0, false).is_ok());
        assert!(ensure_properties("!!str &a x", 0, false).is_ok());
        assert!(ensure_properties("*a, b]", 0, false).is_ok());
        assert!(ensure_properties("*a}", 0, false).is_ok());
        assert!(ensure_properties("&a.b x", 0, false).is_err());
        assert!(ensure_properties("&é x", 0, false).is_err());
        assert!(ensure_properties("!!null}", 0, false).is_err());
        assert!(ensure_properties("!<tag:x> y", 0, false).is_ok());
        assert!(ensure_properties("!!str\n", 0, false).is_ok());
        assert!(ensure_properties("!!str, x", 0, false).is_ok());
        assert_eq!(ensure_properties("!!str, x", 0, true), Ok(true));
        assert_eq!(ensure_properties("!!str, x", 0, false), Ok(false));
        assert!(ensure_properties("!t]", 0, true).is_err());
    }

    #[test]
    fn stream_start() {
        assert!(ensure_stream_start("# c\n\n...\n---\na: 1\n").is_err());
        assert_eq!(ensure_stream_start("...\n").unwrap_err().0, 1);
        assert!(ensure_stream_start("a: 1\n...\n").is_ok());
        assert!(ensure_stream_start("....\n").is_ok());
        assert!(ensure_stream_start("  ...\n").is_ok());
        assert!(ensure_stream_start("").is_ok());
        assert!(ensure_stream_start("%YAML 1.1\n---\n").is_ok());
        assert_eq!(ensure_stream_start("# c\n%YAML 1.2\n---\n").unwrap_err().0, 2);
    }

    fn block(text: &str, parent: isize) -> Result<(), String> {
        // saphyr starts the event at the first content character, or at the header when none.
        let header = text.find(['|', '>']).unwrap();
        let body = text[header..].find('\n').map_or(text.len(), |n| header + n + 1);
        let content = text[body..]
            .find(|c: char| !c.is_whitespace())
            .map_or(header, |n| body + n);
        ensure_block_indentation(text, content, false, parent)
    }

    #[test]
    fn tabs_in_block_scalar_indentation() {
        // Before the indentation is known, a tab after the spaces fails.
        assert!(block("a: |\n  \tx\n", 0).is_err());
        assert!(block("a: |\n\n    \t\n  x\n", 0).is_err());
        // Afterwards, a tab below the indentation fails; at or past it, it is content.
        assert!(block("a: |\n  x\n  \ty\n", 0).is_ok());
        assert!(block("a: |\n  x\n \ty\n", 0).is_err());
        assert!(block("a: |2\n   \tx\n", 0).is_ok());
        assert!(block("a: |2\n \tx\n", 0).is_err());
        assert!(block("  a: |2\n   \tx\n", 2).is_err());
        // A less indented line ends the scalar; what follows is not checked here.
        assert!(block("a: |\n  x\nb: \t1\n", 0).is_ok());
        assert!(block("a: | # c |2\n  x\n", 0).is_ok());
        assert!(block("- >-\n  x\n  \ty\n", 0).is_ok());
        // Content starting like properties or a header is still content.
        assert!(block("a: >-\n  &x >y\n  \tz\n", 0).is_ok());
        assert!(block("a: |\n  |\n  \tz\n", 0).is_ok());
        assert!(ensure_block_indentation("a: &x |\n  \ty\n", 3, true, 0).is_err());
    }

    #[test]
    fn headers_are_found_past_comments_in_keys() {
        assert_eq!(header_in_line("\"a |\": |2- # x |"), Some(7));
        assert_eq!(header_in_line("? >"), Some(2));
        assert_eq!(header_in_line("a: b |c"), None);
        assert_eq!(header_in_line("a: |#"), None);
    }
}
