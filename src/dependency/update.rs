//! `dependency update` and `dependency build`, as Helm's dependency manager runs them.
//!
//! update: load the chart directory; resolve every `Chart.yaml` dependency (see
//! `resolve.rs`); fetch and verify every package (see `fetch.rs`); compute the lock digest
//! over the requested and the locked lists; then write the packages into `charts/`,
//! remove the outdated ones and write the lock file, all or nothing (see `commit.rs`). As
//! Helm, an existing lock file whose digest is already the new one is left untouched, so
//! its `generated:` time does not churn.
//!
//! build: with no lock file, an update. Otherwise the lock must be in sync with the
//! dependencies file: its digest must equal the digest of the requested list (aliases
//! resolved) and its own locked list; for `apiVersion: v1` charts Helm 2's digest of
//! requirements.yaml is accepted too. Then exactly the locked versions are fetched,
//! verified and written; the lock file is not rewritten.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::SystemTime;

use super::Error;
use super::commit::{Committed, commit};
use super::digest::{helm2_digest, lock_digest, sanitized};
use super::fetch::{Step, fetch};
use super::lock::{self, Lock};
use super::resolve::{Context, Locked, Origin, requested, resolve};
use super::source::Repositories;
use crate::chart::{self, Chart};

/// What an update or build did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// The number of dependencies saved (Helm's "Saving N charts").
    pub count: usize,
    /// One step per dependency, in order.
    pub steps: Vec<Step>,
    /// The files written and removed.
    pub committed: Committed,
    /// The lock digest of the resolved set.
    pub digest: String,
}

/// Resolves, fetches and writes a chart directory's dependencies, and its lock file.
///
/// # Errors
/// See [`Error`]: a chart that does not load, a dependency that does not resolve or
/// fetch, a package that fails verification, or a write failure. Nothing is changed then.
pub fn update(dir: &Path, repos: &mut dyn Repositories, now: SystemTime) -> Result<Outcome, Error> {
    let chart = load_dir(dir)?;
    if chart.metadata.dependencies.is_empty() {
        return Ok(Outcome::default());
    }
    let ctx = context(dir, &chart);
    let req = requested(&ctx, &chart.metadata.dependencies, repos)?;
    let mut locked = resolve(&ctx, &req, repos)?;
    let (archives, steps) = fetch(&ctx, &mut locked, repos)?;
    let deps: Vec<_> = locked.iter().map(|l| l.dependency.clone()).collect();
    let digest = lock_digest(Some(&req), Some(&deps));
    let lock_name = lock::file_name(&chart.metadata.api_version);
    let old = lock::read(dir, &chart.metadata.api_version).ok().flatten();
    let new_lock = (old.as_ref().map(|l| l.digest.as_str()) != Some(digest.as_str())).then(|| Lock {
        generated: lock::generated_at(now),
        digest: digest.clone(),
        dependencies: Some(deps),
    });
    let text = new_lock.as_ref().map(Lock::to_yaml);
    let lock_path = dir.join(lock_name);
    let committed = commit(
        dir,
        &archives,
        &kept(&locked),
        text.as_deref().map(|t| (lock_path.as_path(), t.as_bytes())),
    )?;
    Ok(Outcome {
        count: locked.len(),
        steps,
        committed,
        digest,
    })
}

/// Restores the dependencies a chart directory's lock file names (an update when there is
/// no lock file).
///
/// # Errors
/// As [`update`]; also a lock file that does not parse or is out of sync with the
/// dependencies file.
pub fn build(dir: &Path, repos: &mut dyn Repositories, now: SystemTime) -> Result<Outcome, Error> {
    let chart = load_dir(dir)?;
    let api = chart.metadata.api_version.clone();
    let lock = lock::read(dir, &api).map_err(|(file, message)| Error::Lock { file, message })?;
    let Some(lock) = lock else {
        return update(dir, repos, now);
    };
    let ctx = context(dir, &chart);
    let raw = &chart.metadata.dependencies;
    let helm2 = (api == "v1").then(|| {
        let cleaned: Vec<_> = raw.iter().map(sanitized).collect();
        helm2_digest(Some(&cleaned))
    });
    let req = requested(&ctx, raw, repos)?;
    let requested_list = (!req.is_empty()).then_some(req.as_slice());
    let sum = lock_digest(requested_list, lock.dependencies.as_deref());
    if sum != lock.digest && helm2.as_deref() != Some(lock.digest.as_str()) {
        return Err(Error::OutOfSync {
            lock: dir.join(lock::file_name(&api)).display().to_string(),
            deps: ctx.file.clone(),
        });
    }
    let lock_ctx = Context {
        dir: ctx.dir.clone(),
        file: dir.join(lock::file_name(&api)).display().to_string(),
    };
    let mut locked: Vec<Locked> = lock
        .dependencies
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(index, d)| {
            let origin = if d.repository.is_empty() {
                Origin::Local
            } else if d.repository.starts_with("file://") {
                Origin::File(lock_ctx.local_path(&d.repository))
            } else {
                Origin::Remote(d.repository.clone())
            };
            Locked {
                index,
                dependency: d,
                origin,
            }
        })
        .collect();
    let (archives, steps) = fetch(&lock_ctx, &mut locked, repos)?;
    let committed = commit(dir, &archives, &kept(&locked), None)?;
    Ok(Outcome {
        count: locked.len(),
        steps,
        committed,
        digest: lock.digest,
    })
}

/// Loads a chart directory (an archive cannot be updated).
fn load_dir(dir: &Path) -> Result<Chart, Error> {
    if dir.is_file() {
        return Err(Error::NotADirectory {
            chart: dir.display().to_string(),
        });
    }
    chart::load(dir).map_err(|e| Error::Chart(Box::new(e)))
}

/// The dependencies file: requirements.yaml for a v1 chart that has one, else Chart.yaml.
fn context(dir: &Path, chart: &Chart) -> Context {
    let file = if chart.metadata.api_version == "v1" && dir.join("requirements.yaml").is_file() {
        "requirements.yaml"
    } else {
        "Chart.yaml"
    };
    Context {
        dir: dir.to_path_buf(),
        file: dir.join(file).display().to_string(),
    }
}

/// The charts kept in `charts/` by `repository: ""` entries: never removed as outdated.
fn kept(locked: &[Locked]) -> BTreeSet<String> {
    locked
        .iter()
        .filter(|l| l.origin == Origin::Local)
        .map(|l| l.dependency.name.clone())
        .collect()
}
