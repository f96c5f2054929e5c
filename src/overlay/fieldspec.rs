//! Field specs: "this field of objects of this kind", the way kustomize's transformers
//! and name-reference fixing address fields, and the walk that visits them.
//!
//! Walk rules (as kustomize's field-spec filter applies them):
//! - a spec applies only to objects its group/version/kind selects (empty parts match all);
//! - the path is split on `/` (a `[...]` segment may hold `/`); `name[]` hints a list;
//! - at a list, the rest of the path applies to every element;
//! - a missing field stops the walk, unless the spec says `create` (and no `[]` hint):
//!   inner fields are created as mappings, the last one as the caller's kind;
//! - a null found on the way becomes an empty value of the expected kind;
//! - a null met before the path ends stops the walk; any other scalar there is an error.

use crate::resource::Gvk;
use crate::yaml::{Map, Value};

/// One field of objects of some kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// Which objects the spec applies to; empty parts match anything.
    pub gvk: Gvk,
    /// Slash-separated field path, e.g. `spec/template/metadata/labels`.
    pub path: String,
    /// Create the field when it is missing.
    pub create: bool,
}

impl FieldSpec {
    #[cfg(test)]
    pub fn new(kind: &str, path: &str, create: bool) -> Self {
        FieldSpec {
            gvk: Gvk::new("", "", kind),
            path: path.into(),
            create,
        }
    }

    pub fn with_gvk(group: &str, version: &str, kind: &str, path: &str, create: bool) -> Self {
        FieldSpec {
            gvk: Gvk::new(group, version, kind),
            path: path.into(),
            create,
        }
    }

    /// Whether the spec applies to objects of `gvk`.
    pub fn selects(&self, gvk: &Gvk) -> bool {
        self.gvk.selects(gvk)
    }

    /// Path segments, `[...]` kept whole.
    pub fn segments(&self) -> Vec<String> {
        split_path(&self.path)
    }
}

/// What to create at the end of the path when the field is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    /// Nothing: a missing field is skipped even for `create` specs.
    None,
    Scalar,
    Map,
    Seq,
}

/// Splits a field path on `/`, keeping `[...]` groups whole; `\/` is a literal slash
/// (annotation keys such as `config.kubernetes.io\/origin`).
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '/' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.retain(|s| !s.is_empty());
    out
}

/// Calls `f` on every node `spec` addresses in `obj`, creating fields as the spec says.
/// `f` gets the node and may change it.
///
/// # Errors
/// A scalar where the path expects a mapping or list (`"expected sequence or mapping
/// node at <field>"`), or any error `f` returns.
pub fn visit<F>(obj: &mut Value, gvk: &Gvk, spec: &FieldSpec, create: CreateKind, f: &mut F) -> Result<(), String>
where
    F: FnMut(&mut Value) -> Result<(), String>,
{
    if !spec.selects(gvk) {
        return Ok(());
    }
    let segs = spec.segments();
    walk(obj, &segs, spec.create, create, f, &spec.path)
}

fn walk<F>(
    node: &mut Value,
    path: &[String],
    create_ok: bool,
    create: CreateKind,
    f: &mut F,
    full: &str,
) -> Result<(), String>
where
    F: FnMut(&mut Value) -> Result<(), String>,
{
    if path.is_empty() {
        return f(node);
    }
    match node {
        Value::Seq(items) => {
            for item in items {
                walk(item, path, create_ok, create, f, full)?;
            }
            Ok(())
        }
        Value::Map(map) => {
            let (name, seq_hint) = match path[0].strip_suffix("[]") {
                Some(n) => (n, true),
                None => (path[0].as_str(), false),
            };
            let last = path.len() == 1;
            let want = if seq_hint {
                Some(CreateKind::Seq)
            } else if !create_ok || create == CreateKind::None {
                None
            } else if last {
                Some(create)
            } else {
                Some(CreateKind::Map)
            };
            let may_create = create_ok && create != CreateKind::None && !seq_hint;
            if !map.contains_key(name) {
                if !may_create {
                    return Ok(());
                }
                map.insert(name.to_string(), empty_of(want.unwrap_or(CreateKind::Map)));
            }
            let child = map.get_mut(name).expect("present");
            if child.is_null()
                && let Some(k) = want
            {
                *child = empty_of(k);
            }
            walk(child, &path[1..], create_ok, create, f, full)
        }
        // A null that may not be created ends the walk quietly, as in kustomize.
        Value::Null => Ok(()),
        _ => Err(format!(
            "expected sequence or mapping node at '{}' of path '{full}'",
            path[0]
        )),
    }
}

fn empty_of(kind: CreateKind) -> Value {
    match kind {
        CreateKind::Map | CreateKind::None => Value::Map(Map::default()),
        CreateKind::Seq => Value::Seq(Vec::new()),
        CreateKind::Scalar => Value::String(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj() -> Value {
        let mut spec = Map::default();
        let c1: Map = [("image".to_string(), Value::from("a"))].into_iter().collect();
        let c2: Map = [("image".to_string(), Value::from("b"))].into_iter().collect();
        spec.insert("containers".into(), Value::Seq(vec![Value::Map(c1), Value::Map(c2)]));
        let mut m = Map::default();
        m.insert("kind".into(), "Pod".into());
        m.insert("spec".into(), Value::Map(spec));
        Value::Map(m)
    }

    #[test]
    fn splits_paths() {
        assert_eq!(
            split_path("spec/template/metadata/labels"),
            ["spec", "template", "metadata", "labels"]
        );
        assert_eq!(split_path("a/[name=x/y]/b"), ["a", "[name=x/y]", "b"]);
        assert_eq!(
            split_path("metadata/annotations/a.io\\/b"),
            ["metadata", "annotations", "a.io/b"]
        );
    }

    #[test]
    fn walks_lists() {
        let mut o = obj();
        let gvk = Gvk::new("", "v1", "Pod");
        let mut seen = Vec::new();
        let spec = FieldSpec::new("Pod", "spec/containers[]/image", false);
        visit(&mut o, &gvk, &spec, CreateKind::None, &mut |v| {
            seen.push(v.as_str().unwrap().to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["a", "b"]);
    }

    #[test]
    fn creates_when_asked() {
        let mut o = obj();
        let gvk = Gvk::new("", "v1", "Pod");
        let spec = FieldSpec::new("", "metadata/labels", true);
        visit(&mut o, &gvk, &spec, CreateKind::Map, &mut |v| {
            v.as_map_mut().unwrap().insert("a".into(), "b".into());
            Ok(())
        })
        .unwrap();
        assert_eq!(o.str_at(&["metadata", "labels", "a"]), Some("b"));
        let skip = FieldSpec::new("Deployment", "metadata/annotations", true);
        visit(&mut o, &gvk, &skip, CreateKind::Map, &mut |_| panic!("not selected")).unwrap();
    }

    #[test]
    fn scalar_in_the_way_is_an_error() {
        let mut o = obj();
        let gvk = Gvk::new("", "v1", "Pod");
        let spec = FieldSpec::new("", "kind/x", false);
        assert!(visit(&mut o, &gvk, &spec, CreateKind::None, &mut |_| Ok(())).is_err());
    }
}
