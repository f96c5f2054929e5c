//! Where repository state lives and `repositories.yaml`, Helm's format:
//! - configuration: `$RUDDER_CONFIG_HOME`, else `$XDG_CONFIG_HOME/rudder`, else
//!   `$HOME/.config/rudder`; it holds `repositories.yaml` and its lock file;
//! - cache: `$RUDDER_CACHE_HOME`, else `$XDG_CACHE_HOME/rudder`, else `$HOME/.cache/rudder`;
//!   indexes go to `repository/NAME-index.yaml`.
//!
//! Every write goes to a temporary file in the same directory, then is renamed into place,
//! so a reader never sees half a file; changes to `repositories.yaml` hold an exclusive lock
//! on `repositories.lock` from read to rename, so two rudder processes never lose an update.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Error;
use crate::yaml::{self, Dialect, Map, Value};

/// The configuration and cache directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_home: PathBuf,
    pub cache_home: PathBuf,
}

impl Paths {
    /// Resolves the directories from environment variables, read through `var` (the CLI
    /// passes `std::env::var_os`). `None` when neither the rudder, XDG nor `HOME` variables
    /// say where they are.
    pub fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Option<Paths> {
        let nonempty = |k: &str| var(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = nonempty("HOME");
        let config_home = nonempty("RUDDER_CONFIG_HOME")
            .or_else(|| nonempty("XDG_CONFIG_HOME").map(|p| p.join("rudder")))
            .or_else(|| home.as_ref().map(|h| h.join(".config").join("rudder")))?;
        let cache_home = nonempty("RUDDER_CACHE_HOME")
            .or_else(|| nonempty("XDG_CACHE_HOME").map(|p| p.join("rudder")))
            .or_else(|| home.as_ref().map(|h| h.join(".cache").join("rudder")))?;
        Some(Paths {
            config_home,
            cache_home,
        })
    }

    /// `repositories.yaml`.
    pub fn repositories_file(&self) -> PathBuf {
        self.config_home.join("repositories.yaml")
    }

    fn lock_file(&self) -> PathBuf {
        self.config_home.join("repositories.lock")
    }

    /// The cached index of repository `name`.
    pub fn index_file(&self, name: &str) -> PathBuf {
        self.cache_home.join("repository").join(format!("{name}-index.yaml"))
    }
}

/// One configured repository (an entry of `repositories.yaml`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RepoEntry {
    pub name: String,
    pub url: String,
    pub username: String,
    /// Stored as Helm stores it (the file is written readable by its owner only); never
    /// printed, not even by `Debug`.
    pub password: String,
    pub cert_file: String,
    pub key_file: String,
    pub ca_file: String,
    pub insecure_skip_tls_verify: bool,
    pub pass_credentials_all: bool,
}

impl std::fmt::Debug for RepoEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoEntry")
            .field("name", &self.name)
            .field("url", &super::http::redact(&self.url))
            .field("username", &self.username)
            .field("password", &if self.password.is_empty() { "" } else { "<redacted>" })
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file)
            .field("ca_file", &self.ca_file)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("pass_credentials_all", &self.pass_credentials_all)
            .finish()
    }
}

/// `repositories.yaml`: the configured repositories, in the order they were added.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RepoFile {
    pub entries: Vec<RepoEntry>,
}

impl RepoFile {
    /// Reads `repositories.yaml`; a missing file is an empty list.
    ///
    /// # Errors
    /// An unreadable file, invalid YAML or an entry without a name or URL.
    pub fn load(paths: &Paths) -> Result<RepoFile, Error> {
        let path = paths.repositories_file();
        let text = match fs_err::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(RepoFile::default()),
            Err(e) => return Err(Error::io(&path, &e)),
        };
        Self::parse(&text, &path)
    }

    fn parse(text: &str, path: &Path) -> Result<RepoFile, Error> {
        let bad = |field: String, message: &str| Error::Config {
            path: path.to_path_buf(),
            field,
            message: message.to_string(),
        };
        let docs = yaml::parse_stream(text, Dialect::Helm, &path.display().to_string()).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            field: format!("line {}", e.line),
            message: e.message,
        })?;
        let doc = docs.into_iter().next().map(|d| d.value).unwrap_or_default();
        let mut out = RepoFile::default();
        let list = match doc.get("repositories") {
            None | Some(Value::Null) => return Ok(out),
            Some(Value::Seq(list)) => list,
            Some(other) => {
                return Err(bad(
                    "repositories".into(),
                    &format!("expected a list, found {}", other.type_name()),
                ));
            }
        };
        for (i, item) in list.iter().enumerate() {
            let field = |k: &str| format!("repositories[{i}].{k}");
            let Value::Map(m) = item else {
                return Err(bad(format!("repositories[{i}]"), "expected a mapping"));
            };
            let s = |k: &str| -> Result<String, Error> {
                match m.get(k) {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(_) => Err(bad(field(k), "expected a string")),
                }
            };
            let b = |k: &str| -> Result<bool, Error> {
                match m.get(k) {
                    None | Some(Value::Null) => Ok(false),
                    Some(Value::Bool(b)) => Ok(*b),
                    Some(_) => Err(bad(field(k), "expected true or false")),
                }
            };
            let entry = RepoEntry {
                name: s("name")?,
                url: s("url")?,
                username: s("username")?,
                password: s("password")?,
                cert_file: s("certFile")?,
                key_file: s("keyFile")?,
                ca_file: s("caFile")?,
                insecure_skip_tls_verify: b("insecure_skip_tls_verify")?,
                pass_credentials_all: b("pass_credentials_all")?,
            };
            if entry.name.is_empty() {
                return Err(bad(field("name"), "missing"));
            }
            if entry.url.is_empty() {
                return Err(bad(field("url"), "missing"));
            }
            out.entries.push(entry);
        }
        Ok(out)
    }

    /// The repository called `name`.
    pub fn get(&self, name: &str) -> Option<&RepoEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The file's text, as Helm writes it (keys sorted, every field present).
    pub fn to_yaml(&self, generated: &str) -> String {
        let mut repos = Vec::new();
        for e in &self.entries {
            let mut m = Map::default();
            let s = |v: &str| Value::String(v.to_string());
            m.insert("caFile".into(), s(&e.ca_file));
            m.insert("certFile".into(), s(&e.cert_file));
            m.insert(
                "insecure_skip_tls_verify".into(),
                Value::Bool(e.insecure_skip_tls_verify),
            );
            m.insert("keyFile".into(), s(&e.key_file));
            m.insert("name".into(), s(&e.name));
            m.insert("pass_credentials_all".into(), Value::Bool(e.pass_credentials_all));
            m.insert("password".into(), s(&e.password));
            m.insert("url".into(), s(&e.url));
            m.insert("username".into(), s(&e.username));
            repos.push(Value::Map(m));
        }
        let mut top = Map::default();
        top.insert("apiVersion".into(), Value::String(String::new()));
        top.insert("generated".into(), Value::String(generated.to_string()));
        top.insert("repositories".into(), Value::Seq(repos));
        yaml::to_string(&Value::Map(top))
    }
}

/// Reads `repositories.yaml` under an exclusive lock, lets `change` modify it and writes it
/// back atomically, all before the lock is released. Nothing is written when `change` fails.
///
/// # Errors
/// The lock, the read, `change`'s own error, or the write.
pub fn update_repositories<T>(
    paths: &Paths,
    change: impl FnOnce(&mut RepoFile) -> Result<T, Error>,
) -> Result<T, Error> {
    fs_err::create_dir_all(&paths.config_home).map_err(|e| Error::io(&paths.config_home, &e))?;
    let lock_path = paths.lock_file();
    let lock = fs_err::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, &e))?;
    lock.file().lock().map_err(|e| Error::io(&lock_path, &e))?;
    let mut file = RepoFile::load(paths)?;
    let out = change(&mut file)?;
    let text = file.to_yaml(&super::time::now_rfc3339());
    write_atomically(&paths.repositories_file(), text.as_bytes(), true)?;
    drop(lock);
    Ok(out)
}

/// Writes `bytes` to a temporary file next to `path`, then renames it over `path`.
/// `private`: readable by the owner only (the file may hold a password).
///
/// # Errors
/// Creating the directory, writing or renaming.
pub fn write_atomically(path: &Path, bytes: &[u8], private: bool) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".rudder-").suffix(".tmp");
    // tempfile creates 0600 files; a plain file is created 0666 less the umask (0644 as a
    // rule), as `open(2)` makes it.
    #[cfg(unix)]
    if !private {
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, &e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, &e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, &e))?;
    tmp.persist(path).map_err(|e| Error::io(path, &e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_prefer_rudder_then_xdg_then_home() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(*v))
        };
        let p = Paths::from_vars(vars(&[("HOME", "/h")])).unwrap();
        assert_eq!(p.repositories_file(), Path::new("/h/.config/rudder/repositories.yaml"));
        assert_eq!(
            p.index_file("edu"),
            Path::new("/h/.cache/rudder/repository/edu-index.yaml")
        );
        let p = Paths::from_vars(vars(&[
            ("HOME", "/h"),
            ("XDG_CONFIG_HOME", "/x"),
            ("XDG_CACHE_HOME", "/c"),
        ]))
        .unwrap();
        assert_eq!(p.config_home, Path::new("/x/rudder"));
        assert_eq!(p.cache_home, Path::new("/c/rudder"));
        let p = Paths::from_vars(vars(&[("RUDDER_CONFIG_HOME", "/r"), ("RUDDER_CACHE_HOME", "/rc")])).unwrap();
        assert_eq!(p.config_home, Path::new("/r"));
        assert_eq!(p.cache_home, Path::new("/rc"));
        assert!(Paths::from_vars(vars(&[])).is_none());
    }

    #[test]
    fn repositories_round_trip_and_debug_hides_password() {
        let file = RepoFile {
            entries: vec![RepoEntry {
                name: "edu".into(),
                url: "https://charts.example.org".into(),
                username: "u".into(),
                password: "s3cret".into(),
                ..Default::default()
            }],
        };
        let text = file.to_yaml("2026-01-01T00:00:00Z");
        assert!(text.contains("- caFile: \"\"\n"), "{text}");
        let back = RepoFile::parse(&text, Path::new("repositories.yaml")).unwrap();
        assert_eq!(back, file);
        assert!(!format!("{file:?}").contains("s3cret"));
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_home: tmp.path().join("c"),
            cache_home: tmp.path().join("k"),
        };
        std::thread::scope(|s| {
            for i in 0..8 {
                let paths = &paths;
                s.spawn(move || {
                    update_repositories(paths, |f| {
                        f.entries.push(RepoEntry {
                            name: format!("r{i}"),
                            url: "http://h".into(),
                            ..Default::default()
                        });
                        Ok(())
                    })
                    .unwrap();
                });
            }
        });
        assert_eq!(RepoFile::load(&paths).unwrap().entries.len(), 8);
    }

    #[test]
    fn bad_entry_names_the_field() {
        let err = RepoFile::parse("repositories:\n- name: x\n  url: 3\n", Path::new("r.yaml")).unwrap_err();
        assert_eq!(err.to_string(), "r.yaml: repositories[0].url: expected a string");
    }
}
