//! Chart hooks: documents annotated `rudder.dev/hook` (or Helm's `helm.sh/hook`) that run at
//! points of a release's life (pre/post install, upgrade, rollback, delete) or on `rudder test`,
//! instead of being applied with the release's manifest.
//!
//! `parse` reads them from rendered documents, `run` runs one event's hooks over `cluster`,
//! `record` keeps every run in the revision, and `test` runs a release's test hooks.
//! Imports `cluster`, `chart` (the rendered manifest type), `resource`, `yaml` and the release
//! store; never `cli`.

mod error;
mod model;
mod parse;
mod record;
mod run;
mod test;

pub use error::HookError;
pub use model::{DeletePolicy, Hook, HookEvent, HookPhase, HookRun};
pub use parse::{from_manifests, from_text, from_value, sort, split};
pub use record::RUNS_KEY;
pub use run::run;
pub use test::{TestError, TestOptions, TestReport};
