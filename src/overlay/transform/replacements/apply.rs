//! Running replacements over the objects of a build: find the source value, then write it
//! into every selected target field.
//!
//! Rules (kustomize v5.5):
//! - the source must match exactly one object (by any id it had), else an error; its field
//!   must exist and not be null, `{}` or `[]`;
//! - source `options.delimiter`: the value is the `index`-th piece of the text split at the
//!   delimiter (an index out of range is an error);
//! - a target object is selected when one of its ids matches `select` and is not matched by
//!   an id `reject`, its labels and annotations match `select`'s selectors, and no
//!   `reject` with selectors matches them;
//! - every field path must reach at least one field (or, with `create`, be creatable);
//! - target `options.delimiter`: the target text is split, the value replaces piece
//!   `index`, or is prepended (index < 0) or appended (index past the end), and joined;
//! - a scalar target keeps its type: the value's text is written into it (`"8080"` stays a
//!   string, `replicas: 1` stays an integer, so text that is not a number is an error, and
//!   an existing null field takes only null text);
//!   a created scalar takes the type its text reads as (`"3"` becomes `3`; annotations
//!   become strings again at the end of the build); a mapping or list target is replaced
//!   by the value as it is;
//! - with a delimiter only text moves: the value's type plays no part.

use crate::overlay::resmap::{ResMap, Resource};
use crate::yaml::{self, Dialect, Value};

use super::path::{self, Leaf};
use super::select::{MapSelector, id_matches};
use super::spec::{FieldOptions, Replacement, Selector, Target};

/// Applies one replacement to the objects of `rm`.
///
/// # Errors
/// An unresolvable source, a target field that cannot be found or written, a malformed
/// selector; the message is for the replacement's entry.
pub fn apply_one(rm: &mut ResMap, r: &Replacement) -> Result<(), String> {
    let value = source_value(rm.resources(), r)?;
    let mut pats = path::Patterns::default();
    for (ti, t) in r.targets.iter().enumerate() {
        let paths: Vec<(&String, Vec<String>)> = t.field_paths.iter().map(|fp| (fp, path::split(fp))).collect();
        let at = |m: String| format!("targets[{ti}]: {m}");
        let select = Selectors::of(&t.select).map_err(at)?;
        let rejects: Vec<(Selectors, &Selector)> = t
            .reject
            .iter()
            .map(|s| Selectors::of(s).map(|p| (p, s)))
            .collect::<Result<_, _>>()
            .map_err(at)?;
        for res in rm.iter_mut() {
            if !selected(res, &t.select, &select, &rejects) {
                continue;
            }
            copy_to_target(res, &value, t, &paths, &mut pats)
                .map_err(|m| format!("targets[{ti}]: {}: {m}", res.cur_id()))?;
        }
    }
    Ok(())
}

struct Selectors {
    labels: MapSelector,
    annotations: MapSelector,
    any: bool,
}

impl Selectors {
    fn of(s: &Selector) -> Result<Selectors, String> {
        Ok(Selectors {
            labels: MapSelector::parse(&s.label_selector).map_err(|e| format!("labelSelector: {e}"))?,
            annotations: MapSelector::parse(&s.annotation_selector).map_err(|e| format!("annotationSelector: {e}"))?,
            any: !s.label_selector.is_empty() || !s.annotation_selector.is_empty(),
        })
    }

    fn matches(&self, res: &Resource) -> bool {
        let meta = |k: &str| res.value().pointer(&["metadata", k]).and_then(Value::as_map);
        self.labels.matches(meta("labels")) && self.annotations.matches(meta("annotations"))
    }
}

fn selected(res: &Resource, sel: &Selector, select: &Selectors, rejects: &[(Selectors, &Selector)]) -> bool {
    if !select.matches(res) {
        return false;
    }
    if rejects.iter().any(|(p, _)| p.any && p.matches(res)) {
        return false;
    }
    res.all_ids()
        .iter()
        .any(|id| id_matches(sel, id) && !rejects.iter().any(|(_, r)| !r.id_is_empty() && id_matches(r, id)))
}

fn source_value(resources: &[Resource], r: &Replacement) -> Result<Value, String> {
    let sel = &r.source.id;
    let mut found: Option<&Resource> = None;
    for res in resources {
        if res.all_ids().iter().any(|id| id_matches(sel, id)) {
            if found.is_some() {
                return Err(format!("multiple matches for source selector {}", sel.describe()));
            }
            found = Some(res);
        }
    }
    let res = found.ok_or_else(|| format!("source selects nothing: no object matches {}", sel.describe()))?;
    let fp = &r.source.field_path;
    let node =
        path::lookup(res.value(), &path::split(fp)).map_err(|e| format!("error looking up replacement source: {e}"))?;
    let missing = match node {
        None | Some(Value::Null) => true,
        Some(Value::Map(m)) => m.is_empty(),
        Some(Value::Seq(s)) => s.is_empty(),
        Some(_) => false,
    };
    if missing {
        return Err(format!(
            "fieldPath `{fp}` is missing for replacement source {}",
            sel.describe()
        ));
    }
    let node = node.expect("present");
    refine(node, &r.source.options)
}

fn refine(node: &Value, o: &FieldOptions) -> Result<Value, String> {
    if o.delimiter.is_empty() {
        return Ok(node.clone());
    }
    let text = path::scalar_text(node).ok_or("delimiter option can only be used with scalar nodes")?;
    let pieces: Vec<&str> = text.split(o.delimiter.as_str()).collect();
    let piece = usize::try_from(o.index)
        .ok()
        .and_then(|i| pieces.get(i))
        .ok_or_else(|| format!("options.index {} is out of bounds for value {text}", o.index))?;
    // The piece keeps the source's type where it can (kyaml keeps the node's tag).
    Ok(with_text(node, piece).unwrap_or_else(|_| Value::String((*piece).to_string())))
}

fn copy_to_target(
    res: &mut Resource,
    value: &Value,
    t: &Target,
    field_paths: &[(&String, Vec<String>)],
    pats: &mut path::Patterns,
) -> Result<(), String> {
    for (fp, segs) in field_paths {
        if t.options.create {
            let paths = if fp.contains('*') {
                path::expand_wildcards(Some(res.value()), segs)?
            } else {
                vec![segs.clone()]
            };
            for p in paths {
                // An annotation is written out as its text, exactly (`.42` stays `.42`).
                let annotation = p.len() == 3 && p[0] == "metadata" && p[1] == "annotations";
                let n = path::visit_create(res.value_mut(), &p, Leaf::of(value), false, pats, &mut |node, made| {
                    if made && annotation && node.is_null() {
                        *node = Value::String(String::new());
                        return set_field(node, value, &t.options, false);
                    }
                    set_field(node, value, &t.options, made)
                })?;
                if n == 0 {
                    return Err(format!("unable to find or create field {fp} in replacement target"));
                }
            }
        } else {
            let n = path::visit_matching(res.value_mut(), segs, pats, &mut |node| {
                set_field(node, value, &t.options, false)
            })?;
            if n == 0 {
                return Err(format!("unable to find field {fp} in replacement target"));
            }
        }
    }
    Ok(())
}

fn set_field(target: &mut Value, value: &Value, o: &FieldOptions, made: bool) -> Result<(), String> {
    // The text a scalar target receives: the value's own (`""` for a mapping or list), or,
    // with a delimiter, the target's pieces with the value's text put in.
    let mut text = match value {
        Value::Map(_) | Value::Seq(_) => String::new(),
        v => path::scalar_text(v).unwrap_or_default(),
    };
    if !o.delimiter.is_empty() {
        if matches!(target, Value::Map(_) | Value::Seq(_)) {
            return Err("delimiter option can only be used with scalar nodes".into());
        }
        let current = if target.is_null() {
            String::new()
        } else {
            path::scalar_text(target).unwrap_or_default()
        };
        let mut pieces: Vec<String> = current.split(o.delimiter.as_str()).map(str::to_string).collect();
        match usize::try_from(o.index) {
            Err(_) => pieces.insert(0, text),
            Ok(i) if i >= pieces.len() => pieces.push(text),
            Ok(i) => pieces[i] = text,
        }
        text = pieces.join(&o.delimiter);
    }
    match target {
        Value::Map(_) | Value::Seq(_) => *target = value.clone(),
        // A created (untagged) scalar reads as whatever its text reads as (a mapping or
        // list value was given a created mapping or list, replaced above).
        _ if made => *target = resolve_plain(&text),
        // Only the text moves: the target keeps its type.
        _ => *target = with_text(target, &text)?,
    }
    Ok(())
}

/// A scalar of the same type as `like` holding `text`.
fn with_text(like: &Value, text: &str) -> Result<Value, String> {
    let resolved = resolve_plain(text);
    let mismatch = |want: &str| format!("cannot write '{text}' into {want} field (the target keeps its type)");
    Ok(match like {
        Value::String(_) | Value::Map(_) | Value::Seq(_) => Value::String(text.to_string()),
        // A null keeps its null tag, which only null text fits.
        Value::Null => match resolved {
            Value::Null => Value::Null,
            _ => return Err(mismatch("a null")),
        },
        Value::Int(_) | Value::Uint(_) => match resolved {
            v @ (Value::Int(_) | Value::Uint(_)) => v,
            _ => return Err(mismatch("an integer")),
        },
        Value::Float(_) => match resolved {
            Value::Int(i) => Value::Float(i as f64),
            Value::Uint(u) => Value::Float(u as f64),
            v @ Value::Float(_) => v,
            _ => return Err(mismatch("a number")),
        },
        Value::Bool(_) => match resolved {
            v @ Value::Bool(_) => v,
            _ => return Err(mismatch("a boolean")),
        },
    })
}

/// What an untagged plain scalar with this text reads as: null, a boolean, a number, or
/// else the string itself.
pub fn resolve_plain(text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    let simple = !text.contains([
        '\n', '#', ':', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
    ]) && text.trim() == text;
    if simple
        && let Ok(mut docs) = yaml::parse_stream(text, Dialect::Kustomize, "(value)")
        && docs.len() == 1
    {
        let v = docs.remove(0).value;
        if matches!(
            v,
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_)
        ) {
            return v;
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_resolution() {
        assert_eq!(resolve_plain("3"), Value::Int(3));
        assert_eq!(resolve_plain("true"), Value::Bool(true));
        assert_eq!(resolve_plain(""), Value::Null);
        assert_eq!(resolve_plain("a: b"), Value::from("a: b"));
        assert_eq!(resolve_plain("nginx:1.2"), Value::from("nginx:1.2"));
    }

    #[test]
    fn targets_keep_their_type() {
        assert_eq!(with_text(&Value::from("x"), "8080").unwrap(), Value::from("8080"));
        assert_eq!(with_text(&Value::Int(1), "3").unwrap(), Value::Int(3));
        assert!(with_text(&Value::Int(1), "abc").is_err());
    }
}
