//! Coalescing: layering user values over chart defaults, down through subcharts.
//!
//! The rules, as Helm applies them (`merge` keeps nulls instead of deleting with them):
//! - `-f` files layer with [`merge_maps`]: a later file wins; only a mapping over a mapping
//!   merges, key by key; a null is kept as a value.
//! - [`coalesce`] layers a chart's `values.yaml` under the user's values: a key the user
//!   did not give is copied from the chart; a user null deletes the chart's key (unless
//!   merging); a user mapping over a chart mapping is merged with [`coalesce_tables`] (always
//!   merging when the key names a subchart, whose own defaults come later); a user scalar or
//!   list replaces the chart's value whatever its type.
//! - Nulls in chart defaults never reach the result when coalescing (they are dropped at
//!   any depth before layering); a user null for a key the chart does not define (or
//!   defines as null) stays, as null.
//! - [`coalesce_tables`] (user mapping over chart mapping): a user null deletes the chart's
//!   non-null value; a mapping over a mapping recurses; otherwise the user's value wins.
//! - Each subchart gets the section under its name (alias), created when missing (an
//!   error when it is not a mapping), with the parent's `global` copied in first: parent
//!   scalars and lists overwrite, parent mappings are merged over the subchart's (parent
//!   wins); then the subchart's own defaults are coalesced under that section, recursively.
//! - Helm's copy of `global` is one level deep, so mappings two levels under `global` are
//!   shared between a chart and its subcharts: a subchart's nested global defaults show up
//!   in the parent's `global` too (see `shared_global_paths`).

use crate::chart::Chart;
use crate::yaml::{Map, Value};

use super::Error;

/// The key holding values shared with every subchart.
pub const GLOBAL: &str = "global";

/// Layers `over` onto `base` as Helm layers `-f` files.
pub fn merge_maps(base: &mut Map, over: Map) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Map(b)), Value::Map(o)) => merge_maps(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Coalesces `chart`'s defaults (and its subcharts', recursively) under `dest`.
///
/// # Errors
/// A subchart section that is not a mapping.
pub fn coalesce(chart: &Chart, dest: &mut Map, merge: bool) -> Result<(), Error> {
    coalesce_values(chart, dest, merge);
    coalesce_deps(chart, dest, merge)
}

fn coalesce_values(chart: &Chart, v: &mut Map, merge: bool) {
    let Value::Map(defaults) = &chart.values else {
        return;
    };
    for (key, val) in defaults {
        match v.get_mut(key) {
            Some(Value::Null) if !merge => {
                v.shift_remove(key);
            }
            Some(Value::Map(dest)) => {
                if let Value::Map(src) = val {
                    let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    let mut src = src.clone();
                    if !merge {
                        remove_nulls(&mut src);
                    }
                    coalesce_tables(dest, src, merge);
                }
            }
            Some(_) => {}
            None => {
                let mut val = val.clone();
                if !merge {
                    match &mut val {
                        Value::Null => continue,
                        Value::Map(m) => remove_nulls(m),
                        _ => {}
                    }
                }
                v.insert(key.clone(), val);
            }
        }
    }
}

/// Drops null entries from chart defaults, at any depth of mappings.
fn remove_nulls(m: &mut Map) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Value::Map(inner) = v {
            remove_nulls(inner);
        }
    }
}

fn coalesce_deps(chart: &Chart, dest: &mut Map, merge: bool) -> Result<(), Error> {
    let mut shared_by_sub: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        let mut section = match dest.get_mut(&name) {
            None => Map::default(),
            Some(Value::Map(m)) => std::mem::take(m),
            Some(other) => {
                return Err(Error::SubchartSection {
                    chart: chart.name().to_string(),
                    subchart: name,
                    found: other.type_name(),
                });
            }
        };
        let shared = shared_global_paths(dest);
        coalesce_globals(&mut section, dest);
        coalesce(sub, &mut section, merge)?;
        // Write back what the subchart did to the shared tables (see `shared_global_paths`).
        for (key, k2) in &shared {
            if let Some(v @ Value::Map(_)) = global_at(&section, key, k2) {
                let v = v.clone();
                if let Some(Value::Map(slot)) = dest.get_mut(GLOBAL).and_then(|g| g.get_mut(key)) {
                    slot.insert(k2.clone(), v);
                }
            }
        }
        dest.insert(name.clone(), Value::Map(section));
        shared_by_sub.push((name, shared));
    }
    // Every subchart sees the final state of the tables it shares with this chart.
    for (name, shared) in shared_by_sub {
        for (key, k2) in shared {
            let Some(v) = global_at(dest, &key, &k2).cloned() else {
                continue;
            };
            if let Some(Value::Map(section)) = dest.get_mut(&name) {
                overwrite_shared(section, &key, &k2, &v, chart_of(chart, &name));
            }
        }
    }
    Ok(())
}

/// Helm copies `global` into a subchart one level deep only, so a mapping two levels
/// under `global` (`global.a.b` when it is a mapping) is the same object in the parent
/// and every subchart below it: what one of them merges into it shows in all (even in the
/// parent's own values). These are the paths of such mappings in `dest`'s `global`.
fn shared_global_paths(dest: &Map) -> Vec<(String, String)> {
    let Some(Value::Map(g)) = dest.get(GLOBAL) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, v) in g {
        if let Value::Map(inner) = v {
            for (k2, v2) in inner {
                if matches!(v2, Value::Map(_)) {
                    out.push((key.clone(), k2.clone()));
                }
            }
        }
    }
    out
}

fn global_at<'a>(m: &'a Map, key: &str, k2: &str) -> Option<&'a Value> {
    m.get(GLOBAL)?.get(key)?.get(k2)
}

fn chart_of<'a>(chart: &'a Chart, name: &str) -> Option<&'a Chart> {
    chart.dependencies.iter().find(|c| c.name() == name)
}

/// Sets `global.key.k2` to `v` in a subchart section and, recursively, its subcharts'
/// sections, wherever it is a mapping.
fn overwrite_shared(section: &mut Map, key: &str, k2: &str, v: &Value, chart: Option<&Chart>) {
    if let Some(Value::Map(slot)) = section.get_mut(GLOBAL).and_then(|g| g.get_mut(key))
        && matches!(slot.get(k2), Some(Value::Map(_)))
    {
        slot.insert(k2.to_string(), v.clone());
    }
    let Some(chart) = chart else {
        return;
    };
    for sub in &chart.dependencies {
        if let Some(Value::Map(inner)) = section.get_mut(sub.name()) {
            overwrite_shared(inner, key, k2, v, Some(sub));
        }
    }
}

/// Copies the parent's `global` into a subchart's section (see the module rules).
fn coalesce_globals(dest: &mut Map, parent: &Map) {
    let mut dg = match dest.get(GLOBAL) {
        None => Map::default(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let sg = match parent.get(GLOBAL) {
        None => Map::default(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    for (key, val) in sg {
        match val {
            Value::Map(mut vv) => match dg.get(&key) {
                None => {
                    dg.insert(key, Value::Map(vv));
                }
                Some(Value::Map(dv)) => {
                    coalesce_tables(&mut vv, dv.clone(), true);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => {}
            },
            val => {
                if !matches!(dg.get(&key), Some(Value::Map(_))) {
                    dg.insert(key, val);
                }
            }
        }
    }
    dest.insert(GLOBAL.to_string(), Value::Map(dg));
}

/// Merges `src` under `dst` (`dst` wins), see the module rules.
pub fn coalesce_tables(dst: &mut Map, mut src: Map, merge: bool) {
    let src_non_null: std::collections::HashSet<String> = src
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    for (k, v) in dst.iter() {
        if v.is_null() {
            src.insert(k.clone(), Value::Null);
        }
    }
    for (key, sv) in src {
        match dst.get_mut(&key) {
            Some(Value::Null) if !merge && src_non_null.contains(&key) => {
                dst.shift_remove(&key);
            }
            None => {
                dst.insert(key, sv);
            }
            Some(Value::Map(dv)) => {
                if let Value::Map(sm) = sv {
                    coalesce_tables(dv, sm, merge);
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::helm_map as map;

    #[test]
    fn null_deletes_at_any_depth() {
        let mut dst = map("a: {b: null, c: 2, u: null}\nd: null\n");
        coalesce_tables(&mut dst, map("a: {b: 1, x: 1}\nd: 4\ne: 5\n"), false);
        assert_eq!(dst, map("a: {c: 2, u: null, x: 1}\ne: 5\n"));
    }

    #[test]
    fn merge_keeps_nulls() {
        let mut dst = map("a: {b: null}\n");
        coalesce_tables(&mut dst, map("a: {b: 1}\n"), true);
        assert_eq!(dst, map("a: {b: null}\n"));
    }

    fn tree() -> impl proptest::strategy::Strategy<Value = Map> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            "[a-z]{0,4}".prop_map(Value::String),
            proptest::collection::vec(any::<bool>().prop_map(Value::Bool), 0..3).prop_map(Value::Seq),
        ];
        let value = leaf.prop_recursive(3, 24, 4, |inner| {
            proptest::collection::vec(("[a-c]", inner), 0..4).prop_map(|kv| Value::Map(kv.into_iter().collect()))
        });
        proptest::collection::vec(("[a-e]", value), 0..5).prop_map(|kv| kv.into_iter().collect())
    }

    proptest::proptest! {
        /// An empty values layer changes nothing, on either side.
        #[test]
        fn empty_layer_changes_nothing(m in tree()) {
            let mut over_empty = Map::default();
            merge_maps(&mut over_empty, m.clone());
            proptest::prop_assert_eq!(&over_empty, &m);
            let mut under = m.clone();
            merge_maps(&mut under, Map::default());
            proptest::prop_assert_eq!(&under, &m);
            let mut coalesced = m.clone();
            coalesce_tables(&mut coalesced, Map::default(), true);
            proptest::prop_assert_eq!(&coalesced, &m);
        }

        /// Merging (nulls kept) is idempotent: layering the same defaults twice equals
        /// once. (Coalescing is not: a user null deletes a default once.)
        #[test]
        fn merging_twice_equals_once(user in tree(), defaults in tree()) {
            let mut once = user.clone();
            coalesce_tables(&mut once, defaults.clone(), true);
            let mut twice = once.clone();
            coalesce_tables(&mut twice, defaults, true);
            proptest::prop_assert_eq!(twice, once);
        }
    }

    #[test]
    fn files_layer_maps_only() {
        let mut base = map("a: {b: 1, c: [1]}\nd: {e: 1}\n");
        merge_maps(&mut base, map("a: {c: [2]}\nd: null\n"));
        assert_eq!(base, map("a: {b: 1, c: [2]}\nd: null\n"));
    }
}
