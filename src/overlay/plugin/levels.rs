//! Turning a plugin config's fields into a synthetic kustomization level, so that the
//! code of the matching kustomization field runs it (generator entries and patch fields go
//! through `Kustomization::parse`, which checks them as it checks the real fields).

use crate::overlay::config::{FieldTables, parse_spec};
use crate::overlay::error::Error;
use crate::overlay::fieldspec::FieldSpec;
use crate::overlay::kustomization::{Kustomization, generator_fields};
use crate::yaml::{self, Map, Value};

use super::Config;

/// A level holding the config of a patch plugin as the matching kustomization field:
/// `PatchTransformer` (`path`/`patch`, `target`, `options`) as a `patches` entry,
/// `PatchStrategicMergeTransformer` (`paths`, then the inline `patches`) as
/// `patchesStrategicMerge` entries, `PatchJson6902Transformer` (`target`, `path`/`jsonOp`)
/// as a `patchesJson6902` entry.
pub(super) fn patch_level(m: &Map, kind: &str, file: &str) -> Result<Kustomization, String> {
    let pick = |keys: &[(&str, &str)]| -> Map {
        keys.iter()
            .filter_map(|(from, to)| {
                m.get(*from)
                    .filter(|v| !v.is_null())
                    .map(|v| (to.to_string(), v.clone()))
            })
            .collect()
    };
    let (field, entries) = match kind {
        "PatchTransformer" => {
            let entry = pick(&[
                ("path", "path"),
                ("patch", "patch"),
                ("target", "target"),
                ("options", "options"),
            ]);
            if !entry.contains_key("path") && !entry.contains_key("patch") {
                return Err("must specify one of patch and path".into());
            }
            ("patches", vec![Value::Map(entry)])
        }
        "PatchStrategicMergeTransformer" => {
            let mut list: Vec<Value> = match m.get("paths") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Seq(items)) => items.clone(),
                Some(v) => return Err(format!("paths: expected a list, found {}", v.type_name())),
            };
            match m.get("patches") {
                None | Some(Value::Null) => {}
                Some(v @ Value::String(_)) => list.push(v.clone()),
                Some(v) => return Err(format!("patches: expected a string, found {}", v.type_name())),
            }
            if list.is_empty() {
                return Err("empty file path and empty patch content".into());
            }
            ("patchesStrategicMerge", list)
        }
        _ => {
            let entry = pick(&[("target", "target"), ("path", "path"), ("jsonOp", "patch")]);
            if !entry.contains_key("path") && !entry.contains_key("patch") {
                return Err("empty file path and empty json patch operations".into());
            }
            ("patchesJson6902", vec![Value::Map(entry)])
        }
    };
    level(field, entries, file)
}

/// A level whose kustomization holds only `field: entries`, with the built-in field tables.
fn level(field: &str, entries: Vec<Value>, file: &str) -> Result<Kustomization, String> {
    let mut doc = Map::default();
    doc.insert(field.to_string(), Value::Seq(entries));
    let text = yaml::to_string(&Value::Map(doc));
    let mut level = Kustomization::parse(text.as_bytes(), file).map_err(|e| match e {
        Error::Field { field, message, .. } => format!("{field}: {message}"),
        other => other.to_string(),
    })?;
    level.fields = FieldTables::builtin();
    Ok(level)
}

/// `fieldSpecs`, `None` when absent.
pub(super) fn field_specs(m: &Map) -> Result<Option<Vec<FieldSpec>>, String> {
    match m.get("fieldSpecs") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Seq(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| parse_spec(v, &format!("fieldSpecs[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(format!("fieldSpecs: expected a list, found {}", v.type_name())),
    }
}

pub(super) fn string(m: &Map, key: &str) -> Result<String, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err(format!("{key}: expected a string, found {}", v.type_name())),
    }
}

pub(super) fn string_map(m: &Map, key: &str) -> Result<Map, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(Map::default()),
        Some(Value::Map(pairs)) => pairs
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), Value::String(s.clone()))),
                Value::Null => Ok((k.clone(), Value::String(String::new()))),
                v => Err(format!("{key}.{k}: expected a string, found {}", v.type_name())),
            })
            .collect(),
        Some(v) => Err(format!("{key}: expected a mapping, found {}", v.type_name())),
    }
}

/// A level holding one generator entry built from the config's fields.
pub(super) fn generator_level(c: &Config, m: &Map, kind: &str, file: &str) -> Result<Kustomization, String> {
    let mut args = Map::default();
    for &key in generator_fields(kind == "SecretGenerator") {
        if let Some(v) = m.get(key).filter(|v| !v.is_null()) {
            args.insert(key.to_string(), v.clone());
        }
    }
    for key in ["name", "namespace"] {
        let from_meta = c.value.str_at(&["metadata", key]).unwrap_or("");
        if args.get(key).and_then(Value::as_str).is_none_or(str::is_empty) && !from_meta.is_empty() {
            args.insert(key.to_string(), Value::String(from_meta.to_string()));
        }
    }
    let field = if kind == "SecretGenerator" {
        "secretGenerator"
    } else {
        "configMapGenerator"
    };
    level(field, vec![Value::Map(args)], file)
}
