//! Chart dependencies: `dependency update`, `build` and `list`, and the lock file
//! (`Chart.lock`), all in Helm's formats and with Helm's rules, so charts move freely
//! between the two tools.
//!
//! A dependency is a `Chart.yaml` `dependencies:` entry. `update` resolves each to an exact
//! version (`resolve.rs`), fetches its package and verifies it (`fetch.rs`: sha256 against
//! the repository index, always), then writes the packages into `charts/` and the lock
//! file, all or nothing (`commit.rs`). `build` restores exactly what the lock file names,
//! refusing a lock that is out of sync with `Chart.yaml` (`update.rs`). `list` reports each
//! dependency's status (`list.rs`). The lock digest is Helm's (`digest.rs`).
//!
//! Sits beside `pipeline`: it uses `chart` (loading, packaging) and reaches repositories
//! through the [`Repositories`] trait, implemented over `repo`. Must not print or read the
//! environment.

mod commit;
mod digest;
mod error;
mod fetch;
pub mod list;
pub mod lock;
mod remote;
mod resolve;
pub mod source;
mod update;

pub use commit::Committed;
pub use digest::{helm2_digest, lock_digest};
pub use error::{Error, Problem};
pub use fetch::Step;
pub use list::{Listing, Row, list};
pub use lock::Lock;
pub use remote::RepoAccess;
pub use resolve::{Context, Locked, Origin};
pub use source::{InMemory, IndexVersion, Offline, Package, Repositories};
pub use update::{Outcome, build, update};

/// A dependency with only a name, version and repository, for unit tests.
#[cfg(test)]
fn test_dependency(name: &str, version: &str, repository: &str) -> crate::chart::Dependency {
    crate::chart::Dependency {
        name: name.into(),
        version: version.into(),
        repository: repository.into(),
        ..Default::default()
    }
}
