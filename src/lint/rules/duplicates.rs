//! duplicate-id: two objects with the same group, kind, namespace and name.

use std::collections::HashMap;

use super::Hit;
use crate::resource::{Document, is_cluster_scoped};

pub fn check(docs: &[&Document], hits: &mut Vec<Hit>) {
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let gvk = d.gvk();
        let ns = if is_cluster_scoped(&gvk) {
            String::new()
        } else {
            d.namespace().unwrap_or_default().to_string()
        };
        let name = d.name().unwrap_or_default().to_string();
        let key = (gvk.group, gvk.kind, ns, name);
        if let Some(&first) = seen.get(&key) {
            let f = docs[first];
            let at = if f.line > 0 {
                format!("{}:{}", f.source, f.line)
            } else {
                f.source.clone()
            };
            hits.push(Hit::new(
                "duplicate-id",
                i,
                "metadata.name",
                format!("{} {} is also defined at {at}", key.1, key.3),
            ));
        } else {
            seen.insert(key, i);
        }
    }
}
