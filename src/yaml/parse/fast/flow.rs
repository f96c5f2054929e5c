//! Flow collections of the fast path: `[...]` and `{...}` that close on their line, holding
//! scalars and other such collections.
//!
//! What the full path does in flow context, kept here: a plain scalar that go-yaml v3 would
//! quote to write it comes back from kustomize's round trip as its text (see `kyaml.rs`).
//! What it treats specially gives up: `?` and `:` inside plain scalars, `{a:}`, empty
//! entries, trailing commas, single-pair mappings in lists, comments.

use std::borrow::Cow;

use super::super::kyaml;
use super::{Fast, GiveUp, Reader};
use crate::yaml::value::Value;

impl<'t> Reader<'t> {
    /// A flow list at `depth` (counting itself); `pos` at `[`, left past `]`.
    pub(super) fn flow_seq(&mut self, depth: usize) -> Fast<Value> {
        self.enter(depth)?;
        self.pos += 1;
        self.skip_spaces();
        let start = self.items.len();
        if self.at(self.pos) != b']' {
            loop {
                let item = self.flow_node(depth)?;
                self.items.push(item);
                self.skip_spaces();
                match self.at(self.pos) {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.at(self.pos) == b']' {
                            return Err(GiveUp);
                        }
                    }
                    b']' => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        self.pos += 1;
        Ok(Value::Seq(self.items.drain(start..).collect()))
    }

    /// A flow mapping at `depth` (counting itself); `pos` at `{`, left past `}`.
    pub(super) fn flow_map(&mut self, depth: usize) -> Fast<Value> {
        self.enter(depth)?;
        self.pos += 1;
        self.skip_spaces();
        let start = self.entries.len();
        if self.at(self.pos) != b'}' {
            loop {
                let key = self.flow_key()?;
                self.skip_spaces();
                let value = match self.at(self.pos) {
                    b',' | b'}' => self.flow_plain(""),
                    _ => self.flow_node(depth),
                }?;
                self.entries.push((key, value));
                self.skip_spaces();
                match self.at(self.pos) {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.at(self.pos) == b'}' {
                            return Err(GiveUp);
                        }
                    }
                    b'}' => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        self.pos += 1;
        self.finish_map(start)
    }

    /// A key of a flow mapping and its `:`, which a space must follow.
    fn flow_key(&mut self) -> Fast<String> {
        let (text, plain) = match self.at(self.pos) {
            b'"' => (self.double_quoted()?, false),
            b'\'' => (self.single_quoted()?, false),
            _ => (Cow::Borrowed(self.flow_plain_text(true)?), true),
        };
        if self.at(self.pos) != b':' || self.at(self.pos + 1) != b' ' {
            return Err(GiveUp);
        }
        self.pos += 1;
        self.key(text, plain)
    }

    /// A node inside a flow collection at `depth`.
    fn flow_node(&mut self, depth: usize) -> Fast<Value> {
        match self.at(self.pos) {
            b'[' => self.flow_seq(depth + 1),
            b'{' => self.flow_map(depth + 1),
            b'"' => {
                let text = self.double_quoted()?;
                self.scalar(text, false)
            }
            b'\'' => {
                let text = self.single_quoted()?;
                self.scalar(text, false)
            }
            _ => {
                let text = self.flow_plain_text(false)?;
                self.flow_plain(text)
            }
        }
    }

    /// A plain scalar in a flow collection: up to `,`, `]` or `}` (a key: up to `: `), with
    /// trailing blanks dropped; `pos` left at what ended it.
    fn flow_plain_text(&mut self, key: bool) -> Fast<&'t str> {
        let start = self.pos;
        let first_ok = match self.at(start) {
            b'-' => !matches!(self.at(start + 1), b' ' | b'\n' | 0 | b',' | b'[' | b']' | b'{' | b'}'),
            b => !super::scalar::is_indicator(b),
        };
        if !first_ok {
            return Err(GiveUp);
        }
        let mut i = start;
        let mut end = start;
        loop {
            match self.at(i) {
                b',' | b']' | b'}' => break,
                b':' if key && self.at(i + 1) == b' ' => break,
                b'\n' | 0 | b':' | b'?' | b'#' | b'[' | b'{' => return Err(GiveUp),
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        self.pos = i;
        Ok(&self.text[start..end])
    }

    /// A plain scalar's value in a flow collection.
    fn flow_plain(&self, text: &str) -> Fast<Value> {
        if self.kyaml && !kyaml::flow_plain_allowed(text) {
            // Written quoted by kustomize's round trip: read back as a string.
            return Ok(Value::String(text.to_string()));
        }
        self.scalar(Cow::Borrowed(text), true)
    }
}
