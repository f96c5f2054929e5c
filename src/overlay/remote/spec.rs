//! Parsing a remote `resources:` entry into a [`RepoSpec`]: which repository, which
//! directory in it, which ref, and the `timeout` and `submodules` parameters (rules in the
//! parent module's docs).

use std::time::Duration;

/// kustomize's default time limit for one git command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(27);

/// A git repository, the kustomization directory inside it and how to fetch it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    /// The entry as written, for messages.
    pub raw: String,
    /// What git fetches: scheme, user, host and repository path.
    pub url: String,
    /// The kustomization directory inside the repository, `/`-separated and cleaned;
    /// empty for the repository root.
    pub path: String,
    /// Branch, tag or commit; empty for the remote's HEAD.
    pub git_ref: String,
    /// Time limit of each git command.
    pub timeout: Duration,
    /// Whether to fetch submodules.
    pub submodules: bool,
}

impl RepoSpec {
    /// Parses a remote `resources:` entry in one of the forms listed in the module docs.
    ///
    /// # Errors
    /// A message (without the entry) when the entry starts with `-`, holds control characters,
    /// lacks a scheme or host, does not show where the repository ends, has a path leaving the
    /// repository, or has a ref starting with `-`.
    pub fn parse(entry: &str) -> Result<RepoSpec, String> {
        if entry.starts_with('-') {
            return Err("a remote URL must not start with '-'".into());
        }
        if entry.chars().any(char::is_control) {
            return Err("a remote URL must not contain newlines or other control characters".into());
        }
        let (rest, query) = entry.split_once('?').unwrap_or((entry, ""));
        let (git_ref, timeout, submodules) = parse_query(query);
        if git_ref.starts_with('-') || git_ref.chars().any(char::is_control) {
            return Err(format!("invalid ref '{}'", git_ref.escape_debug()));
        }
        let rest = strip_prefix_ignore_case(rest, "git::").unwrap_or(rest);
        let (scheme, rest) = split_scheme(rest);
        let (user, rest) = split_username(rest);
        let lower = rest.to_ascii_lowercase();
        let github = lower.starts_with("github.com/") || lower.starts_with("github.com:");
        let scp = scheme.is_empty() && (!user.is_empty() || github);
        if scheme.is_empty() && !scp {
            return Err("missing scheme: write https://, ssh://, file:// or user@host:path".into());
        }
        let (host, repo_and_path) = if scheme == "file://" {
            (scheme.to_string(), format!("{user}{rest}"))
        } else {
            let slash = rest.find('/');
            let colon = rest.find(':').filter(|&c| scp && c > 0 && slash.is_none_or(|s| c < s));
            let (host, after) = match colon.or(slash) {
                Some(i) => (&rest[..=i], &rest[i + 1..]),
                None => (rest, ""),
            };
            let host = if github {
                // GitHub URLs are normalized: ssh keeps the user (git@github.com:), others use https.
                if scheme == "ssh://" || !user.is_empty() {
                    format!("{user}github.com:")
                } else {
                    "https://github.com/".to_string()
                }
            } else if host.trim_end_matches(['/', ':']).is_empty() {
                return Err("missing host".into());
            } else {
                format!("{scheme}{user}{host}")
            };
            (host, after.to_string())
        };
        let (repo, path) = split_repo_path(&repo_and_path, scheme == "file://").ok_or_else(|| {
            "cannot tell where the repository ends: mark it with '//' (https://host/org/repo//dir)".to_string()
        })?;
        if scheme == "file://" && !repo.starts_with('/') {
            return Err("a file:// URL needs an absolute path (file:///path/to/repo)".into());
        }
        let path = clean_repo_path(&path).ok_or_else(|| format!("'{path}' leads outside the repository"))?;
        Ok(RepoSpec {
            raw: entry.to_string(),
            url: format!("{host}{repo}"),
            path,
            git_ref,
            timeout,
            submodules,
        })
    }

    /// Whether building `self` would build `other`'s directory again: the same repository
    /// and ref, and `other`'s directory is `self`'s or lies inside it.
    pub fn covers(&self, other: &RepoSpec) -> bool {
        let repo = |s: &RepoSpec| {
            s.url
                .trim_end_matches('/')
                .trim_end_matches(".git")
                .to_ascii_lowercase()
        };
        repo(self) == repo(other)
            && self.git_ref == other.git_ref
            && (self.path.is_empty() || other.path == self.path || other.path.starts_with(&format!("{}/", self.path)))
    }
}

/// `(repository, path inside it)` by the rules in the module docs.
fn split_repo_path(n: &str, file: bool) -> Option<(String, String)> {
    if let Some(i) = n.find("_git/") {
        let after = &n[i + "_git/".len()..];
        let (name, sub) = after.split_once('/').unwrap_or((after, ""));
        return (!name.is_empty()).then(|| (format!("{}{name}", &n[..i + "_git/".len()]), sub.to_string()));
    }
    if let Some(i) = n.find("//") {
        return (i > 0).then(|| (n[..i].to_string(), n[i + 2..].to_string()));
    }
    let mut end = 0;
    for segment in n.split('/') {
        end += segment.len();
        // `repo.github.io` is not a `.git` marker, though kustomize takes it for one.
        if segment.len() > 4 && segment.ends_with(".git") {
            return Some((n[..end].to_string(), n[end..].to_string()));
        }
        end += 1;
    }
    if file {
        return (!n.is_empty()).then(|| (n.to_string(), String::new()));
    }
    let mut parts = n.splitn(3, '/');
    let (org, repo) = (parts.next()?, parts.next()?);
    if org.is_empty() || repo.is_empty() {
        return None;
    }
    Some((format!("{org}/{repo}"), parts.next().unwrap_or("").to_string()))
}

/// Folds `.`, `..` and empty segments; `None` when the path climbs above the repository.
fn clean_repo_path(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// The scheme, lowercased, and the rest.
fn split_scheme(s: &str) -> (&'static str, &str) {
    for scheme in ["ssh://", "https://", "http://", "file://"] {
        if let Some(rest) = strip_prefix_ignore_case(s, scheme) {
            return (scheme, rest);
        }
    }
    ("", s)
}

/// A leading `user@` (a letter, then letters, digits and `-`) and the rest.
pub(super) fn split_username(s: &str) -> (&str, &str) {
    let Some(at) = s.find('@') else { return ("", s) };
    let name = &s[..at];
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid { s.split_at(at + 1) } else { ("", s) }
}

/// `(ref, timeout, submodules)` from a URL query, as Go's `url.ParseQuery` and kustomize read it.
fn parse_query(query: &str) -> (String, Duration, bool) {
    let defaults = (String::new(), DEFAULT_TIMEOUT, true);
    let Some(values) = query_values(query) else {
        return defaults;
    };
    let get = |key: &str| {
        values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let git_ref = if get("ref").is_empty() {
        get("version")
    } else {
        get("ref")
    };
    let timeout = match get("timeout") {
        "" => DEFAULT_TIMEOUT,
        t => match t.parse::<i64>() {
            Ok(secs) if secs > 0 => Duration::from_secs(secs.unsigned_abs()),
            _ => go_duration(t).filter(|d| !d.is_zero()).unwrap_or(DEFAULT_TIMEOUT),
        },
    };
    let submodules = match get("submodules") {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
        _ => true,
    };
    (git_ref.to_string(), timeout, submodules)
}

/// Key/value pairs in order; `None` when any pair is malformed (a `;`, a bad `%` escape).
fn query_values(query: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if pair.contains(';') {
            return None;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((unescape(k)?, unescape(v)?));
    }
    Some(out)
}

/// Query unescaping: `+` is a space, `%XX` a byte.
fn unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A Go duration (`1h2m3.5s`, `300ms`); `None` when it does not parse or is negative.
fn go_duration(s: &str) -> Option<Duration> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s == "0" {
        return Some(Duration::ZERO);
    }
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[digits..];
        let letters = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..letters] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[letters..];
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::super::{Remote, classify};
    use super::*;

    /// (entry, url git fetches, path inside the repository, ref)
    #[rustfmt::skip]
    const FORMS: &[(&str, &str, &str, &str)] = &[
        ("https://github.com/org/repo//path/in/repo?ref=v1.2.3", "https://github.com/org/repo", "path/in/repo", "v1.2.3"),
        ("https://github.com/org/repo", "https://github.com/org/repo", "", ""),
        ("http://github.com/org/repo/dir", "https://github.com/org/repo", "dir", ""),
        ("HTTPS://GitHub.com/org/repo.git/dir?version=main", "https://github.com/org/repo.git", "dir", "main"),
        ("github.com/org/repo/path?ref=x", "https://github.com/org/repo", "path", "x"),
        ("github.com/org/repo", "https://github.com/org/repo", "", ""),
        ("github.com:org/repo/a/b", "https://github.com/org/repo", "a/b", ""),
        ("git@github.com:org/repo.git//path?ref=x", "git@github.com:org/repo.git", "path", "x"),
        ("git@github.com/org/repo/dir", "git@github.com:org/repo", "dir", ""),
        ("ssh://git@github.com/org/repo//dir", "git@github.com:org/repo", "dir", ""),
        ("ssh://git.example.com:7999/org/repo.git//x?ref=r", "ssh://git.example.com:7999/org/repo.git", "x", "r"),
        ("ssh://me@host/team/repo.git", "ssh://me@host/team/repo.git", "", ""),
        ("git@gitlab.com:group/sub/repo.git//base?ref=v2", "git@gitlab.com:group/sub/repo.git", "base", "v2"),
        ("git@host:10022/infra/thanos.git?ref=v0.1.0", "git@host:10022/infra/thanos.git", "", "v0.1.0"),
        ("git::https://host/org/repo.git//path?ref=x", "https://host/org/repo.git", "path", "x"),
        ("GIT::https://gitlab.com/org/repo//p", "https://gitlab.com/org/repo", "p", ""),
        ("https://example.com/org/repo/deep/dir?ref=abc123", "https://example.com/org/repo", "deep/dir", "abc123"),
        ("https://example.com:8443/scm/org/repo.git//k8s/", "https://example.com:8443/scm/org/repo.git", "k8s", ""),
        ("https://dev.azure.com/org/project/_git/repo/dir?version=v1", "https://dev.azure.com/org/project/_git/repo", "dir", "v1"),
        ("https://github.com/org/site.github.io/dir", "https://github.com/org/site.github.io", "dir", ""),
        ("file:///abs/path/to/repo//subdir?ref=x", "file:///abs/path/to/repo", "subdir", "x"),
        ("file:///abs/path/to/repo", "file:///abs/path/to/repo", "", ""),
        ("file:///abs/repo.git/sub/dir", "file:///abs/repo.git", "sub/dir", ""),
        ("file:///abs/repo//a/./b/../c?ref=v1&timeout=5&submodules=false", "file:///abs/repo", "a/c", "v1"),
        ("https://github.com/org/repo//dir?ref=a&version=b", "https://github.com/org/repo", "dir", "a"),
        ("https://github.com/org/repo//dir?ref=&version=b", "https://github.com/org/repo", "dir", "b"),
        ("https://github.com/org/repo//dir?ref=feature%2Fx", "https://github.com/org/repo", "dir", "feature/x"),
    ];

    #[test]
    fn parses_every_form() {
        for (entry, url, path, git_ref) in FORMS {
            let spec = RepoSpec::parse(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
            assert_eq!(
                (spec.url.as_str(), spec.path.as_str(), spec.git_ref.as_str()),
                (*url, *path, *git_ref),
                "{entry}"
            );
            assert_eq!(classify(entry), Some(Remote::Git), "{entry}");
        }
    }

    #[test]
    fn reads_timeout_and_submodules() {
        let spec = |q: &str| RepoSpec::parse(&format!("https://github.com/org/repo?{q}")).unwrap();
        assert_eq!(spec("").timeout, DEFAULT_TIMEOUT);
        assert!(spec("").submodules);
        assert_eq!(spec("timeout=61").timeout, Duration::from_secs(61));
        assert_eq!(spec("timeout=1m30s").timeout, Duration::from_secs(90));
        assert_eq!(spec("timeout=1.5h").timeout, Duration::from_secs(5400));
        assert_eq!(spec("timeout=250ms").timeout, Duration::from_millis(250));
        for bad in ["0", "-5", "5x", "s", "", "1..5s"] {
            assert_eq!(spec(&format!("timeout={bad}")).timeout, DEFAULT_TIMEOUT, "{bad}");
        }
        assert!(!spec("submodules=false").submodules);
        assert!(!spec("submodules=0").submodules);
        assert!(spec("submodules=no").submodules);
        // A malformed query leaves every parameter at its default, as in kustomize.
        let broken = spec("ref=v1&timeout=5&x=%zz");
        assert_eq!((broken.git_ref.as_str(), broken.timeout), ("", DEFAULT_TIMEOUT));
        assert_eq!(spec("ref=v1;timeout=5").git_ref, "");
    }

    #[test]
    fn refuses_unsafe_or_unclear_urls() {
        let cases = [
            ("-uhttps://github.com/org/repo", "must not start with '-'"),
            ("https://github.com/org/repo\n//x", "control characters"),
            ("https://github.com/org/repo?ref=--upload-pack=touch%20x", "invalid ref"),
            ("https://github.com/org/repo?ref=a%0Ab", "invalid ref"),
            ("gitlab.com/org/repo", "missing scheme"),
            ("https://example.com", "cannot tell where the repository ends"),
            ("https://example.com/onlyone", "cannot tell where the repository ends"),
            ("https:///org/repo", "missing host"),
            ("https://github.com/org/repo//../../etc", "leads outside the repository"),
            ("file://relative/repo", "absolute path"),
        ];
        for (entry, want) in cases {
            let e = RepoSpec::parse(entry).expect_err(entry);
            assert!(e.contains(want), "{entry}: {e}");
        }
    }

    #[test]
    fn cycle_cover_needs_same_repo_ref_and_an_enclosing_path() {
        let s = |e: &str| RepoSpec::parse(e).unwrap();
        let root = s("file:///r?ref=v1");
        assert!(root.covers(&s("file:///r//base?ref=v1")));
        assert!(s("file:///r//base?ref=v1").covers(&s("file:///r.git//base/?ref=v1")));
        assert!(!s("file:///r//base?ref=v1").covers(&s("file:///r//basement?ref=v1")));
        assert!(!s("file:///r//base?ref=v1").covers(&root));
        assert!(!root.covers(&s("file:///r//base?ref=v2")));
        assert!(!root.covers(&s("file:///other?ref=v1")));
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("2h45m"), Some(Duration::from_secs(9900)));
        assert_eq!(go_duration("+10s"), Some(Duration::from_secs(10)));
        assert_eq!(go_duration("1µs"), Some(Duration::from_micros(1)));
        assert_eq!(go_duration("0"), Some(Duration::ZERO));
        for bad in ["", "10", "-1s", "1d", ".s", "1.2.3s"] {
            assert_eq!(go_duration(bad), None, "{bad}");
        }
    }
}
