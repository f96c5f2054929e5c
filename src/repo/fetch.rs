//! Getting indexes and charts: `repo add`/`update` fetch `URL/index.yaml` into the cache;
//! a chart reference (`repo/chart` with an optional version constraint, or a package URL)
//! becomes a [`VerifiedPackage`].
//!
//! A package URL is verified with the digest of the cached index entry that lists that URL
//! (any configured repository); a URL no index lists is refused unless the caller accepts
//! it unverified (`--insecure-skip-digest`).

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::Url;

use super::Error;
use super::config::{Paths, RepoEntry, RepoFile, write_atomically};
use super::http::{Client, HttpOptions, Progress, parse_url, redact};
use super::index::{ChartVersion, Index, MAX_INDEX_BYTES};
use super::verify::{Expected, VerifiedPackage, download_verified};

/// The index URL of a repository: `URL/index.yaml`, keeping any query.
pub fn index_url(repo_url: &str) -> Result<Url, Error> {
    let mut u = parse_url(repo_url)?;
    let path = format!("{}/index.yaml", u.path().trim_end_matches('/'));
    u.set_path(&path);
    Ok(u)
}

/// Where a chart entry's package is: its first URL, absolute or relative to the repository
/// URL (as Helm resolves it: the repository URL is taken as a directory, its query kept).
///
/// # Errors
/// An entry without URLs, or a URL that cannot be resolved.
pub fn chart_url(repo_url: &str, cv: &ChartVersion) -> Result<String, Error> {
    let first = cv.urls.first().ok_or_else(|| Error::Index {
        source_name: redact(repo_url),
        field: format!("entries.{}[version {}].urls", cv.name, cv.version),
        message: "missing".into(),
    })?;
    if let Ok(abs) = Url::parse(first) {
        return Ok(abs.to_string());
    }
    let mut base = parse_url(repo_url)?;
    let query = base.query().map(str::to_string);
    let dir = format!("{}/", base.path().trim_end_matches('/'));
    base.set_path(&dir);
    base.set_query(None);
    let mut out = base.join(first).map_err(|e| Error::BadUrl {
        text: first.clone(),
        message: e.to_string(),
    })?;
    if query.is_some() {
        out.set_query(query.as_deref());
    }
    Ok(out.to_string())
}

/// Downloads and verifies the package of index entry `cv` from the repository `client` was
/// made for (its URL resolves relative `urls`); `repo_label` names the repository in messages.
///
/// # Errors
/// As [`download_verified`].
pub fn download_chart_version(
    client: &Client,
    repo_label: &str,
    cv: &ChartVersion,
    insecure_skip_digest: bool,
    progress: Option<&Progress>,
) -> Result<VerifiedPackage, Error> {
    let url = chart_url(client.repo_url().as_str(), cv)?;
    let expected = Expected {
        name: cv.name.clone(),
        version: cv.version.clone(),
        digest: Some(cv.digest.clone()),
        missing_reason: format!("the index of repository \"{repo_label}\" gives no digest"),
    };
    download_verified(client, &url, &expected, insecure_skip_digest, progress)
}

/// HTTP options for a configured repository: its stored settings, with whatever the
/// command line sets on top.
pub fn entry_http_options(entry: &RepoEntry, cli: &HttpOptions) -> HttpOptions {
    let mut o = cli.clone();
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    if o.username.is_none() {
        o.username = some(&entry.username);
        if o.password.is_none() {
            o.password = some(&entry.password);
        }
    }
    o.ca_file = o.ca_file.or_else(|| some(&entry.ca_file).map(PathBuf::from));
    o.cert_file = o.cert_file.or_else(|| some(&entry.cert_file).map(PathBuf::from));
    o.key_file = o.key_file.or_else(|| some(&entry.key_file).map(PathBuf::from));
    o.insecure_skip_tls_verify |= entry.insecure_skip_tls_verify;
    o.pass_credentials |= entry.pass_credentials_all;
    o
}

/// Downloads and parses a repository's index. Returns the index and its bytes.
///
/// # Errors
/// The download (over [`MAX_INDEX_BYTES`] included) or the parse.
pub fn fetch_index(client: &Client) -> Result<(Index, Vec<u8>), Error> {
    let url = index_url(client.repo_url().as_str())?;
    let bytes = client.get_bytes(url.as_str(), MAX_INDEX_BYTES as u64)?;
    let index = Index::parse(&bytes, &redact(url.as_str()))?;
    Ok((index, bytes))
}

/// Fetches the index of `entry` and stores it (atomically) in the cache as
/// `repository/NAME-index.yaml`.
///
/// # Errors
/// As [`fetch_index`], or writing the cache.
pub fn update_index(paths: &Paths, entry: &RepoEntry, cli: &HttpOptions) -> Result<Index, Error> {
    let client = Client::new(&entry.url, &entry_http_options(entry, cli))?;
    let (index, bytes) = fetch_index(&client)?;
    write_atomically(&paths.index_file(&entry.name), &bytes, false)?;
    Ok(index)
}

/// The cached index of repository `name`.
///
/// # Errors
/// No cached index (with a hint to run `rudder repo update`), or an invalid one.
pub fn cached_index(paths: &Paths, name: &str) -> Result<Index, Error> {
    let path = paths.index_file(name);
    if !path.exists() {
        return Err(Error::Io {
            path,
            message: format!("no cached index for repository \"{name}\" (run: rudder repo update {name})"),
        });
    }
    Index::load(&path)
}

/// A chart reference that needs the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartRef {
    /// `repo/chart`: a chart in a configured repository.
    Repo { repo: String, chart: String },
    /// An `http(s)://` URL of a package.
    Url(String),
}

impl ChartRef {
    /// Reads `reference` as a remote reference: an `http(s)://` URL, or `repo/chart` where
    /// `repo` is configured. `None` when it is neither (a local path, for the caller).
    /// Callers check first whether `reference` exists as a local path.
    ///
    /// # Errors
    /// An `oci://` reference (not supported yet); `repo/chart` with `repo` not configured.
    pub fn parse(reference: &str, repos: &RepoFile) -> Result<Option<ChartRef>, Error> {
        if reference.starts_with("http://") || reference.starts_with("https://") {
            return Ok(Some(ChartRef::Url(reference.to_string())));
        }
        if reference.starts_with("oci://") {
            return Err(Error::BadUrl {
                text: redact(reference),
                message: "oci:// registries are not supported yet".into(),
            });
        }
        match reference.split_once('/') {
            Some((repo, chart))
                if !repo.is_empty() && !chart.is_empty() && !chart.contains('/') && repos.get(repo).is_some() =>
            {
                Ok(Some(ChartRef::Repo {
                    repo: repo.to_string(),
                    chart: chart.to_string(),
                }))
            }
            Some((repo, chart))
                if !repo.is_empty()
                    && !chart.is_empty()
                    && !chart.contains('/')
                    && !repo.starts_with('.')
                    && !chart.ends_with(".tgz") =>
            {
                Err(Error::NoSuchReference {
                    reference: reference.to_string(),
                    repo: repo.to_string(),
                })
            }
            _ => Ok(None),
        }
    }
}

/// How to fetch a chart.
#[derive(Clone, Default)]
pub struct FetchOptions {
    pub paths: Option<Paths>,
    /// Version or constraint (`--version`); newest non-pre-release when `None`.
    pub version: Option<String>,
    /// Admit pre-releases when no version is given (`--devel`).
    pub devel: bool,
    /// Command-line HTTP settings (credentials, TLS), over a repository's stored ones.
    pub http: HttpOptions,
    /// Accept a package whose digest cannot be checked (never one that mismatches).
    pub insecure_skip_digest: bool,
    pub progress: Option<Arc<Progress>>,
}

impl std::fmt::Debug for FetchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchOptions")
            .field("paths", &self.paths)
            .field("version", &self.version)
            .field("devel", &self.devel)
            .field("http", &self.http)
            .field("insecure_skip_digest", &self.insecure_skip_digest)
            .finish_non_exhaustive()
    }
}

fn paths_of(opts: &FetchOptions) -> Result<&Paths, Error> {
    opts.paths.as_ref().ok_or_else(|| Error::Io {
        path: PathBuf::from("$HOME"),
        message: "cannot tell where repositories are configured: set HOME or RUDDER_CONFIG_HOME".into(),
    })
}

/// Downloads and verifies the package `reference` names.
///
/// # Errors
/// An unknown repository or chart, no matching version, no cached index, a download
/// failure, a missing digest or a digest mismatch.
pub fn fetch_chart(reference: &ChartRef, opts: &FetchOptions) -> Result<VerifiedPackage, Error> {
    let progress = opts.progress.as_deref();
    match reference {
        ChartRef::Repo { repo, chart } => {
            let paths = paths_of(opts)?;
            let repos = RepoFile::load(paths)?;
            let entry = repos
                .get(repo)
                .ok_or_else(|| Error::UnknownRepo { name: repo.clone() })?;
            let index = cached_index(paths, repo)?;
            let cv = index.select(repo, chart, opts.version.as_deref(), opts.devel)?;
            let client = Client::new(&entry.url, &entry_http_options(entry, &opts.http))?;
            download_chart_version(&client, repo, cv, opts.insecure_skip_digest, progress)
        }
        ChartRef::Url(url) => {
            let found = match &opts.paths {
                Some(paths) => find_in_indexes(paths, url)?,
                None => None,
            };
            match found {
                Some((entry, cv)) => {
                    let client = Client::new(&entry.url, &entry_http_options(&entry, &opts.http))?;
                    let expected = Expected {
                        name: cv.name.clone(),
                        version: cv.version.clone(),
                        digest: Some(cv.digest.clone()),
                        missing_reason: format!("the index of repository \"{}\" gives no digest", entry.name),
                    };
                    download_verified(&client, url, &expected, opts.insecure_skip_digest, progress)
                }
                None => {
                    let client = Client::new(url, &opts.http)?;
                    let expected = Expected {
                        missing_reason:
                            "no configured repository's index lists this URL, so there is no digest to check".into(),
                        ..Expected::default()
                    };
                    download_verified(&client, url, &expected, opts.insecure_skip_digest, progress)
                }
            }
        }
    }
}

/// The configured repository whose cached index lists `url` as a package URL, with the entry.
fn find_in_indexes(paths: &Paths, url: &str) -> Result<Option<(RepoEntry, ChartVersion)>, Error> {
    let want = parse_url(url)?.to_string();
    let repos = RepoFile::load(paths)?;
    for entry in &repos.entries {
        let Ok(index) = cached_index(paths, &entry.name) else {
            continue;
        };
        for versions in index.entries.values() {
            for cv in versions {
                if cv.urls.is_empty() {
                    continue;
                }
                if chart_url(&entry.url, cv).is_ok_and(|u| u == want) {
                    return Ok(Some((entry.clone(), cv.clone())));
                }
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cv(url: &str) -> ChartVersion {
        ChartVersion {
            name: "m".into(),
            version: "1.0.0".into(),
            urls: vec![url.into()],
            ..ChartVersion::default()
        }
    }

    #[test]
    fn resolves_urls_as_helm() {
        assert_eq!(
            index_url("http://h/charts/").unwrap().as_str(),
            "http://h/charts/index.yaml"
        );
        assert_eq!(index_url("http://h?x=1").unwrap().as_str(), "http://h/index.yaml?x=1");
        for (repo, url, want) in [
            ("http://h/charts", "m-1.0.0.tgz", "http://h/charts/m-1.0.0.tgz"),
            ("http://h/charts/", "sub/m.tgz", "http://h/charts/sub/m.tgz"),
            ("http://h/c", "http://o/m.tgz", "http://o/m.tgz"),
            ("http://h/c?t=1", "m.tgz", "http://h/c/m.tgz?t=1"),
        ] {
            assert_eq!(chart_url(repo, &cv(url)).unwrap(), want, "{repo} + {url}");
        }
    }

    #[test]
    fn parses_references() {
        let repos = RepoFile {
            entries: vec![RepoEntry {
                name: "edu".into(),
                url: "http://h".into(),
                ..RepoEntry::default()
            }],
        };
        assert_eq!(
            ChartRef::parse("edu/metallb", &repos).unwrap(),
            Some(ChartRef::Repo {
                repo: "edu".into(),
                chart: "metallb".into()
            })
        );
        assert_eq!(
            ChartRef::parse("other/metallb", &repos).unwrap_err().to_string(),
            "other/metallb: no such chart directory or package, and no repository named \"other\" (rudder repo list shows the configured ones)"
        );
        assert_eq!(ChartRef::parse("./metallb", &repos).unwrap(), None);
        assert_eq!(ChartRef::parse("dir/metallb-1.0.0.tgz", &repos).unwrap(), None);
        assert_eq!(ChartRef::parse("edu/a/b", &repos).unwrap(), None);
        assert!(matches!(
            ChartRef::parse("https://h/m.tgz", &repos).unwrap(),
            Some(ChartRef::Url(_))
        ));
        assert!(ChartRef::parse("oci://r/c", &repos).is_err());
    }
}
