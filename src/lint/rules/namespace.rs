//! namespace-required: namespaced objects without `metadata.namespace`.

use super::Hit;
use crate::resource::{Document, is_cluster_scoped};

pub fn check(doc: usize, d: &Document, hits: &mut Vec<Hit>) {
    if is_cluster_scoped(&d.gvk()) || d.namespace().is_some_and(|n| !n.is_empty()) {
        return;
    }
    hits.push(Hit::new(
        "namespace-required",
        doc,
        "metadata.namespace",
        "namespaced object has no namespace",
    ));
}
