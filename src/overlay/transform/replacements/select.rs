//! Choosing objects for replacements: by id (current or any earlier one) and by label or
//! annotation selector.
//!
//! Rules (kustomize v5.5):
//! - an id selector matches when every non-empty part equals the object's (namespaces
//!   compared as kustomize's effective namespaces, `default` for none); any of the ids the
//!   object had during the build may match;
//! - label and annotation selectors use the Kubernetes selector syntax: `k=v`, `k==v`,
//!   `k!=v` (also true when `k` is absent), `k`, `!k`, `k in (a,b)`, `k notin (a,b)`,
//!   `k>n`, `k<n`, joined by commas; an empty selector matches everything.

use crate::overlay::config;
use crate::resource::{Gvk, ResId};
use crate::yaml::{Map, Value};

use super::spec::Selector;

/// Whether the selector's id part matches `id`.
pub fn id_matches(sel: &Selector, id: &ResId) -> bool {
    if !sel.name.is_empty() && sel.name != id.name {
        return false;
    }
    if !sel.namespace.is_empty() {
        let sel_gvk = Gvk::new(&sel.group, &sel.version, &sel.kind);
        let want = config::effective_namespace(&sel_gvk, &sel.namespace);
        if want != config::effective_namespace(&id.gvk, &id.namespace) {
            return false;
        }
    }
    Gvk::new(&sel.group, &sel.version, &sel.kind).selects(&id.gvk)
}

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq)]
enum Req {
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Gt(String, i64),
    Lt(String, i64),
}

/// A parsed label or annotation selector.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapSelector {
    reqs: Vec<Req>,
}

impl MapSelector {
    /// Parses a selector.
    ///
    /// # Errors
    /// Text that is not a selector.
    pub fn parse(text: &str) -> Result<MapSelector, String> {
        let mut reqs = Vec::new();
        for raw in split_top(text) {
            let r = raw.trim();
            if r.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err(format!("unable to parse requirement: empty requirement in '{text}'"));
            }
            reqs.push(parse_req(r).ok_or_else(|| format!("unable to parse requirement '{r}'"))?);
        }
        Ok(MapSelector { reqs })
    }

    /// Whether the string map `m` (labels or annotations) satisfies every requirement.
    pub fn matches(&self, m: Option<&Map>) -> bool {
        let get = |k: &str| m.and_then(|m| m.get(k)).map(value_text);
        self.reqs.iter().all(|req| match req {
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
            Req::In(k, vs) => get(k).is_some_and(|v| vs.contains(&v)),
            Req::NotIn(k, vs) => get(k).is_none_or(|v| !vs.contains(&v)),
            Req::Gt(k, n) => get(k).and_then(|v| v.parse::<i64>().ok()).is_some_and(|v| v > *n),
            Req::Lt(k, n) => get(k).and_then(|v| v.parse::<i64>().ok()).is_some_and(|v| v < *n),
        })
    }
}

fn value_text(v: &Value) -> String {
    super::path::scalar_text(v).unwrap_or_default()
}

/// Splits at commas outside parentheses.
fn split_top(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn set_values(rest: &str) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(inner.split(',').map(|s| s.trim().to_string()).collect())
}

fn parse_req(r: &str) -> Option<Req> {
    if let Some(k) = r.strip_prefix('!') {
        let k = k.trim();
        return valid_key(k).then(|| Req::NotExists(k.to_string()));
    }
    for (op, neg) in [(" notin ", true), (" in ", false)] {
        if let Some((k, rest)) = r.split_once(op) {
            let k = k.trim();
            let vs = set_values(rest)?;
            if !valid_key(k) {
                return None;
            }
            return Some(if neg {
                Req::NotIn(k.to_string(), vs)
            } else {
                Req::In(k.to_string(), vs)
            });
        }
    }
    if let Some((k, v)) = r.split_once("!=") {
        let k = k.trim();
        return valid_key(k).then(|| Req::NotIn(k.to_string(), vec![v.trim().to_string()]));
    }
    if let Some((k, v)) = r.split_once("==").or_else(|| r.split_once('=')) {
        let k = k.trim();
        return valid_key(k).then(|| Req::In(k.to_string(), vec![v.trim().to_string()]));
    }
    if let Some((k, v)) = r.split_once('>') {
        let k = k.trim();
        let n = v.trim().parse().ok()?;
        return valid_key(k).then(|| Req::Gt(k.to_string(), n));
    }
    if let Some((k, v)) = r.split_once('<') {
        let k = k.trim();
        let n = v.trim().parse().ok()?;
        return valid_key(k).then(|| Req::Lt(k.to_string(), n));
    }
    valid_key(r).then(|| Req::Exists(r.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Map {
        pairs.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect()
    }

    #[test]
    fn selector_syntax() {
        let m = labels(&[("app", "web"), ("tier", "front"), ("n", "5")]);
        let ok = |s: &str| MapSelector::parse(s).unwrap().matches(Some(&m));
        assert!(ok(""));
        assert!(ok("app=web"));
        assert!(ok("app==web,tier"));
        assert!(!ok("app!=web"));
        assert!(ok("missing!=x"));
        assert!(ok("tier in (front, back)"));
        assert!(!ok("tier notin (front)"));
        assert!(ok("!missing"));
        assert!(ok("n>4"));
        assert!(!ok("n<4"));
        assert!(MapSelector::parse("a in b").is_err());
    }

    #[test]
    fn ids_match_effective_namespaces() {
        let id = ResId::new(Gvk::new("apps", "v1", "Deployment"), "web", "");
        let sel = |ns: &str, kind: &str| Selector {
            namespace: ns.into(),
            kind: kind.into(),
            ..Default::default()
        };
        assert!(id_matches(&sel("default", "Deployment"), &id));
        assert!(!id_matches(&sel("prod", ""), &id));
        assert!(!id_matches(&sel("", "Service"), &id));
    }
}
