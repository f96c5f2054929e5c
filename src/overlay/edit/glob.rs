//! File patterns as kustomize (Go's `filepath.Match` / `filepath.Glob`) reads them: `*`
//! and `?` stay within one path segment, `[...]` classes with ranges and `^` negation,
//! `\` escapes; glob results come sorted within each directory.

use std::path::Path;

/// Whether `name` matches `pattern` as Go's `filepath.Match` decides.
///
/// # Errors
/// A malformed pattern (an unclosed `[` or a trailing `\`).
pub fn matches(pattern: &str, name: &str) -> Result<bool, String> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    validate(&p).map_err(|e| format!("syntax error in pattern '{pattern}': {e}"))?;
    Ok(match_from(&p, &n))
}

fn validate(p: &[char]) -> Result<(), &'static str> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return Err("trailing backslash");
                }
                i += 2;
            }
            '[' => {
                let (_, next) = class(p, i, '\0').ok_or("unclosed character class")?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Matches a character class starting at `p[start] == '['` against `c`; returns whether
/// it matched and the index after the class.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = p.get(i) == Some(&'^');
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, next) = class_char(p, i)?;
        i = next;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|c| *c != ']') {
            let (h, next) = class_char(p, i + 1)?;
            hi = h;
            i = next;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Some((matched != negate, i))
}

fn class_char(p: &[char], i: usize) -> Option<(char, usize)> {
    match *p.get(i)? {
        '\\' => Some((*p.get(i + 1)?, i + 2)),
        c => Some((c, i + 1)),
    }
}

fn match_from(p: &[char], n: &[char]) -> bool {
    if p.is_empty() {
        return n.is_empty();
    }
    match p[0] {
        '*' => {
            let rest = &p[1..];
            for k in 0..=n.len() {
                if match_from(rest, &n[k..]) {
                    return true;
                }
                if k < n.len() && n[k] == '/' {
                    return false;
                }
            }
            false
        }
        '?' => !n.is_empty() && n[0] != '/' && match_from(&p[1..], &n[1..]),
        '[' => {
            if n.is_empty() || n[0] == '/' {
                return false;
            }
            match class(p, 0, n[0]) {
                Some((true, next)) => match_from(&p[next..], &n[1..]),
                _ => false,
            }
        }
        '\\' => p.len() > 1 && !n.is_empty() && n[0] == p[1] && match_from(&p[2..], &n[1..]),
        c => !n.is_empty() && n[0] == c && match_from(&p[1..], &n[1..]),
    }
}

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// Expands `pattern` relative to `base` as Go's `filepath.Glob` does, returning paths as
/// written in the pattern (relative stays relative), sorted. A pattern without
/// metacharacters yields itself when the path exists.
///
/// # Errors
/// A malformed pattern.
pub fn glob(base: &Path, pattern: &str) -> Result<Vec<String>, String> {
    if !has_meta(pattern) {
        return Ok(if base.join(pattern).symlink_metadata().is_ok() {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        });
    }
    matches(pattern, "").map(|_| ())?;
    let (dir, file) = match pattern.rfind('/') {
        Some(i) => (&pattern[..i.max(usize::from(i == 0))], &pattern[i + 1..]),
        None => ("", pattern),
    };
    let dirs = if dir.is_empty() {
        vec![String::new()]
    } else if has_meta(dir) {
        glob(base, dir)?
    } else {
        vec![dir.to_string()]
    };
    let mut out = Vec::new();
    for d in dirs {
        let real = if d.is_empty() {
            base.to_path_buf()
        } else {
            base.join(&d)
        };
        let Ok(entries) = std::fs::read_dir(&real) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            if matches(file, &name)? {
                out.push(if d.is_empty() {
                    name
                } else if d.ends_with('/') {
                    format!("{d}{name}")
                } else {
                    format!("{d}/{name}")
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_go() {
        let cases = [
            ("abc", "abc", true),
            ("*", "abc", true),
            ("*c", "abc", true),
            ("a*", "a", true),
            ("a*/b", "abc/b", true),
            ("a*/b", "a/c/b", false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
            ("a?b", "a/b", false),
            ("ab[c]", "abc", true),
            ("ab[b-d]", "abc", true),
            ("ab[^c]", "abc", false),
            ("ab[^e-g]", "abc", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("[\\]a]", "]", true),
            ("*.yaml", "deploy.yaml", true),
            ("*.yaml", "sub/deploy.yaml", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(matches(p, n).unwrap(), want, "{p} vs {n}");
        }
        assert!(matches("[", "a").is_err());
        assert!(matches("a\\", "a").is_err());
    }

    #[test]
    fn globs_sorted_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.yaml", "a.yaml", "c.txt", "sub/x.yaml"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        assert_eq!(glob(dir.path(), "*.yaml").unwrap(), ["a.yaml", "b.yaml"]);
        assert_eq!(glob(dir.path(), "s*/*.yaml").unwrap(), ["sub/x.yaml"]);
        assert_eq!(glob(dir.path(), "c.txt").unwrap(), ["c.txt"]);
        assert!(glob(dir.path(), "missing.yaml").unwrap().is_empty());
    }
}
