//! Helm-style SemVer versions and constraints, on the `semver` crate.
//!
//! Helm reads versions leniently (`v1.2`, `1` are `1.2.0`, `1.0.0`) and constraints in the
//! Masterminds dialect: `||` between alternatives, commas or spaces between terms that must
//! all hold, operators `=` `!=` `>` `<` `>=` `<=` `=<` `~` `~>` `^`, wildcards `x` `X` `*`,
//! and hyphen ranges `1.2 - 1.4.5`. Used for `kubeVersion`, dependency versions and
//! repository searches.
//!
//! Rules, as Helm applies them:
//! - a missing part is a wildcard, and a wildcard makes the term a range (`1.2` and `1.2.x`
//!   are `>=1.2.0 <1.3.0`, `<=1` is `<2.0.0`, `>1.2` is `>=1.3.0`, `!=1.2` excludes 1.2.*);
//! - `~1.2.3` is `>=1.2.3 <1.3.0`, `~1` is `>=1.0.0 <2.0.0`;
//! - `^1.2.3` is `>=1.2.3 <2.0.0`, `^0.2.3` is `>=0.2.3 <0.3.0`, `^0.0.3` is `>=0.0.3 <0.0.4`;
//! - a version with a pre-release matches a term only when the term names a pre-release
//!   (`>=1.20.0-0` admits `1.21.0-gke.1`, `>=1.20.0` does not).

use semver::{Prerelease, Version};

/// A parsed constraint: alternatives (`||`), each a list of terms that must all hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    alternatives: Vec<Vec<Term>>,
    text: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Term {
    op: Op,
    version: Version,
    /// How many numeric parts were written before any wildcard: 0 (`*`), 1 (`1`/`1.x`),
    /// 2 (`1.2`/`1.2.x`), 3.
    given: u8,
    /// Whether a wildcard or a missing part stood for the parts after `given`.
    wildcard: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

/// A constraint that could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("'{text}' is not a valid version constraint: {reason}")]
pub struct ConstraintError {
    pub text: String,
    pub reason: String,
}

/// Reads a version as Helm does: an optional `v`, one to three numeric parts (missing ones
/// are 0, leading zeros allowed), then an optional pre-release and build metadata, neither
/// empty. `None` when it is not one.
pub fn parse_version(text: &str) -> Option<Version> {
    let (v, given, wildcard) = parse_partial(text)?;
    if wildcard || given == 0 {
        return None;
    }
    Some(v)
}

/// Parses a version that may end in wildcards. Returns the version (missing parts 0), the
/// number of numeric parts given, and whether a wildcard was used. Parts after a wildcard
/// are ignored (`1.x.3` is `1.x`); leading zeros are accepted (`01.2` is `1.2`), as Helm does.
fn parse_partial(text: &str) -> Option<(Version, u8, bool)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (core, build) = match text.split_once('+') {
        Some((c, b)) => (c, Some(b)),
        None => (text, None),
    };
    let (nums, pre) = match core.split_once('-') {
        Some((n, p)) => (n, Some(p)),
        None => (core, None),
    };
    let mut parts = [0u64; 3];
    let mut given = 0u8;
    let mut wildcard = false;
    let pieces: Vec<&str> = nums.split('.').collect();
    if pieces.is_empty() || pieces.len() > 3 {
        return None;
    }
    for (i, p) in pieces.iter().enumerate() {
        let is_wild = matches!(*p, "x" | "X" | "*");
        if is_wild || wildcard {
            if !is_wild && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
                return None;
            }
            wildcard = true;
            continue;
        }
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts[i] = p.parse().ok()?;
        given += 1;
    }
    let mut v = Version::new(parts[0], parts[1], parts[2]);
    if let Some(pre) = pre {
        if pre.is_empty() {
            return None;
        }
        v.pre = Prerelease::new(pre).ok()?;
    }
    if let Some(build) = build {
        if build.is_empty() {
            return None;
        }
        v.build = semver::BuildMetadata::new(build).ok()?;
    }
    Some((v, given, wildcard))
}

impl Constraint {
    /// Parses a constraint such as `>=1.2 <2`, `~1.2 || ^3`, `1.2.x`, `1.2 - 1.4`.
    ///
    /// # Errors
    /// An unknown operator, a malformed version or an empty alternative.
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        let fail = |reason: &str| ConstraintError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let mut alternatives = Vec::new();
        for alt in text.split("||") {
            if alt.split(',').any(|part| part.trim().is_empty()) && alt.contains(',') {
                return Err(fail("a comma must stand between two terms"));
            }
            let tokens = tokenize(alt);
            if tokens.is_empty() {
                return Err(fail("empty alternative"));
            }
            let mut terms = Vec::new();
            let mut i = 0;
            while i < tokens.len() {
                if i + 2 < tokens.len() && tokens[i + 1] == "-" {
                    let (lo, lg, lw) = parse_partial(&tokens[i]).ok_or_else(|| fail("bad version in range"))?;
                    let (hi, hg, hw) = parse_partial(&tokens[i + 2]).ok_or_else(|| fail("bad version in range"))?;
                    terms.push(Term {
                        op: Op::Ge,
                        version: lo,
                        given: lg,
                        wildcard: lw || lg < 3,
                    });
                    terms.push(Term {
                        op: Op::Le,
                        version: hi,
                        given: hg,
                        wildcard: hw || hg < 3,
                    });
                    i += 3;
                    continue;
                }
                terms.push(parse_term(&tokens[i]).ok_or_else(|| fail(&format!("cannot read '{}'", tokens[i])))?);
                i += 1;
            }
            alternatives.push(terms);
        }
        Ok(Constraint {
            alternatives,
            text: text.to_string(),
        })
    }

    /// Whether `version` satisfies the constraint.
    pub fn matches(&self, version: &Version) -> bool {
        self.alternatives
            .iter()
            .any(|terms| terms.iter().all(|t| t.matches(version)))
    }

    /// The text the constraint was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Splits an alternative into terms: separators are commas and spaces, but an operator
/// followed by spaces stays with its version (`>= 1.2`).
fn tokenize(alt: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for raw in alt.split([',', ' ', '\t']).filter(|s| !s.is_empty()) {
        if raw.chars().all(|c| "=!<>~^".contains(c)) {
            pending_op.push_str(raw);
            continue;
        }
        out.push(format!("{pending_op}{raw}"));
        pending_op.clear();
    }
    if !pending_op.is_empty() {
        out.push(pending_op);
    }
    out
}

fn parse_term(token: &str) -> Option<Term> {
    let ops = [
        ("~>", Op::Tilde),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("=>", Op::Ge),
        ("!=", Op::Ne),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("~", Op::Tilde),
        ("^", Op::Caret),
    ];
    let (op, rest) = ops
        .iter()
        .find_map(|(p, op)| token.strip_prefix(p).map(|r| (*op, r)))
        .unwrap_or((Op::Eq, token));
    let (version, given, wildcard) = parse_partial(rest.trim())?;
    // A missing part is a wildcard, as in Masterminds semver: `1.2` is `1.2.x`.
    Some(Term {
        op,
        version,
        given,
        wildcard: wildcard || given < 3,
    })
}

/// The first version past the range a partial version stands for (`1.2` → `1.3.0`).
fn bump(v: &Version, given: u8) -> Option<Version> {
    match given {
        0 => None,
        1 => Some(Version::new(v.major + 1, 0, 0)),
        2 => Some(Version::new(v.major, v.minor + 1, 0)),
        _ => Some(Version::new(v.major, v.minor, v.patch + 1)),
    }
}

/// Compares ignoring build metadata, as SemVer precedence does.
fn cmp(a: &Version, b: &Version) -> std::cmp::Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

impl Term {
    fn matches(&self, v: &Version) -> bool {
        use std::cmp::Ordering::*;
        if !v.pre.is_empty() && self.version.pre.is_empty() {
            return false;
        }
        let base = Version {
            build: semver::BuildMetadata::EMPTY,
            ..self.version.clone()
        };
        let in_wild =
            |v: &Version| cmp(v, &base) != Less && bump(&base, self.given).is_none_or(|hi| cmp(v, &hi) == Less);
        match self.op {
            Op::Eq if self.wildcard || self.given == 0 => in_wild(v),
            Op::Eq => cmp(v, &base) == Equal,
            Op::Ne if self.wildcard || self.given == 0 => !in_wild(v),
            Op::Ne => cmp(v, &base) != Equal,
            Op::Gt if self.wildcard => bump(&base, self.given).is_some_and(|hi| cmp(v, &hi) != Less),
            Op::Gt => cmp(v, &base) == Greater,
            Op::Lt => cmp(v, &base) == Less,
            Op::Ge => cmp(v, &base) != Less,
            Op::Le if self.wildcard => bump(&base, self.given).is_none_or(|hi| cmp(v, &hi) == Less),
            Op::Le => cmp(v, &base) != Greater,
            Op::Tilde => {
                let hi = if self.given >= 2 {
                    Version::new(base.major, base.minor + 1, 0)
                } else {
                    Version::new(base.major + 1, 0, 0)
                };
                cmp(v, &base) != Less && (self.given == 0 || cmp(v, &hi) == Less)
            }
            Op::Caret => {
                let hi = if base.major > 0 || self.given <= 1 {
                    Version::new(base.major + 1, 0, 0)
                } else if base.minor > 0 || self.given == 2 {
                    Version::new(0, base.minor + 1, 0)
                } else {
                    Version::new(0, 0, base.patch + 1)
                };
                cmp(v, &base) != Less && (self.given == 0 || cmp(v, &hi) == Less)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        Constraint::parse(c)
            .unwrap()
            .matches(&parse_version(v).unwrap_or_else(|| panic!("{v}")))
    }

    #[test]
    fn lenient_versions() {
        assert_eq!(parse_version("v1.2"), Some(Version::new(1, 2, 0)));
        assert_eq!(parse_version("1"), Some(Version::new(1, 0, 0)));
        assert!(parse_version("1.2.3.4").is_none());
        assert!(parse_version("one").is_none());
        assert_eq!(parse_version("01.02.3"), Some(Version::new(1, 2, 3)));
        assert!(parse_version("1.2.3-").is_none());
        assert!(parse_version("1.2.3+").is_none());
        assert!(parse_version("1.2.3-01").is_none());
        // As Helm answered for Chart.yaml versions.
        for bad in [" 1.2.3", "V1.2.3", "=1.2.3", "1.2.3-a..b"] {
            assert!(parse_version(bad).is_none(), "{bad}");
        }
        assert!(parse_version("1.2.3-rc.1+b5").is_some());
    }

    #[test]
    fn ranges() {
        let cases = [
            (">=1.2 <2", "1.5.0", true),
            (">=1.2 <2", "2.0.0", false),
            (">=1.2, <2", "1.1.9", false),
            ("~1.2", "1.2.9", true),
            ("~1.2", "1.3.0", false),
            ("~1", "1.9.0", true),
            ("~1.2.3", "1.2.2", false),
            ("^1.2", "1.9.9", true),
            ("^1.2", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("1.2.x", "1.2.7", true),
            ("1.2.x", "1.3.0", false),
            ("*", "9.9.9", true),
            ("<=1.x", "1.9.0", true),
            ("<=1.x", "2.0.0", false),
            (">1.x", "1.9.0", false),
            (">1.x", "2.0.0", true),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("~1.2 || ^3", "3.4.0", true),
            ("~1.2 || ^3", "2.0.0", false),
            (">= 1.2", "1.2.0", true),
            ("!=1.2.3", "1.2.3", false),
            (">=1.20.0", "1.21.0-gke.1", false),
            (">=1.20.0-0", "1.21.0-gke.1", true),
            (">=1.20.0-0", "1.19.9", false),
            ("1.2.3", "v1.2.3", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(check(c, v), want, "{c} vs {v}");
        }
    }

    #[test]
    fn bad_constraints() {
        // As Helm answered (Masterminds semver v3).
        for bad in [
            ">>1", "1.2 ||", "abc", "", "1.2.3.4", ">=1.2 <", "~", "1.2.3 -", "|| 1", "1.2.3,", ", 1.2", "1.2.3-",
        ] {
            assert!(Constraint::parse(bad).is_err(), "{bad}");
        }
        for good in ["=>1", ">= 1.2 , <2", "01.2.3", "x.1", "1.x.3"] {
            assert!(Constraint::parse(good).is_ok(), "{good}");
        }
    }
}

#[cfg(test)]
mod helm_cases {
    use super::*;

    /// Every (constraint, version) pair Helm answered (fixtures/chart-load/semver.py).
    #[test]
    fn agrees_with_helm_semver_compare() {
        let text = include_str!("../fixtures/chart-load/semver-constraints.txt");
        let mut wrong = Vec::new();
        let mut n = 0;
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let parts: Vec<&str> = line.rsplitn(3, '|').collect();
            let (c, v, want) = (parts[2], parts[1], parts[0] == "true");
            let got = Constraint::parse(c).expect(c).matches(&parse_version(v).expect(v));
            n += 1;
            if got != want {
                wrong.push(format!("{c} vs {v}: helm {want}, rudder {got}"));
            }
        }
        assert!(n > 1000);
        assert!(wrong.is_empty(), "{} of {n} differ:\n{}", wrong.len(), wrong.join("\n"));
    }
}
