//! `repo index DIR`: an index for a folder of packages, as `helm repo index` makes one.
//!
//! Rules:
//! - packages are the `*.tgz` files in DIR and in its direct subdirectories, in name order;
//! - each entry is the package's `Chart.yaml` metadata (read by the caller's `read_metadata`,
//!   since `repo` may not load charts), its `digest` (hex sha256 of the file's bytes), its
//!   `created` time and one URL: the path relative to DIR, joined to `--url` when given;
//! - a `.tgz` that is not a chart is skipped (reported back), as Helm does; two packages
//!   with the same name and version are an error;
//! - with `--merge OLD`, versions of OLD not in the new index are added; the new index wins.

use std::path::{Path, PathBuf};

use super::Error;
use super::index::{ChartVersion, Index};
use super::verify::sha256_hex;
use crate::yaml::Map;

/// Reads the `Chart.yaml` metadata of a package's bytes (`source_name` for messages).
pub type ReadMetadata<'a> = dyn Fn(&[u8], &str) -> Result<Map, String> + 'a;

/// An index and the packages left out of it (with why).
#[derive(Debug, Clone)]
pub struct BuiltIndex {
    pub index: Index,
    pub skipped: Vec<String>,
}

/// Indexes the packages in `dir` (see the module rules).
///
/// # Errors
/// An unreadable directory or package, a duplicate name and version, an unreadable or
/// invalid `merge` index.
pub fn index_directory(
    dir: &Path,
    base_url: Option<&str>,
    merge: Option<&Path>,
    now: &str,
    read_metadata: &ReadMetadata<'_>,
) -> Result<BuiltIndex, Error> {
    let mut packages = Vec::new();
    for (rel, path) in list(dir, "")? {
        if path.is_dir() {
            for (sub_rel, sub) in list(&path, &rel)? {
                if sub.is_file() && sub_rel.ends_with(".tgz") {
                    packages.push((sub_rel, sub));
                }
            }
        } else if rel.ends_with(".tgz") {
            packages.push((rel, path));
        }
    }
    packages.sort();
    let mut index = Index::new(now);
    let mut origin: std::collections::HashMap<(String, String), String> = Default::default();
    let mut skipped = Vec::new();
    for (rel, path) in packages {
        let bytes = fs_err::read(&path).map_err(|e| Error::io(&path, &e))?;
        let shown = path.display().to_string();
        let metadata = match read_metadata(&bytes, &shown) {
            Ok(m) => m,
            Err(reason) => {
                skipped.push(format!("{shown}: {reason}"));
                continue;
            }
        };
        let url = match base_url {
            Some(base) if !base.is_empty() => format!("{}/{rel}", base.trim_end_matches('/')),
            _ => rel.clone(),
        };
        let cv = ChartVersion::from_metadata(metadata, url, sha256_hex(&bytes), now.to_string());
        let key = (cv.name.clone(), cv.version.clone());
        if let Some(first) = origin.get(&key) {
            return Err(Error::Index {
                source_name: shown,
                field: "version".into(),
                message: format!("chart {} version {} is also in {first}", key.0, key.1),
            });
        }
        origin.insert(key, rel);
        index.add(cv);
    }
    if let Some(old) = merge {
        if old.exists() {
            index.merge(&Index::load(old)?);
        }
    }
    index.sort();
    Ok(BuiltIndex { index, skipped })
}

/// The entries of `dir` as (path relative to the indexed folder, full path), sorted.
fn list(dir: &Path, rel: &str) -> Result<Vec<(String, PathBuf)>, Error> {
    let mut out: Vec<(String, PathBuf)> = fs_err::read_dir(dir)
        .map_err(|e| Error::io(dir, &e))?
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            (r, e.path())
        })
        .collect();
    out.sort();
    Ok(out)
}
