//! Name-reference fields declared by `crds:` files: documents of OpenAPI definitions (a
//! mapping from type name to `{Schema: {properties: ...}}`), as kustomize reads them.
//!
//! Rules:
//! - a type with `apiVersion`, `kind` and `metadata` properties is a kind, named by the last
//!   dot-separated part of its type name;
//! - each property of it (followed through `$ref`s to other definitions of the document)
//!   carrying `x-kubernetes-object-ref-api-version` and `x-kubernetes-object-ref-kind`
//!   names an object of that version and kind in its `name` field (or the field that
//!   `x-kubernetes-object-ref-name-key` gives);
//! - entries for a kind already in the table add fields to it; the table is sorted again.

use std::collections::HashMap;

use super::{NameReference, gvk_order, name_reference};
use crate::overlay::fieldspec::FieldSpec;
use crate::resource::Gvk;
use crate::yaml::{Map, Value};

/// The default name-reference table merged with the reference fields `crds:` documents
/// declare.
///
/// # Errors
/// A document that is not a mapping of definitions, or two declarations of one field that
/// disagree.
pub fn name_reference_with_crds(crds: &[Value]) -> Result<Vec<NameReference>, String> {
    let mut table = name_reference().to_vec();
    if crds.is_empty() {
        return Ok(table);
    }
    for doc in crds {
        for entry in crd_references(doc)? {
            merge(&mut table, entry)?;
        }
    }
    table.sort_by(|a, b| gvk_order(&a.referral, &b.referral));
    Ok(table)
}

fn merge(table: &mut Vec<NameReference>, entry: NameReference) -> Result<(), String> {
    let Some(existing) = table.iter_mut().find(|e| e.referral == entry.referral) else {
        table.push(entry);
        return Ok(());
    };
    for fs in entry.referrers {
        match existing.referrers.iter().find(|o| o.gvk == fs.gvk && o.path == fs.path) {
            Some(o) if o.create != fs.create => {
                return Err(format!("conflicting fieldspecs for {} at '{}'", fs.gvk.kind, fs.path));
            }
            Some(_) => {}
            None => existing.referrers.push(fs),
        }
    }
    Ok(())
}

/// Reference fields declared in one document of OpenAPI definitions.
fn crd_references(doc: &Value) -> Result<Vec<NameReference>, String> {
    let Value::Map(defs) = doc else {
        return Err(format!(
            "unable to parse open API definition: expected a mapping, found {}",
            doc.type_name()
        ));
    };
    let mut schemas: HashMap<&str, &Value> = HashMap::new();
    for (name, def) in defs {
        let Value::Map(def) = def else {
            return Err(format!(
                "unable to parse open API definition: '{name}': expected a mapping, found {}",
                def.type_name()
            ));
        };
        // Go's JSON decoding matches struct fields regardless of case.
        if let Some((_, schema)) = def.iter().find(|(k, _)| k.eq_ignore_ascii_case("schema")) {
            schemas.insert(name.as_str(), schema);
        }
    }
    let mut names: Vec<&str> = schemas.keys().copied().collect();
    names.sort_unstable();
    let mut out = Vec::new();
    for name in names {
        let props = properties(schemas[name]);
        if !["kind", "apiVersion", "metadata"]
            .iter()
            .all(|p| props.is_some_and(|m| m.contains_key(*p)))
        {
            continue;
        }
        let kind = name.rsplit('.').next().unwrap_or(name);
        collect(&schemas, name, kind, &mut Vec::new(), &mut out, 0);
    }
    Ok(out)
}

fn properties(schema: &Value) -> Option<&Map> {
    schema.get("properties").and_then(Value::as_map)
}

fn collect(
    schemas: &HashMap<&str, &Value>,
    type_name: &str,
    kind: &str,
    path: &mut Vec<String>,
    out: &mut Vec<NameReference>,
    depth: usize,
) {
    // Definitions may refer to each other in a cycle; kustomize would not finish either.
    if depth > 32 {
        return;
    }
    let Some(props) = schemas.get(type_name).and_then(|s| properties(s)) else {
        return;
    };
    for (prop, schema) in props {
        path.push(prop.clone());
        let ext = |key: &str| schema.get(key).and_then(Value::as_str);
        if let (Some(version), Some(ref_kind)) = (
            ext("x-kubernetes-object-ref-api-version"),
            ext("x-kubernetes-object-ref-kind"),
        ) {
            let name_key = ext("x-kubernetes-object-ref-name-key").unwrap_or("name");
            let field = format!("{}/{name_key}", path.join("/"));
            out.push(NameReference {
                referral: Gvk::new("", version, ref_kind),
                referrers: vec![FieldSpec::with_gvk("", "", kind, &field, false)],
            });
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str).filter(|r| !r.is_empty()) {
            collect(schemas, r, kind, path, out, depth + 1);
        }
        path.pop();
    }
}
