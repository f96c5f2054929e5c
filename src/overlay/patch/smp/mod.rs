//! Strategic merge patch: the merge itself and the schema that says which lists merge by
//! which keys.

mod merge;
mod schema;

pub use merge::merge;
pub use schema::{Schema, ensure_version};
