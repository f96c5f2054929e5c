//! `search repo`: charts of the cached indexes matching a keyword, as Helm searches them.
//!
//! Rules:
//! - each chart version is searched as the lowercase text "NAME, REPO/NAME, DESCRIPTION,
//!   KEYWORDS" (fields in that order); a keyword matches as a case-insensitive substring, or
//!   as a regular expression with `regexp`; no keyword lists everything;
//! - a match scores by how many fields come before it (the name scores 0), and results go
//!   by score, then `REPO/NAME`, then version newest first;
//! - versions: with no `--version`, the constraint is `>0.0.0` (`>0.0.0-0` with `--devel`,
//!   admitting pre-releases); only the newest version each chart has within the constraint
//!   is kept, unless `versions` asks for all of them.

use super::Error;
use super::config::{Paths, RepoFile};
use super::fetch::cached_index;
use super::index::ChartVersion;
use crate::constraint::Constraint;

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub keyword: Option<String>,
    /// Read the keyword as a regular expression.
    pub regexp: bool,
    /// List every matching version, not only the newest.
    pub versions: bool,
    /// A version constraint (`--version`).
    pub version: Option<String>,
    /// Admit pre-releases when no `--version` is given.
    pub devel: bool,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// `REPO/CHART`.
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
    pub deprecated: bool,
    score: usize,
}

/// The results, and a warning for each repository whose cache is missing or invalid.
#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    pub warnings: Vec<String>,
}

/// Searches the cached indexes of every configured repository.
///
/// # Errors
/// An unreadable `repositories.yaml`, an invalid constraint or regular expression.
pub fn search(paths: &Paths, opts: &SearchOptions) -> Result<SearchResult, Error> {
    let text = match (&opts.version, opts.devel) {
        (Some(v), _) if !v.trim().is_empty() => v.clone(),
        (_, true) => ">0.0.0-0".into(),
        _ => ">0.0.0".into(),
    };
    let constraint = Constraint::parse(&text)?;
    let matcher = match &opts.keyword {
        None => None,
        Some(k) if opts.regexp => Some(Matcher::Regex(regex::Regex::new(&format!("(?i){k}")).map_err(|e| {
            Error::Index {
                source_name: "search".into(),
                field: "keyword".into(),
                message: format!("not a valid regular expression: {e}"),
            }
        })?)),
        Some(k) => Some(Matcher::Literal(k.to_lowercase())),
    };
    let mut out = SearchResult::default();
    let repos = RepoFile::load(paths)?;
    for entry in &repos.entries {
        let index = match cached_index(paths, &entry.name) {
            Ok(i) => i,
            Err(e) => {
                out.warnings.push(format!(
                    "repository \"{}\" is corrupt or missing (run: rudder repo update): {e}",
                    entry.name
                ));
                continue;
            }
        };
        for (name, versions) in &index.entries {
            for cv in versions {
                if let Some(score) = score(&entry.name, name, cv, matcher.as_ref()) {
                    out.hits.push(hit(&entry.name, name, cv, score));
                }
            }
        }
    }
    out.hits.sort_by(|a, b| {
        a.score.cmp(&b.score).then_with(|| a.name.cmp(&b.name)).then_with(|| {
            match (
                crate::constraint::parse_version(&a.version),
                crate::constraint::parse_version(&b.version),
            ) {
                (Some(x), Some(y)) => y.cmp(&x),
                _ => std::cmp::Ordering::Equal,
            }
        })
    });
    let mut seen = std::collections::HashSet::new();
    out.hits.retain(|h| {
        let ok = crate::constraint::parse_version(&h.version).is_some_and(|v| constraint.matches(&v));
        ok && (opts.versions || seen.insert(h.name.clone()))
    });
    Ok(out)
}

enum Matcher {
    Literal(String),
    Regex(regex::Regex),
}

/// The score of a match (fields before it), `None` when it does not match.
fn score(repo: &str, name: &str, cv: &ChartVersion, matcher: Option<&Matcher>) -> Option<usize> {
    let Some(m) = matcher else { return Some(0) };
    let fields = [
        name.to_lowercase(),
        format!("{repo}/{name}").to_lowercase(),
        cv.description.to_lowercase(),
        cv.keywords.join(" ").to_lowercase(),
    ];
    fields.iter().position(|f| match m {
        Matcher::Literal(k) => f.contains(k.as_str()),
        Matcher::Regex(r) => r.is_match(f),
    })
}

fn hit(repo: &str, name: &str, cv: &ChartVersion, score: usize) -> Hit {
    Hit {
        name: format!("{repo}/{name}"),
        version: cv.version.clone(),
        app_version: cv.app_version.clone(),
        description: cv.description.clone(),
        deprecated: cv.deprecated,
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{RepoEntry, config::write_atomically};

    fn setup() -> (tempfile::TempDir, Paths) {
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_home: tmp.path().join("c"),
            cache_home: tmp.path().join("k"),
        };
        let file = RepoFile {
            entries: vec![RepoEntry {
                name: "edu".into(),
                url: "http://h".into(),
                ..RepoEntry::default()
            }],
        };
        write_atomically(&paths.repositories_file(), file.to_yaml("t").as_bytes(), true).unwrap();
        let index = "apiVersion: v1
entries:
  metallb:
  - {name: metallb, version: 0.1.0, appVersion: v0.8.3, description: A network load-balancer, urls: [a]}
  - {name: metallb, version: 0.2.0, description: A network load-balancer, urls: [b]}
  - {name: metallb, version: 1.0.0-rc.1, description: A network load-balancer, urls: [c]}
  web:
  - {name: web, version: 1.0.0, description: serves metallb docs, keywords: [http], urls: [d]}
";
        write_atomically(&paths.index_file("edu"), index.as_bytes(), false).unwrap();
        (tmp, paths)
    }

    fn names(r: &SearchResult) -> Vec<String> {
        r.hits.iter().map(|h| format!("{} {}", h.name, h.version)).collect()
    }

    #[test]
    fn newest_stable_by_default_ranked_by_field() {
        let (_t, paths) = setup();
        let opts = SearchOptions {
            keyword: Some("METALLB".into()),
            ..SearchOptions::default()
        };
        let r = search(&paths, &opts).unwrap();
        assert_eq!(names(&r), ["edu/metallb 0.2.0", "edu/web 1.0.0"]);
        let all = SearchOptions {
            versions: true,
            devel: true,
            ..opts.clone()
        };
        assert_eq!(
            names(&search(&paths, &all).unwrap()),
            [
                "edu/metallb 1.0.0-rc.1",
                "edu/metallb 0.2.0",
                "edu/metallb 0.1.0",
                "edu/web 1.0.0"
            ]
        );
        let ranged = SearchOptions {
            keyword: Some("metallb".into()),
            version: Some(">=0.1 <0.2".into()),
            ..SearchOptions::default()
        };
        assert_eq!(names(&search(&paths, &ranged).unwrap()), ["edu/metallb 0.1.0"]);
        let kw = SearchOptions {
            keyword: Some("http".into()),
            ..SearchOptions::default()
        };
        assert_eq!(names(&search(&paths, &kw).unwrap()), ["edu/web 1.0.0"]);
    }
}
