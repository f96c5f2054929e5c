//! `.helmignore`: which files of a chart directory are left out, with Helm's semantics.
//!
//! Rules, one per line, as Helm reads them:
//! - blank lines and lines starting with `#` are skipped; lines are trimmed;
//! - `**` is refused; a pattern is a shell glob (`*`, `?`, `[a-z]`, `[^a]`, `\x`) where `*`
//!   and `?` never match `/`;
//! - a trailing `/` makes the rule apply to directories only;
//! - a pattern with a leading `/` or containing `/` is matched against the whole path from
//!   the chart root; otherwise against the last path element;
//! - `!pattern` is Helm's quirky negation: a path that does *not* match it is ignored, one
//!   that matches goes on to the next rule;
//! - rules are tried in order; the first plain rule that matches ignores the path;
//! - `templates/.?*` (dotfiles in templates) is always ignored.

/// A compiled `.helmignore`.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    glob: String,
    negate: bool,
    dir_only: bool,
    whole_path: bool,
}

impl Rules {
    /// The rules in `text` plus Helm's default.
    ///
    /// # Errors
    /// The 1-based line of a `**` pattern or a malformed glob.
    pub fn parse(text: &str) -> Result<Rules, (usize, String)> {
        let mut rules = Rules::default();
        for (i, line) in text.lines().enumerate() {
            rules.add(line).map_err(|m| (i + 1, m))?;
        }
        rules.add("templates/.?*").map_err(|m| (0, m))?;
        Ok(rules)
    }

    fn add(&mut self, line: &str) -> Result<(), String> {
        let rule = line.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(format!("'{rule}': double-star (**) syntax is not supported"));
        }
        if !glob_valid(rule) {
            return Err(format!("'{rule}': syntax error in pattern"));
        }
        let (negate, rest) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (dir_only, rest) = match rest.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let whole_path = rest.contains('/');
        let glob = rest.strip_prefix('/').unwrap_or(rest).to_string();
        self.patterns.push(Pattern {
            glob,
            negate,
            dir_only,
            whole_path,
        });
        Ok(())
    }

    /// Whether `path` (relative to the chart root, `/`-separated) is ignored.
    pub fn ignored(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." {
            return false;
        }
        for p in &self.patterns {
            let subject = if p.whole_path {
                path
            } else {
                path.rsplit('/').next().unwrap_or(path)
            };
            if p.negate {
                if p.dir_only && !is_dir {
                    return true;
                }
                if !glob_match(p.glob.as_bytes(), subject.as_bytes()) {
                    return true;
                }
                continue;
            }
            if p.dir_only && !is_dir {
                continue;
            }
            if glob_match(p.glob.as_bytes(), subject.as_bytes()) {
                return true;
            }
        }
        false
    }
}

/// Whether a glob is well formed (closed classes, no trailing backslash).
fn glob_valid(glob: &str) -> bool {
    let b = glob.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if i + 1 >= b.len() {
                    return false;
                }
                i += 2;
            }
            b'[' => match class_end(b, i + 1) {
                Some(end) => i = end + 1,
                None => return false,
            },
            _ => i += 1,
        }
    }
    true
}

/// The index of the `]` closing a class whose body starts at `start`.
fn class_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    if i < b.len() && b[i] == b'^' {
        i += 1;
    }
    let first = i;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b']' if i > first => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Shell-glob match where `*` and `?` do not cross `/`.
fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < pat.len() {
            match pat[p] {
                b'*' => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                b'?' if s[i] != b'/' => {
                    p += 1;
                    i += 1;
                    continue;
                }
                b'[' => {
                    if let Some(end) = class_end(pat, p + 1)
                        && s[i] != b'/'
                        && class_matches(&pat[p + 1..end], s[i])
                    {
                        p = end + 1;
                        i += 1;
                        continue;
                    }
                }
                b'\\' if p + 1 < pat.len() && pat[p + 1] == s[i] => {
                    p += 2;
                    i += 1;
                    continue;
                }
                c if c != b'\\' && c != b'?' && c == s[i] => {
                    p += 1;
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, si)) if s[si] != b'/' => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
    pat[p..].iter().all(|c| *c == b'*')
}

fn class_matches(body: &[u8], c: u8) -> bool {
    let (negated, body) = match body.first() {
        Some(b'^') => (true, &body[1..]),
        _ => (false, body),
    };
    let mut i = 0;
    let mut hit = false;
    while i < body.len() {
        let mut lo = body[i];
        if lo == b'\\' && i + 1 < body.len() {
            i += 1;
            lo = body[i];
        }
        let mut hi = lo;
        if i + 2 < body.len() && body[i + 1] == b'-' {
            hi = body[i + 2];
            if hi == b'\\' && i + 3 < body.len() {
                hi = body[i + 3];
                i += 1;
            }
            i += 2;
        }
        if lo <= c && c <= hi {
            hit = true;
        }
        i += 1;
    }
    hit != negated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_name_and_path_rules() {
        let r = Rules::parse("# comment\n*.bak\n/secret.txt\ndocs/*.md\ntmp/\n").unwrap();
        assert!(r.ignored("a.bak", false));
        assert!(r.ignored("templates/x.bak", false));
        assert!(r.ignored("secret.txt", false));
        assert!(!r.ignored("sub/secret.txt", false));
        assert!(r.ignored("docs/a.md", false));
        assert!(!r.ignored("docs/sub/a.md", false));
        assert!(r.ignored("tmp", true));
        assert!(!r.ignored("tmp", false));
        assert!(r.ignored("templates/.hidden", false));
        assert!(!r.ignored("templates/svc.yaml", false));
    }

    #[test]
    fn helm_negation_ignores_what_does_not_match() {
        let r = Rules::parse("!*.yaml\n").unwrap();
        assert!(r.ignored("README.md", false));
        assert!(!r.ignored("values.yaml", false));
    }

    #[test]
    fn globs() {
        assert!(glob_match(b"a[0-9]?", b"a1x"));
        assert!(!glob_match(b"a*", b"a/b"));
        assert!(glob_match(b"[^a]b", b"cb"));
        assert!(glob_match(b"\\*", b"*"));
        assert!(Rules::parse("a/**/b").is_err());
        assert!(Rules::parse("[ab").is_err());
    }
}
