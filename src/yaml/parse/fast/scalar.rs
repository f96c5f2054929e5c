//! Scalars of the fast path: plain and quoted scalars that end on their line, and literal
//! and folded blocks. Each returns the scalar's text; resolution is the caller's (`resolve.rs`).

use std::borrow::Cow;

use super::super::kyaml;
use super::{Fast, GiveUp, Reader, is_blank_or_eol, is_eol};
use crate::yaml::value::Value;

/// Bytes that may not start a plain scalar here (YAML's indicators); `-` is checked apart.
pub(super) fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
    )
}

impl<'t> Reader<'t> {
    /// Whether the rest of the line starts with a mapping key (a scalar, then `:` and a
    /// blank), as after a list's dash.
    pub(super) fn key_ahead(&self) -> bool {
        let mut i = self.pos;
        match self.at(i) {
            b'[' | b'{' => return false,
            quote @ (b'"' | b'\'') => {
                // The scalar's end; a doubled single quote or an escape does not end it.
                i += 1;
                loop {
                    match self.at(i) {
                        b'\n' | 0 => return false,
                        b'\\' if quote == b'"' => i += 1,
                        b'\'' if quote == b'\'' && self.at(i + 1) == b'\'' => i += 1,
                        c if c == quote => break,
                        _ => {}
                    }
                    i += 1;
                }
                return self.at(i + 1) == b':';
            }
            _ => {}
        }
        loop {
            match self.at(i) {
                b'\n' | 0 => return false,
                b' ' if self.at(i + 1) == b'#' => return false,
                b':' if is_blank_or_eol(self.at(i + 1)) => return true,
                _ => i += 1,
            }
        }
    }

    /// A plain block mapping key, up to the `:` that ends it (`pos` left there).
    pub(super) fn plain_key(&mut self) -> Fast<&'t str> {
        let start = self.pos;
        if is_indicator(self.at(start)) {
            return Err(GiveUp);
        }
        let mut i = start;
        loop {
            match self.at(i) {
                b'\n' | 0 => return Err(GiveUp),
                b' ' if self.at(i + 1) == b'#' => return Err(GiveUp),
                b':' if is_blank_or_eol(self.at(i + 1)) => break,
                _ => i += 1,
            }
        }
        // `key : value` is left to the full path.
        if self.at(i - 1) == b' ' {
            return Err(GiveUp);
        }
        self.pos = i;
        Ok(&self.text[start..i])
    }

    /// A plain block value on the rest of the line, up to a comment or the line's end
    /// (`pos` left there). A `: ` in it (a mapping on the line) gives up.
    pub(super) fn plain_value(&mut self) -> Fast<&'t str> {
        let start = self.pos;
        let mut i = start;
        let mut end = start;
        loop {
            match self.at(i) {
                b'\n' | 0 => break,
                b' ' if self.at(i + 1) == b'#' => break,
                b' ' => {}
                b':' if is_blank_or_eol(self.at(i + 1)) => return Err(GiveUp),
                _ => end = i + 1,
            }
            i += 1;
        }
        self.pos = i;
        Ok(&self.text[start..end])
    }

    /// A double-quoted scalar that closes on its line (`pos` at the opening quote, left past
    /// the closing one). Only escapes both readers decode alike are taken.
    pub(super) fn double_quoted(&mut self) -> Fast<Cow<'t, str>> {
        let start = self.pos + 1;
        let mut i = start;
        let mut run = start;
        let mut owned: Option<String> = None;
        loop {
            match self.at(i) {
                b'"' => break,
                b'\n' | 0 => return Err(GiveUp),
                b'\\' => {
                    let c = match self.at(i + 1) {
                        b'\\' => '\\',
                        b'"' => '"',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'0' => '\0',
                        b'a' => '\u{7}',
                        b'b' => '\u{8}',
                        b'e' => '\u{1b}',
                        b'f' => '\u{c}',
                        b'v' => '\u{b}',
                        b' ' => ' ',
                        // `\'` and `\/` split go-yaml and saphyr (see `source.rs`); the rest
                        // (`\x`, `\u`, `\N`, line continuations...) are rare.
                        _ => return Err(GiveUp),
                    };
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..i]);
                    s.push(c);
                    i += 2;
                    run = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        Ok(self.close_quoted(owned, start, run, i))
    }

    /// Ends a quoted scalar whose closing quote is at `i`: the text from `start` borrowed when
    /// nothing was unescaped, else `owned` completed with the run from `run`; `pos` left past
    /// the quote.
    fn close_quoted(&mut self, owned: Option<String>, start: usize, run: usize, i: usize) -> Cow<'t, str> {
        self.pos = i + 1;
        match owned {
            Some(mut s) => {
                s.push_str(&self.text[run..i]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&self.text[start..i]),
        }
    }

    /// A single-quoted scalar that closes on its line (`pos` at the opening quote, left past
    /// the closing one).
    pub(super) fn single_quoted(&mut self) -> Fast<Cow<'t, str>> {
        let start = self.pos + 1;
        let mut i = start;
        let mut run = start;
        let mut owned: Option<String> = None;
        loop {
            match self.at(i) {
                b'\'' if self.at(i + 1) == b'\'' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                    continue;
                }
                b'\'' => break,
                b'\n' | 0 => return Err(GiveUp),
                _ => {}
            }
            i += 1;
        }
        Ok(self.close_quoted(owned, start, run, i))
    }

    /// A block scalar that is a value in a collection at `col`: literal (`|`, `|-`), or
    /// folded (`>`, `>-`) outside kustomize's round trip (which refolds folded text, see
    /// `kyaml.rs`); nothing else on the header line. `pos` at the indicator, left at the
    /// first line after the block.
    ///
    /// The indentation is the first content line's, which must be deeper than `col`; empty
    /// lines before it may hold no spaces, and those after it no more spaces than it.
    /// Folding: a line break between two lines that do not start with a space becomes a
    /// space, unless empty lines follow it (they give one line break each); around a line
    /// that starts with a space (more indented) every line break stays.
    pub(super) fn block_scalar(&mut self, col: usize) -> Fast<Value> {
        let folded = self.at(self.pos) == b'>';
        if folded && self.kyaml {
            return Err(GiveUp);
        }
        self.pos += 1;
        let strip = match self.at(self.pos) {
            b'-' => {
                self.pos += 1;
                true
            }
            b'+' | b'1'..=b'9' => return Err(GiveUp),
            _ => false,
        };
        self.skip_spaces();
        if !is_eol(self.at(self.pos)) {
            return Err(GiveUp);
        }
        self.next_line();
        let mut out = String::new();
        let mut indent = 0;
        let mut breaks = 0;
        // Whether a content line was read, and whether it started with a space.
        let mut previous: Option<bool> = None;
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let mut i = start;
            while self.at(i) == b' ' {
                i += 1;
            }
            let spaces = i - start;
            if self.at(i) == b'\n' && (spaces == 0 || (previous.is_some() && spaces <= indent)) {
                breaks += 1;
                self.next_line();
                continue;
            }
            if is_eol(self.at(i)) {
                return Err(GiveUp);
            }
            match previous {
                None if spaces <= col => return Err(GiveUp),
                None => indent = spaces,
                Some(_) if spaces < indent => break,
                Some(_) => {}
            }
            let spaced = spaces > indent;
            match previous {
                None => out.extend(std::iter::repeat_n('\n', breaks)),
                Some(prev_spaced) if folded && !prev_spaced && !spaced => {
                    if breaks == 0 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', breaks));
                    }
                }
                Some(_) => out.extend(std::iter::repeat_n('\n', breaks + 1)),
            }
            breaks = 0;
            self.next_line();
            // A last line without its line break is left to the full path.
            if self.line_start == start {
                return Err(GiveUp);
            }
            out.push_str(&self.text[start + indent..self.pos - 1]);
            previous = Some(spaced);
        }
        if previous.is_none() {
            return Err(GiveUp);
        }
        if !strip {
            out.push('\n');
        }
        if self.kyaml {
            kyaml::ensure_block_round_trip(&out, false).map_err(|_| GiveUp)?;
        }
        self.scalar(Cow::Owned(out), false)
    }
}
