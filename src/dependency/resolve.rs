//! From `Chart.yaml` dependencies to exact versions, as Helm's resolver does.
//!
//! Rules, per entry (`dependencies[i]`):
//! - the version must be a valid constraint (an empty one is not);
//! - `repository: ""` (or none): the chart sits in `charts/NAME/`; the directory must exist
//!   and the lock keeps the constraint as written;
//! - `repository: file://PATH` (relative to the chart directory, or absolute): the chart
//!   directory there is loaded and its version must satisfy the constraint; the lock holds
//!   that version;
//! - `@NAME` or `alias:NAME`: the added repository of that name, whose URL replaces the
//!   alias in the lock (and in the digest);
//! - an http(s) URL: that repository, added or not. The first version in its index
//!   (newest first) that has a download URL, reads as SemVer and satisfies the constraint
//!   is locked, written as the index writes it.

use std::path::PathBuf;

use super::source::{IndexVersion, Repositories, shown_url};
use super::{Error, Problem};
use crate::chart::{self, Dependency};
use crate::constraint::{Constraint, parse_version};

/// Where a locked dependency comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A chart directory already in `charts/NAME/`.
    Local,
    /// A chart directory elsewhere on disk (`file://`).
    File(PathBuf),
    /// A chart repository (its URL).
    Remote(String),
}

/// One dependency, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Locked {
    /// Its position in the dependencies file.
    pub index: usize,
    /// As the lock file records it: name, exact version (the constraint for `Local`) and
    /// repository.
    pub dependency: Dependency,
    pub origin: Origin,
}

/// The dependencies file being worked on, for error messages and relative paths.
#[derive(Debug, Clone)]
pub struct Context {
    /// The chart directory.
    pub dir: PathBuf,
    /// The dependencies file as shown in messages (`app/Chart.yaml`).
    pub file: String,
}

impl Context {
    pub(crate) fn fail(&self, index: usize, name: &str, problem: Problem) -> Error {
        Error::Dependency {
            file: self.file.clone(),
            index,
            name: name.to_string(),
            problem: Box::new(problem),
        }
    }

    /// The directory a `file://` repository points to.
    pub(crate) fn local_path(&self, repository: &str) -> PathBuf {
        let p = repository.trim_start_matches("file://");
        if p.starts_with('/') {
            PathBuf::from(p)
        } else {
            self.dir.join(p)
        }
    }
}

/// The requested dependencies as Helm hashes them: sanitized, `@name`/`alias:name`
/// replaced by the added repository's URL, and each repository checked to be one rudder
/// can reach.
///
/// # Errors
/// An unknown repository alias, a repository that is neither a URL nor a `file://` path,
/// or a `file://` directory that does not exist.
pub fn requested(ctx: &Context, deps: &[Dependency], repos: &dyn Repositories) -> Result<Vec<Dependency>, Error> {
    let added = repos.added();
    let mut out = Vec::with_capacity(deps.len());
    for (index, raw) in deps.iter().enumerate() {
        let mut dep = super::digest::sanitized(raw);
        let repo = dep.repository.clone();
        if repo.is_empty() {
        } else if repo.starts_with("file://") {
            let path = ctx.local_path(&repo);
            if !path.exists() {
                return Err(ctx.fail(index, &dep.name, Problem::LocalPathMissing(path.display().to_string())));
            }
            // Packaging charts/NAME/ into charts/ would leave the chart with two copies.
            let charts = ctx.dir.join("charts").canonicalize();
            if let (Ok(charts), Ok(target)) = (charts, path.canonicalize())
                && target.starts_with(&charts)
            {
                return Err(ctx.fail(index, &dep.name, Problem::InsideCharts(repo)));
            }
        } else if let Some(alias) = repo.strip_prefix('@').or_else(|| repo.strip_prefix("alias:")) {
            let url = added
                .iter()
                .find(|(name, _)| name == alias)
                .map(|(_, url)| url.clone())
                .ok_or_else(|| ctx.fail(index, &dep.name, Problem::UnknownAlias(alias.to_string())))?;
            dep.repository = url;
        } else if repo.starts_with("oci://") {
            return Err(ctx.fail(index, &dep.name, Problem::Oci(repo)));
        } else if !is_url(&repo) {
            return Err(ctx.fail(index, &dep.name, Problem::NotARepository(repo)));
        }
        out.push(dep);
    }
    Ok(out)
}

/// Whether `s` is an absolute URL with a scheme and a host or path, as Go's
/// `url.ParseRequestURI` accepts.
fn is_url(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Resolves each requested dependency (see the module rules).
///
/// # Errors
/// An invalid constraint, a missing local chart, an index that cannot be read, a chart the
/// index does not list, or no version satisfying the constraint; each naming the entry.
pub fn resolve(ctx: &Context, requested: &[Dependency], repos: &mut dyn Repositories) -> Result<Vec<Locked>, Error> {
    let mut out = Vec::with_capacity(requested.len());
    for (index, d) in requested.iter().enumerate() {
        let fail = |p: Problem| ctx.fail(index, &d.name, p);
        let constraint = Constraint::parse(&d.version).map_err(|e| fail(Problem::BadConstraint(e)))?;
        let mut dependency = Dependency {
            name: d.name.clone(),
            version: d.version.clone(),
            repository: d.repository.clone(),
            ..Default::default()
        };
        let origin = if d.repository.is_empty() {
            let path = ctx.dir.join("charts").join(&d.name);
            if !path.exists() {
                return Err(fail(Problem::LocalPathMissing(path.display().to_string())));
            }
            Origin::Local
        } else if d.repository.starts_with("file://") {
            let path = ctx.local_path(&d.repository);
            let chart = chart::load(&path).map_err(|e| fail(Problem::LocalChart(Box::new(e))))?;
            let found = chart.metadata.version.clone();
            let ok = parse_version(&found).is_some_and(|v| constraint.matches(&v));
            if !ok {
                return Err(fail(Problem::LocalVersion {
                    path: d.repository.clone(),
                    found,
                    constraint: d.version.clone(),
                }));
            }
            dependency.version = found;
            Origin::File(path)
        } else {
            let versions = index_versions(ctx, index, d, repos)?;
            let chosen = versions
                .iter()
                .filter(|v| !v.urls.is_empty())
                .find(|v| parse_version(&v.version).is_some_and(|sv| constraint.matches(&sv)))
                .ok_or_else(|| {
                    fail(Problem::NoMatch {
                        name: d.name.clone(),
                        repository: shown_url(&d.repository),
                        constraint: d.version.clone(),
                    })
                })?;
            dependency.version = chosen.version.clone();
            Origin::Remote(d.repository.clone())
        };
        out.push(Locked {
            index,
            dependency,
            origin,
        });
    }
    Ok(out)
}

/// The index entries of dependency `d` in its repository.
pub(crate) fn index_versions(
    ctx: &Context,
    index: usize,
    d: &Dependency,
    repos: &mut dyn Repositories,
) -> Result<Vec<IndexVersion>, Error> {
    let fail = |p: Problem| ctx.fail(index, &d.name, p);
    repos
        .versions(&d.repository, &d.name)
        .map_err(|e| {
            fail(Problem::Repository {
                repository: shown_url(&d.repository),
                message: e.to_string(),
            })
        })?
        .ok_or_else(|| {
            fail(Problem::NotInIndex {
                name: d.name.clone(),
                repository: shown_url(&d.repository),
            })
        })
}

/// The index entry of an exact version: the first with a download URL whose version equals
/// `version` (as SemVer when both read as SemVer, else as text), with its first URL.
pub(crate) fn find_version<'a>(versions: &'a [IndexVersion], version: &str) -> Option<(&'a IndexVersion, String)> {
    let wanted = parse_version(version);
    versions
        .iter()
        .filter(|v| !v.urls.is_empty())
        .find(|v| match (&wanted, parse_version(&v.version)) {
            (Some(w), Some(got)) => w == &got,
            (None, _) => v.version == version,
            (Some(_), None) => false,
        })
        .map(|v| (v, v.urls[0].clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dependency::source::InMemory;
    use crate::dependency::test_dependency as dep;

    fn ctx() -> Context {
        Context {
            dir: PathBuf::from("/nonexistent/app"),
            file: "app/Chart.yaml".into(),
        }
    }

    fn v(version: &str, urls: &[&str]) -> IndexVersion {
        IndexVersion {
            version: version.into(),
            urls: urls.iter().map(|s| s.to_string()).collect(),
            digest: Some("00".into()),
        }
    }

    fn repos() -> InMemory {
        let mut r = InMemory {
            added: vec![("edu".into(), "https://charts.example.org".into())],
            ..Default::default()
        };
        r.indexes
            .entry("https://charts.example.org".into())
            .or_default()
            .insert(
                "db".into(),
                vec![
                    v("2.0.0-rc.1", &["https://charts.example.org/db-2.0.0-rc.1.tgz"]),
                    v("1.10.0", &[]),
                    v("v1.9.1", &["https://charts.example.org/db-1.9.1.tgz"]),
                    v("1.2.0", &["https://charts.example.org/db-1.2.0.tgz"]),
                    v("0.9.0", &["https://charts.example.org/db-0.9.0.tgz"]),
                ],
            );
        r
    }

    fn resolve_one(version: &str, repository: &str) -> Result<Locked, String> {
        let mut r = repos();
        let req = requested(&ctx(), &[dep("db", version, repository)], &r).map_err(|e| e.to_string())?;
        resolve(&ctx(), &req, &mut r)
            .map(|mut l| l.remove(0))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn picks_the_first_matching_version_in_index_order() {
        let l = resolve_one("^1.2", "@edu").unwrap();
        // 1.10.0 has no URL; v1.9.1 is kept as the index writes it.
        assert_eq!(l.dependency.version, "v1.9.1");
        assert_eq!(l.dependency.repository, "https://charts.example.org");
        assert_eq!(resolve_one("~1.2.0", "alias:edu").unwrap().dependency.version, "1.2.0");
        assert_eq!(
            resolve_one("<1", "https://charts.example.org/")
                .unwrap()
                .dependency
                .version,
            "0.9.0"
        );
        // A pre-release only when the constraint names one.
        assert_eq!(
            resolve_one(">=2.0.0-0", "@edu").unwrap().dependency.version,
            "2.0.0-rc.1"
        );
        assert_eq!(resolve_one(">=1.3", "@edu").unwrap().dependency.version, "v1.9.1");
    }

    #[test]
    fn errors_name_the_entry_and_field() {
        assert_eq!(
            resolve_one("^3", "@edu").unwrap_err(),
            "app/Chart.yaml: dependencies[0] (db): version: no version of 'db' in https://charts.example.org satisfies '^3'"
        );
        assert_eq!(
            resolve_one("^1", "@nope").unwrap_err(),
            "app/Chart.yaml: dependencies[0] (db): repository: no added repository is named 'nope' (add it with `rudder repo add`)"
        );
        assert!(
            resolve_one("^1", "stable")
                .unwrap_err()
                .contains("repository: 'stable' is not a URL")
        );
        assert!(
            resolve_one(">>1", "@edu")
                .unwrap_err()
                .contains("dependencies[0] (db): version: '>>1'")
        );
        assert!(resolve_one("", "@edu").unwrap_err().contains("version: ''"));
        assert!(
            resolve_one("1", "")
                .unwrap_err()
                .contains("repository: directory /nonexistent/app/charts/db not found")
        );
        assert!(
            resolve_one("1", "file://../db")
                .unwrap_err()
                .contains("directory /nonexistent/app/../db not found")
        );
    }

    #[test]
    fn messages_carry_no_credentials() {
        let mut r = repos();
        let url = "https://alice:s3cret@charts.example.org";
        let req = requested(&ctx(), &[dep("db", "^9", url)], &r).unwrap();
        let err = resolve(&ctx(), &req, &mut r).unwrap_err().to_string();
        assert!(!err.contains("s3cret") && !err.contains("alice"), "{err}");
        assert_eq!(shown_url("https://charts.example.org"), "https://charts.example.org");
    }

    #[test]
    fn exact_versions_for_build() {
        let r = repos();
        let vs = &r.indexes["https://charts.example.org"]["db"];
        let (hit, url) = find_version(vs, "1.9.1").unwrap();
        assert_eq!(hit.version, "v1.9.1");
        assert_eq!(url, "https://charts.example.org/db-1.9.1.tgz");
        assert!(find_version(vs, "1.10.0").is_none());
    }
}
