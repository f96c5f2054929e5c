//! The apply backend: kubeconfig and client (kube-rs over rustls), discovery, server-side apply,
//! prune, delete, diff and waiting for readiness.
//!
//! Imports only `yaml` and `resource`; never charts, overlays or lint. Async (tokio) inside; callers
//! get a synchronous facade through [`Session`], which owns a single-threaded runtime.

mod apply;
mod completion;
mod delete;
mod diff;
mod discovery;
mod error;
mod input;
mod object;
mod objects;
mod prune;
pub mod ready;
mod retry;
mod session;

pub use apply::{ApplyEvent, ApplyOptions, ApplyOutcome, ApplyReport};
pub use completion::{Completion, completion};
pub use delete::{DeleteEvent, DeleteOptions};
pub use diff::{DiffOptions, ObjectDiff};
pub use error::ClusterError;
pub use input::{Input, read_inputs};
pub use objects::ObjectRef;
pub use session::{ConnectOptions, Session};
