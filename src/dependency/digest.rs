//! The `digest:` of a lock file, computed as Helm computes it, so a Chart.lock written by
//! rudder is accepted by `helm dependency build` and the other way round.
//!
//! Helm's rule (internal/resolver `HashReq`): the sha256 of Go's `encoding/json` rendering
//! of the two-element array `[requested, locked]`, written `sha256:HEX`. Each dependency is
//! a JSON object whose members come in the Go struct's order, empty ones left out:
//! - `name` (always), `version` (if set), `repository` (always), `condition`, `tags`,
//!   `enabled` (only when true), `import-values`, `alias` (each only if set);
//! - an `import-values` pair is an object with its keys sorted (`child`, `parent`);
//! - a missing list is `null`, an empty one `[]`.
//!
//! Strings are escaped as Go escapes them: `"` and `\`, `\n` `\r` `\t` `\b` `\f`, other
//! control characters as `\u00XX` (lowercase hex), `<` `>` `&` as `\u003c` `\u003e`
//! `\u0026`, and U+2028/U+2029 as `\u2028`/`\u2029`; everything else as UTF-8.
//!
//! The requested list is Chart.yaml's as Helm's loader leaves it: its name, version,
//! repository, condition and tags sanitized (every whitespace character becomes a space,
//! other non-printable characters are dropped), and `@name`/`alias:name` repositories
//! replaced by the added repository's URL.
//!
//! For `apiVersion: v1` charts Helm also accepts the Helm 2 digest of requirements.yaml
//! (`HashV2Req`): the sha256 of `{"dependencies":[requested]}`.

use sha2::{Digest, Sha256};

use crate::chart::{Dependency, ImportValue};
use crate::yaml::go_json_string;

/// Helm's digest of a requested and a locked dependency list (`None`: the list is absent,
/// JSON `null`).
pub fn lock_digest(requested: Option<&[Dependency]>, locked: Option<&[Dependency]>) -> String {
    sha256_text(&lock_json(requested, locked))
}

fn lock_json(requested: Option<&[Dependency]>, locked: Option<&[Dependency]>) -> String {
    let mut json = String::from("[");
    list(&mut json, requested);
    json.push(',');
    list(&mut json, locked);
    json.push(']');
    json
}

/// Helm 2's digest of a requirements.yaml dependency list.
pub fn helm2_digest(requested: Option<&[Dependency]>) -> String {
    sha256_text(&helm2_json(requested))
}

fn helm2_json(requested: Option<&[Dependency]>) -> String {
    let mut json = String::from("{\"dependencies\":");
    list(&mut json, requested);
    json.push('}');
    json
}

fn sha256_text(json: &str) -> String {
    let sum = Sha256::digest(json.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in sum.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A dependency as Helm's loader leaves a Chart.yaml entry: the fields it sanitizes
/// cleaned of control characters.
pub fn sanitized(dep: &Dependency) -> Dependency {
    Dependency {
        name: sanitize(&dep.name),
        version: sanitize(&dep.version),
        repository: sanitize(&dep.repository),
        condition: sanitize(&dep.condition),
        tags: dep.tags.iter().map(|t| sanitize(t)).collect(),
        ..dep.clone()
    }
}

/// Every whitespace character becomes a space; characters Go does not count as printable
/// (controls, format characters such as U+200B or U+FEFF, private use) are dropped.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if printable(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

fn printable(c: char) -> bool {
    let u = c as u32;
    !(c.is_control()
        || u == 0xAD
        || (0x600..=0x605).contains(&u)
        || u == 0x61C
        || u == 0x6DD
        || u == 0x70F
        || (0x200B..=0x200F).contains(&u)
        || (0x202A..=0x202E).contains(&u)
        || (0x2060..=0x2064).contains(&u)
        || (0x2066..=0x206F).contains(&u)
        || u == 0xFEFF
        || (0xFFF9..=0xFFFB).contains(&u)
        || (0xE000..=0xF8FF).contains(&u)
        || u >= 0xF0000)
}

fn list(out: &mut String, deps: Option<&[Dependency]>) {
    let Some(deps) = deps else {
        out.push_str("null");
        return;
    };
    out.push('[');
    for (i, d) in deps.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        dependency(out, d);
    }
    out.push(']');
}

fn dependency(out: &mut String, d: &Dependency) {
    out.push_str("{\"name\":");
    go_json_string(out, &d.name, true);
    if !d.version.is_empty() {
        out.push_str(",\"version\":");
        go_json_string(out, &d.version, true);
    }
    out.push_str(",\"repository\":");
    go_json_string(out, &d.repository, true);
    if !d.condition.is_empty() {
        out.push_str(",\"condition\":");
        go_json_string(out, &d.condition, true);
    }
    if !d.tags.is_empty() {
        out.push_str(",\"tags\":[");
        for (i, t) in d.tags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            go_json_string(out, t, true);
        }
        out.push(']');
    }
    if d.enabled == Some(true) {
        out.push_str(",\"enabled\":true");
    }
    if !d.import_values.is_empty() {
        out.push_str(",\"import-values\":[");
        for (i, iv) in d.import_values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match iv {
                ImportValue::Exports(s) => go_json_string(out, s, true),
                ImportValue::Pair { child, parent } => {
                    out.push_str("{\"child\":");
                    go_json_string(out, child, true);
                    out.push_str(",\"parent\":");
                    go_json_string(out, parent, true);
                    out.push('}');
                }
            }
        }
        out.push(']');
    }
    if !d.alias.is_empty() {
        out.push_str(",\"alias\":");
        go_json_string(out, &d.alias, true);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dependency::test_dependency as dep;

    fn json(d: &Dependency) -> String {
        let mut s = String::new();
        dependency(&mut s, d);
        s
    }

    #[test]
    fn go_field_order_and_omitempty() {
        let mut d = dep("db", "", "");
        assert_eq!(json(&d), r#"{"name":"db","repository":""}"#);
        d.version = ">=1.2 <2 && x".into();
        d.condition = "db.enabled".into();
        d.tags = vec!["back".into()];
        d.enabled = Some(true);
        d.import_values = vec![
            ImportValue::Exports("data".into()),
            ImportValue::Pair {
                child: "a".into(),
                parent: "b".into(),
            },
        ];
        d.alias = "store".into();
        assert_eq!(
            json(&d),
            r#"{"name":"db","version":"\u003e=1.2 \u003c2 \u0026\u0026 x","repository":"","condition":"db.enabled","tags":["back"],"enabled":true,"import-values":["data",{"child":"a","parent":"b"}],"alias":"store"}"#
        );
        d.enabled = Some(false);
        assert!(!json(&d).contains("\"enabled\":"));
    }

    #[test]
    fn null_and_empty_lists() {
        // Go marshals a nil slice as null.
        assert_eq!(lock_json(None, Some(&[])), "[null,[]]");
        assert_eq!(helm2_json(None), r#"{"dependencies":null}"#);
        let d = [dep("a", "1", "")];
        assert_eq!(
            lock_json(Some(&d), Some(&d)),
            r#"[[{"name":"a","version":"1","repository":""}],[{"name":"a","version":"1","repository":""}]]"#
        );
        assert!(lock_digest(None, None).starts_with("sha256:"));
        assert_eq!(lock_digest(None, None).len(), 7 + 64);
    }

    #[test]
    fn sanitizes_like_helms_loader() {
        let d = sanitized(&dep("a\tb\u{0}", "1.0\u{200b}", "https://x\n"));
        assert_eq!(
            (d.name.as_str(), d.version.as_str(), d.repository.as_str()),
            ("a b", "1.0", "https://x ")
        );
    }
}
