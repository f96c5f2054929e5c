//! [`Repositories`] over `repo`: the added repositories of `repositories.yaml`, their
//! indexes and verified downloads.
//!
//! Indexes: an added repository's index is fetched again (and the cache updated) the first
//! time a dependency needs it, as Helm refreshes repositories before resolving, unless
//! refreshing is off, when the cached copy is used (and fetched only if there is none). A
//! repository URL that was never added is fetched directly, with no credentials, and not
//! cached. Each index is read once per run.
//!
//! Downloads go through `repo::download_verified` with the repository's own credentials
//! and TLS settings, so the sha256 is checked against the index before any byte is used.

use std::collections::BTreeMap;

use super::source::{IndexVersion, Package, Repositories, SourceError, same_url};
use crate::repo::{self, Client, HttpOptions, Index, Paths, RepoEntry, RepoFile};

/// The configured repositories, reached over HTTP.
#[derive(Debug)]
pub struct RepoAccess {
    paths: Paths,
    repos: RepoFile,
    http: HttpOptions,
    refresh: bool,
    /// Index by repository URL, as read in this run.
    indexes: BTreeMap<String, Index>,
    /// Added repositories whose index was fetched in this run, in order.
    refreshed: Vec<String>,
}

impl RepoAccess {
    /// Reads `repositories.yaml` under `paths` (none yet: no added repositories).
    ///
    /// # Errors
    /// An unreadable or invalid `repositories.yaml`.
    pub fn new(paths: Paths, http: HttpOptions, refresh: bool) -> Result<RepoAccess, repo::Error> {
        let repos = RepoFile::load(&paths)?;
        Ok(RepoAccess {
            paths,
            repos,
            http,
            refresh,
            indexes: BTreeMap::new(),
            refreshed: Vec::new(),
        })
    }

    /// The names of the added repositories whose index was fetched, in order.
    pub fn refreshed(&self) -> &[String] {
        &self.refreshed
    }

    fn entry(&self, url: &str) -> Option<&RepoEntry> {
        self.repos.entries.iter().find(|e| same_url(&e.url, url))
    }

    fn index(&mut self, url: &str) -> Result<&Index, repo::Error> {
        if !self.indexes.contains_key(url) {
            let index = match self.entry(url).cloned() {
                Some(entry) => {
                    let cached = self.paths.index_file(&entry.name);
                    if self.refresh || !cached.exists() {
                        let index = repo::update_index(&self.paths, &entry, &self.http)?;
                        self.refreshed.push(entry.name.clone());
                        index
                    } else {
                        repo::cached_index(&self.paths, &entry.name)?
                    }
                }
                None => repo::fetch_index(&Client::new(url, &self.http)?)?.0,
            };
            self.indexes.insert(url.to_string(), index);
        }
        Ok(&self.indexes[url])
    }
}

impl Repositories for RepoAccess {
    fn added(&self) -> Vec<(String, String)> {
        self.repos
            .entries
            .iter()
            .map(|e| (e.name.clone(), e.url.clone()))
            .collect()
    }

    fn versions(&mut self, url: &str, name: &str) -> Result<Option<Vec<IndexVersion>>, SourceError> {
        let index = self.index(url)?;
        let Some(versions) = index.entries.get(name) else {
            return Ok(None);
        };
        let out = versions
            .iter()
            .map(|cv| IndexVersion {
                version: cv.version.clone(),
                // An entry whose URL does not resolve counts as one without URLs.
                urls: repo::chart_url(url, cv).ok().into_iter().collect(),
                digest: (!cv.digest.is_empty()).then(|| cv.digest.clone()),
            })
            .collect();
        Ok(Some(out))
    }

    fn download(&mut self, p: &Package<'_>) -> Result<Vec<u8>, SourceError> {
        let http = match self.entry(p.repository) {
            Some(entry) => repo::entry_http_options(entry, &self.http),
            None => self.http.clone(),
        };
        let client = Client::new(p.repository, &http)?;
        let expected = repo::Expected {
            name: p.name.to_string(),
            version: p.version.to_string(),
            digest: Some(p.digest.to_string()),
            missing_reason: String::new(),
        };
        let package = repo::download_verified(&client, p.url, &expected, false, None)?;
        Ok(package.bytes()?)
    }
}
