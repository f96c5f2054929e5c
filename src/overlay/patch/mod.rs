//! Patches: `patches:` (strategic merge or JSON 6902, with targets), the deprecated
//! `patchesStrategicMerge:` and `patchesJson6902:`, and the schema that gives strategic
//! merges their merge keys (`openapi:`).
//!
//! Must not import `chart`.

mod apply;
mod body;
mod json6902;
mod selector;
mod smp;

pub use apply::{apply_json6902_field, apply_patches_field, apply_strategic_merge_field};
pub use selector::FIELDS as TARGET_FIELDS;
pub use smp::{Schema, ensure_version};
