//! Reading `replacements:` entries (inline, or `path:` files holding one replacement or a
//! list of them) into typed specs.
//!
//! Rules (kustomize v5.5):
//! - an entry has either `path` or `source`/`targets`, not both;
//! - inline entries are read strictly (an unknown field is an error, as in the whole
//!   kustomization file); entries read from a `path:` file ignore unknown fields;
//! - a replacement without `source` or without `targets` (or with `targets: []`) is an
//!   error; a target without `select` is an error;
//! - `source.fieldPath` and an empty `fieldPaths` default to `metadata.name`.

use crate::yaml::{Map, Value};

/// The field path used when none is given.
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Which objects a selector picks: empty parts match anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub label_selector: String,
    pub annotation_selector: String,
}

impl Selector {
    /// Whether the id part (group, version, kind, name, namespace) is empty.
    pub fn id_is_empty(&self) -> bool {
        self.group.is_empty()
            && self.version.is_empty()
            && self.kind.is_empty()
            && self.name.is_empty()
            && self.namespace.is_empty()
    }

    /// kustomize's `ResId.String()` of the selector, for messages.
    pub fn describe(&self) -> String {
        let id = crate::resource::ResId::new(
            crate::resource::Gvk::new(&self.group, &self.version, &self.kind),
            &self.name,
            &self.namespace,
        );
        id.kustomize_string()
    }
}

/// `options:` of a source or target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldOptions {
    pub delimiter: String,
    pub index: i64,
    pub create: bool,
}

/// Where a replacement's value comes from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub id: Selector,
    pub field_path: String,
    pub options: FieldOptions,
}

/// Where a replacement's value goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    pub select: Selector,
    pub reject: Vec<Selector>,
    pub field_paths: Vec<String>,
    pub options: FieldOptions,
}

/// One replacement, with the name of the entry it came from for messages
/// (`replacements[1]`, or `replacements[1] (r.yaml[2])` for an item of a file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replacement {
    pub entry: String,
    pub source: Source,
    pub targets: Vec<Target>,
}

/// A `replacements:` entry as written in the kustomization.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Inline(Box<Replacement>),
    /// A file holding one replacement or a list of them; loaded when the build runs.
    Path {
        path: String,
        entry: String,
    },
}

/// Reads the `replacements:` list. Errors are `(field, message)`.
///
/// # Errors
/// A malformed entry.
pub fn parse_entries(items: &[Value], key: &str) -> Result<Vec<Entry>, (String, String)> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let entry = format!("{key}[{i}]");
        let m = item
            .as_map()
            .ok_or_else(|| (entry.clone(), format!("expected a mapping, found {}", item.type_name())))?;
        if let Some(p) = m.get("path").filter(|p| !p.is_null()) {
            let path = p.as_str().ok_or_else(|| {
                (
                    format!("{entry}.path"),
                    format!("expected a string, found {}", p.type_name()),
                )
            })?;
            if m.keys().any(|k| k == "source" || k == "targets") {
                return Err((entry, "cannot specify both path and inline replacement".into()));
            }
            if let Some(k) = m.keys().find(|k| *k != "path") {
                return Err((format!("{entry}.{k}"), "unknown field".into()));
            }
            out.push(Entry::Path {
                path: path.to_string(),
                entry,
            });
            continue;
        }
        out.push(Entry::Inline(Box::new(parse_one(item, &entry, true)?)));
    }
    Ok(out)
}

/// Reads the replacements of a `path:` file: one mapping or a list of them.
///
/// # Errors
/// A document that is neither, or a malformed replacement.
pub fn parse_file(doc: &Value, entry: &str, shown: &str) -> Result<Vec<Replacement>, (String, String)> {
    match doc {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_one(item, &format!("{entry} ({shown}[{i}])"), false))
            .collect(),
        Value::Map(_) => Ok(vec![parse_one(doc, &format!("{entry} ({shown})"), false)?]),
        other => Err((
            entry.to_string(),
            format!(
                "{shown}: unsupported replacement type: expected a mapping or a list, found {}",
                other.type_name()
            ),
        )),
    }
}

/// Typed access with strict or lenient unknown-field handling.
struct Reader<'a> {
    entry: &'a str,
    strict: bool,
}

impl Reader<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> (String, String) {
        let at = if field.is_empty() {
            self.entry.to_string()
        } else {
            format!("{}.{field}", self.entry)
        };
        (at, message.into())
    }

    fn map<'m>(&self, v: &'m Value, field: &str, allowed: &[&str]) -> Result<&'m Map, (String, String)> {
        let m = v
            .as_map()
            .ok_or_else(|| self.err(field, format!("expected a mapping, found {}", v.type_name())))?;
        if self.strict
            && let Some(k) = m.keys().find(|k| !allowed.contains(&k.as_str()))
        {
            let at = if field.is_empty() {
                k.clone()
            } else {
                format!("{field}.{k}")
            };
            return Err(self.err(&at, "unknown field"));
        }
        Ok(m)
    }

    fn string(&self, m: &Map, key: &str, field: &str) -> Result<String, (String, String)> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(self.err(&join(field, key), format!("expected a string, found {}", v.type_name()))),
        }
    }

    fn selector(&self, v: &Value, field: &str, with_selectors: bool) -> Result<Selector, (String, String)> {
        // The patch `target:` fields; without selectors only the id ones before them.
        let all = crate::overlay::patch::TARGET_FIELDS;
        let m = self.map(v, field, if with_selectors { all } else { &all[..5] })?;
        Ok(Selector {
            group: self.string(m, "group", field)?,
            version: self.string(m, "version", field)?,
            kind: self.string(m, "kind", field)?,
            name: self.string(m, "name", field)?,
            namespace: self.string(m, "namespace", field)?,
            label_selector: self.string(m, "labelSelector", field)?,
            annotation_selector: self.string(m, "annotationSelector", field)?,
        })
    }

    fn options(&self, m: &Map, field: &str) -> Result<FieldOptions, (String, String)> {
        let Some(v) = m.get("options").filter(|v| !v.is_null()) else {
            return Ok(FieldOptions::default());
        };
        let field = join(field, "options");
        let o = self.map(v, &field, &["delimiter", "index", "encoding", "create"])?;
        let index = match o.get("index") {
            None | Some(Value::Null) => 0,
            Some(v) => v.as_i64().filter(|_| !matches!(v, Value::Float(_))).ok_or_else(|| {
                self.err(
                    &join(&field, "index"),
                    format!("expected an integer, found {}", v.type_name()),
                )
            })?,
        };
        let create = match o.get("create") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                return Err(self.err(
                    &join(&field, "create"),
                    format!("expected a boolean, found {}", v.type_name()),
                ));
            }
        };
        self.string(o, "encoding", &field)?;
        Ok(FieldOptions {
            delimiter: self.string(o, "delimiter", &field)?,
            index,
            create,
        })
    }
}

fn join(field: &str, key: &str) -> String {
    if field.is_empty() {
        key.to_string()
    } else {
        format!("{field}.{key}")
    }
}

/// One replacement mapping `{source, targets}`.
fn parse_one(v: &Value, entry: &str, strict: bool) -> Result<Replacement, (String, String)> {
    let r = Reader { entry, strict };
    let m = r.map(v, "", &["source", "targets", "path"])?;
    // An empty `targets: []` counts as missing, as in kustomize.
    let (Some(source), Some(targets)) = (
        m.get("source").filter(|v| !v.is_null()),
        m.get("targets")
            .filter(|v| !v.is_null() && v.as_seq().is_none_or(|s| !s.is_empty())),
    ) else {
        return Err(r.err("", "replacements must specify a source and at least one target"));
    };
    let sm = r.map(
        source,
        "source",
        &["group", "version", "kind", "name", "namespace", "fieldPath", "options"],
    )?;
    let mut id_only = Map::default();
    for key in ["group", "version", "kind", "name", "namespace"] {
        if let Some(x) = sm.get(key) {
            id_only.insert(key.to_string(), x.clone());
        }
    }
    let mut field_path = r.string(sm, "fieldPath", "source")?;
    if field_path.is_empty() {
        field_path = DEFAULT_FIELD_PATH.to_string();
    }
    let source = Source {
        id: r.selector(&Value::Map(id_only), "source", false)?,
        field_path,
        options: r.options(sm, "source")?,
    };
    let Value::Seq(items) = targets else {
        return Err(r.err("targets", format!("expected a list, found {}", targets.type_name())));
    };
    let mut out = Vec::new();
    for (i, t) in items.iter().enumerate() {
        let field = format!("targets[{i}]");
        let tm = r.map(t, &field, &["select", "reject", "fieldPaths", "options"])?;
        let select = match tm.get("select").filter(|v| !v.is_null()) {
            Some(s) => r.selector(s, &join(&field, "select"), true)?,
            None => return Err(r.err(&field, "target must specify resources to select")),
        };
        let mut reject = Vec::new();
        match tm.get("reject") {
            None | Some(Value::Null) => {}
            Some(Value::Seq(list)) => {
                for (j, x) in list.iter().enumerate() {
                    reject.push(r.selector(x, &format!("{field}.reject[{j}]"), true)?);
                }
            }
            Some(x) => {
                return Err(r.err(
                    &join(&field, "reject"),
                    format!("expected a list, found {}", x.type_name()),
                ));
            }
        }
        let mut field_paths = Vec::new();
        match tm.get("fieldPaths") {
            None | Some(Value::Null) => {}
            Some(Value::Seq(list)) => {
                for (j, x) in list.iter().enumerate() {
                    match x {
                        Value::String(s) => field_paths.push(s.clone()),
                        other => {
                            return Err(r.err(
                                &format!("{field}.fieldPaths[{j}]"),
                                format!("expected a string, found {}", other.type_name()),
                            ));
                        }
                    }
                }
            }
            Some(x) => {
                return Err(r.err(
                    &join(&field, "fieldPaths"),
                    format!("expected a list, found {}", x.type_name()),
                ));
            }
        }
        if field_paths.is_empty() {
            field_paths.push(DEFAULT_FIELD_PATH.to_string());
        }
        out.push(Target {
            select,
            reject,
            field_paths,
            options: r.options(tm, &field)?,
        });
    }
    Ok(Replacement {
        entry: entry.to_string(),
        source,
        targets: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{self, Dialect};

    fn items(text: &str) -> Vec<Value> {
        match yaml::first_document(text) {
            Value::Seq(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_and_options() {
        let e = parse_entries(
            &items(
                "- source: {kind: ConfigMap, name: cm}\n  targets:\n  - select: {kind: Deployment}\n    options: {delimiter: ':', index: 1, create: true}\n- path: r.yaml\n",
            ),
            "replacements",
        )
        .unwrap();
        let Entry::Inline(r) = &e[0] else { panic!() };
        assert_eq!(r.source.field_path, "metadata.name");
        assert_eq!(r.targets[0].field_paths, ["metadata.name"]);
        assert_eq!(r.targets[0].options.index, 1);
        assert!(r.targets[0].options.create);
        assert_eq!(
            e[1],
            Entry::Path {
                path: "r.yaml".into(),
                entry: "replacements[1]".into()
            }
        );
    }

    #[test]
    fn malformed_entries() {
        let err = |t: &str| parse_entries(&items(t), "replacements").unwrap_err();
        assert_eq!(
            err("- source: {kind: A}\n").1,
            "replacements must specify a source and at least one target"
        );
        assert_eq!(
            err("- source: {kind: A}\n  targets: [{fieldPaths: [a]}]\n"),
            (
                "replacements[0].targets[0]".into(),
                "target must specify resources to select".into()
            )
        );
        assert_eq!(
            err("- source: {kind: A, bogus: 1}\n  targets: [{select: {kind: B}}]\n").0,
            "replacements[0].source.bogus"
        );
        assert_eq!(
            err("- path: a.yaml\n  source: {kind: A}\n").1,
            "cannot specify both path and inline replacement"
        );
    }

    #[test]
    fn files_are_lenient() {
        let doc = yaml::parse_stream(
            "source: {kind: A, bogus: 1}\ntargets: [{select: {kind: B}}]\n",
            Dialect::Kustomize,
            "r.yaml",
        )
        .unwrap()
        .remove(0)
        .value;
        let r = parse_file(&doc, "replacements[0]", "r.yaml").unwrap();
        assert_eq!(r[0].entry, "replacements[0] (r.yaml)");
    }
}
