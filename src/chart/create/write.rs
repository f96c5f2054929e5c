//! Writing a whole directory at once: into a temporary sibling first, then renamed into place.

use std::path::{Path, PathBuf};

use super::CreateError;

/// Writes `files` (relative path, content) as the new directory `dir`. `dir` may exist if it is
/// an empty directory; anything else there is refused and left untouched.
pub fn write_new_dir(dir: &Path, files: &[(PathBuf, String)]) -> Result<(), CreateError> {
    let existing_empty = match fs_err::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            let mut entries = fs_err::read_dir(dir)?;
            if entries.next().is_some() {
                return Err(CreateError::NotEmpty {
                    path: dir.to_path_buf(),
                });
            }
            true
        }
        Ok(_) => {
            return Err(CreateError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e.into()),
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs_err::create_dir_all(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".rudder-create-")
        .tempdir_in(&parent)
        .map_err(|source| CreateError::Staging {
            dir: parent.clone(),
            source,
        })?;
    for (rel, text) in files {
        let path = staging.path().join(rel);
        if let Some(p) = path.parent() {
            fs_err::create_dir_all(p)?;
        }
        fs_err::write(&path, text)?;
    }
    if existing_empty {
        // Still empty (we checked above); rename cannot replace a directory on every platform.
        fs_err::remove_dir(dir)?;
    }
    let staged = staging.keep();
    fs_err::rename(&staged, dir).inspect_err(|_| {
        let _ = fs_err::remove_dir_all(&staged);
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_file() -> Vec<(PathBuf, String)> {
        vec![(PathBuf::from("a/b.txt"), "hi\n".into())]
    }

    #[test]
    fn writes_into_a_new_or_empty_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("x/new");
        write_new_dir(&new, &one_file()).unwrap();
        assert_eq!(std::fs::read_to_string(new.join("a/b.txt")).unwrap(), "hi\n");
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write_new_dir(&empty, &one_file()).unwrap();
        assert!(empty.join("a/b.txt").is_file());
    }

    #[test]
    fn refuses_taken_paths_and_leaves_no_staging_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let full = tmp.path().join("full");
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("keep"), "x").unwrap();
        assert!(matches!(
            write_new_dir(&full, &one_file()),
            Err(CreateError::NotEmpty { .. })
        ));
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            write_new_dir(&file, &one_file()),
            Err(CreateError::NotADirectory { .. })
        ));
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with(".rudder-create-")), "{names:?}");
        assert_eq!(std::fs::read_to_string(full.join("keep")).unwrap(), "x");
    }
}
