//! duplicate-id: two objects with the same group, kind, namespace and name.

use std::collections::HashMap;

use super::Hit;
use crate::resource::{Document, Gvk, is_cluster_scoped};

pub fn check(docs: &[&Document], hits: &mut Vec<Hit>) {
    let mut seen: HashMap<(&str, &str, &str, &str), usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let api = d.value.str_at(&["apiVersion"]).unwrap_or_default();
        let group = api.rsplit_once('/').map_or("", |(g, _)| g);
        let kind = d.value.str_at(&["kind"]).unwrap_or_default();
        let ns = if is_cluster_scoped(&Gvk::new(group, "", kind)) {
            ""
        } else {
            d.namespace().unwrap_or_default()
        };
        let key = (group, kind, ns, d.name().unwrap_or_default());
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
