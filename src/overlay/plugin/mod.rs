//! `transformers:`, `generators:` and `validators:`: plugin configs given inline, in files
//! or as the output of a kustomization directory, run after the built-in ones of their
//! kustomization.
//!
//! Rules (kustomize v5.5 with plugins restricted to the built-in ones, as `kubectl
//! kustomize` runs):
//! - an entry that reads as YAML objects is an inline config; any other entry is a path:
//!   a file of configs, or a directory whose kustomization is built and whose objects are
//!   the configs;
//! - a config with `apiVersion: builtin` names a built-in plugin by kind (see
//!   [`builtin`]); anything else is an external plugin and is refused;
//! - generators add their objects after the built-in generators; transformers run in order
//!   after the built-in transformers; validators run after transformers and must leave the
//!   objects unchanged.

mod builtin;
mod levels;

use std::path::Path;
use std::sync::Arc;

use crate::yaml::{self, Dialect, Value};

use super::error::Error;
use super::helm::ChartRenderer;
use super::kustomization::Kustomization;
use super::loader::{Loader, Target};
use super::resmap::ResMap;
use super::target::resources_from_bytes;

pub use builtin::{Role, render};

/// One plugin config with where it came from.
pub struct Config {
    pub value: Value,
    /// `transformers[1]`, for messages.
    pub entry: String,
    /// The file the config came from, relative to the kustomization directory (the
    /// kustomization file itself for inline configs), for `buildMetadata`.
    pub configured_in: String,
}

impl Config {
    pub fn kind(&self) -> &str {
        self.value.str_at(&["kind"]).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.value.str_at(&["metadata", "name"]).unwrap_or("")
    }
}

/// What running plugins needs besides the objects.
pub struct Context<'a> {
    pub k: &'a Kustomization,
    pub ldr: &'a Loader,
    pub dir: &'a Path,
    pub enable_helm: bool,
    pub renderer: Option<&'a Arc<dyn ChartRenderer>>,
    /// The build's strategic-merge schema, for the patch kinds.
    pub schema: &'a super::patch::Schema,
}

/// Reads the configs of `entries` (the `key:` list of the kustomization). `build_dir`
/// builds a kustomization directory and returns its objects.
///
/// # Errors
/// An entry that is neither YAML objects, a readable file nor a kustomization directory.
pub fn configs(
    entries: &[String],
    key: &str,
    k: &Kustomization,
    ldr: &Loader,
    build_dir: &mut dyn FnMut(&Path, &str) -> Result<ResMap, Error>,
) -> Result<Vec<Config>, Error> {
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let entry = format!("{key}[{i}]");
        if let Some(values) = inline(e, &k.file, &entry)? {
            let kfile = Path::new(&k.file).file_name().unwrap_or_default().to_string_lossy();
            out.extend(values.into_iter().map(|value| Config {
                value,
                entry: entry.clone(),
                configured_in: kfile.to_string(),
            }));
            continue;
        }
        match ldr.locate(e, &k.file, &entry)? {
            Target::File(path) => {
                let bytes = ldr.read(e, &k.file, &entry)?;
                for r in resources_from_bytes(&bytes, &path.display().to_string())? {
                    out.push(Config {
                        value: r.doc.value,
                        entry: entry.clone(),
                        configured_in: e.clone(),
                    });
                }
            }
            Target::Dir(path) => {
                let prefix = path.display().to_string();
                for r in build_dir(&path, &entry)?.into_resources() {
                    // The object's file inside the directory, named from the kustomization.
                    let inner = r.doc.source.strip_prefix(&prefix).unwrap_or(&r.doc.source);
                    let configured_in = format!("{}/{}", e.trim_end_matches('/'), inner.trim_start_matches('/'));
                    out.push(Config {
                        value: r.doc.value,
                        entry: entry.clone(),
                        configured_in,
                    });
                }
            }
        }
    }
    // kustomize gathers the configs of one list like resources: one id at most once.
    let mut seen = std::collections::HashSet::new();
    for c in &out {
        let id = crate::resource::ResId::of(&c.value);
        if !seen.insert(id.clone()) {
            return Err(Error::field(
                &k.file,
                &c.entry,
                format!(
                    "plugin config {} is listed twice (ids must be unique)",
                    id.kustomize_string()
                ),
            ));
        }
    }
    Ok(out)
}

/// The objects of an inline entry, or `None` when the entry is a path.
fn inline(e: &str, file: &str, entry: &str) -> Result<Option<Vec<Value>>, Error> {
    let Ok(docs) = yaml::parse_stream(e, Dialect::Kustomize, entry) else {
        return Ok(None);
    };
    let values: Vec<Value> = docs.into_iter().map(|d| d.value).filter(|v| !v.is_null()).collect();
    if values.is_empty() || !values.iter().all(|v| matches!(v, Value::Map(_))) {
        return Ok(None);
    }
    for v in &values {
        if v.str_at(&["kind"]).is_none_or(str::is_empty) {
            return Err(Error::field(file, entry, "inline plugin config has no kind"));
        }
        if v.str_at(&["metadata", "name"]).is_none_or(str::is_empty) {
            return Err(Error::field(
                file,
                format!("{entry}.metadata.name"),
                "inline plugin config has no name",
            ));
        }
    }
    Ok(Some(values))
}

/// Runs generator configs, adding their objects to `rm`.
///
/// # Errors
/// An external or unknown plugin, a malformed config, or a failing generator.
/// `after` is called after each config ran (for `buildMetadata` bookkeeping).
pub fn generate(
    rm: &mut ResMap,
    configs: &[Config],
    cx: &Context,
    after: &mut dyn FnMut(&mut ResMap, &Config),
) -> Result<(), Error> {
    run(rm, configs, cx, Role::Generator, after)
}

/// Runs transformer configs over `rm`, in order.
///
/// # Errors
/// An external or unknown plugin, a malformed config, or a failing transformer.
/// `after` is called after each config ran (for `buildMetadata` bookkeeping).
pub fn transform(
    rm: &mut ResMap,
    configs: &[Config],
    cx: &Context,
    after: &mut dyn FnMut(&mut ResMap, &Config),
) -> Result<(), Error> {
    run(rm, configs, cx, Role::Transformer, after)
}

/// Parses each config for `role` and runs it over `rm`, calling `after` after each.
fn run(
    rm: &mut ResMap,
    configs: &[Config],
    cx: &Context,
    role: Role,
    after: &mut dyn FnMut(&mut ResMap, &Config),
) -> Result<(), Error> {
    for c in configs {
        builtin::Plugin::parse(c, role, cx)?.run(rm, cx, &c.entry)?;
        after(rm, c);
    }
    Ok(())
}

/// Runs validator configs: each runs like a transformer, and must change nothing.
///
/// # Errors
/// As [`transform`], or a validator that changed the objects.
pub fn validate(rm: &ResMap, configs: &[Config], cx: &Context) -> Result<(), Error> {
    for c in configs {
        let plugin = builtin::Plugin::parse(c, Role::Transformer, cx)?;
        let mut copy = rm.clone();
        plugin.run(&mut copy, cx, &c.entry)?;
        let same = copy.resources().len() == rm.resources().len()
            && copy.iter().zip(rm.iter()).all(|(a, b)| a.value() == b.value());
        if !same {
            return Err(Error::field(
                &cx.k.file,
                &c.entry,
                "validator shouldn't modify the resource map",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_inline_configs_or_paths() {
        let cfg = "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: x\n";
        assert_eq!(inline(cfg, "k.yaml", "transformers[0]").unwrap().unwrap().len(), 1);
        assert!(inline("labels.yaml", "k.yaml", "transformers[0]").unwrap().is_none());
        assert!(inline("some/dir", "k.yaml", "transformers[0]").unwrap().is_none());
        let e = inline("apiVersion: builtin\nkind: X\n", "k.yaml", "transformers[1]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.yaml: transformers[1].metadata.name: inline plugin config has no name"
        );
    }
}
