//! Replacement field paths (`spec.template.spec.containers.[name=app].image`): splitting,
//! and the three walks kustomize does with them.
//!
//! Rules (kustomize v5.5, kyaml's path getter and path matcher):
//! - a path splits at `.` except after `\` and inside `[...]` (a group without `=` is a
//!   key: its brackets go); blank parts are dropped;
//! - a part is a field name, a list selector `[field=value]` (or `[=value]` for a list of
//!   scalars), an index `0`, `1`, ... or `-` (the last element, source lookups only), or `*`
//!   (every element, target lookups only);
//! - source lookup ([`lookup`]): `[field=value]` compares exactly; a missing field, an index
//!   out of range or a list selector matching nothing gives nothing;
//! - target lookup ([`visit_matching`]): `[field=value]` takes `value` as an unanchored
//!   regular expression, `*` and list selectors need a list, an index out of range is an
//!   error; every matched node is visited;
//! - target lookup with `create` ([`visit_create`]): the matching rules of the target
//!   lookup, creating missing fields (lists before a `[...]` or index part, mappings before
//!   a field, the source's kind at the end), appending `{field: value}` for a list selector
//!   that matches nothing and an element for an index equal to the list's length. `*` parts
//!   are first expanded over the lists that exist ([`expand_wildcards`]).

use std::collections::HashMap;

use regex::Regex;

use crate::yaml::{Map, Value};

/// Splits a field path at dots: `\.` is a literal dot; a `[...]` group holding dots stays
/// one part, and loses its brackets when it has no `=` (`metadata.annotations.[a.b/c]`
/// names the key `a.b/c`).
pub fn split(path: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for piece in path.split('.') {
        match pieces.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('.');
                last.push_str(piece);
            }
            _ => pieces.push(piece.to_string()),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let piece = &pieces[i];
        if piece.starts_with('[') && !piece.ends_with(']') {
            let mut group = vec![piece.as_str()];
            while i + 1 < pieces.len() {
                i += 1;
                group.push(&pieces[i]);
                if pieces[i].ends_with(']') {
                    break;
                }
            }
            let joined = group.join(".");
            out.push(if joined.contains('=') {
                joined
            } else {
                joined.trim_matches(|c| c == '[' || c == ']').to_string()
            });
        } else {
            out.push(piece.clone());
        }
        i += 1;
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One part of a path.
enum Part<'a> {
    Field(&'a str),
    /// `[field=value]`; an empty field matches list elements that are scalars.
    Select(&'a str, &'a str),
    Index(usize),
    Last,
    Every,
}

fn part(p: &str) -> Result<Part<'_>, String> {
    if let Some(inner) = p.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return match inner.split_once('=') {
            Some((f, v)) => Ok(Part::Select(f, v)),
            None => Err(format!(
                "'{p}': list path element must contain fieldName=fieldValue for element to match"
            )),
        };
    }
    if p == "-" {
        return Ok(Part::Last);
    }
    if p == "*" {
        return Ok(Part::Every);
    }
    if let Ok(i) = p.parse::<i64>() {
        return usize::try_from(i)
            .map(Part::Index)
            .map_err(|_| format!("array index {i} cannot be negative"));
    }
    Ok(Part::Field(p))
}

/// The text of a scalar, as kyaml compares it.
pub fn scalar_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => crate::yaml::to_string(&Value::Float(*f)).trim_end().to_string(),
        Value::Null => "null".to_string(),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

fn elem_matches_exact(elem: &Value, field: &str, value: &str) -> bool {
    if field.is_empty() {
        return scalar_text(elem).as_deref() == Some(value);
    }
    elem.get(field).and_then(scalar_text).as_deref() == Some(value)
}

fn kind_error(part: &str, want: &str, found: &Value) -> String {
    format!("'{part}': expected {want}, found {}", found.type_name())
}

/// Compiled list-selector patterns, each compiled once per replacement.
#[derive(Default)]
pub struct Patterns(HashMap<String, Regex>);

impl Patterns {
    fn get(&mut self, pattern: &str) -> Result<&Regex, regex::Error> {
        if !self.0.contains_key(pattern) {
            self.0.insert(pattern.to_string(), Regex::new(pattern)?);
        }
        Ok(&self.0[pattern])
    }
}

/// Source lookup: the node at `segs`, if any.
///
/// # Errors
/// A part that needs a mapping or list meets another kind of node, or a malformed part.
pub fn lookup<'a>(root: &'a Value, segs: &[String]) -> Result<Option<&'a Value>, String> {
    let mut cur = root;
    for seg in segs {
        let next = match (part(seg)?, cur) {
            (_, Value::Null) => None,
            (Part::Field(f), Value::Map(m)) => m.get(f),
            (Part::Field(_), other) => return Err(kind_error(seg, "a mapping", other)),
            (Part::Select(f, v), Value::Seq(items)) => items.iter().find(|e| elem_matches_exact(e, f, v)),
            (Part::Index(i), Value::Seq(items)) => items.get(i),
            (Part::Last, Value::Seq(items)) => items.last(),
            (Part::Every, Value::Map(m)) => m.get("*"),
            (_, other) => return Err(kind_error(seg, "a list", other)),
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// Target lookup without `create`: calls `f` on every node `segs` matches and returns how
/// many there were.
///
/// # Errors
/// A part that needs a list meets something else, an index out of range, an invalid
/// regular expression, or an error from `f`.
pub fn visit_matching<F>(node: &mut Value, segs: &[String], pats: &mut Patterns, f: &mut F) -> Result<usize, String>
where
    F: FnMut(&mut Value) -> Result<(), String>,
{
    let Some((seg, rest)) = segs.split_first() else {
        f(node)?;
        return Ok(1);
    };
    match part(seg)? {
        // The path matcher has no `-`: it is a field name there.
        Part::Field(_) | Part::Last => {
            let Value::Map(m) = node else { return Ok(0) };
            match m.get_mut(seg.as_str()) {
                Some(child) => visit_matching(child, rest, pats, f),
                None => Ok(0),
            }
        }
        Part::Every => match node {
            Value::Seq(items) => {
                let mut n = 0;
                for item in items {
                    n += visit_matching(item, rest, pats, f)?;
                }
                Ok(n)
            }
            other => Err(kind_error(seg, "a list", other)),
        },
        Part::Select(field, pattern) => {
            let re = pats.get(pattern).map_err(|e| format!("'{seg}': {e}"))?.clone();
            match node {
                Value::Seq(items) => {
                    let mut n = 0;
                    for item in items {
                        let text = if field.is_empty() {
                            scalar_text(item)
                        } else {
                            item.get(field).filter(|v| !v.is_null()).and_then(scalar_text)
                        };
                        if text.is_some_and(|t| re.is_match(t.trim())) {
                            n += visit_matching(item, rest, pats, f)?;
                        }
                    }
                    Ok(n)
                }
                Value::Null => Ok(0),
                other => Err(kind_error(seg, "a list", other)),
            }
        }
        Part::Index(i) => match node {
            Value::Seq(items) => {
                let len = items.len();
                match items.get_mut(i) {
                    Some(item) => visit_matching(item, rest, pats, f),
                    None => Err(format!("index {i} specified but only {len} elements found")),
                }
            }
            other => Err(kind_error(seg, "a list", other)),
        },
    }
}

/// What to create at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Scalar,
    Map,
    Seq,
}

impl Leaf {
    pub fn of(v: &Value) -> Leaf {
        match v {
            Value::Map(_) => Leaf::Map,
            Value::Seq(_) => Leaf::Seq,
            _ => Leaf::Scalar,
        }
    }
}

/// A created node. A created scalar is `Null` until written: like kyaml's untagged empty
/// scalar, it takes the type its final text reads as.
fn created(kind: Leaf) -> Value {
    match kind {
        Leaf::Map => Value::Map(Map::default()),
        Leaf::Seq => Value::Seq(Vec::new()),
        Leaf::Scalar => Value::Null,
    }
}

/// The kind of node to create for a part, from the part after it.
fn kind_before(next: Option<&String>, leaf: Leaf) -> Leaf {
    match next {
        None => leaf,
        Some(n) if (n.starts_with('[') && n.ends_with(']')) || n.parse::<u64>().is_ok() => Leaf::Seq,
        Some(_) => Leaf::Map,
    }
}

/// Target lookup with `create` (kyaml's path matcher in create mode): calls `f` on every
/// node `segs` matches, creating what is missing on the way, with whether the node was
/// created here (an untagged scalar). Returns how many nodes were visited.
///
/// Creation: a missing field is added (a list before a `[...]` or index part, a mapping
/// before a field, the source's kind at the end); a list selector matching nothing appends
/// `{field: value}` (or the scalar `value`), visited when the selector matches it; an
/// index equal to the list's length appends an element, a larger one is an error.
///
/// # Errors
/// A part that needs a list or mapping meets another kind of node, an index past the
/// end, an invalid pattern, or an error from `f`.
pub fn visit_create<F>(
    node: &mut Value,
    segs: &[String],
    leaf: Leaf,
    made: bool,
    pats: &mut Patterns,
    f: &mut F,
) -> Result<usize, String>
where
    F: FnMut(&mut Value, bool) -> Result<(), String>,
{
    let Some((seg, rest)) = segs.split_first() else {
        f(node, made)?;
        return Ok(1);
    };
    let kind = kind_before(rest.first(), leaf);
    let p = part(seg)?;
    if node.is_null() && made {
        // A scalar made on the way becomes the container this part needs.
        *node = match p {
            Part::Field(_) | Part::Last => Value::Map(Map::default()),
            _ => Value::Seq(Vec::new()),
        };
    }
    match p {
        Part::Field(_) | Part::Last => {
            let map = match node {
                Value::Map(m) => m,
                other => return Err(kind_error(seg, "a mapping", other)),
            };
            let fresh = !map.contains_key(seg.as_str());
            let child = map.entry(seg.clone()).or_insert_with(|| created(kind));
            visit_create(child, rest, leaf, fresh, pats, f)
        }
        Part::Every => match node {
            Value::Seq(items) => {
                let mut n = 0;
                for item in items {
                    n += visit_create(item, rest, leaf, false, pats, f)?;
                }
                Ok(n)
            }
            other => Err(kind_error(seg, "a list", other)),
        },
        Part::Index(i) => match node {
            Value::Seq(items) => {
                let fresh = items.len() == i;
                if fresh {
                    items.push(created(kind));
                }
                let len = items.len();
                match items.get_mut(i) {
                    Some(item) => visit_create(item, rest, leaf, fresh, pats, f),
                    None => Err(format!("index {i} specified but only {len} elements found")),
                }
            }
            other => Err(kind_error(seg, "a list", other)),
        },
        Part::Select(field, pattern) => {
            let re = pats.get(pattern).map_err(|e| format!("'{seg}': {e}"))?.clone();
            let items = match node {
                Value::Seq(items) => items,
                other => return Err(kind_error(seg, "a list", other)),
            };
            let text_of = |item: &Value| {
                if field.is_empty() {
                    scalar_text(item)
                } else {
                    item.get(field).filter(|v| !v.is_null()).and_then(scalar_text)
                }
            };
            let hits: Vec<usize> = (0..items.len())
                .filter(|&i| text_of(&items[i]).is_some_and(|t| re.is_match(t.trim())))
                .collect();
            if !hits.is_empty() {
                let mut n = 0;
                for i in hits {
                    n += visit_create(&mut items[i], rest, leaf, false, pats, f)?;
                }
                return Ok(n);
            }
            let value = super::apply::resolve_plain(pattern);
            let (elem, fresh) = if field.is_empty() {
                (value, true)
            } else {
                (Value::Map([(field.to_string(), value)].into_iter().collect()), false)
            };
            items.push(elem);
            let last = items.len() - 1;
            if text_of(&items[last]).is_some_and(|t| re.is_match(t.trim())) {
                visit_create(&mut items[last], rest, leaf, fresh, pats, f)
            } else {
                Ok(0)
            }
        }
    }
}

/// Expands `*` parts into indexes over the lists that exist. From a missing part on, the
/// path is kept as written.
///
/// # Errors
/// A `*` that meets something other than a list.
pub fn expand_wildcards(node: Option<&Value>, segs: &[String]) -> Result<Vec<Vec<String>>, String> {
    let Some((seg, rest)) = segs.split_first() else {
        return Ok(vec![Vec::new()]);
    };
    if seg != "*" {
        let child = match node {
            Some(n) => lookup(n, std::slice::from_ref(seg)).ok().flatten(),
            None => None,
        };
        if child.is_none() {
            // Nothing below exists: the rest of the path stays as written (a `*` in it then
            // meets the mapping created before it, which is an error).
            return Ok(vec![segs.to_vec()]);
        }
        return Ok(expand_wildcards(child, rest)?
            .into_iter()
            .map(|tail| std::iter::once(seg.clone()).chain(tail).collect())
            .collect());
    }
    let items = match node {
        Some(Value::Seq(items)) => items,
        Some(other) => return Err(format!("wildcard must target a list, found {}", other.type_name())),
        None => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        for tail in expand_wildcards(Some(item), rest)? {
            out.push(std::iter::once(i.to_string()).chain(tail).collect());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn v(text: &str) -> Value {
        yaml::first_document(text)
    }

    const POD: &str = "spec:\n  containers:\n  - name: app\n    image: a\n  - name: app-sidecar\n    image: b\n  - name: other\n    image: c\n";

    #[test]
    fn splits_outside_brackets() {
        assert_eq!(
            split("spec.containers.[name=a.b].image"),
            ["spec", "containers", "[name=a.b]", "image"]
        );
        assert_eq!(split("data. x"), ["data", "x"]);
        assert_eq!(
            split("metadata.annotations.[a.b/c]"),
            ["metadata", "annotations", "a.b/c"]
        );
        assert_eq!(split("metadata.annotations.a\\.b"), ["metadata", "annotations", "a.b"]);
        assert_eq!(split("x.[ab]"), ["x", "[ab]"]);
    }

    #[test]
    fn source_lookup_is_exact() {
        let pod = v(POD);
        let got = lookup(&pod, &split("spec.containers.[name=app].image")).unwrap();
        assert_eq!(got, Some(&Value::from("a")));
        assert_eq!(
            lookup(&pod, &split("spec.containers.1.image")).unwrap(),
            Some(&Value::from("b"))
        );
        assert_eq!(
            lookup(&pod, &split("spec.containers.-.image")).unwrap(),
            Some(&Value::from("c"))
        );
        assert_eq!(lookup(&pod, &split("spec.nothing.x")).unwrap(), None);
        assert!(lookup(&pod, &split("spec.containers.x")).is_err());
    }

    #[test]
    fn target_lookup_uses_regexes_and_wildcards() {
        let mut pod = v(POD);
        let mut seen = Vec::new();
        let n = visit_matching(
            &mut pod,
            &split("spec.containers.[name=app].image"),
            &mut Patterns::default(),
            &mut |x| {
                seen.push(x.as_str().unwrap().to_string());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!((n, seen), (2, vec!["a".to_string(), "b".to_string()]));
        let n = visit_matching(
            &mut pod,
            &split("spec.containers.*.image"),
            &mut Patterns::default(),
            &mut |_| Ok(()),
        )
        .unwrap();
        assert_eq!(n, 3);
        assert!(
            visit_matching(
                &mut pod,
                &split("spec.containers.5.image"),
                &mut Patterns::default(),
                &mut |_| Ok(())
            )
            .is_err()
        );
    }

    #[test]
    fn create_builds_missing_parts() {
        let mut pod = v(POD);
        let mut seen = Vec::new();
        let n = visit_create(
            &mut pod,
            &split("spec.containers.[name=new].env"),
            Leaf::Seq,
            false,
            &mut Patterns::default(),
            &mut |node, made| {
                seen.push((node.clone(), made));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(seen, [(Value::Seq(Vec::new()), true)]);
        assert_eq!(pod.pointer(&["spec", "containers"]).unwrap().as_seq().unwrap().len(), 4);
        // A list selector matches every element its pattern hits, creating nothing then.
        let n = visit_create(
            &mut pod,
            &split("spec.containers.[name=app].args.0"),
            Leaf::Scalar,
            false,
            &mut Patterns::default(),
            &mut |_, made| {
                assert!(made);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, 2);
        let paths = expand_wildcards(Some(&pod), &split("spec.containers.*.x.y")).unwrap();
        assert_eq!(paths.len(), 4);
        assert_eq!(paths[0], ["spec", "containers", "0", "x", "y"]);
    }
}
