//! The deprecated `vars:`: `$(NAME)` references in the varReference fields are replaced
//! by a field of a named object, once, at the end of the build.
//!
//! Rules (kustomize v5.5):
//! - each level, after its transformers, ties each of its vars to the object its `objref`
//!   names: group/version/kind must equal exactly (`apiVersion` included; an objref without
//!   it matches nothing), the name must equal one the object has had, and the namespace
//!   when given; more than one object is an error, none leaves the var untied;
//! - a var name declared twice in the build is an error;
//! - at the end (after name references are fixed) every var takes the value of its
//!   `fieldref.fieldpath` (default `metadata.name`; `a.b[0].c` indexes lists) in its tied
//!   object; an untied var or a missing field is an error;
//! - in every varReference field: a string is expanded, each string of a list is expanded
//!   (a non-string item is an error), each string value of a mapping is expanded;
//! - expansion: `$(NAME)` of a known var is replaced (a string that is exactly `$(NAME)`
//!   takes the value with its type), `$$` is `$`, unknown `$(X)` and other `$` stay.

use std::collections::HashMap;

use crate::overlay::error::Error;
use crate::overlay::fieldspec::{FieldSpec, split_path};
use crate::overlay::resmap::ResMap;
use crate::overlay::strict::{map, string};
use crate::resource::{Gvk, ResId};
use crate::yaml::{Map, Value};

/// One `vars:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Var {
    pub name: String,
    pub gvk: Gvk,
    pub obj_name: String,
    pub namespace: String,
    pub field_path: String,
    /// `vars[2]`, for messages.
    pub entry: String,
    /// The kustomization file declaring it.
    pub file: String,
}

/// Reads the `vars:` list. Errors are `(field, message)`.
///
/// # Errors
/// A malformed entry.
pub fn parse(items: &[Value], file: &str) -> Result<Vec<Var>, (String, String)> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let entry = format!("vars[{i}]");
        let m = map(item, &entry, &["name", "objref", "fieldref"])?;
        let name = string(m, "name", &entry)?;
        if name.is_empty() {
            return Err((format!("{entry}.name"), "a var needs a name".into()));
        }
        let objref = m.get("objref").cloned().unwrap_or(Value::Map(Map::default()));
        let of = format!("{entry}.objref");
        let o = map(
            &objref,
            &of,
            &["group", "version", "kind", "name", "namespace", "apiVersion"],
        )?;
        let api_version = string(o, "apiVersion", &of)?;
        let gvk = if api_version.is_empty() {
            Gvk::new(
                &string(o, "group", &of)?,
                &string(o, "version", &of)?,
                &string(o, "kind", &of)?,
            )
        } else {
            Gvk::from_api_version(&api_version, &string(o, "kind", &of)?)
        };
        let fieldref = m.get("fieldref").cloned().unwrap_or(Value::Map(Map::default()));
        let ff = format!("{entry}.fieldref");
        let fr = map(&fieldref, &ff, &["fieldpath"])?;
        let mut field_path = string(fr, "fieldpath", &ff)?;
        if field_path.is_empty() {
            field_path = "metadata.name".into();
        }
        out.push(Var {
            name,
            gvk,
            obj_name: string(o, "name", &of)?,
            namespace: string(o, "namespace", &of)?,
            field_path,
            entry,
            file: file.to_string(),
        });
    }
    Ok(out)
}

/// Ties this level's vars to their objects (call after the level's transformers).
/// `declared` holds every var met so far in the build.
///
/// # Errors
/// A var declared twice, or an objref matching several objects.
pub fn tie(rm: &mut ResMap, vars: &[Var], declared: &mut Vec<Var>) -> Result<(), Error> {
    for v in vars {
        if let Some(first) = declared.iter().find(|d| d.name == v.name) {
            return Err(Error::field(
                &v.file,
                &v.entry,
                format!("var '{}' already declared (in {} {})", v.name, first.file, first.entry),
            ));
        }
        let want = ResId::new(v.gvk.clone(), &v.obj_name, &v.namespace);
        let matches = |id: &ResId| {
            id.gvk == want.gvk
                && id.name == want.name
                && (want.namespace.is_empty()
                    || crate::overlay::config::effective_namespace(&id.gvk, &id.namespace)
                        == crate::overlay::config::effective_namespace(&want.gvk, &want.namespace))
        };
        let hits: Vec<usize> = rm
            .iter()
            .enumerate()
            .filter(|(_, r)| r.all_ids().iter().any(matches))
            .map(|(i, _)| i)
            .collect();
        if hits.len() > 1 {
            return Err(Error::field(
                &v.file,
                &v.entry,
                format!(
                    "found {} objects matching var '{}' ({}), unable to disambiguate",
                    hits.len(),
                    v.name,
                    want.kustomize_string()
                ),
            ));
        }
        if let Some(&i) = hits.first() {
            rm.resources_mut()[i].ref_vars.push(v.name.clone());
        }
        declared.push(v.clone());
    }
    Ok(())
}

/// Replaces `$(VAR)` references in the varReference fields of every object.
///
/// # Errors
/// An untied var, a var whose field is missing or not a scalar, or a list in a
/// varReference field holding something other than strings.
pub fn resolve(rm: &mut ResMap, vars: &[Var], specs: &[FieldSpec]) -> Result<(), Error> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<&Var> = vars.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut values: HashMap<&str, Value> = HashMap::new();
    for v in sorted {
        let Some(r) = rm.iter().find(|r| r.ref_vars.contains(&v.name)) else {
            return Err(Error::field(
                &v.file,
                &v.entry,
                format!(
                    "var '{}' cannot be mapped to a field in the set of known resources (no object {})",
                    v.name,
                    ResId::new(v.gvk.clone(), &v.obj_name, &v.namespace).kustomize_string()
                ),
            ));
        };
        let value = field_value(r.value(), &v.field_path).ok_or_else(|| {
            Error::field(
                &v.file,
                &v.entry,
                format!(
                    "field '{}' of var '{}' not found in {}",
                    v.field_path,
                    v.name,
                    r.cur_id()
                ),
            )
        })?;
        if matches!(value, Value::Map(_) | Value::Seq(_) | Value::Null) {
            return Err(Error::field(
                &v.file,
                &v.entry,
                format!(
                    "field '{}' of var '{}' is {}, expected a string, number or boolean",
                    v.field_path,
                    v.name,
                    value.type_name()
                ),
            ));
        }
        values.insert(v.name.as_str(), value);
    }
    let segs: Vec<Vec<String>> = specs.iter().map(|s| split_path(&s.path)).collect();
    for r in rm.iter_mut() {
        let gvk = r.gvk();
        for (spec, segs) in specs.iter().zip(&segs) {
            if !spec.selects(&gvk) {
                continue;
            }
            walk(r.value_mut(), segs, &values).map_err(|m| {
                Error::field(
                    &r.doc.source,
                    format!("{} {}", r.kind(), r.name()),
                    format!("vars: {}: {m}", spec.path.replace('/', ".")),
                )
            })?;
        }
    }
    Ok(())
}

/// kustomize's `GetFieldValue`: dotted path, `name[i]` indexing a list.
fn field_value(obj: &Value, path: &str) -> Option<Value> {
    let mut cur = obj;
    for part in path.split('.') {
        let (key, index) = match part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            Some((k, i)) => (k, Some(i)),
            None => (part, None),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        if let Some(i) = index {
            let i: usize = i.parse().ok()?;
            cur = cur.as_seq()?.get(i)?;
        }
    }
    Some(cur.clone())
}

fn walk(node: &mut Value, segs: &[String], values: &HashMap<&str, Value>) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        return set(node, values);
    };
    match node {
        Value::Seq(items) => items.iter_mut().try_for_each(|i| walk(i, segs, values)),
        Value::Map(m) => match m.get_mut(first.strip_suffix("[]").unwrap_or(first)) {
            Some(child) => walk(child, rest, values),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

fn set(node: &mut Value, values: &HashMap<&str, Value>) -> Result<(), String> {
    match node {
        Value::String(s) => {
            *node = expand(s, values);
            Ok(())
        }
        Value::Seq(items) => {
            for item in items {
                let Value::String(s) = item else {
                    return Err("invalid value type expect a string".into());
                };
                *item = expand(s, values);
            }
            Ok(())
        }
        Value::Map(m) => {
            for v in m.values_mut() {
                if let Value::String(s) = v {
                    *v = expand(s, values);
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Expands `$(NAME)` references in `input`.
pub fn expand(input: &str, values: &HashMap<&str, Value>) -> Value {
    let b = input.as_bytes();
    let mut out = String::new();
    let mut checkpoint = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            out.push_str(&input[checkpoint..i]);
            let rest = &input[i + 1..];
            let advance = match rest.as_bytes()[0] {
                b'$' => {
                    out.push('$');
                    1
                }
                b'(' => match rest.find(')') {
                    Some(close) => {
                        let name = &rest[1..close];
                        match values.get(name) {
                            Some(v) if input.len() == name.len() + 3 => return v.clone(),
                            Some(v) => out.push_str(&text_of(v)),
                            None => {
                                out.push_str("$(");
                                out.push_str(name);
                                out.push(')');
                            }
                        }
                        close + 1
                    }
                    None => {
                        out.push_str("$(");
                        1
                    }
                },
                _ => {
                    let c = rest.chars().next().expect("non-empty");
                    out.push('$');
                    out.push(c);
                    c.len_utf8()
                }
            };
            i += advance;
            checkpoint = i + 1;
        }
        i += 1;
    }
    if checkpoint <= input.len() {
        out.push_str(&input[checkpoint.min(input.len())..]);
    }
    Value::String(out)
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Float(f) => crate::yaml::to_string(&Value::Float(*f)).trim_end().to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals() -> HashMap<&'static str, Value> {
        [("A", Value::from("x")), ("N", Value::Int(80))].into_iter().collect()
    }

    #[test]
    fn expansion() {
        let v = vals();
        assert_eq!(expand("$(A)", &v), Value::from("x"));
        assert_eq!(expand("$(N)", &v), Value::Int(80));
        assert_eq!(expand("a$(N)b", &v), Value::from("a80b"));
        assert_eq!(expand("$$(A)", &v), Value::from("$(A)"));
        assert_eq!(expand("$(NOPE) $(A", &v), Value::from("$(NOPE) $(A"));
        assert_eq!(expand("$x $", &v), Value::from("$x $"));
        assert_eq!(expand("é$(A)ü", &v), Value::from("éxü"));
    }

    #[test]
    fn field_values() {
        let obj = crate::yaml::first_document("spec:\n  ports:\n  - port: 80\n");
        assert_eq!(field_value(&obj, "spec.ports[0].port"), Some(Value::Int(80)));
        assert_eq!(field_value(&obj, "spec.ports[1].port"), None);
    }
}
