//! `key:value` arguments (labels, annotations) and the checks Kubernetes applies to them.

use crate::yaml::{Map, Value};

use super::Error;

/// Reads `k:v` pairs (several per argument when separated by commas); a missing value is
/// empty, surrounding spaces and quotes around the value are dropped.
///
/// # Errors
/// A pair without a key.
pub fn parse_pairs<S: AsRef<str>>(args: &[S], kind: &str) -> Result<Map, Error> {
    let mut out = Map::default();
    for arg in args {
        for item in arg.as_ref().split(',').filter(|s| !s.is_empty()) {
            match item.find(':') {
                Some(0) => {
                    return Err(Error::arg(format!(
                        "invalid {kind}: '{item}' (need k:v pair where v may be quoted)"
                    )));
                }
                None => {
                    out.insert(item.to_string(), Value::String(String::new()));
                }
                Some(c) => {
                    let key = item[..c].trim_matches(' ').to_string();
                    let value = trim_quotes(item[c + 1..].trim_matches(' '));
                    out.insert(key, Value::String(value.to_string()));
                }
            }
        }
    }
    Ok(out)
}

fn trim_quotes(s: &str) -> &str {
    if s.len() >= 2 && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\''))) {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// `[prefix/]name` as Kubernetes requires of label and annotation keys.
fn qualified_name_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            return Some("prefix part must be non-empty".into());
        }
        if let Some(why) = dns_subdomain_problem(p) {
            return Some(format!("prefix part {why}"));
        }
    }
    if name.is_empty() {
        return Some("name part must be non-empty".into());
    }
    if name.len() > 63 {
        return Some("name part must be no more than 63 characters".into());
    }
    if !name.chars().all(is_name_char)
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Some(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                .into(),
        );
    }
    None
}

/// A lowercase RFC 1123 subdomain.
pub fn dns_subdomain_problem(s: &str) -> Option<String> {
    if s.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    let ok = s.split('.').all(|label| dns_label_problem(label).is_none());
    (!ok).then(|| {
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character".into()
    })
}

/// A lowercase RFC 1123 label (namespace names).
pub fn dns_label_problem(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    (!ok).then(|| {
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (at most 63 characters)".into()
    })
}

/// Checks label keys and values.
///
/// # Errors
/// The first invalid key or value.
pub fn validate_labels(m: &Map) -> Result<(), Error> {
    for (k, v) in m {
        if let Some(why) = qualified_name_problem(k) {
            return Err(Error::arg(format!("invalid label key '{k}': {why}")));
        }
        let v = v.as_str().unwrap_or_default();
        let ok = v.is_empty()
            || (v.len() <= 63
                && v.chars().all(is_name_char)
                && v.starts_with(|c: char| c.is_ascii_alphanumeric())
                && v.ends_with(|c: char| c.is_ascii_alphanumeric()));
        if !ok {
            return Err(Error::arg(format!(
                "invalid label value '{v}' for key '{k}': must be 63 characters or less and consist of alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character"
            )));
        }
    }
    Ok(())
}

/// Checks annotation keys.
///
/// # Errors
/// The first invalid key.
pub fn validate_annotations(m: &Map) -> Result<(), Error> {
    for k in m.keys() {
        if let Some(why) = qualified_name_problem(&k.to_ascii_lowercase()) {
            return Err(Error::arg(format!("invalid annotation key '{k}': {why}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_split_and_trim() {
        let m = parse_pairs(&["app:web,tier: \"front\"", "flag"], "label").unwrap();
        assert_eq!(m.get("app").unwrap().as_str(), Some("web"));
        assert_eq!(m.get("tier").unwrap().as_str(), Some("front"));
        assert_eq!(m.get("flag").unwrap().as_str(), Some(""));
        assert!(parse_pairs(&[":v"], "label").is_err());
    }

    #[test]
    fn label_rules() {
        let ok = parse_pairs(&["app.kubernetes.io/name:web"], "label").unwrap();
        assert!(validate_labels(&ok).is_ok());
        let bad = parse_pairs(&["app:has space"], "label").unwrap();
        assert!(validate_labels(&bad).is_err());
        let bad_key = parse_pairs(&["-x:y"], "label").unwrap();
        assert!(validate_labels(&bad_key).is_err());
        assert!(dns_label_problem("metallb-system").is_none());
        assert!(dns_label_problem("Bad_NS").is_some());
    }
}
