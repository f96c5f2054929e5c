//! Lists merged by several keys (container ports by `containerPort` and `protocol`,
//! service ports by `port` and `protocol`) when some element sets a secondary key:
//! kustomize 5.5 (kyaml 0.18) treats an element that omits `protocol` as agreeing with
//! one that sets it, and lets one of the two win instead of merging them. The rules here
//! were found against `kubectl kustomize` (see the `smp-ports-*` golden cases).

use crate::yaml::Value;

use super::merge::{kept, key_of, merge, merge_element};
use super::schema::Node;

/// Whether a list keyed by several fields has an element setting a secondary key.
pub(super) fn has_secondary(list: &[&Value], keys: &[String]) -> bool {
    keys.len() > 1
        && list
            .iter()
            .any(|e| key_of(e, keys).is_some_and(|k| k[1..].iter().any(|s| !s.is_empty())))
}

/// A multi-keyed list walked on its own (the object lacks it, or no patch value touches
/// it): each element, merged with itself, replaces the earlier ones with the same keys;
/// one that omits a secondary key (`80` without `protocol`) also replaces earlier ones
/// agreeing with it on the keys it sets (`80/TCP`). `symmetric` (new patch elements of a
/// merged list): an element setting every key wins over agreeing ones that do not,
/// whatever their order.
pub(super) fn collapse_multi_keyed(
    list: &[&Value],
    keys: &[String],
    elem: Option<Node<'_>>,
    symmetric: bool,
) -> Vec<Value> {
    let mut out: Vec<(Option<Vec<String>>, Value)> = Vec::new();
    for e in list {
        let Some(v) = kept(merge(None, e, elem)) else { continue };
        let k = key_of(e, keys);
        if let Some(k) = &k {
            let partial = k.iter().any(String::is_empty);
            if symmetric && partial && out.iter().any(|(o, _)| o.as_ref().is_some_and(|o| overlaps(o, k))) {
                continue;
            }
            out.retain(|(o, _)| {
                o.as_ref()
                    .is_none_or(|o| o != k && !((partial || symmetric) && overlaps(o, k)))
            });
        }
        out.push((k, v));
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// Lists keyed by several fields (ports by port and protocol) where some element sets a
/// secondary key. kyaml 0.18 (kustomize 5.5) then behaves as follows, and rudder with it:
/// - a patch element whose keys all equal an object element's merges into it, in the
///   object's order;
/// - a patch element that agrees with an object element on every key the two both set,
///   but not on all (one omits `protocol`), is dropped and the object element kept;
/// - other patch elements are new and come first, in patch order, then the object's
///   elements in their order.
pub(super) fn merge_multi_keyed(
    dest: Vec<Value>,
    patch: &[&Value],
    keys: &[String],
    elem: Option<Node<'_>>,
) -> Vec<Value> {
    let dest_keys: Vec<Option<Vec<String>>> = dest.iter().map(|d| key_of(d, keys)).collect();
    let mut merge_from: Vec<Option<usize>> = vec![None; dest.len()];
    let mut new: Vec<(Vec<String>, usize)> = Vec::new();
    for pi in surviving(patch, keys) {
        let p = patch[pi];
        let Some(pk) = key_of(p, keys) else { continue };
        if let Some(di) = dest_keys.iter().position(|dk| dk.as_ref() == Some(&pk)) {
            merge_from[di].get_or_insert(pi);
        } else if dest_keys.iter().flatten().any(|dk| overlaps(dk, &pk)) {
            // Dropped, as kustomize drops it.
        } else {
            new.push((pk, pi));
        }
    }
    let new: Vec<&Value> = new.into_iter().map(|(_, pi)| patch[pi]).collect();
    let mut out = collapse_multi_keyed(&new, keys, elem, true);
    // The object's elements, merged, then put back in their order: one without a
    // secondary key replaces earlier ones it agrees with.
    let merged: Vec<Value> = dest
        .into_iter()
        .zip(merge_from)
        .filter_map(|(d, from)| match from {
            Some(pi) => kept(merge_element(Some(d), patch[pi], elem)),
            None => kept(Some(d)),
        })
        .collect();
    out.extend(collapse_multi_keyed(
        &merged.iter().collect::<Vec<_>>(),
        keys,
        elem,
        false,
    ));
    out
}

/// Indices of the patch elements that survive among themselves: an element setting every
/// key wins over agreeing ones that do not; of repeats, the first counts.
fn surviving(patch: &[&Value], keys: &[String]) -> Vec<usize> {
    let mut out: Vec<(Vec<String>, usize)> = Vec::new();
    for (i, p) in patch.iter().enumerate() {
        let Some(k) = key_of(p, keys) else { continue };
        let partial = k.iter().any(String::is_empty);
        if out.iter().any(|(o, _)| o == &k || (partial && overlaps(o, &k))) {
            continue;
        }
        out.retain(|(o, _)| !overlaps(o, &k));
        out.push((k, i));
    }
    out.into_iter().map(|(_, i)| i).collect()
}

/// Two key tuples that agree wherever both are set, with at least one field in common.
fn overlaps(a: &[String], b: &[String]) -> bool {
    let mut common = false;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common |= !x.is_empty();
        } else if !x.is_empty() && !y.is_empty() {
            return false;
        }
    }
    common
}
