//! Remote resources: a `resources:` entry that names a git repository, in the URL forms
//! kustomize v5.5 accepts (`spec.rs`), fetched with the system `git` into a temporary
//! directory that is removed when its `Checkout` is dropped (`fetch.rs`). Runs no program
//! but `git`, never through a shell. Part of `overlay`; imports only sibling overlay modules
//! (never `chart`).
//!
//! Accepted forms (behaviour of kustomize's `api/internal/git/repospec.go`):
//! - `https://host/org/repo//path/in/repo?ref=v1.2.3` (also `http://`);
//! - `github.com/org/repo/path?ref=x`, `github.com:org/repo` (GitHub hosts become https, or
//!   `git@github.com:` when a user or `ssh://` is given);
//! - `git@host:org/repo.git//path?ref=x` and any `user@host:path` (scp-like ssh);
//! - `ssh://[user@]host[:port]/org/repo.git//path`;
//! - `git::https://host/org/repo.git//path` (the `git::` prefix is dropped, as kustomize does);
//! - `file:///abs/path/to/repo//subdir?ref=x`.
//!
//! Where the repository ends and the path inside it begins, first rule that applies:
//! 1. after the segment that follows `_git/` (Azure DevOps);
//! 2. at `//`;
//! 3. after the first path segment ending in `.git`;
//! 4. `file://`: the whole path is the repository;
//! 5. otherwise after two segments (`org/repo`).
//!
//! Query parameters:
//! - `ref` (or, when `ref` is absent, `version`): branch, tag or commit; default the remote HEAD;
//! - `timeout`: whole seconds or a Go duration (`90s`, `1m30s`) per git command, default 27s;
//! - `submodules`: Go boolean, default true;
//! - a query that does not parse leaves all three at their defaults, as in kustomize.

mod fetch;
mod spec;

pub use fetch::fetch;
pub use spec::RepoSpec;

use spec::split_username;

/// What kind of remote a `resources:` entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remote {
    /// A git repository (with an optional directory and ref).
    Git,
    /// A single file over HTTP(S).
    File,
    /// An OCI artifact.
    Oci,
}

/// Tells whether a `resources:` entry is remote, and of what kind; `None` for local paths.
///
/// An `http(s)://` URL names a file when its last segment ends in `.yaml`, `.yml` or `.json`
/// and nothing marks a repository (`//`, `_git/`, a `.git` segment); kustomize tells them
/// apart by fetching the URL over HTTP first, which rudder does not do.
pub fn classify(entry: &str) -> Option<Remote> {
    let lower = entry.to_ascii_lowercase();
    if lower.starts_with("oci://") {
        return Some(Remote::Oci);
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(if names_a_file(entry) { Remote::File } else { Remote::Git });
    }
    let git = [
        "git::",
        "ssh://",
        "file://",
        "github.com/",
        "github.com:",
        "gitlab.com/",
        "bitbucket.org/",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || scp_like(entry);
    git.then_some(Remote::Git)
}

fn names_a_file(url: &str) -> bool {
    let before_query = url.split('?').next().unwrap_or(url);
    let after_scheme = before_query.split_once("://").map_or(before_query, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
    if path.contains("//") || path.contains("_git/") || path.split('/').any(|s| s.len() > 4 && s.ends_with(".git")) {
        return false;
    }
    let last = path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    [".yaml", ".yml", ".json"].iter().any(|ext| last.ends_with(ext))
}

/// `user@host:org/repo` and the like; as in kustomize, only when it parses as a repository
/// (so that a local `dir@2/x` stays local).
fn scp_like(entry: &str) -> bool {
    !split_username(entry).0.is_empty() && RepoSpec::parse(entry).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_entries() {
        assert_eq!(
            classify("https://raw.githubusercontent.com/org/repo/main/deploy.yaml"),
            Some(Remote::File)
        );
        assert_eq!(classify("https://example.com/x/list.JSON?token=1"), Some(Remote::File));
        assert_eq!(
            classify("https://example.com/org/repo.git//deploy.yaml"),
            Some(Remote::Git)
        );
        assert_eq!(classify("oci://registry/chart"), Some(Remote::Oci));
        assert_eq!(classify("me@host:org/repo"), Some(Remote::Git));
        for local in [
            "base",
            "../base/deploy.yaml",
            "/abs/dir",
            "dir@2/x",
            "@host:x",
            "github.com",
        ] {
            assert_eq!(classify(local), None, "{local}");
        }
    }
}
