//! Block collections of the fast path: lists and mappings laid out by indentation, their
//! keys, and the values that follow a key or a dash on its line.
//!
//! Indentation rules kept: a collection's entries sit at one column; a list under a key may
//! sit at the key's column (and ends at a line without a dash there); a mapping may start on
//! a list's dash line. A line deeper than its collection that is no nested collection (a
//! continued scalar, or an error) gives up, as does one between two levels.

use std::borrow::Cow;

use super::{Fast, GiveUp, MAX_KEY_LEN, Reader, is_blank_or_eol};
use crate::yaml::parse::Dialect;
use crate::yaml::resolve::{Kind, ScalarTag, resolve_key, resolve_kind};
use crate::yaml::value::{Map, Value};

impl Reader<'_> {
    /// The block collection on the current line, at `indent` (`pos` at the line's start).
    pub(super) fn block_node(&mut self, indent: usize, depth: usize) -> Fast<Value> {
        self.pos += indent;
        if self.dash_at(self.pos) {
            self.block_seq(indent, depth, false)
        } else {
            self.block_map(indent, depth)
        }
    }

    /// A block list whose dashes are at `col`, `pos` at the first one. `indentless`: a list
    /// under a key, at the key's column, which ends at a line without a dash there.
    fn block_seq(&mut self, col: usize, depth: usize, indentless: bool) -> Fast<Value> {
        self.enter(depth)?;
        let start = self.items.len();
        loop {
            self.pos += 1;
            self.skip_spaces();
            let item = match self.at(self.pos) {
                // A dash is followed by a blank, so a `#` here starts a comment.
                b'\n' | 0 | b'#' => self.value_below(col, depth, false)?,
                _ if self.dash_at(self.pos) => return Err(GiveUp),
                _ if self.key_ahead() => {
                    let item_col = self.column();
                    self.block_map(item_col, depth + 1)?
                }
                _ => self.inline_value(col, depth + 1)?,
            };
            self.items.push(item);
            match self.next_indent()? {
                Some(i) if i == col && self.dash_at(self.pos + i) => self.pos += i,
                Some(i) if i > col || (i == col && !indentless) => return Err(GiveUp),
                _ => break,
            }
        }
        Ok(Value::Seq(self.items.drain(start..).collect()))
    }

    /// A block mapping whose keys are at `col`, `pos` at the first one.
    fn block_map(&mut self, col: usize, depth: usize) -> Fast<Value> {
        self.enter(depth)?;
        let start = self.entries.len();
        loop {
            let key = self.block_key()?;
            self.skip_spaces();
            let value = match self.at(self.pos) {
                // A key's `:` is followed by a blank, so a `#` here starts a comment.
                b'\n' | 0 | b'#' => self.value_below(col, depth, true)?,
                _ => self.inline_value(col, depth + 1)?,
            };
            self.entries.push((key, value));
            match self.next_indent()? {
                Some(i) if i == col && !self.dash_at(self.pos + i) => self.pos += i,
                Some(i) if i >= col => return Err(GiveUp),
                _ => break,
            }
        }
        self.finish_map(start)
    }

    /// The value of a key or dash with nothing after it on its line: a block collection
    /// on the following lines (a list under a key may sit at the key's column), else null.
    fn value_below(&mut self, col: usize, depth: usize, under_key: bool) -> Fast<Value> {
        self.next_line();
        match self.next_indent()? {
            Some(i) if i > col => self.block_node(i, depth + 1),
            Some(i) if under_key && i == col && self.dash_at(self.pos + i) => {
                self.pos += i;
                self.block_seq(col, depth + 1, true)
            }
            _ => self.scalar(Cow::Borrowed(""), true),
        }
    }

    /// A mapping from the entries pooled since `start`; a duplicate key gives up (the full
    /// path names it).
    pub(super) fn finish_map(&mut self, start: usize) -> Fast<Value> {
        let mut map = Map::with_capacity_and_hasher(self.entries.len() - start, Default::default());
        for (key, value) in self.entries.drain(start..) {
            if map.insert(key, value).is_some() {
                return Err(GiveUp);
            }
        }
        Ok(Value::Map(map))
    }

    /// A block mapping key and its `:`, which a blank or the line's end must follow.
    fn block_key(&mut self) -> Fast<String> {
        let (text, plain) = match self.at(self.pos) {
            b'"' => (self.double_quoted()?, false),
            b'\'' => (self.single_quoted()?, false),
            _ => (Cow::Borrowed(self.plain_key()?), true),
        };
        if self.at(self.pos) != b':' || !is_blank_or_eol(self.at(self.pos + 1)) {
            return Err(GiveUp);
        }
        self.pos += 1;
        self.key(text, plain)
    }

    /// A key's text as the dialect gives it. Gives up on merge keys (and a quoted `<<`,
    /// which kustomize drops) and, in the Kustomize dialect, on keys go-yaml v3 does not
    /// read as strings (kustomize fails on them, or drops or keeps them by position).
    pub(super) fn key(&self, text: Cow<'_, str>, plain: bool) -> Fast<String> {
        if &*text == "<<" || text.len() > MAX_KEY_LEN {
            return Err(GiveUp);
        }
        if self.dialect == Dialect::Kustomize && plain && !matches!(resolve_kind(&text, self.dialect, true), Kind::Str)
        {
            return Err(GiveUp);
        }
        resolve_key(text, plain, ScalarTag::None, self.dialect).map_err(|_| GiveUp)
    }

    /// A value on the rest of the line, in a collection at `col`; moves to the next line
    /// (a literal block, past its last line).
    fn inline_value(&mut self, col: usize, depth: usize) -> Fast<Value> {
        let value = match self.at(self.pos) {
            b'|' | b'>' => return self.block_scalar(col),
            b'[' => self.flow_seq(depth)?,
            b'{' => self.flow_map(depth)?,
            b'"' => {
                let text = self.double_quoted()?;
                self.scalar(text, false)?
            }
            b'\'' => {
                let text = self.single_quoted()?;
                self.scalar(text, false)?
            }
            b'-' if is_blank_or_eol(self.at(self.pos + 1)) => return Err(GiveUp),
            b'&' | b'*' | b'!' | b'?' | b':' | b',' | b']' | b'}' | b'#' | b'%' | b'@' | b'`' => {
                return Err(GiveUp);
            }
            _ => {
                let text = self.plain_value()?;
                self.scalar(Cow::Borrowed(text), true)?
            }
        };
        self.end_line()?;
        Ok(value)
    }

    /// After a value: only blanks and a comment may follow on its line. Moves to the next.
    fn end_line(&mut self) -> Fast<()> {
        let blanks = self.skip_spaces();
        match self.at(self.pos) {
            b'\n' | 0 => {}
            b'#' if blanks > 0 => {}
            _ => return Err(GiveUp),
        }
        self.next_line();
        Ok(())
    }
}
