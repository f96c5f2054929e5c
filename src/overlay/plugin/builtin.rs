//! The built-in plugin kinds, configured from their config objects and run with the same
//! transformer and generator code the kustomization fields use, but with the config's own
//! `fieldSpecs` in place of the default tables.
//!
//! Kinds (kustomize v5.5): transformers `LabelTransformer` (`labels`),
//! `AnnotationsTransformer` (`annotations`), `NamespaceTransformer` (`metadata.namespace`),
//! `PrefixSuffixTransformer` (`prefix`, `suffix`), `PrefixTransformer`,
//! `SuffixTransformer`, `ImageTagTransformer` (`imageTag`), `ReplicaCountTransformer`
//! (`replica`), `ReplacementTransformer` (`replacements`), each with `fieldSpecs` where it
//! has them (prefix/suffix kinds require them); generators `ConfigMapGenerator`,
//! `SecretGenerator` (the generator entry fields, `name`/`namespace` defaulting to the
//! config's metadata) and `HelmChartInflationGenerator` (a `helmCharts` entry plus
//! `chartHome`); `HashTransformer` hashes generated names early (they are hashed again at
//! the end, as kustomize does); `PatchTransformer`, `PatchStrategicMergeTransformer` and
//! `PatchJson6902Transformer` run as the matching patch fields. `ValueAddTransformer` and
//! `IAMPolicyGenerator` are refused. Config fields are read leniently (unknown ones ignored), as kustomize does.

use std::sync::Arc;

use crate::overlay::config::FieldTables;
use crate::overlay::error::Error;
use crate::overlay::helm::{self, HelmChartSpec};
use crate::overlay::kustomization::{Image, Kustomization, Replica, SubjectMode};
use crate::overlay::resmap::ResMap;
use crate::overlay::transform::{self, replacements};
use crate::overlay::{generator, patch, target};
use crate::resource::Gvk;
use crate::yaml::Value;

use super::levels::{field_specs, generator_level, patch_level, string, string_map};
use super::{Config, Context};

/// Whether a config is used as a generator or a transformer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Generator,
    Transformer,
}

const GENERATORS: &[&str] = &[
    "ConfigMapGenerator",
    "SecretGenerator",
    "HelmChartInflationGenerator",
    "IAMPolicyGenerator",
];
const TRANSFORMERS: &[&str] = &[
    "AnnotationsTransformer",
    "HashTransformer",
    "ImageTagTransformer",
    "LabelTransformer",
    "NamespaceTransformer",
    "PatchJson6902Transformer",
    "PatchStrategicMergeTransformer",
    "PatchTransformer",
    "PrefixSuffixTransformer",
    "PrefixTransformer",
    "SuffixTransformer",
    "ReplicaCountTransformer",
    "ReplacementTransformer",
    "ValueAddTransformer",
];

/// A configured built-in plugin: a synthetic kustomization level carrying the config's
/// values and field specs, or a chart to render.
pub enum Plugin {
    Level(Box<Kustomization>),
    /// A patch kind: a synthetic level holding one `patches`, `patchesStrategicMerge` or
    /// `patchesJson6902` entry list.
    Patches(Box<Kustomization>),
    Replacements(Vec<replacements::Replacement>),
    Chart(Box<HelmChartSpec>),
    /// `HashTransformer`: generated objects get their hash suffix now (and, as in
    /// kustomize, again at the end of the build).
    Hash,
}

impl Plugin {
    /// Configures the plugin `c` names.
    ///
    /// # Errors
    /// An external plugin (refused), an unknown built-in, a generator used as a
    /// transformer (or the reverse), or a malformed config.
    pub fn parse(c: &Config, role: Role, cx: &Context) -> Result<Plugin, Error> {
        let file = cx.k.file.as_str();
        let fail = |m: String| Error::field(file, &c.entry, m);
        let Value::Map(m) = &c.value else {
            return Err(fail(format!(
                "expected a plugin config mapping, found {}",
                c.value.type_name()
            )));
        };
        let gvk = Gvk::of(&c.value);
        let name = c.value.str_at(&["metadata", "name"]).unwrap_or("");
        let id = format!(
            "{}/{}",
            gvk.kustomize_string(),
            if name.is_empty() { "[noName]" } else { name }
        );
        if !(gvk.group.is_empty() && gvk.version == "builtin") {
            return Err(fail(format!(
                "external plugins disabled; unable to load external plugin '{}' (only apiVersion: builtin plugins run)",
                gvk.kind
            )));
        }
        let kind = gvk.kind.as_str();
        let (is_gen, is_tr) = (GENERATORS.contains(&kind), TRANSFORMERS.contains(&kind));
        if !is_gen && !is_tr {
            return Err(fail(format!("unable to load builtin {}", gvk.kustomize_string())));
        }
        match role {
            Role::Transformer if !is_tr => return Err(fail(format!("plugin {id} not a transformer"))),
            Role::Generator if !is_gen => return Err(fail(format!("plugin {id} not a generator"))),
            _ => {}
        }
        let cfg = |e: String| fail(format!("plugin {id} fails configuration: {e}"));
        let mut level = Kustomization {
            file: file.to_string(),
            ..Default::default()
        };
        let mut tables = FieldTables::default();
        let specs = field_specs(m).map_err(cfg)?;
        match kind {
            "LabelTransformer" => {
                level.common_labels = string_map(m, "labels").map_err(cfg)?;
                tables.common_labels = specs.unwrap_or_default();
            }
            "AnnotationsTransformer" => {
                level.common_annotations = string_map(m, "annotations").map_err(cfg)?;
                tables.common_annotations = specs.unwrap_or_default();
            }
            "NamespaceTransformer" => {
                level.namespace = c.value.str_at(&["metadata", "namespace"]).unwrap_or("").to_string();
                level.namespace_options.unset_only = match m.get("unsetOnly") {
                    None | Some(Value::Null) => false,
                    Some(Value::Bool(b)) => *b,
                    Some(v) => return Err(cfg(format!("unsetOnly: expected a boolean, found {}", v.type_name()))),
                };
                level.namespace_options.subjects = match string(m, "setRoleBindingSubjects").map_err(cfg)?.as_str() {
                    "" | "defaultOnly" => SubjectMode::DefaultOnly,
                    "allServiceAccounts" => SubjectMode::AllServiceAccounts,
                    "none" => SubjectMode::None,
                    other => {
                        return Err(cfg(format!(
                            "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                        )));
                    }
                };
                // `metadata/namespace` is always set on namespaced objects, whatever the specs.
                tables.namespace = specs
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|s| s.path != "metadata/namespace")
                    .collect();
            }
            "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
                let specs = specs.ok_or_else(|| cfg("fieldSpecs is not expected to be nil".into()))?;
                if kind != "SuffixTransformer" {
                    level.name_prefix = string(m, "prefix").map_err(cfg)?;
                }
                if kind != "PrefixTransformer" {
                    level.name_suffix = string(m, "suffix").map_err(cfg)?;
                }
                tables.name_prefix.clone_from(&specs);
                tables.name_suffix = specs;
            }
            "ImageTagTransformer" => {
                let img = m.get("imageTag").and_then(Value::as_map).cloned().unwrap_or_default();
                level.images.push(Image {
                    name: string(&img, "name").map_err(cfg)?,
                    new_name: string(&img, "newName").map_err(cfg)?,
                    new_tag: string(&img, "newTag").map_err(cfg)?,
                    digest: string(&img, "digest").map_err(cfg)?,
                    tag_suffix: string(&img, "tagSuffix").map_err(cfg)?,
                });
                tables.images = specs.unwrap_or_default();
            }
            "ReplicaCountTransformer" => {
                let r = m.get("replica").and_then(Value::as_map).cloned().unwrap_or_default();
                let count = match r.get("count") {
                    None | Some(Value::Null) => 0,
                    Some(v) => v
                        .as_i64()
                        .ok_or_else(|| cfg("replica.count: expected an integer".into()))?,
                };
                level.replicas.push(Replica {
                    name: string(&r, "name").map_err(cfg)?,
                    count,
                });
                tables.replicas = specs.unwrap_or_default();
            }
            "ReplacementTransformer" => {
                let items = match m.get("replacements") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Seq(s)) => s.clone(),
                    Some(v) => return Err(cfg(format!("replacements: expected a list, found {}", v.type_name()))),
                };
                let entries = replacements::parse_entries(&items, &format!("{}.replacements", c.entry))
                    .map_err(|(f, e)| Error::field(file, f, e))?;
                return Ok(Plugin::Replacements(replacements::load(&entries, cx.ldr, file)?));
            }
            "HashTransformer" => return Ok(Plugin::Hash),
            "PatchTransformer" | "PatchStrategicMergeTransformer" | "PatchJson6902Transformer" => {
                return Ok(Plugin::Patches(Box::new(patch_level(m, kind, file).map_err(cfg)?)));
            }
            "ConfigMapGenerator" | "SecretGenerator" => {
                return Ok(Plugin::Level(Box::new(generator_level(c, m, kind, file).map_err(cfg)?)));
            }
            "HelmChartInflationGenerator" => {
                if !cx.enable_helm {
                    return Err(cfg("must specify --enable-helm".into()));
                }
                let spec = helm::parse_plugin(m, &c.entry).map_err(|(f, e)| Error::field(file, f, e))?;
                return Ok(Plugin::Chart(Box::new(spec)));
            }
            other => {
                return Err(fail(format!(
                    "builtin plugin {other} is not supported by rudder in transformers:/generators: yet; use the kustomization field instead"
                )));
            }
        }
        level.fields = Arc::new(tables);
        Ok(Plugin::Level(Box::new(level)))
    }

    /// Runs the plugin over `rm`.
    ///
    /// # Errors
    /// What the underlying transformer or generator reports.
    pub fn run(&self, rm: &mut ResMap, cx: &Context, entry: &str) -> Result<(), Error> {
        match self {
            Plugin::Level(level) => {
                let run = |rm: &mut ResMap| -> Result<(), Error> {
                    generator::run(rm, level, cx.ldr)?;
                    transform::namespace::apply(rm, level)?;
                    transform::prefix_suffix::apply(rm, level)?;
                    transform::labels::apply(rm, level)?;
                    transform::annotations::apply(rm, level)?;
                    transform::replicas::apply(rm, level)?;
                    transform::images::apply(rm, level)
                };
                run(rm).map_err(|e| name_entry(e, level, entry))
            }
            Plugin::Patches(level) => {
                let run = |rm: &mut ResMap| -> Result<(), Error> {
                    patch::apply_strategic_merge_field(rm, level, cx.ldr, cx.schema)?;
                    patch::apply_patches_field(rm, level, cx.ldr, cx.schema)?;
                    patch::apply_json6902_field(rm, level, cx.ldr, cx.schema)
                };
                run(rm).map_err(|e| name_entry(e, level, entry))
            }
            Plugin::Replacements(list) => replacements::apply(rm, list, &cx.k.file),
            Plugin::Hash => generator::add_hash_suffixes(rm),
            Plugin::Chart(spec) => {
                let objects = render(spec, cx, entry)?;
                rm.append_all(objects)
            }
        }
    }
}

/// The synthetic level names its own fields (`commonLabels`, `patches[0]`, ...): say which
/// plugin entry they belong to.
fn name_entry(e: Error, level: &Kustomization, entry: &str) -> Error {
    match e {
        Error::Field { file, field, message } if file == level.file => Error::Field {
            file,
            field: format!("{entry} ({field})"),
            message,
        },
        e => e,
    }
}

/// Renders one chart with the supplied renderer.
///
/// # Errors
/// No renderer supplied, or the renderer fails, or its output is not objects.
pub fn render(spec: &HelmChartSpec, cx: &Context, entry: &str) -> Result<ResMap, Error> {
    let file = cx.k.file.as_str();
    let Some(renderer) = cx.renderer else {
        return Err(Error::field(
            file,
            entry,
            "--enable-helm was given but this build has no chart renderer",
        ));
    };
    let bytes = renderer
        .render(spec, cx.dir)
        .map_err(|e| Error::field(file, entry, format!("chart '{}': {e}", spec.name)))?;
    let source = format!("{file}: {entry} (chart {})", spec.name);
    let mut rm = ResMap::new();
    for r in target::resources_from_bytes(&bytes, &source)? {
        rm.append(r)?;
    }
    Ok(rm)
}
