//! The part of an OpenAPI (swagger v2) document a strategic merge needs: for each kind,
//! which lists merge by key (`x-kubernetes-patch-strategy` containing `merge`, keys from
//! `x-kubernetes-list-map-keys` or else `x-kubernetes-patch-merge-key`) and how to reach
//! them through `$ref`, `items` and inline `properties`.
//!
//! The built-in table is `config/merge_keys.json`, generated from the Kubernetes v1.32 spec
//! by `scripts/gen-merge-keys.py`; a kustomization's `openapi: path:` replaces it for the
//! whole build, as in kustomize (built-in kinds then lose their merge keys unless the file
//! has them too).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::resource::Gvk;
use crate::yaml::{self, Dialect, Value};

/// One object type: its fields that matter for merging.
#[derive(Debug, Default)]
struct Def {
    props: HashMap<String, usize>,
}

/// One field: a nested object, or a list with its merge strategy and element type.
#[derive(Debug, Default)]
struct Prop {
    /// Definition of the value (object) or of the list elements.
    target: Option<usize>,
    is_list: bool,
    strategy: String,
    keys: Vec<String>,
}

/// A loaded schema.
#[derive(Debug, Default)]
pub struct Schema {
    defs: Vec<Def>,
    props: Vec<Prop>,
    kinds: HashMap<Gvk, usize>,
}

/// A position in the schema while walking an object.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    schema: &'a Schema,
    def: Option<usize>,
    list: Option<usize>,
}

impl Schema {
    /// The Kubernetes schema rudder embeds.
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Schema::from_text(include_bytes!("../../config/merge_keys.json"), "merge_keys.json")
                .expect("the embedded merge-key table is valid")
        })
    }

    /// Reads a swagger document (JSON or YAML) with a `definitions` mapping.
    ///
    /// # Errors
    /// Invalid JSON/YAML, or no `definitions` mapping.
    pub fn from_text(bytes: &[u8], source: &str) -> Result<Schema, String> {
        let docs = yaml::parse_bytes(bytes, Dialect::Kustomize, source).map_err(|e| e.to_string())?;
        let doc = docs
            .into_iter()
            .map(|d| d.value)
            .find(|v| !v.is_null())
            .unwrap_or_default();
        let Some(defs) = doc.get("definitions").and_then(Value::as_map) else {
            return Err("no 'definitions' mapping in the schema".into());
        };
        let mut s = Schema::default();
        let names: HashMap<&str, usize> = defs.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        s.defs.resize_with(defs.len(), Def::default);
        for (i, (_, body)) in defs.iter().enumerate() {
            if let Some(list) = body.get("x-kubernetes-group-version-kind").and_then(Value::as_seq) {
                for g in list {
                    let f = |k: &str| g.str_at(&[k]).unwrap_or("").to_string();
                    s.kinds.insert(Gvk::new(&f("group"), &f("version"), &f("kind")), i);
                }
            }
            s.fill_def(i, body, &names);
        }
        Ok(s)
    }

    fn fill_def(&mut self, def: usize, body: &Value, names: &HashMap<&str, usize>) {
        let Some(props) = body.get("properties").and_then(Value::as_map) else {
            return;
        };
        for (field, p) in props {
            let prop = self.make_prop(p, names);
            self.defs[def].props.insert(field.clone(), prop);
        }
    }

    /// Builds a field from its schema, creating anonymous definitions for inline objects.
    fn make_prop(&mut self, p: &Value, names: &HashMap<&str, usize>) -> usize {
        let ext = |k: &str| p.get(k);
        let strategy = ext("x-kubernetes-patch-strategy")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut keys: Vec<String> = ext("x-kubernetes-list-map-keys")
            .and_then(Value::as_seq)
            .map(|l| l.iter().filter_map(|k| k.as_str().map(String::from)).collect())
            .unwrap_or_default();
        if keys.is_empty()
            && let Some(k) = ext("x-kubernetes-patch-merge-key").and_then(Value::as_str)
        {
            keys.push(k.to_string());
        }
        let items = p.get("items");
        let is_list = items.is_some() || p.get("type").and_then(Value::as_str) == Some("array");
        let object = if is_list { items } else { Some(p) };
        let target = object.and_then(|o| self.object_def(o, names));
        self.props.push(Prop {
            target,
            is_list,
            strategy,
            keys,
        });
        self.props.len() - 1
    }

    /// The definition an object schema names (`$ref`) or holds inline (`properties`).
    fn object_def(&mut self, o: &Value, names: &HashMap<&str, usize>) -> Option<usize> {
        if let Some(r) = o.get("$ref").and_then(Value::as_str) {
            return names.get(r.rsplit('/').next().unwrap_or(r)).copied();
        }
        if o.get("properties").and_then(Value::as_map).is_some() {
            self.defs.push(Def::default());
            let id = self.defs.len() - 1;
            self.fill_def(id, o, names);
            return Some(id);
        }
        None
    }

    /// The root node for an object of kind `gvk`, or `None` for kinds the schema lacks.
    pub fn for_kind(&self, gvk: &Gvk) -> Option<Node<'_>> {
        self.kinds.get(gvk).map(|&def| Node {
            schema: self,
            def: Some(def),
            list: None,
        })
    }
}

impl<'a> Node<'a> {
    /// The node of field `name` of an object.
    pub fn field(&self, name: &str) -> Option<Node<'a>> {
        let prop = *self.schema.defs[self.def?].props.get(name)?;
        let p = &self.schema.props[prop];
        Some(if p.is_list {
            Node {
                schema: self.schema,
                def: None,
                list: Some(prop),
            }
        } else {
            Node {
                schema: self.schema,
                def: p.target,
                list: None,
            }
        })
    }

    /// For a list: its merge keys when it merges (strategy contains `merge`), else `None`.
    pub fn merge_keys(&self) -> Option<&'a [String]> {
        let p = &self.schema.props[self.list?];
        p.strategy.split(',').any(|s| s == "merge").then_some(p.keys.as_slice())
    }

    /// For a list: the node of its elements.
    pub fn elements(&self) -> Option<Node<'a>> {
        let p = &self.schema.props[self.list?];
        p.target.map(|def| Node {
            schema: self.schema,
            def: Some(def),
            list: None,
        })
    }
}

/// The kustomization's `openapi:` choice.
pub fn ensure_version(version: &str) -> Result<(), String> {
    // kustomize 5.5 builds in one Kubernetes schema; rudder's table stands for it.
    if version == "v1.21.2" {
        Ok(())
    } else {
        Err(format!("OpenAPI version '{version}' is not built in (only v1.21.2 is)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_merge_by_name_and_ports_by_port_and_protocol() {
        let s = Schema::builtin();
        let dep = s.for_kind(&Gvk::new("apps", "v1", "Deployment")).unwrap();
        let spec = dep
            .field("spec")
            .unwrap()
            .field("template")
            .unwrap()
            .field("spec")
            .unwrap();
        let containers = spec.field("containers").unwrap();
        assert_eq!(containers.merge_keys().unwrap(), ["name"]);
        let ports = containers.elements().unwrap().field("ports").unwrap();
        assert_eq!(ports.merge_keys().unwrap(), ["containerPort", "protocol"]);
        assert!(spec.field("tolerations").is_none_or(|t| t.merge_keys().is_none()));
        let fin = dep.field("metadata").unwrap().field("finalizers").unwrap();
        assert_eq!(fin.merge_keys().unwrap(), [] as [String; 0]);
    }
}
