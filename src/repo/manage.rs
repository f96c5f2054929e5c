//! Adding and removing configured repositories (`repo add`, `repo remove`), each one
//! locked read-modify-write of `repositories.yaml`.

use super::Error;
use super::config::{Paths, RepoEntry, update_repositories};
use super::fetch::update_index;
use super::http::{HttpOptions, parse_url};

/// What `add_repo` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// The repository is new (or replaced with `force_update`); its index is cached.
    Added,
    /// The same name with the same settings was already there; nothing changed.
    Unchanged,
}

/// Checks a repository name: not empty, no `/` (it would make `NAME/chart` ambiguous), no
/// path separators or leading dot (it names a cache file).
///
/// # Errors
/// The name and what is wrong with it.
pub fn ensure_repo_name(name: &str) -> Result<(), Error> {
    let bad = |reason: &str| Error::BadRepoName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() {
        return Err(bad("empty"));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(bad("it may not contain '/'"));
    }
    if name.starts_with('.') {
        return Err(bad("it may not start with '.'"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("it may not contain control characters"));
    }
    Ok(())
}

/// Adds `entry` to the configured repositories after fetching its index (so a wrong URL or
/// wrong credentials are caught now) and caching it. An existing name with the same
/// settings is left as is; with different settings it is an error unless `force_update`.
///
/// # Errors
/// A bad name or URL, a clash, the index fetch, or writing the files.
pub fn add_repo(paths: &Paths, entry: RepoEntry, http: &HttpOptions, force_update: bool) -> Result<Added, Error> {
    ensure_repo_name(&entry.name)?;
    parse_url(&entry.url)?;
    update_repositories(paths, |file| {
        if let Some(i) = file.entries.iter().position(|e| e.name == entry.name) {
            if file.entries[i] == entry {
                return Ok(Added::Unchanged);
            }
            if !force_update {
                return Err(Error::RepoExists {
                    name: entry.name.clone(),
                });
            }
            update_index(paths, &entry, http)?;
            file.entries[i] = entry;
            return Ok(Added::Added);
        }
        update_index(paths, &entry, http)?;
        file.entries.push(entry);
        Ok(Added::Added)
    })
}

/// Removes repository `name` and its cached index.
///
/// # Errors
/// No such repository, or writing the files.
pub fn remove_repo(paths: &Paths, name: &str) -> Result<(), Error> {
    update_repositories(paths, |file| {
        let before = file.entries.len();
        file.entries.retain(|e| e.name != name);
        if file.entries.len() == before {
            return Err(Error::UnknownRepo { name: name.to_string() });
        }
        let cache = paths.index_file(name);
        match fs_err::remove_file(&cache) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&cache, &e)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(ensure_repo_name("edu").is_ok());
        assert_eq!(
            ensure_repo_name("a/b").unwrap_err().to_string(),
            "\"a/b\" is not a valid repository name: it may not contain '/'"
        );
        assert!(ensure_repo_name("").is_err());
        assert!(ensure_repo_name("..").is_err());
    }

    #[test]
    fn remove_unknown_is_an_error_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_home: tmp.path().join("c"),
            cache_home: tmp.path().join("k"),
        };
        let err = remove_repo(&paths, "edu").unwrap_err();
        assert!(err.to_string().starts_with("no repository named \"edu\""), "{err}");
        assert!(!paths.repositories_file().exists());
    }
}
