//! `<<` merge keys, applied as each dialect's reader applies them.
//!
//! Merge rules:
//! - the value is a mapping, or a list of mappings (inline or aliases);
//! - of several mappings in a list, the earlier one wins a key;
//! - Kustomize (kyaml's de-anchoring before go-yaml v3): keys written in the mapping itself
//!   win wherever they stand; kyaml then removes the *first* key written `<<`, so a quoted
//!   `"<<"` (or `!!str <<`) key that comes before any merge key is dropped with its value
//!   (see `scalar.rs`);
//! - Helm (go-yaml v2): the merge overwrites keys written before `<<`, and keys written after
//!   it overwrite merged ones; a quoted `"<<"` is an ordinary key.

use super::{Builder, Dialect, Entry, Frame, PendingKey};
use crate::yaml::value::{Map, Value};

impl Builder<'_, '_> {
    pub(super) fn start_merge(&mut self) -> Result<(), String> {
        let Some(Frame::Map(m)) = self.stack.last_mut() else {
            return Err("key outside a mapping".to_string());
        };
        if m.has_merge {
            return Err("duplicate key \"<<\"".to_string());
        }
        m.has_merge = true;
        m.has_merge_text = true;
        m.key = Some(PendingKey::Merge);
        Ok(())
    }

    /// Applies a `<<` value to the innermost mapping.
    pub(super) fn merge(&mut self, value: Value) -> Result<(), String> {
        const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
        let sources = match value {
            Value::Map(map) => vec![map],
            Value::Seq(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Map(map) => Ok(map),
                    _ => Err(WANT_MAP.to_string()),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(WANT_MAP.to_string()),
        };
        match self.dialect {
            Dialect::Kustomize => {
                if let Some(Frame::Map(m)) = self.stack.last_mut() {
                    m.deferred_merges.extend(sources);
                }
            }
            Dialect::Helm => {
                for source in sources.into_iter().rev() {
                    for (key, value) in source {
                        match self.find_key(&key) {
                            Some(i) => self.entries[i].value = value,
                            None => self.entries.push(Entry {
                                key,
                                value,
                                explicit: false,
                            }),
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Builds a finished mapping from its entries and deferred (Kustomize) merges.
    pub(super) fn finish_map(&mut self, start: usize, merges: Vec<Map>) -> Map {
        let merged: usize = merges.iter().map(Map::len).sum();
        let mut map = Map::with_capacity_and_hasher(self.entries.len() - start + merged, Default::default());
        // Keys are unique already: duplicates were refused, merged keys updated in place.
        map.extend(self.entries.drain(start..).map(|e| (e.key, e.value)));
        if merged > 0 {
            for source in merges {
                for (k, v) in source {
                    map.entry(k).or_insert(v);
                }
            }
            map.shrink_to_fit();
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testutil::*;
    use crate::yaml::parse::Dialect;
    use crate::yaml::value::Value;

    #[test]
    fn merge_keys_kustomize() {
        let v = k("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\n\
                   m1:\n  <<: *b\n  x: 9\n\
                   m2:\n  <<: [*b, *o]\n\
                   m3:\n  x: 0\n  <<: [*o, *b]\n\
                   m4:\n  a: 1\n  <<: {a: 2, b: 3}\n\
                   m5:\n  <<: [{p: 1}, *o]\n  q: 2\n");
        assert_eq!(v.get("m1"), Some(&map(&[("x", Value::Int(9)), ("y", Value::Int(2))])));
        assert_eq!(
            v.get("m2"),
            Some(&map(&[
                ("x", Value::Int(1)),
                ("y", Value::Int(2)),
                ("z", Value::Int(4))
            ]))
        );
        // Explicit keys win even when they come before `<<` (go-yaml v3).
        assert_eq!(
            v.get("m3"),
            Some(&map(&[
                ("x", Value::Int(0)),
                ("y", Value::Int(3)),
                ("z", Value::Int(4))
            ]))
        );
        assert_eq!(v.get("m4"), Some(&map(&[("a", Value::Int(1)), ("b", Value::Int(3))])));
        assert_eq!(
            v.get("m5"),
            Some(&map(&[
                ("q", Value::Int(2)),
                ("p", Value::Int(1)),
                ("y", Value::Int(3)),
                ("z", Value::Int(4))
            ]))
        );
        assert_eq!(
            k("a: {!!merge <<: {x: 1}}").get("a"),
            Some(&map(&[("x", Value::Int(1))]))
        );
        // kyaml drops a quoted `"<<"` key (see `scalar.rs`).
        assert_eq!(k("a: {\"<<\": {x: 1}}").get("a"), Some(&map(&[])));
    }

    #[test]
    fn merge_keys_helm() {
        // go-yaml v2 applies `<<` where it stands: it overwrites earlier keys, later keys win.
        let v = h("base: &b {x: 1, w: 2}\nm1:\n  <<: *b\n  x: 9\nm3:\n  x: 0\n  <<: [{w: 3, z: 4}, *b]\n");
        assert_eq!(v.get("m1"), Some(&map(&[("x", Value::Int(9)), ("w", Value::Int(2))])));
        assert_eq!(
            v.get("m3"),
            Some(&map(&[
                ("x", Value::Int(1)),
                ("w", Value::Int(3)),
                ("z", Value::Int(4))
            ]))
        );
        // `y` is a boolean key in YAML 1.1.
        assert_eq!(keys(h("m:\n  <<: {y: 1}\n").get("m").unwrap()), ["true"]);
        // A key after a merge may replace a merged key, but not repeat an explicit one.
        assert_eq!(
            h("a:\n  <<: {x: 1}\n  x: 2\n").get("a"),
            Some(&map(&[("x", Value::Int(2))]))
        );
        let e = err("a:\n  x: 1\n  <<: {y: 1}\n  x: 2\n", Dialect::Helm);
        assert_eq!((e.line, e.message.as_str()), (4, "duplicate key \"x\""));
    }

    #[test]
    fn bad_merges_fail() {
        for dialect in [Dialect::Kustomize, Dialect::Helm] {
            let e = err("a: &a 1\nb:\n  <<: *a\n", dialect);
            assert_eq!(e.message, "map merge requires map or sequence of maps as the value");
            let e = err("b:\n  <<: [{a: 1}, 2]\n", dialect);
            assert_eq!(e.message, "map merge requires map or sequence of maps as the value");
            let e = err("b:\n  <<: {a: 1}\n  <<: {b: 1}\n", dialect);
            assert_eq!((e.line, e.message.as_str()), (3, "duplicate key \"<<\""));
        }
    }
}
