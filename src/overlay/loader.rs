//! Reading files for one kustomization with kustomize's load restrictor: a file must lie
//! inside the kustomization's own directory unless restrictions are lifted. Directories of
//! other kustomizations may lie anywhere; each becomes the root of its own loader.

use std::path::{Component, Path, PathBuf};

use super::error::Error;

/// kustomize's `--load-restrictor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    #[default]
    RootOnly,
    None,
}

/// Reads the files one kustomization names.
#[derive(Debug, Clone)]
pub struct Loader {
    /// The kustomization's directory, as the user named it (for messages).
    dir: PathBuf,
    /// The same, with symlinks resolved (for the restriction check).
    real: PathBuf,
    restrictor: LoadRestrictor,
}

/// What a `resources:` entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    Dir(PathBuf),
}

impl Loader {
    /// A loader rooted at `dir`.
    ///
    /// # Errors
    /// The directory does not exist.
    pub fn new(dir: &Path, restrictor: LoadRestrictor) -> Result<Self, Error> {
        let real = dir.canonicalize().map_err(|e| Error::Read {
            path: dir.display().to_string(),
            message: io_message(&e),
        })?;
        if !real.is_dir() {
            return Err(Error::Read {
                path: dir.display().to_string(),
                message: "not a directory".into(),
            });
        }
        Ok(Loader {
            dir: dir.to_path_buf(),
            real,
            restrictor,
        })
    }

    /// The directory with symlinks resolved.
    pub fn real_dir(&self) -> &Path {
        &self.real
    }

    /// A path relative to the kustomization, for messages (`base/deploy.yaml`).
    pub fn display(&self, rel: &str) -> String {
        clean(&self.dir.join(rel)).display().to_string()
    }

    /// Resolves a `resources:` entry to a file or a directory.
    ///
    /// # Errors
    /// Missing path; a file outside the root while restricted.
    pub fn locate(&self, rel: &str, file: &str, field: &str) -> Result<Target, Error> {
        let joined = self.dir.join(rel);
        let real = joined
            .canonicalize()
            .map_err(|e| Error::field(file, field, format!("'{rel}': {}", io_message(&e))))?;
        if real.is_dir() {
            return Ok(Target::Dir(clean(&joined)));
        }
        self.ensure_inside(&real, rel, file, field)?;
        Ok(Target::File(clean(&joined)))
    }

    /// Reads a file named relative to the kustomization.
    ///
    /// # Errors
    /// The file is missing, unreadable, or outside the root while restricted.
    pub fn read(&self, rel: &str, file: &str, field: &str) -> Result<Vec<u8>, Error> {
        let joined = self.dir.join(rel);
        let real = joined
            .canonicalize()
            .map_err(|e| Error::field(file, field, format!("'{rel}': {}", io_message(&e))))?;
        self.ensure_inside(&real, rel, file, field)?;
        if real.is_dir() {
            return Err(Error::field(
                file,
                field,
                format!("'{rel}' is a directory, expected a file"),
            ));
        }
        fs_err::read(&real).map_err(|e| Error::field(file, field, format!("'{rel}': {}", io_message(&e))))
    }

    fn ensure_inside(&self, real: &Path, rel: &str, file: &str, field: &str) -> Result<(), Error> {
        if self.restrictor == LoadRestrictor::RootOnly && !real.starts_with(&self.real) {
            return Err(Error::OutsideRoot {
                file: file.to_string(),
                field: field.to_string(),
                path: rel.to_string(),
                root: self.dir.display().to_string(),
            });
        }
        Ok(())
    }
}

/// Removes `.` and folds `dir/..` lexically, for readable messages.
pub fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.file_name().is_some() && !out.ends_with("..") {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            // Drop Rust's " (os error N)" tail.
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_paths() {
        assert_eq!(clean(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(clean(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(clean(Path::new(".")), PathBuf::from("."));
    }

    #[test]
    fn refuses_files_outside_the_root() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("k")).unwrap();
        std::fs::write(t.path().join("out.yaml"), "a: 1").unwrap();
        let l = Loader::new(&t.path().join("k"), LoadRestrictor::RootOnly).unwrap();
        let e = l.read("../out.yaml", "kustomization.yaml", "resources[0]").unwrap_err();
        assert!(matches!(e, Error::OutsideRoot { .. }), "{e}");
        let free = Loader::new(&t.path().join("k"), LoadRestrictor::None).unwrap();
        assert_eq!(free.read("../out.yaml", "k", "f").unwrap(), b"a: 1");
    }
}
