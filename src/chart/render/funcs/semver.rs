//! `semverCompare` and `semver` with Helm's constraint dialect (`>=1.20.0-0`, `^1.2`,
//! `~1.2`, `1.2.x`, `||`), the chart module's own constraint reader.

use minijinja::value::Value;
use minijinja::{Environment, Error};

use super::{filter, function, invalid, t};
use crate::constraint::{Constraint, parse_version};

fn compare(constraint: &str, version: &str) -> Result<bool, Error> {
    let c = Constraint::parse(constraint).map_err(|e| invalid(format!("semverCompare: {e}")))?;
    let v = parse_version(version).ok_or_else(|| invalid(format!("semverCompare: '{version}' is not a version")))?;
    Ok(c.matches(&v))
}

/// A version's parts, as Sprig's `semver` gives them.
fn parts(version: &str) -> Result<Value, Error> {
    let v = parse_version(version).ok_or_else(|| invalid(format!("semver: '{version}' is not a version")))?;
    Ok(Value::from_pairs([
        ("Major", Value::from(v.major)),
        ("Minor", Value::from(v.minor)),
        ("Patch", Value::from(v.patch)),
        ("Prerelease", Value::from(v.pre.as_str())),
        ("Metadata", Value::from(v.build.as_str())),
        ("Original", Value::from(version)),
    ]))
}

pub(super) fn register(env: &mut Environment<'static>) {
    function(env, &["semverCompare"], |c: &str, v: &Value| compare(c, &t(v)));
    filter(env, &["semverCompare"], |v: &Value, c: &str| compare(c, &t(v)));
    function(env, &["semver"], |v: &Value| parts(&t(v)));
    filter(env, &["semver"], |v: &Value| parts(&t(v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_version_checks() {
        assert!(compare(">=1.20.0-0", "v1.37.0").unwrap());
        assert!(!compare("<1.19", "v1.37.0").unwrap());
        assert!(compare("^1.2", "1.9.3").unwrap());
        assert!(compare(">=1.20-0", "v1.21.0-gke.1").unwrap());
    }
}
