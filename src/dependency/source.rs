//! Where remote dependencies come from: the added repositories, their indexes and
//! verified downloads, behind a small trait so resolution and writing stay testable
//! without a network (the real implementation sits on `repo`, see `remote.rs`).

use std::collections::BTreeMap;

/// One version of a chart as a repository index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexVersion {
    /// The version as written in the index.
    pub version: String,
    /// Absolute download URLs (an implementation resolves an index's relative ones).
    pub urls: Vec<String>,
    /// The package's sha256 in hex, when the index gives one.
    pub digest: Option<String>,
}

/// A failure reported by a [`Repositories`] implementation (one line, no credentials).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// Access to chart repositories.
pub trait Repositories {
    /// The added repositories, as (name, URL).
    fn added(&self) -> Vec<(String, String)>;

    /// The versions of chart `name` in the repository at `url`, in the index's order
    /// (newest first); `None` when the index has no such chart.
    ///
    /// # Errors
    /// The index could not be fetched or read.
    fn versions(&mut self, url: &str, name: &str) -> Result<Option<Vec<IndexVersion>>, SourceError>;

    /// Downloads a package and returns its bytes only after their sha256 has been checked
    /// against the index's digest.
    ///
    /// # Errors
    /// The download failed, or the digest differs (the message names the chart, version
    /// and both digests).
    fn download(&mut self, package: &Package<'_>) -> Result<Vec<u8>, SourceError>;
}

/// A package to download.
#[derive(Debug, Clone, Copy)]
pub struct Package<'a> {
    /// The repository URL the package belongs to (credentials are bound to it).
    pub repository: &'a str,
    /// The package's absolute URL.
    pub url: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    /// Hex sha256 from the index.
    pub digest: &'a str,
}

/// No repositories at all: for charts whose dependencies are all local.
#[derive(Debug, Default)]
pub struct Offline;

impl Repositories for Offline {
    fn added(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn versions(&mut self, url: &str, _name: &str) -> Result<Option<Vec<IndexVersion>>, SourceError> {
        Err(format!("cannot reach {url}: no repository access configured").into())
    }

    fn download(&mut self, package: &Package<'_>) -> Result<Vec<u8>, SourceError> {
        Err(format!("cannot download {}: no repository access configured", package.url).into())
    }
}

/// Repositories held in memory: indexes by repository URL, packages by absolute URL. For
/// tests and for callers that already hold the data. Downloads are checked against the
/// digest like any other.
#[derive(Debug, Default, Clone)]
pub struct InMemory {
    pub added: Vec<(String, String)>,
    /// Repository URL → chart name → versions (newest first).
    pub indexes: BTreeMap<String, BTreeMap<String, Vec<IndexVersion>>>,
    /// Absolute URL → package bytes.
    pub packages: BTreeMap<String, Vec<u8>>,
}

impl Repositories for InMemory {
    fn added(&self) -> Vec<(String, String)> {
        self.added.clone()
    }

    fn versions(&mut self, url: &str, name: &str) -> Result<Option<Vec<IndexVersion>>, SourceError> {
        let index = self
            .indexes
            .iter()
            .find(|(u, _)| same_url(u, url))
            .map(|(_, i)| i)
            .ok_or_else(|| format!("{}: no index.yaml", shown_url(url)))?;
        Ok(index.get(name).cloned())
    }

    fn download(&mut self, p: &Package<'_>) -> Result<Vec<u8>, SourceError> {
        let bytes = self
            .packages
            .get(p.url)
            .ok_or_else(|| format!("{}: 404 Not Found", p.url))?;
        let actual = crate::repo::sha256_hex(bytes);
        if !actual.eq_ignore_ascii_case(p.digest) {
            return Err(format!(
                "chart {} version {}: sha256 {actual} does not match the index digest {}",
                p.name, p.version, p.digest
            )
            .into());
        }
        Ok(bytes.clone())
    }
}

/// A repository or package URL for messages: without user information.
pub fn shown_url(url: &str) -> String {
    if url.contains('@') {
        crate::repo::redact(url)
    } else {
        url.to_string()
    }
}

/// Whether two repository URLs name the same repository, as Helm compares them: a
/// trailing `/` and `.`/empty path elements do not count.
pub fn same_url(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

fn normalize(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (prefix, path) = match base.find("://") {
        Some(i) => {
            let after = i + 3;
            match base[after..].find('/') {
                Some(j) => (&base[..after + j], &base[after + j..]),
                None => (base, ""),
            }
        }
        None => ("", base),
    };
    let mut out = prefix.to_string();
    out.push_str(&clean_path(path));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// `path.Clean` for URL paths: rooted, no empty or `.` elements, `..` applied.
fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_as_helm_compares_them() {
        assert!(same_url("https://a.example/charts/", "https://a.example/charts"));
        assert!(same_url("https://a.example", "https://a.example/"));
        assert!(!same_url("https://a.example/x", "https://a.example/y"));
    }
}
