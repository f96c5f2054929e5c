//! Compiled schema nodes and the walk that checks a value against them.
//!
//! Nulls pass everywhere, as the API server drops null fields before validating; objects
//! refuse fields they do not declare unless they are open (free-form or
//! `x-kubernetes-preserve-unknown-fields`), as kubeconform's strict mode does.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use regex::Regex;

use crate::yaml::Value;

/// FNV-1a: field names are short and the tables are fixed once compiled (lookups only), so
/// a simple hash beats SipHash here; schema lookups are most of a document's validation.
#[derive(Default, Clone, Copy)]
pub(super) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A map from names to schema entries.
pub(super) type NameMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// Index of a node in [`Nodes`].
pub(super) type Id = u32;

#[derive(Debug, Clone)]
pub(super) enum Node {
    Any,
    String,
    Int,
    Number,
    Bool,
    /// IntOrString: an integer or a string.
    IntOrString,
    /// Quantity: a number or a string.
    Quantity,
    Array(Id),
    Object(Box<Object>),
    /// A node with value constraints (CRD schemas).
    Checked(Box<Checked>),
}

#[derive(Debug, Clone, Default)]
pub(super) struct Object {
    pub props: NameMap<Id>,
    /// Schema of fields not in `props` (a map's values).
    pub additional: Option<Id>,
    /// Any further field is accepted.
    pub open: bool,
    pub required: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) struct Checked {
    pub inner: Id,
    pub enumeration: Vec<Value>,
    pub pattern: Option<Regex>,
    pub minimum: Option<(f64, bool)>,
    pub maximum: Option<(f64, bool)>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
}

/// Most problems reported for one document; the rest are counted in one more line.
const MAX_ERRORS: usize = 50;

/// One schema violation: the field path and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Nodes {
    pub nodes: Vec<Node>,
}

/// One step of a field path.
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn render(path: &[Seg<'_>]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

struct Walk<'a> {
    nodes: &'a [Node],
    path: Vec<Seg<'a>>,
    out: Vec<Violation>,
    dropped: usize,
}

impl<'a> Walk<'a> {
    fn report(&mut self, message: String) {
        if self.out.len() < MAX_ERRORS {
            self.out.push(Violation {
                path: render(&self.path),
                message,
            });
        } else {
            self.dropped += 1;
        }
    }

    fn mismatch(&mut self, want: &str, v: &Value) {
        self.report(format!("expected {want}, found {}", v.type_name()));
    }

    fn check(&mut self, id: Id, v: &'a Value) {
        if v.is_null() {
            return;
        }
        let nodes = self.nodes;
        match &nodes[id as usize] {
            Node::Any => {}
            Node::String => {
                if !matches!(v, Value::String(_)) {
                    self.mismatch("a string", v);
                }
            }
            Node::Int => {
                if v.as_i64().is_none() && !matches!(v, Value::Uint(_)) {
                    self.mismatch("an integer", v);
                }
            }
            Node::Number => {
                if !matches!(v, Value::Int(_) | Value::Uint(_) | Value::Float(_)) {
                    self.mismatch("a number", v);
                }
            }
            Node::Bool => {
                if !matches!(v, Value::Bool(_)) {
                    self.mismatch("a boolean", v);
                }
            }
            Node::IntOrString => {
                if !matches!(v, Value::String(_)) && v.as_i64().is_none() {
                    self.mismatch("an integer or a string", v);
                }
            }
            Node::Quantity => {
                if !matches!(v, Value::String(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_)) {
                    self.mismatch("a quantity (a number or a string)", v);
                }
            }
            Node::Array(item) => match v {
                Value::Seq(items) => {
                    for (i, x) in items.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.check(*item, x);
                        self.path.pop();
                    }
                }
                _ => self.mismatch("a list", v),
            },
            Node::Object(o) => match v {
                Value::Map(m) => {
                    for (k, x) in m {
                        let target = o.props.get(k.as_str()).copied().or(o.additional);
                        self.path.push(Seg::Key(k));
                        match target {
                            Some(t) => self.check(t, x),
                            None if o.open => {}
                            None => self.report("unknown field".to_string()),
                        }
                        self.path.pop();
                    }
                    for r in &o.required {
                        if !m.contains_key(r.as_str()) {
                            self.path.push(Seg::Key(r));
                            self.report("required field is missing".to_string());
                            self.path.pop();
                        }
                    }
                }
                _ => self.mismatch("a mapping", v),
            },
            Node::Checked(c) => {
                let before = self.out.len() + self.dropped;
                self.check(c.inner, v);
                if self.out.len() + self.dropped == before {
                    self.constraints(c, v);
                }
            }
        }
    }

    fn constraints(&mut self, c: &Checked, v: &Value) {
        if !c.enumeration.is_empty() && !c.enumeration.contains(v) {
            let allowed: Vec<String> = c.enumeration.iter().map(show).collect();
            self.report(format!("{} is not one of {}", show(v), allowed.join(", ")));
        }
        if let (Some(re), Value::String(s)) = (&c.pattern, v)
            && !re.is_match(s)
        {
            self.report(format!("\"{s}\" does not match the pattern {}", re.as_str()));
        }
        let num = match v {
            Value::Int(i) => Some(*i as f64),
            Value::Uint(u) => Some(*u as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        };
        if let Some(n) = num {
            if let Some((min, exclusive)) = c.minimum
                && (n < min || (exclusive && n == min))
            {
                let op = if exclusive { "above" } else { "at least" };
                self.report(format!("{n} is not {op} {min}"));
            }
            if let Some((max, exclusive)) = c.maximum
                && (n > max || (exclusive && n == max))
            {
                let op = if exclusive { "below" } else { "at most" };
                self.report(format!("{n} is not {op} {max}"));
            }
        }
        if let Value::String(s) = v {
            let len = s.chars().count();
            if let Some(m) = c.min_length.filter(|m| len < *m) {
                self.report(format!("length {len} is below the minimum of {m}"));
            }
            if let Some(m) = c.max_length.filter(|m| len > *m) {
                self.report(format!("length {len} is above the maximum of {m}"));
            }
        }
        if let Value::Seq(items) = v {
            let n = items.len();
            if let Some(m) = c.min_items.filter(|m| n < *m) {
                self.report(format!("{n} items, fewer than the minimum of {m}"));
            }
            if let Some(m) = c.max_items.filter(|m| n > *m) {
                self.report(format!("{n} items, more than the maximum of {m}"));
            }
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => other.type_name().into(),
    }
}

impl Nodes {
    pub fn push(&mut self, n: Node) -> Id {
        self.nodes.push(n);
        (self.nodes.len() - 1) as Id
    }

    /// Checks `v` against node `id`; at most [`MAX_ERRORS`] violations plus a count of the rest.
    pub fn validate(&self, id: Id, v: &Value) -> Vec<Violation> {
        let mut w = Walk {
            nodes: &self.nodes,
            path: Vec::new(),
            out: Vec::new(),
            dropped: 0,
        };
        w.check(id, v);
        if w.dropped > 0 {
            w.out.push(Violation {
                path: String::new(),
                message: format!("{} more schema problems not shown", w.dropped),
            });
        }
        w.out
    }
}
