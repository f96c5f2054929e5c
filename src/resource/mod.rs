//! A Kubernetes object as the later stages see it: its id (group, version, kind,
//! namespace, name), whether its kind is cluster-scoped, and install orders of kinds.
//!
//! Must not read files: documents arrive already parsed, with the name of their source.

mod id;
mod order;
mod scope;

pub use id::{Gvk, ResId};
pub use order::{LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST, helm_install_index, legacy_kind_index};
pub use scope::is_cluster_scoped;

use crate::yaml::Value;

/// One object with the name of the file (or stream) it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Value,
    pub source: String,
    /// 1-based line of the document in its source, 0 when generated.
    pub line: usize,
}

impl Document {
    pub fn new(value: Value, source: impl Into<String>, line: usize) -> Self {
        Document {
            value,
            source: source.into(),
            line,
        }
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::of(&self.value)
    }

    pub fn name(&self) -> Option<&str> {
        self.value.str_at(&["metadata", "name"])
    }

    pub fn namespace(&self) -> Option<&str> {
        self.value.str_at(&["metadata", "namespace"])
    }

    pub fn id(&self) -> ResId {
        ResId::of(&self.value)
    }

    /// `deployment.apps/web`: the lowercase kind with its group (none for the core group) and
    /// the name, from the document's own fields, as kubectl names objects in messages.
    pub fn label(&self) -> String {
        let gvk = self.gvk();
        let kind = gvk.kind.to_lowercase();
        let kind = if gvk.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", gvk.group)
        };
        format!("{kind}/{}", self.name().unwrap_or_default())
    }
}
