//! Chart repositories in Helm's format: `repositories.yaml`, `index.yaml`, the HTTP client
//! (reqwest over rustls), sha256 verification of every package before use, the index cache
//! and `repo index`.
//!
//! Trusts nothing it has not verified: a package reaches a caller only as a
//! [`VerifiedPackage`], made after its digest matched the index. Imports only `yaml`,
//! `archive` and `constraint` below it; never `chart` (pipeline wires chart loading in).

mod build_index;
mod config;
mod error;
mod fetch;
mod http;
mod index;
mod manage;
mod search;
mod time;
mod unpack;
mod verify;

pub use build_index::{BuiltIndex, ReadMetadata, index_directory};
pub use config::{Paths, RepoEntry, RepoFile, update_repositories, write_atomically};
pub use error::Error;
pub use fetch::{
    ChartRef, FetchOptions, cached_index, chart_url, entry_http_options, fetch_chart, fetch_index, index_url,
    update_index,
};
pub use http::{Client, HttpOptions, Progress, redact};
pub use index::{ChartVersion, Index, MAX_INDEX_BYTES};
pub use manage::{Added, add_repo, ensure_repo_name, remove_repo};
pub use search::{Hit, SearchOptions, SearchResult, search};
pub use time::{format_rfc3339, now_rfc3339};
pub use unpack::unpack;
pub use verify::{Expected, MAX_PACKAGE_BYTES, VerifiedPackage, download_verified, sha256_hex};
