//! Sprig's dictionary and list helpers. Template values are immutable, so the helpers
//! that change a dictionary or list in Sprig (`set`, `unset`, `append`, `merge`) return
//! the changed copy here.

use minijinja::Error;
use minijinja::value::{Kwargs, Rest, Value, ValueKind};

use super::super::convert::{from_jinja, key_string, to_jinja, to_text};
use super::invalid;
use crate::yaml;

/// The entries of a mapping value.
fn entries(v: &Value, what: &str) -> Result<Vec<(Value, Value)>, Error> {
    if v.is_undefined() || v.is_none() {
        return Ok(Vec::new());
    }
    if v.kind() != ValueKind::Map {
        return Err(invalid(format!("{what}: expected a dictionary, found {}", v.kind())));
    }
    let mut out = Vec::new();
    for k in v.try_iter()? {
        let val = v.get_item(&k)?;
        out.push((k, val));
    }
    Ok(out)
}

/// The items of a list value (none and undefined give none).
fn items(v: &Value, what: &str) -> Result<Vec<Value>, Error> {
    if v.is_undefined() || v.is_none() {
        return Ok(Vec::new());
    }
    match v.kind() {
        ValueKind::Seq | ValueKind::Iterable => Ok(v.try_iter()?.collect()),
        k => Err(invalid(format!("{what}: expected a list, found {k}"))),
    }
}

/// `dict("a", 1, "b", 2)` (Sprig's pairs) and/or `dict(a=1, b=2)`.
pub fn dict(args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let mut pairs: Vec<(Value, Value)> = Vec::new();
    let mut it = args.0.into_iter();
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or(Value::from(""));
        push_pair(&mut pairs, Value::from(to_text(&k)), v);
    }
    for key in kwargs.args() {
        let v: Value = kwargs.get(key)?;
        push_pair(&mut pairs, Value::from(key), v);
    }
    Ok(Value::from_pairs(pairs))
}

fn push_pair(pairs: &mut Vec<(Value, Value)>, k: Value, v: Value) {
    match pairs.iter_mut().find(|(pk, _)| *pk == k) {
        Some(slot) => slot.1 = v,
        None => pairs.push((k, v)),
    }
}

pub fn list(args: Rest<Value>) -> Value {
    Value::from(args.0)
}

pub fn has_key(d: &Value, key: &str) -> Result<bool, Error> {
    Ok(entries(d, "hasKey")?.iter().any(|(k, _)| key_string(k) == key))
}

/// The keys of one or more dictionaries, in their order.
pub fn keys(dicts: &[Value]) -> Result<Value, Error> {
    let mut out = Vec::new();
    for d in dicts {
        out.extend(entries(d, "keys")?.into_iter().map(|(k, _)| k));
    }
    Ok(Value::from(out))
}

pub fn values(d: &Value) -> Result<Value, Error> {
    Ok(Value::from(
        entries(d, "values")?.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    ))
}

/// `pluck("name", d1, d2)`: the value under `name` in each dictionary that has it.
pub fn pluck(key: &str, dicts: &[Value]) -> Result<Value, Error> {
    let mut out = Vec::new();
    for d in dicts {
        if let Some((_, v)) = entries(d, "pluck")?.into_iter().find(|(k, _)| key_string(k) == key) {
            out.push(v);
        }
    }
    Ok(Value::from(out))
}

pub fn set(d: &Value, key: &str, v: Value) -> Result<Value, Error> {
    let mut pairs = entries(d, "set")?;
    push_pair(&mut pairs, Value::from(key), v);
    Ok(Value::from_pairs(pairs))
}

pub fn unset(d: &Value, key: &str) -> Result<Value, Error> {
    let pairs = entries(d, "unset")?.into_iter().filter(|(k, _)| key_string(k) != key);
    Ok(Value::from_pairs(pairs))
}

pub fn get(d: &Value, key: &str) -> Result<Value, Error> {
    Ok(entries(d, "get")?
        .into_iter()
        .find(|(k, _)| key_string(k) == key)
        .map(|(_, v)| v)
        .unwrap_or(Value::from("")))
}

/// `dig("a", "b", default, d)`: the value at a path of keys, or the default.
pub fn dig(d: &Value, path: &[Value], default: Value) -> Result<Value, Error> {
    let mut cur = d.clone();
    for k in path {
        let key = to_text(k);
        match entries(&cur, "dig")?.into_iter().find(|(kk, _)| key_string(kk) == key) {
            Some((_, v)) => cur = v,
            None => return Ok(default),
        }
    }
    Ok(cur)
}

/// Deep merge, earlier dictionaries winning (Sprig's `merge`), or later ones winning
/// (`mergeOverwrite`).
pub fn merge(dicts: &[Value], overwrite: bool) -> Result<Value, Error> {
    let mut acc = yaml::Value::Map(yaml::Map::default());
    let ordered: Vec<&Value> = if overwrite {
        dicts.iter().collect()
    } else {
        dicts.iter().rev().collect()
    };
    for d in ordered {
        if !(d.is_undefined() || d.is_none()) && d.kind() != ValueKind::Map {
            return Err(invalid(format!("merge: expected dictionaries, found {}", d.kind())));
        }
        merge_into(&mut acc, from_jinja(d));
    }
    Ok(to_jinja(&acc))
}

fn merge_into(dst: &mut yaml::Value, src: yaml::Value) {
    match (dst, src) {
        (yaml::Value::Map(d), yaml::Value::Map(s)) => {
            for (k, v) in s {
                match d.get_mut(&k) {
                    Some(existing @ yaml::Value::Map(_)) if matches!(v, yaml::Value::Map(_)) => merge_into(existing, v),
                    _ => {
                        d.insert(k, v);
                    }
                }
            }
        }
        (d, s) => *d = s,
    }
}

pub fn append(list: &Value, v: Value) -> Result<Value, Error> {
    let mut out = items(list, "append")?;
    out.push(v);
    Ok(Value::from(out))
}

pub fn prepend(list: &Value, v: Value) -> Result<Value, Error> {
    let mut out = items(list, "prepend")?;
    out.insert(0, v);
    Ok(Value::from(out))
}

pub fn concat(lists: &[Value]) -> Result<Value, Error> {
    let mut out = Vec::new();
    for l in lists {
        out.extend(items(l, "concat")?);
    }
    Ok(Value::from(out))
}

pub fn has(list: &Value, needle: &Value) -> Result<bool, Error> {
    Ok(items(list, "has")?.iter().any(|x| x == needle))
}

pub fn uniq(list: &Value) -> Result<Value, Error> {
    let mut out: Vec<Value> = Vec::new();
    for x in items(list, "uniq")? {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    Ok(Value::from(out))
}

pub fn without(list: &Value, drop: &[Value]) -> Result<Value, Error> {
    Ok(Value::from(
        items(list, "without")?
            .into_iter()
            .filter(|x| !drop.contains(x))
            .collect::<Vec<_>>(),
    ))
}

pub fn first(list: &Value) -> Result<Value, Error> {
    Ok(items(list, "first")?.into_iter().next().unwrap_or_default())
}

pub fn last(list: &Value) -> Result<Value, Error> {
    Ok(items(list, "last")?.pop().unwrap_or_default())
}

pub fn rest(list: &Value) -> Result<Value, Error> {
    Ok(Value::from(
        items(list, "rest")?.into_iter().skip(1).collect::<Vec<_>>(),
    ))
}

pub fn initial(list: &Value) -> Result<Value, Error> {
    let mut v = items(list, "initial")?;
    v.pop();
    Ok(Value::from(v))
}

pub fn compact(list: &Value) -> Result<Value, Error> {
    Ok(Value::from(
        items(list, "compact")?
            .into_iter()
            .filter(|x| !is_empty(x))
            .collect::<Vec<_>>(),
    ))
}

pub fn sort_alpha(list: &Value) -> Result<Value, Error> {
    let mut v: Vec<String> = items(list, "sortAlpha")?.iter().map(to_text).collect();
    v.sort();
    Ok(Value::from(v))
}

/// Sprig's emptiness: undefined, none, false, 0, "" and empty lists and dictionaries.
pub fn is_empty(v: &Value) -> bool {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => true,
        ValueKind::Bool => !v.is_true(),
        ValueKind::Number => !v.is_true(),
        ValueKind::String => v.as_str().is_some_and(str::is_empty),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => v.len() == Some(0),
        _ => false,
    }
}

/// Sprig's `kindOf`: Go's reflect kind of the value as Helm would hold it.
pub fn kind_of(v: &Value) -> &'static str {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => "invalid",
        ValueKind::Bool => "bool",
        ValueKind::Number if v.is_integer() => "int64",
        ValueKind::Number => "float64",
        ValueKind::String => "string",
        ValueKind::Seq | ValueKind::Iterable => "slice",
        ValueKind::Map => "map",
        _ => "struct",
    }
}

/// Sprig's `typeOf`: Go's type name of the value as Helm would hold it.
pub fn type_of(v: &Value) -> &'static str {
    match kind_of(v) {
        "invalid" => "<nil>",
        "slice" => "[]interface {}",
        "map" => "map[string]interface {}",
        other => other,
    }
}

pub fn coalesce(args: &[Value]) -> Value {
    args.iter().find(|v| !is_empty(v)).cloned().unwrap_or_default()
}

/// `until(n)`: `[0, 1, ..., n-1]`; `untilStep(start, stop, step)`.
pub fn until_step(start: i64, stop: i64, step: i64) -> Result<Value, Error> {
    if step == 0 {
        return Ok(Value::from(Vec::<i64>::new()));
    }
    let len = ((stop - start) / step).max(0);
    if len > 1_000_000 {
        return Err(invalid("until: more than 1,000,000 items"));
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i);
        i += step;
    }
    Ok(Value::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Value {
        super::super::data::from_yaml(text)
    }

    #[test]
    fn merge_keeps_first_unless_overwriting() {
        let a = d("x: 1\nm: {a: 1}\n");
        let b = d("x: 2\nz: 3\nm: {b: 2}\n");
        let m = merge(&[a.clone(), b.clone()], false).unwrap();
        assert_eq!(super::super::data::to_json(&m), r#"{"m":{"a":1,"b":2},"x":1,"z":3}"#);
        let m = merge(&[a, b], true).unwrap();
        assert_eq!(super::super::data::to_json(&m), r#"{"m":{"a":1,"b":2},"x":2,"z":3}"#);
    }

    #[test]
    fn kinds_as_sprig_names_them() {
        assert_eq!(kind_of(&d("a: 1\n")), "map");
        assert_eq!(kind_of(&Value::from(vec![1])), "slice");
        assert_eq!(kind_of(&Value::from(2)), "int64");
        assert_eq!(type_of(&Value::from(())), "<nil>");
    }

    #[test]
    fn emptiness() {
        assert!(is_empty(&Value::from(0)));
        assert!(is_empty(&Value::from("")));
        assert!(is_empty(&Value::from(Vec::<i64>::new())));
        assert!(!is_empty(&Value::from("x")));
    }

    #[test]
    fn dict_helpers() {
        let m = set(&d("a: 1\n"), "b", Value::from(2)).unwrap();
        assert!(has_key(&m, "b").unwrap());
        assert!(!has_key(&unset(&m, "b").unwrap(), "b").unwrap());
        assert_eq!(
            dig(&d("a: {b: 5}\n"), &[Value::from("a"), Value::from("b")], Value::from(0)).unwrap(),
            Value::from(5)
        );
    }
}
