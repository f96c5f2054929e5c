//! Errors of the overlay engine. Each names the file and, where known, the field.

use crate::yaml::ParseError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    /// Invalid YAML (or UTF-8) in a file.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A field of a kustomization (or of an object in it) is wrong.
    #[error("{file}: {field}: {message}")]
    Field {
        file: String,
        field: String,
        message: String,
    },
    /// Two objects with one id.
    #[error("{second}: {id}: duplicate resource id (already added from {first})")]
    DuplicateId { id: String, first: String, second: String },
    /// A path leaves the kustomization root.
    #[error(
        "{file}: {field}: '{path}' is outside the kustomization root '{root}' (use --load-restrictor LoadRestrictionsNone to allow it)"
    )]
    OutsideRoot {
        file: String,
        field: String,
        path: String,
        root: String,
    },
    /// A kustomization includes itself, directly or through others.
    #[error("{file}: {field}: cycle: '{path}' is already being built ({chain})")]
    Cycle {
        file: String,
        field: String,
        path: String,
        chain: String,
    },
}

impl Error {
    /// Shorthand for [`Error::Field`].
    pub fn field(file: impl Into<String>, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Field {
            file: file.into(),
            field: field.into(),
            message: message.into(),
        }
    }
}
