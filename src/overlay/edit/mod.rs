//! Editing kustomization files the way `kustomize create` and `kustomize edit` do, so the
//! file a user gets is the file kustomize would have written: fields kept in their original
//! order with the comments above them, new fields appended in kustomize's field order, each
//! field re-printed in canonical form.

mod add;
mod create;
mod glob;
mod kustfile;
mod pairs;
mod remove;
mod set;

use std::path::PathBuf;

pub use add::{
    GeneratorFlags, LabelMode, PatchFlags, add_annotations, add_configmap, add_labels, add_patch, add_resources,
    add_secret,
};
pub use create::{CreateOptions, create};
pub use kustfile::KustFile;
pub use remove::remove_resources;
pub use set::{set_images, set_name_prefix, set_name_suffix, set_namespace, set_replicas};

/// What an edit can fail with. Nothing is written when an edit fails.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The kustomization file is missing, duplicated or unreadable.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// The kustomization file's content is not a valid kustomization.
    #[error("{file}: {field}: {message}")]
    Field {
        file: String,
        field: String,
        message: String,
    },
    /// A command-line argument is malformed.
    #[error("{0}")]
    Arg(String),
    /// Writing the file failed.
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    fn arg(message: impl Into<String>) -> Self {
        Error::Arg(message.into())
    }
}
