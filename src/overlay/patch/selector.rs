//! Patch targets: kustomize's `Selector` (group, version, kind, name, namespace as
//! anchored regular expressions; label and annotation selectors in Kubernetes syntax).
//!
//! A resource is selected when its original or current namespace matches, its original
//! or current name matches, its group/version/kind match, and its labels and annotations
//! satisfy the selectors. Empty fields match anything.

use regex::Regex;

use crate::resource::Gvk;
use crate::yaml::{Map, Value};

use super::super::resmap::Resource;

/// A compiled `target:`.
#[derive(Debug, Clone)]
pub struct Selector {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
    /// The name when it is a plain literal (no regex syntax): lets callers use an index.
    pub literal_name: Option<String>,
}

/// Fields of a `target:` mapping.
pub const FIELDS: &[&str] = &[
    "group",
    "version",
    "kind",
    "name",
    "namespace",
    "labelSelector",
    "annotationSelector",
];

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq,
    NotEq,
    In,
    NotIn,
    Exists,
    NotExists,
}

#[derive(Debug, Clone, PartialEq)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

impl Selector {
    /// Compiles a `target:` mapping (fields already checked against [`FIELDS`]).
    ///
    /// # Errors
    /// A field that is not a string, an invalid regular expression or selector; the
    /// message names the field.
    pub fn from_map(m: &Map) -> Result<Selector, (String, String)> {
        let text = |k: &str| -> Result<String, (String, String)> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(v) => Err((k.to_string(), format!("expected a string, found {}", v.type_name()))),
            }
        };
        let re = |k: &str| -> Result<Option<Regex>, (String, String)> {
            let s = text(k)?;
            if s.is_empty() {
                return Ok(None);
            }
            Regex::new(&format!("^(?:{s})$")).map(Some).map_err(|e| {
                (
                    k.to_string(),
                    format!("invalid regular expression: {}", first_line(&e.to_string())),
                )
            })
        };
        let name = text("name")?;
        let literal_name = (!name.is_empty() && regex::escape(&name) == name).then(|| name.clone());
        Ok(Selector {
            group: re("group")?,
            version: re("version")?,
            kind: re("kind")?,
            name: re("name")?,
            namespace: re("namespace")?,
            labels: parse_selector(&text("labelSelector")?).map_err(|e| ("labelSelector".to_string(), e))?,
            annotations: parse_selector(&text("annotationSelector")?)
                .map_err(|e| ("annotationSelector".to_string(), e))?,
            literal_name,
        })
    }

    /// Whether `r` is selected.
    pub fn matches(&self, r: &Resource) -> bool {
        let cur = r.cur_id();
        let org = r.orig_id();
        if let Some(ns) = &self.namespace {
            let eff = |id: &crate::resource::ResId| {
                super::super::config::effective_namespace(&id.gvk, &id.namespace).to_string()
            };
            if !ns.is_match(&eff(&org)) && !ns.is_match(&eff(&cur)) {
                return false;
            }
        }
        if let Some(n) = &self.name
            && !n.is_match(&org.name)
            && !n.is_match(&cur.name)
        {
            return false;
        }
        if !self.matches_gvk(&cur.gvk) {
            return false;
        }
        let meta = |k: &str| r.value().pointer(&["metadata", k]).and_then(Value::as_map);
        satisfies(&self.labels, meta("labels")) && satisfies(&self.annotations, meta("annotations"))
    }

    fn matches_gvk(&self, g: &Gvk) -> bool {
        let ok = |re: &Option<Regex>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        ok(&self.group, &g.group) && ok(&self.version, &g.version) && ok(&self.kind, &g.kind)
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

fn satisfies(reqs: &[Requirement], map: Option<&Map>) -> bool {
    reqs.iter().all(|req| {
        let v = map.and_then(|m| m.get(&req.key)).map(|v| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => crate::yaml::to_string(other).trim_end().to_string(),
        });
        match req.op {
            Op::Exists => v.is_some(),
            Op::NotExists => v.is_none(),
            Op::Eq | Op::In => v.is_some_and(|v| req.values.contains(&v)),
            Op::NotEq | Op::NotIn => v.is_none_or(|v| !req.values.contains(&v)),
        }
    })
}

/// Parses a Kubernetes label selector: comma-separated `k=v`, `k==v`, `k!=v`,
/// `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
fn parse_selector(s: &str) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced parentheses in '{s}'"));
    }
    parts.push(&s[start..]);
    for part in parts {
        let p = part.trim();
        if p.is_empty() {
            if s.trim().is_empty() {
                continue;
            }
            return Err(format!("empty requirement in '{s}'"));
        }
        out.push(parse_requirement(p).ok_or_else(|| format!("invalid selector requirement '{p}'"))?);
    }
    Ok(out)
}

fn parse_requirement(p: &str) -> Option<Requirement> {
    let req = |key: &str, op, values: Vec<String>| {
        let key = key.trim();
        (!key.is_empty() && !key.contains(char::is_whitespace)).then(|| Requirement {
            key: key.to_string(),
            op,
            values,
        })
    };
    if let Some(k) = p.strip_prefix('!') {
        return req(k, Op::NotExists, Vec::new());
    }
    if let Some((k, v)) = p.split_once("!=") {
        return req(k, Op::NotEq, vec![v.trim().to_string()]);
    }
    if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
        return req(k, Op::Eq, vec![v.trim().to_string()]);
    }
    for (word, op) in [(" notin ", Op::NotIn), (" in ", Op::In)] {
        if let Some((k, rest)) = p.split_once(word) {
            let rest = rest.trim();
            let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
            let values = inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            return req(k, op, values);
        }
    }
    req(p, Op::Exists, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_selectors() {
        let r = parse_selector("app=web, tier in (a, b),!legacy,env!=prod,x").unwrap();
        assert_eq!(r.len(), 5);
        assert_eq!(r[1].values, ["a", "b"]);
        assert_eq!(r[2].op, Op::NotExists);
        assert!(parse_selector("").unwrap().is_empty());
        assert!(parse_selector("a in (b").is_err());
    }

    #[test]
    fn requirements_match_labels() {
        let mut m = Map::default();
        m.insert("app".into(), Value::String("web".into()));
        let r = parse_selector("app in (web,api),!gone").unwrap();
        assert!(satisfies(&r, Some(&m)));
        assert!(!satisfies(&parse_selector("app!=web").unwrap(), Some(&m)));
        assert!(satisfies(&parse_selector("other!=x").unwrap(), None));
    }
}
