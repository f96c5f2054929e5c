//! The field tables one kustomization level works with: kustomize's built-in ones, plus
//! what `configurations:` files add (in this kustomization and in the bases it builds).
//!
//! Rules (kustomize v5.5's transformer config merge):
//! - a `configurations:` file is a mapping with any of `namePrefix`, `nameSuffix`,
//!   `namespace`, `commonLabels`, `templateLabels`, `commonAnnotations`, `images`,
//!   `replicas`, `varReference` (lists of field specs `{group, version, kind, path,
//!   create}`) and `nameReference` (list of `{group, version, kind, fieldSpecs}`);
//! - a spec already in a table (same group/version/kind and path) is not added again; one
//!   that differs only in `create` is an error ("conflicting fieldspecs");
//! - a `nameReference` entry for a kind already in the table adds its fields to it; the
//!   table is then sorted again as kustomize sorts it;
//! - a base's tables are merged into the tables of the kustomization that builds it, so a
//!   base's configurations reach its overlays (and name-reference fixing at the end).

use std::sync::{Arc, LazyLock};

use super::{NameReference, gvk_order, name_reference};
use crate::overlay::fieldspec::FieldSpec;
use crate::resource::Gvk;
use crate::yaml::{Map, Value};

/// Field specs per transformer, and the name-reference table.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldTables {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    /// Fields besides `metadata/namespace` that `namespace:` sets.
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    /// The object's labels plus template labels (a `labels:` entry with `includeTemplates`).
    pub template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
    /// Fields where `$(VAR)` references are replaced.
    pub var_reference: Vec<FieldSpec>,
    pub name_reference: Vec<NameReference>,
}

static BUILTIN: LazyLock<Arc<FieldTables>> = LazyLock::new(|| {
    Arc::new(FieldTables {
        name_prefix: super::name_prefix().to_vec(),
        name_suffix: super::name_suffix().to_vec(),
        namespace: super::namespace().to_vec(),
        common_labels: super::common_labels().to_vec(),
        template_labels: super::template_labels().to_vec(),
        common_annotations: super::common_annotations().to_vec(),
        images: super::images().to_vec(),
        replicas: super::replicas().to_vec(),
        var_reference: super::var_reference::var_reference().to_vec(),
        name_reference: name_reference().to_vec(),
    })
});

impl Default for FieldTables {
    fn default() -> Self {
        (**BUILTIN).clone()
    }
}

/// The keys of a `configurations:` file.
const KEYS: &[&str] = &[
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "templateLabels",
    "commonAnnotations",
    "images",
    "replicas",
    "varReference",
    "nameReference",
];

impl FieldTables {
    /// kustomize's built-in tables, shared.
    pub fn builtin() -> Arc<FieldTables> {
        BUILTIN.clone()
    }

    /// Adds what `other` holds that `self` lacks.
    ///
    /// # Errors
    /// A spec of `other` that differs from one of `self` only in `create`.
    pub fn merge(&mut self, other: &FieldTables) -> Result<(), String> {
        merge_specs(&mut self.name_prefix, &other.name_prefix)?;
        merge_specs(&mut self.name_suffix, &other.name_suffix)?;
        merge_specs(&mut self.namespace, &other.namespace)?;
        merge_specs(&mut self.common_labels, &other.common_labels)?;
        merge_specs(&mut self.template_labels, &other.template_labels)?;
        merge_specs(&mut self.common_annotations, &other.common_annotations)?;
        merge_specs(&mut self.images, &other.images)?;
        merge_specs(&mut self.replicas, &other.replicas)?;
        merge_specs(&mut self.var_reference, &other.var_reference)?;
        if self.name_reference != other.name_reference {
            for e in &other.name_reference {
                merge_name_reference(&mut self.name_reference, e.clone())?;
            }
            self.name_reference.sort_by(|a, b| gvk_order(&a.referral, &b.referral));
        }
        Ok(())
    }

    /// Adds the tables of one `configurations:` file's document.
    ///
    /// # Errors
    /// A document that is not a mapping, an unknown key, a malformed spec (the message
    /// names the key and index), or a conflicting spec.
    pub fn add_config(&mut self, doc: &Value) -> Result<(), String> {
        let map = match doc {
            Value::Null => return Ok(()),
            Value::Map(m) => m,
            other => return Err(format!("expected a mapping, found {}", other.type_name())),
        };
        for (key, value) in map {
            if key == "nameReference" {
                for (i, item) in list(value, key)?.iter().enumerate() {
                    let field = format!("{key}[{i}]");
                    let m = item
                        .as_map()
                        .ok_or_else(|| format!("{field}: expected a mapping, found {}", item.type_name()))?;
                    let referral = gvk_of(m, &field)?;
                    let mut referrers = Vec::new();
                    if let Some(specs) = m.get("fieldSpecs") {
                        for (j, s) in list(specs, &format!("{field}.fieldSpecs"))?.iter().enumerate() {
                            referrers.push(parse_spec(s, &format!("{field}.fieldSpecs[{j}]"))?);
                        }
                    }
                    merge_name_reference(&mut self.name_reference, NameReference { referral, referrers })?;
                }
                self.name_reference.sort_by(|a, b| gvk_order(&a.referral, &b.referral));
                continue;
            }
            let table = match key.as_str() {
                "namePrefix" => &mut self.name_prefix,
                "nameSuffix" => &mut self.name_suffix,
                "namespace" => &mut self.namespace,
                "commonLabels" => &mut self.common_labels,
                "templateLabels" => &mut self.template_labels,
                "commonAnnotations" => &mut self.common_annotations,
                "images" => &mut self.images,
                "replicas" => &mut self.replicas,
                "varReference" => &mut self.var_reference,
                _ => {
                    return Err(format!("{key}: unknown field (expected one of {})", KEYS.join(", ")));
                }
            };
            let mut specs = Vec::new();
            for (i, s) in list(value, key)?.iter().enumerate() {
                specs.push(parse_spec(s, &format!("{key}[{i}]"))?);
            }
            merge_specs(table, &specs).map_err(|e| format!("{key}: {e}"))?;
        }
        Ok(())
    }

    /// The name-reference table with the reference fields `crds:` documents declare.
    ///
    /// # Errors
    /// As [`super::name_reference_with_crds`].
    pub fn name_reference_with_crds(&self, crds: &[Value]) -> Result<Vec<NameReference>, String> {
        let mut table = super::name_reference_with_crds(crds)?;
        if self.name_reference.as_slice() != name_reference() {
            for e in &self.name_reference {
                merge_name_reference(&mut table, e.clone())?;
            }
            table.sort_by(|a, b| gvk_order(&a.referral, &b.referral));
        }
        Ok(table)
    }
}

fn list<'a>(v: &'a Value, field: &str) -> Result<&'a [Value], String> {
    match v {
        Value::Null => Ok(&[]),
        Value::Seq(s) => Ok(s),
        other => Err(format!("{field}: expected a list, found {}", other.type_name())),
    }
}

fn text(m: &Map, key: &str, field: &str) -> Result<String, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err(format!("{field}.{key}: expected a string, found {}", v.type_name())),
    }
}

fn gvk_of(m: &Map, field: &str) -> Result<Gvk, String> {
    Ok(Gvk::new(
        &text(m, "group", field)?,
        &text(m, "version", field)?,
        &text(m, "kind", field)?,
    ))
}

/// One field spec `{group, version, kind, path, create}`.
///
/// # Errors
/// Not a mapping, a field of the wrong type, or no `path`.
pub fn parse_spec(v: &Value, field: &str) -> Result<FieldSpec, String> {
    let m = v
        .as_map()
        .ok_or_else(|| format!("{field}: expected a mapping, found {}", v.type_name()))?;
    if let Some(k) = m
        .keys()
        .find(|k| !["group", "version", "kind", "path", "create"].contains(&k.as_str()))
    {
        return Err(format!("{field}.{k}: unknown field"));
    }
    let gvk = gvk_of(m, field)?;
    let path = text(m, "path", field)?;
    let create = match m.get("create") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(format!("{field}.create: expected a boolean, found {}", v.type_name())),
    };
    Ok(FieldSpec { gvk, path, create })
}

/// Appends the specs of `more` that `specs` lacks.
///
/// # Errors
/// A spec equal to one present except for `create`.
pub fn merge_specs(specs: &mut Vec<FieldSpec>, more: &[FieldSpec]) -> Result<(), String> {
    for fs in more {
        match specs.iter().find(|o| o.gvk == fs.gvk && o.path == fs.path) {
            Some(o) if o.create != fs.create => {
                return Err(format!(
                    "conflicting fieldspecs for '{}' of {}",
                    fs.path,
                    fs.gvk.kustomize_string()
                ));
            }
            Some(_) => {}
            None => specs.push(fs.clone()),
        }
    }
    Ok(())
}

fn merge_name_reference(table: &mut Vec<NameReference>, entry: NameReference) -> Result<(), String> {
    match table.iter_mut().find(|e| e.referral == entry.referral) {
        Some(existing) => merge_specs(&mut existing.referrers, &entry.referrers),
        None => {
            table.push(entry);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn doc(text: &str) -> Value {
        yaml::first_document(text)
    }

    #[test]
    fn adds_specs_once() {
        let mut t = FieldTables::default();
        let n = t.common_labels.len();
        t.add_config(&doc(
            "commonLabels:\n- path: spec/x\n  kind: Foo\n  create: true\n- path: metadata/labels\n  create: true\n",
        ))
        .unwrap();
        assert_eq!(t.common_labels.len(), n + 1);
        assert_eq!(t.common_labels[n].path, "spec/x");
    }

    #[test]
    fn conflicting_create_is_an_error() {
        let mut t = FieldTables::default();
        let e = t
            .add_config(&doc("commonLabels:\n- path: metadata/labels\n"))
            .unwrap_err();
        assert!(e.contains("conflicting fieldspecs"), "{e}");
    }

    #[test]
    fn name_reference_entries_join_existing_kinds() {
        let mut t = FieldTables::default();
        let before = t.name_reference.len();
        t.add_config(&doc(
            "nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - path: spec/cm\n    kind: Foo\n- kind: Bee\n  version: v1\n  fieldSpecs:\n  - path: spec/bee\n    kind: Foo\n",
        ))
        .unwrap();
        assert_eq!(t.name_reference.len(), before + 1);
        let cm = t
            .name_reference
            .iter()
            .find(|e| e.referral.kind == "ConfigMap")
            .unwrap();
        assert!(cm.referrers.iter().any(|f| f.path == "spec/cm"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = FieldTables::default().add_config(&doc("nameprefix: []\n")).unwrap_err();
        assert!(e.starts_with("nameprefix: unknown field"), "{e}");
    }
}
