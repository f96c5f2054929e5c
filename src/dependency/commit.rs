//! Writing the new packages into `charts/` and the lock file beside `Chart.yaml`, all or
//! nothing.
//!
//! Everything is first written to a staging directory inside `charts/` (named
//! `.rudder-deps-*`, which chart loading skips, and on the same file system so renames are
//! atomic). Then, in order: every archive about to be replaced or removed is moved into the
//! staging directory, the new archives are renamed into `charts/`, and the lock file is
//! renamed into place. If any step fails, the steps already taken are undone, so `charts/`
//! and the lock file are left as they were.
//!
//! Outdated archives are removed as Helm removes them: every file in `charts/` that was not
//! just written and that loads as a chart archive, unless its chart is one kept in
//! `charts/` by a `repository: ""` dependency. Directories are never touched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Error;
use super::fetch::Archive;

/// What the commit changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Committed {
    /// Archives written to `charts/`, by file name.
    pub written: Vec<String>,
    /// Outdated archives removed from `charts/`, by file name.
    pub removed: Vec<String>,
    /// The lock file written, when one was.
    pub lock: Option<PathBuf>,
}

/// Writes `archives` into `dir/charts/`, removes outdated archives (sparing charts named in
/// `keep`), and writes `lock` (path, bytes) when given.
///
/// # Errors
/// Any file-system failure; nothing is left changed.
pub fn commit(
    dir: &Path,
    archives: &[Archive],
    keep: &BTreeSet<String>,
    lock: Option<(&Path, &[u8])>,
) -> Result<Committed, Error> {
    let charts = dir.join("charts");
    let werr = |path: &Path, e: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        message: crate::chart::io_message(&e),
    };
    let created_charts = match fs_err::metadata(&charts) {
        Ok(m) if m.is_dir() => false,
        Ok(_) => {
            return Err(Error::Write {
                path: charts,
                message: "is not a directory".into(),
            });
        }
        Err(_) => {
            fs_err::create_dir_all(&charts).map_err(|e| werr(&charts, e))?;
            true
        }
    };
    let result = stage_and_swap(&charts, archives, keep, lock);
    if result.is_err() && created_charts {
        let _ = fs_err::remove_dir(&charts);
    }
    result
}

fn stage_and_swap(
    charts: &Path,
    archives: &[Archive],
    keep: &BTreeSet<String>,
    lock: Option<(&Path, &[u8])>,
) -> Result<Committed, Error> {
    let werr = |path: &Path, e: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        message: crate::chart::io_message(&e),
    };
    let staging = tempfile::Builder::new()
        .prefix(".rudder-deps-")
        .tempdir_in(charts)
        .map_err(|e| werr(charts, e))?;
    let new_dir = staging.path().join("new");
    let old_dir = staging.path().join("old");
    fs_err::create_dir(&new_dir).map_err(|e| werr(&new_dir, e))?;
    fs_err::create_dir(&old_dir).map_err(|e| werr(&old_dir, e))?;
    for a in archives {
        let p = new_dir.join(&a.file_name);
        fs_err::write(&p, &a.bytes).map_err(|e| werr(&p, e))?;
    }
    let lock_tmp = match lock {
        Some((path, bytes)) => {
            let parent = path.parent().unwrap_or(Path::new("."));
            let mut builder = tempfile::Builder::new();
            // 0666 less the umask (0644 as a rule), as Helm writes Chart.lock; not 0600.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let mut tmp = builder.tempfile_in(parent).map_err(|e| werr(path, e))?;
            std::io::Write::write_all(&mut tmp, bytes).map_err(|e| werr(path, e))?;
            Some((path, tmp))
        }
        None => None,
    };

    let new_names: BTreeSet<&str> = archives.iter().map(|a| a.file_name.as_str()).collect();
    let outdated = outdated(charts, &new_names, keep);
    let mut moved_out: Vec<String> = Vec::new();
    let mut moved_in: Vec<String> = Vec::new();
    let undo = |moved_in: &[String], moved_out: &[String]| {
        for name in moved_in {
            let _ = fs_err::remove_file(charts.join(name));
        }
        for name in moved_out {
            let _ = fs_err::rename(old_dir.join(name), charts.join(name));
        }
    };

    // Set aside what is replaced or removed.
    let replaced = new_names
        .iter()
        .filter(|n| charts.join(n).is_file())
        .map(|n| n.to_string());
    for name in replaced.chain(outdated.iter().cloned()) {
        if let Err(e) = fs_err::rename(charts.join(&name), old_dir.join(&name)) {
            undo(&moved_in, &moved_out);
            return Err(werr(&charts.join(&name), e));
        }
        moved_out.push(name);
    }
    for a in archives {
        let to = charts.join(&a.file_name);
        if let Err(e) = fs_err::rename(new_dir.join(&a.file_name), &to) {
            undo(&moved_in, &moved_out);
            return Err(werr(&to, e));
        }
        moved_in.push(a.file_name.clone());
    }
    let mut written_lock = None;
    if let Some((path, tmp)) = lock_tmp {
        if let Err(e) = tmp.persist(path) {
            undo(&moved_in, &moved_out);
            return Err(werr(path, e.error));
        }
        written_lock = Some(path.to_path_buf());
    }
    Ok(Committed {
        written: moved_in,
        removed: outdated,
        lock: written_lock,
    })
}

/// The archives in `charts/` Helm would delete after an update: files not just written
/// that load as charts, except those whose chart is kept by a `repository: ""` entry.
fn outdated(charts: &Path, new_names: &BTreeSet<&str>, keep: &BTreeSet<String>) -> Vec<String> {
    let Ok(entries) = fs_err::read_dir(charts) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !new_names.contains(n.as_str()))
        .collect();
    names.sort();
    names
        .into_iter()
        .filter(|n| crate::chart::load(&charts.join(n)).is_ok_and(|c| !keep.contains(c.name())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(name: &str, version: &str) -> Archive {
        let chart = crate::chart::load_files(
            vec![crate::chart::ChartFile {
                name: "Chart.yaml".into(),
                data: format!("apiVersion: v2\nname: {name}\nversion: {version}\n").into_bytes(),
            }],
            name,
        )
        .unwrap();
        let pkg = crate::chart::package::package(&chart, &Default::default()).unwrap();
        Archive {
            file_name: pkg.file_name,
            bytes: pkg.bytes,
        }
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs_err::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_outdated_archives_and_spares_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let charts = tmp.path().join("charts");
        fs_err::create_dir_all(charts.join("local")).unwrap();
        let old = archive("db", "1.0.0");
        fs_err::write(charts.join(&old.file_name), &old.bytes).unwrap();
        let kept = archive("local", "1.0.0");
        fs_err::write(charts.join(&kept.file_name), &kept.bytes).unwrap();
        fs_err::write(charts.join("notes.txt"), "not a chart").unwrap();
        let new = archive("db", "1.1.0");
        let lock = tmp.path().join("Chart.lock");
        let keep = BTreeSet::from(["local".to_string()]);
        let done = commit(tmp.path(), std::slice::from_ref(&new), &keep, Some((&lock, b"lock\n"))).unwrap();
        assert_eq!(done.written, vec!["db-1.1.0.tgz"]);
        assert_eq!(done.removed, vec!["db-1.0.0.tgz"]);
        assert_eq!(
            listing(&charts),
            vec!["db-1.1.0.tgz", "local", "local-1.0.0.tgz", "notes.txt"]
        );
        assert_eq!(fs_err::read_to_string(&lock).unwrap(), "lock\n");
    }

    #[test]
    fn a_failure_leaves_everything_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let charts = tmp.path().join("charts");
        fs_err::create_dir_all(&charts).unwrap();
        let old = archive("db", "1.0.0");
        fs_err::write(charts.join(&old.file_name), &old.bytes).unwrap();
        fs_err::write(tmp.path().join("Chart.lock"), "old\n").unwrap();
        // A directory stands where the lock goes: the last step fails, after the swap.
        let bad_lock = tmp.path().join("Chart.lock.d");
        fs_err::create_dir(&bad_lock).unwrap();
        fs_err::write(bad_lock.join("x"), "x").unwrap();
        let err = commit(
            tmp.path(),
            &[archive("db", "2.0.0")],
            &BTreeSet::new(),
            Some((&bad_lock, b"x")),
        );
        assert!(err.is_err());
        assert_eq!(listing(&charts), vec!["db-1.0.0.tgz"]);
        assert_eq!(fs_err::read(charts.join("db-1.0.0.tgz")).unwrap(), old.bytes);
        assert_eq!(fs_err::read_to_string(tmp.path().join("Chart.lock")).unwrap(), "old\n");
    }
}
