//! Label selectors (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and the field
//! selectors every resource supports (`metadata.name`, `metadata.namespace`).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq(String),
    Ne(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
}

/// A parsed selector: all requirements must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    reqs: Vec<(String, Op)>,
}

/// Splits on commas outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn values(list: &str) -> Option<Vec<String>> {
    let inner = list.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

impl Selector {
    /// Parses a label selector.
    ///
    /// # Errors
    /// A message naming the requirement that does not parse.
    pub fn labels(s: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for part in split_top(s).into_iter().map(str::trim).filter(|p| !p.is_empty()) {
            let req = if let Some(k) = part.strip_prefix('!') {
                (k.trim().to_string(), Op::NotExists)
            } else if let Some((k, v)) = part.split_once("!=") {
                (k.trim().to_string(), Op::Ne(v.trim().to_string()))
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                (k.trim().to_string(), Op::Eq(v.trim().to_string()))
            } else if let Some((k, v)) = part.split_once(" notin ") {
                (
                    k.trim().to_string(),
                    Op::NotIn(values(v).ok_or_else(|| format!("unable to parse requirement: {part}"))?),
                )
            } else if let Some((k, v)) = part.split_once(" in ") {
                (
                    k.trim().to_string(),
                    Op::In(values(v).ok_or_else(|| format!("unable to parse requirement: {part}"))?),
                )
            } else if part.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
                (part.to_string(), Op::Exists)
            } else {
                return Err(format!("unable to parse requirement: {part}"));
            };
            reqs.push(req);
        }
        Ok(Selector { reqs })
    }

    /// Parses a field selector; only `metadata.name` and `metadata.namespace` are known.
    ///
    /// # Errors
    /// `field label not supported: X` as the API server says it.
    pub fn fields(s: &str) -> Result<Selector, String> {
        let sel = Selector::labels(s)?;
        for (k, op) in &sel.reqs {
            if !matches!(k.as_str(), "metadata.name" | "metadata.namespace") {
                return Err(format!("field label not supported: {k}"));
            }
            if !matches!(op, Op::Eq(_) | Op::Ne(_)) {
                return Err(format!("invalid selector: '{s}'; can't understand '{k}'"));
            }
        }
        Ok(sel)
    }

    fn matches_with(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.reqs.iter().all(|(k, op)| {
            let v = get(k);
            match op {
                Op::Eq(want) => v.as_deref() == Some(want),
                Op::Ne(want) => v.as_deref() != Some(want),
                Op::In(set) => v.is_some_and(|v| set.contains(&v)),
                Op::NotIn(set) => v.is_none_or(|v| !set.contains(&v)),
                Op::Exists => v.is_some(),
                Op::NotExists => v.is_none(),
            }
        })
    }

    /// Whether the object's labels satisfy the selector.
    pub fn matches_labels(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        self.matches_with(|k| labels.get(k).and_then(Value::as_str).map(String::from))
    }

    /// Whether the object's name and namespace satisfy the field selector.
    pub fn matches_fields(&self, obj: &Value) -> bool {
        self.matches_with(|k| {
            let field = k.strip_prefix("metadata.")?;
            Some(
                obj["metadata"]
                    .get(field)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_requirements() {
        let obj = json!({"metadata": {"labels": {"app": "web", "tier": "front"}}});
        for (sel, want) in [
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("app in (api, web)", true),
            ("tier notin (front)", false),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("", true),
        ] {
            assert_eq!(Selector::labels(sel).unwrap().matches_labels(&obj), want, "{sel}");
        }
        assert!(Selector::labels("app in web").is_err());
    }

    #[test]
    fn field_selectors_know_name_and_namespace() {
        let obj = json!({"metadata": {"name": "x", "namespace": "ns"}});
        assert!(Selector::fields("metadata.name=x").unwrap().matches_fields(&obj));
        assert!(!Selector::fields("metadata.namespace!=ns").unwrap().matches_fields(&obj));
        assert_eq!(
            Selector::fields("spec.nodeName=a").unwrap_err(),
            "field label not supported: spec.nodeName"
        );
    }
}
