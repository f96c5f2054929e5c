//! Getting the package of each locked dependency, in memory, before anything is written:
//! - a chart in `charts/NAME/` stays where it is; its version must satisfy the constraint;
//! - a `file://` chart is packaged as `rudder package` would (`NAME-VERSION.tgz`);
//! - a repository chart is downloaded from the first URL its index gives for the locked
//!   version and kept only once its sha256 equals the index's digest (always checked; an
//!   index entry without a digest is refused) and it unpacks safely to a chart of that
//!   name and version. The same URL is fetched once.

use super::resolve::{Context, Locked, Origin, find_version, index_versions};
use super::source::{Package, shown_url};
use super::{Error, Problem};
use crate::chart::{self, package};
use crate::constraint::{Constraint, parse_version};

/// A package ready to be written to `charts/`.
#[derive(Debug, Clone)]
pub struct Archive {
    /// `NAME-VERSION.tgz`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What was done for one dependency, in order, for the command to report.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Kept in `charts/NAME/`.
    Local { name: String },
    /// Packaged from a `file://` directory.
    Packaged { name: String, repository: String },
    /// Downloaded and verified.
    Downloaded { name: String, repository: String },
    /// Its package URL had already been downloaded for an earlier entry.
    AlreadyDownloaded { name: String, repository: String },
}

/// Fetches every locked dependency's package; the locked `file://` versions are updated
/// to the packaged chart's version.
///
/// # Errors
/// A local chart that does not load or whose version does not satisfy its constraint, a
/// packaging failure, an index or download failure, a digest mismatch, or a package that
/// is not the chart and version locked; each naming the entry.
pub fn fetch(
    ctx: &Context,
    locked: &mut [Locked],
    repos: &mut dyn super::source::Repositories,
) -> Result<(Vec<Archive>, Vec<Step>), Error> {
    let mut archives = Vec::new();
    let mut steps = Vec::new();
    let mut fetched: Vec<String> = Vec::new();
    for l in locked.iter_mut() {
        let d = &mut l.dependency;
        match &l.origin {
            Origin::Local => {
                let path = ctx.dir.join("charts").join(&d.name);
                let chart =
                    chart::load(&path).map_err(|e| ctx.fail(l.index, &d.name, Problem::LocalChart(Box::new(e))))?;
                ensure_satisfies(&chart, &path, &d.version).map_err(|p| ctx.fail(l.index, &d.name, p))?;
                steps.push(Step::Local { name: d.name.clone() });
            }
            Origin::File(path) => {
                if !path.is_dir() {
                    let missing = Problem::LocalPathMissing(path.display().to_string());
                    return Err(ctx.fail(l.index, &d.name, missing));
                }
                let chart =
                    chart::load(path).map_err(|e| ctx.fail(l.index, &d.name, Problem::LocalChart(Box::new(e))))?;
                let found = ensure_satisfies(&chart, path, &d.version).map_err(|p| ctx.fail(l.index, &d.name, p))?;
                let pkg = package::package(&chart, &package::PackageOptions::default()).map_err(|e| {
                    ctx.fail(
                        l.index,
                        &d.name,
                        Problem::Package {
                            path: path.display().to_string(),
                            message: e.to_string(),
                        },
                    )
                })?;
                d.version = found;
                add(
                    &mut archives,
                    Archive {
                        file_name: pkg.file_name,
                        bytes: pkg.bytes,
                    },
                );
                steps.push(Step::Packaged {
                    name: d.name.clone(),
                    repository: d.repository.clone(),
                });
            }
            Origin::Remote(repository) => {
                let versions = index_versions(ctx, l.index, d, repos)?;
                let (entry, url) = find_version(&versions, &d.version).ok_or_else(|| {
                    ctx.fail(
                        l.index,
                        &d.name,
                        Problem::LockedVersionGone {
                            name: d.name.clone(),
                            version: d.version.clone(),
                            repository: shown_url(repository),
                        },
                    )
                })?;
                if fetched.contains(&url) {
                    steps.push(Step::AlreadyDownloaded {
                        name: d.name.clone(),
                        repository: shown_url(repository),
                    });
                    continue;
                }
                let digest = entry.digest.clone().filter(|s| !s.is_empty()).ok_or_else(|| {
                    ctx.fail(
                        l.index,
                        &d.name,
                        Problem::NoDigest {
                            url: shown_url(&url),
                            version: d.version.clone(),
                        },
                    )
                })?;
                let package = Package {
                    repository,
                    url: &url,
                    name: &d.name,
                    version: &d.version,
                    digest: &digest,
                };
                let bytes = repos.download(&package).map_err(|e| {
                    ctx.fail(
                        l.index,
                        &d.name,
                        Problem::Repository {
                            repository: shown_url(repository),
                            message: e.to_string(),
                        },
                    )
                })?;
                let file_name =
                    ensure_package(&bytes, &url, &d.name, &d.version).map_err(|p| ctx.fail(l.index, &d.name, p))?;
                fetched.push(url);
                add(&mut archives, Archive { file_name, bytes });
                steps.push(Step::Downloaded {
                    name: d.name.clone(),
                    repository: shown_url(repository),
                });
            }
        }
    }
    Ok((archives, steps))
}

/// Queues an archive; an entry naming the same chart and version as an earlier one (two
/// aliases of one chart) shares its file.
fn add(archives: &mut Vec<Archive>, archive: Archive) {
    if !archives.iter().any(|a| a.file_name == archive.file_name) {
        archives.push(archive);
    }
}

/// Checks the version of the chart loaded from `path` against `constraint`; returns the
/// version.
fn ensure_satisfies(chart: &chart::Chart, path: &std::path::Path, constraint: &str) -> Result<String, Problem> {
    let found = chart.metadata.version.clone();
    let c = Constraint::parse(constraint).map_err(Problem::BadConstraint)?;
    if parse_version(&found).is_some_and(|v| c.matches(&v)) {
        Ok(found)
    } else {
        Err(Problem::LocalVersion {
            path: path.display().to_string(),
            found,
            constraint: constraint.to_string(),
        })
    }
}

/// Checks that verified package bytes unpack to chart `name` at `version`; returns the
/// file name to save it under.
fn ensure_package(bytes: &[u8], url: &str, name: &str, version: &str) -> Result<String, Problem> {
    let chart = chart::load_archive_bytes(bytes, url).map_err(|e| Problem::LocalChart(Box::new(e)))?;
    let same_version = match (parse_version(&chart.metadata.version), parse_version(version)) {
        (Some(a), Some(b)) => a == b,
        _ => chart.metadata.version == version,
    };
    if chart.name() != name || !same_version {
        return Err(Problem::WrongPackage {
            url: shown_url(url),
            found: format!("{} {}", chart.name(), chart.metadata.version),
            name: name.to_string(),
            version: version.to_string(),
        });
    }
    Ok(format!("{}-{}.tgz", chart.name(), chart.metadata.version))
}
