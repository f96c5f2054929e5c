//! JSON patches (RFC 6902) applied to an object tree: add, remove, replace, move, copy,
//! test, with RFC 6901 pointers (`~1` for `/`, `~0` for `~`, `-` past the end of a list).

use crate::yaml::Value;

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub op: Kind,
    pub path: Vec<String>,
    pub from: Vec<String>,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

/// Reads the operations of a patch document (a list of mappings).
///
/// # Errors
/// Not a list, an entry that is not a mapping, an unknown `op`, a missing `path`,
/// `from` or `value`; the message names the operation (`[2]`).
pub fn parse(doc: &Value) -> Result<Vec<Op>, String> {
    let Value::Seq(items) = doc else {
        return Err(format!("expected a list of operations, found {}", doc.type_name()));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let fail = |m: String| format!("operation [{i}]: {m}");
            let m = item
                .as_map()
                .ok_or_else(|| fail(format!("expected a mapping, found {}", item.type_name())))?;
            let s = |k: &str| m.get(k).and_then(Value::as_str);
            let op = match s("op") {
                Some("add") => Kind::Add,
                Some("remove") => Kind::Remove,
                Some("replace") => Kind::Replace,
                Some("move") => Kind::Move,
                Some("copy") => Kind::Copy,
                Some("test") => Kind::Test,
                Some(other) => return Err(fail(format!("unknown op '{other}'"))),
                None => return Err(fail("missing 'op'".into())),
            };
            let path = pointer(s("path").ok_or_else(|| fail("missing 'path'".into()))?).map_err(fail)?;
            let from = match op {
                Kind::Move | Kind::Copy => {
                    pointer(s("from").ok_or_else(|| fail("missing 'from'".into()))?).map_err(fail)?
                }
                _ => Vec::new(),
            };
            let value = match op {
                Kind::Add | Kind::Replace | Kind::Test => {
                    m.get("value").cloned().ok_or_else(|| fail("missing 'value'".into()))?
                }
                _ => Value::Null,
            };
            Ok(Op { op, path, from, value })
        })
        .collect()
}

fn pointer(p: &str) -> Result<Vec<String>, String> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = p.strip_prefix('/') else {
        return Err(format!("path '{p}' must start with '/'"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn show(path: &[String]) -> String {
    path.iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Applies `ops` in order to `doc`.
///
/// # Errors
/// A path that does not exist where it must, a failing `test`; names the operation.
pub fn apply(doc: &mut Value, ops: &[Op]) -> Result<(), String> {
    for (i, op) in ops.iter().enumerate() {
        apply_one(doc, op).map_err(|m| format!("operation [{i}] ({} {}): {m}", name(op.op), show(&op.path)))?;
    }
    Ok(())
}

fn name(k: Kind) -> &'static str {
    match k {
        Kind::Add => "add",
        Kind::Remove => "remove",
        Kind::Replace => "replace",
        Kind::Move => "move",
        Kind::Copy => "copy",
        Kind::Test => "test",
    }
}

fn apply_one(doc: &mut Value, op: &Op) -> Result<(), String> {
    match op.op {
        Kind::Add => add(doc, &op.path, op.value.clone()),
        Kind::Remove => remove(doc, &op.path).map(drop),
        Kind::Replace => {
            let slot = get_mut(doc, &op.path).ok_or("the path does not exist")?;
            *slot = op.value.clone();
            Ok(())
        }
        Kind::Move => {
            if op.path.starts_with(&op.from) && op.path.len() > op.from.len() {
                return Err("cannot move a value into itself".into());
            }
            let v = remove(doc, &op.from).map_err(|e| format!("from {}: {e}", show(&op.from)))?;
            add(doc, &op.path, v)
        }
        Kind::Copy => {
            let v = get_mut(doc, &op.from)
                .ok_or_else(|| format!("from {}: the path does not exist", show(&op.from)))?
                .clone();
            add(doc, &op.path, v)
        }
        Kind::Test => {
            let Some(v) = get_mut(doc, &op.path) else {
                // A missing path tests equal to null.
                return if op.value.is_null() {
                    Ok(())
                } else {
                    Err("test failed: the path does not exist".into())
                };
            };
            if equal(v, &op.value) {
                Ok(())
            } else {
                Err("test failed: the value differs".into())
            }
        }
    }
}

/// JSON equality: integers and floats of the same number are equal.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// A list index as kustomize's JSON patch library reads it: decimal, leading zeros and a
/// sign allowed; a negative index counts from the end (for `add`, of the list grown by
/// one); `-` is the end of the list for `add`.
fn index(token: &str, len: usize, adding: bool) -> Result<usize, String> {
    if token == "-" && adding {
        return Ok(len);
    }
    let i: i64 = token.parse().map_err(|_| format!("'{token}' is not a list index"))?;
    let size = len as i64 + i64::from(adding);
    let at = if i < 0 { i + size } else { i };
    if at < 0 || at >= size {
        return Err(format!("index {i} is out of range"));
    }
    Ok(at as usize)
}

fn get_mut<'a>(doc: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for t in path {
        cur = match cur {
            Value::Map(m) => m.get_mut(t)?,
            Value::Seq(s) => {
                let i = index(t, s.len(), false).ok()?;
                &mut s[i]
            }
            _ => return None,
        };
    }
    Some(cur)
}

fn add(doc: &mut Value, path: &[String], v: Value) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        return Err("cannot add at the document root".into());
    };
    match get_mut(doc, parent).ok_or("the parent path does not exist")? {
        Value::Map(m) => {
            m.insert(last.clone(), v);
            Ok(())
        }
        Value::Seq(s) => {
            let i = index(last, s.len(), true)?;
            s.insert(i, v);
            Ok(())
        }
        other => Err(format!("cannot add to {}", other.type_name())),
    }
}

fn remove(doc: &mut Value, path: &[String]) -> Result<Value, String> {
    let Some((last, parent)) = path.split_last() else {
        return Err("cannot remove the document root".into());
    };
    match get_mut(doc, parent).ok_or("the path does not exist")? {
        Value::Map(m) => m
            .shift_remove(last)
            .ok_or_else(|| "the path does not exist".to_string()),
        Value::Seq(s) => {
            let i = index(last, s.len(), false)?;
            Ok(s.remove(i))
        }
        _ => Err("the path does not exist".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        crate::yaml::first_document(s)
    }

    #[test]
    fn applies_every_op() {
        let mut doc = v("{a: {b: [1, 2]}, c: x}");
        let ops = parse(&v(r#"[
            {op: add, path: /a/b/-, value: 3},
            {op: add, path: /a/b/0, value: 0},
            {op: remove, path: /a/b/1},
            {op: replace, path: /c, value: y},
            {op: copy, from: /c, path: /d},
            {op: move, from: /d, path: /e~1f},
            {op: test, path: /e~1f, value: y}]"#))
        .unwrap();
        apply(&mut doc, &ops).unwrap();
        assert_eq!(doc, v("{a: {b: [0, 2, 3]}, c: y, e/f: y}"));
    }

    #[test]
    fn negative_and_padded_indices() {
        let mut doc = v("{l: [a, b, c]}");
        let ops = parse(&v("[{op: add, path: /l/-2, value: d}, {op: replace, path: /l/-1, value: z}, {op: add, path: /l/01, value: e}]")).unwrap();
        apply(&mut doc, &ops).unwrap();
        assert_eq!(doc, v("{l: [a, e, b, d, z]}"));
        assert!(apply(&mut doc, &parse(&v("[{op: remove, path: /l/-6}]")).unwrap()).is_err());
        apply(
            &mut doc,
            &parse(&v("[{op: test, path: /nothere, value: null}]")).unwrap(),
        )
        .unwrap();
    }

    #[test]
    fn failures_name_the_operation() {
        let mut doc = v("{a: 1}");
        let e = apply(&mut doc, &parse(&v("[{op: test, path: /a, value: 2}]")).unwrap()).unwrap_err();
        assert!(e.contains("operation [0] (test /a)"), "{e}");
        assert!(apply(&mut doc, &parse(&v("[{op: replace, path: /b, value: 2}]")).unwrap()).is_err());
        assert!(parse(&v("[{op: jump, path: /a}]")).unwrap_err().contains("unknown op"));
    }
}
