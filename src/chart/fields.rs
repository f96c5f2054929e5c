//! The types of `Chart.yaml` fields, checked before decoding so a wrong one is named
//! (`dependencies[0].tags: expected a list of strings, found a string`), as Helm's decoder
//! refuses them.

use super::MetadataError;
use crate::yaml::Value;

/// What a `Chart.yaml` field holds, for type errors that name the field.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Strs,
    Bool,
    StrMap,
    Deps,
    Maintainers,
    Imports,
}

fn top_kind(key: &str) -> Option<Kind> {
    Some(match key {
        "apiVersion" | "name" | "version" | "kubeVersion" | "description" | "type" | "home" | "icon" | "appVersion" => {
            Kind::Str
        }
        "keywords" | "sources" => Kind::Strs,
        "deprecated" => Kind::Bool,
        "annotations" => Kind::StrMap,
        "dependencies" => Kind::Deps,
        "maintainers" => Kind::Maintainers,
        _ => return None,
    })
}

fn dep_kind(key: &str) -> Option<Kind> {
    Some(match key {
        "name" | "version" | "repository" | "condition" | "alias" => Kind::Str,
        "tags" => Kind::Strs,
        "enabled" => Kind::Bool,
        "import-values" => Kind::Imports,
        _ => return None,
    })
}

/// Checks the types of the fields Helm reads, naming the first wrong one
/// (`dependencies[0].tags: expected a list of strings, found a string`).
pub(super) fn ensure_types(v: &Value) -> Result<(), MetadataError> {
    let Value::Map(m) = v else {
        return Err(MetadataError::FieldType {
            field: "(top)".into(),
            expected: "a mapping",
            found: v.type_name(),
        });
    };
    for (k, v) in m {
        if let Some(kind) = top_kind(k) {
            ensure_kind(k, kind, v)?;
        }
    }
    Ok(())
}

fn ensure_kind(field: &str, kind: Kind, v: &Value) -> Result<(), MetadataError> {
    let wrong = |expected: &'static str| MetadataError::FieldType {
        field: field.to_string(),
        expected,
        found: v.type_name(),
    };
    let is_scalar_str = |v: &Value| matches!(v, Value::String(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_));
    match (kind, v) {
        (_, Value::Null) => Ok(()),
        (Kind::Str, v) if is_scalar_str(v) => Ok(()),
        (Kind::Str, _) => Err(wrong("a string")),
        (Kind::Bool, Value::Bool(_)) => Ok(()),
        (Kind::Bool, _) => Err(wrong("a boolean")),
        (Kind::Strs, Value::Seq(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| ensure_kind(&format!("{field}[{i}]"), Kind::Str, x)),
        (Kind::Strs, _) => Err(wrong("a list of strings")),
        (Kind::StrMap, Value::Map(m)) => m
            .iter()
            .try_for_each(|(k, x)| ensure_kind(&format!("{field}.{k}"), Kind::Str, x)),
        (Kind::StrMap, _) => Err(wrong("a mapping of strings")),
        (Kind::Deps | Kind::Maintainers, Value::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{field}[{i}]");
                let Value::Map(entry) = item else {
                    return Err(MetadataError::FieldType {
                        field: at,
                        expected: "a mapping",
                        found: item.type_name(),
                    });
                };
                for (k, x) in entry {
                    let sub = match kind {
                        Kind::Deps => dep_kind(k),
                        _ => matches!(k.as_str(), "name" | "email" | "url").then_some(Kind::Str),
                    };
                    if let Some(sub) = sub {
                        ensure_kind(&format!("{at}.{k}"), sub, x)?;
                    }
                }
            }
            Ok(())
        }
        (Kind::Deps | Kind::Maintainers, _) => Err(wrong("a list of mappings")),
        (Kind::Imports, Value::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{field}[{i}]");
                match item {
                    Value::String(_) => {}
                    Value::Map(pair) => {
                        for key in ["child", "parent"] {
                            match pair.get(key) {
                                Some(Value::String(_)) => {}
                                other => {
                                    return Err(MetadataError::FieldType {
                                        field: format!("{at}.{key}"),
                                        expected: "a string",
                                        found: other.map_or("nothing", Value::type_name),
                                    });
                                }
                            }
                        }
                    }
                    other => {
                        return Err(MetadataError::FieldType {
                            field: at,
                            expected: "a string or a child/parent mapping",
                            found: other.type_name(),
                        });
                    }
                }
            }
            Ok(())
        }
        (Kind::Imports, _) => Err(wrong("a list")),
    }
}
