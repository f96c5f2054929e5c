//! The kustomization file: finding it in a directory, reading it strictly (an unknown
//! field is an error, as in kustomize) into typed fields.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::yaml::{self, Dialect, Map, Value};

use super::config::FieldTables;
use super::error::Error;
use super::fieldspec::FieldSpec;
use super::helm::HelmCharts;
use super::transform::{replacements, vars};

/// File names kustomize accepts, in its order of preference.
pub const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Fields this part of rudder reads; the others are known to kustomize and refused with a
/// clear message until supported.
const KNOWN: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "crds",
    "bases",
    "components",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

/// `labels:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSet {
    pub pairs: Map,
    pub include_selectors: bool,
    pub include_templates: bool,
    /// `fields`: extra field specs, applied before the default ones.
    pub fields: Vec<FieldSpec>,
}

/// Options of the namespace transformer (settable only through a `NamespaceTransformer`
/// plugin config; the `namespace:` field uses the defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamespaceOptions {
    /// Only set namespace fields that are empty.
    pub unset_only: bool,
    pub subjects: SubjectMode,
}

/// Which RoleBinding/ClusterRoleBinding subjects get the namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SubjectMode {
    /// Subjects named `default`.
    #[default]
    DefaultOnly,
    /// Subjects of kind `ServiceAccount`.
    AllServiceAccounts,
    None,
}

/// `images:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Image {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub digest: String,
    /// `tagSuffix` appended to the tag (kustomize v5.1+).
    pub tag_suffix: String,
}

/// `replicas:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

/// `patches:` entry: a strategic merge or JSON 6902 patch, inline or from a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    pub patch: String,
    pub path: String,
    /// The `target:` mapping (fields checked; compiled when the patch runs).
    pub target: Option<Map>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

/// `patchesJson6902:` entry (deprecated).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Json6902Patch {
    pub target: Map,
    pub path: String,
    pub patch: String,
}

/// `openapi:`: a schema file for strategic merges, or a built-in version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenApi {
    pub path: String,
    pub version: String,
}

/// Options of a generator or of all generators.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorOptions {
    pub labels: Map,
    pub annotations: Map,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

/// A `configMapGenerator` or `secretGenerator` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorArgs {
    pub name: String,
    pub namespace: String,
    /// `create` (default), `merge` or `replace`.
    pub behavior: String,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    pub envs: Vec<String>,
    pub options: Option<GeneratorOptions>,
    /// Secret type (secretGenerator only).
    pub secret_type: String,
    /// Index of the entry, for error messages (`configMapGenerator[2]`).
    pub index: usize,
}

/// `sortOptions:`.
#[derive(Debug, Clone, PartialEq)]
pub enum SortOrder {
    Fifo,
    Legacy { first: Vec<String>, last: Vec<String> },
}

impl SortOrder {
    /// kustomize's default: legacy order with its built-in kind lists.
    pub fn default_legacy() -> Self {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        SortOrder::Legacy {
            first: owned(crate::resource::LEGACY_ORDER_FIRST),
            last: owned(crate::resource::LEGACY_ORDER_LAST),
        }
    }
}

/// A parsed kustomization file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kustomization {
    /// The file it was read from.
    pub file: String,
    pub kind: String,
    pub name_prefix: String,
    pub name_suffix: String,
    pub namespace: String,
    pub namespace_options: NamespaceOptions,
    pub common_labels: Map,
    pub labels: Vec<LabelSet>,
    pub common_annotations: Map,
    pub images: Vec<Image>,
    pub replicas: Vec<Replica>,
    pub sort_options: Option<SortOrder>,
    /// `resources` followed by the deprecated `bases`.
    pub resources: Vec<String>,
    pub crds: Vec<String>,
    pub config_map_generator: Vec<GeneratorArgs>,
    pub secret_generator: Vec<GeneratorArgs>,
    pub generator_options: Option<GeneratorOptions>,
    pub build_metadata: Vec<String>,
    pub patches: Vec<Patch>,
    /// `patchesStrategicMerge` entries: file paths or inline patches.
    pub patches_strategic_merge: Vec<String>,
    pub patches_json6902: Vec<Json6902Patch>,
    pub components: Vec<String>,
    pub openapi: Option<OpenApi>,
    /// `replacements:` entries (inline or `path:` files).
    pub replacements: Vec<replacements::Entry>,
    /// The deprecated `vars:`.
    pub vars: Vec<vars::Var>,
    /// `configurations:` files.
    pub configurations: Vec<String>,
    /// `generators:`, `transformers:` and `validators:` entries: files, directories or
    /// inline plugin configs.
    pub generators: Vec<String>,
    pub transformers: Vec<String>,
    pub validators: Vec<String>,
    /// `helmCharts:` (with `helmGlobals:` and `helmChartInflationGenerator:` folded in).
    pub helm: HelmCharts,
    /// The field tables the transformers of this level use: the built-in ones plus the
    /// `configurations:` of this level and of the bases built under it (set by the build).
    pub fields: Arc<FieldTables>,
}

/// Finds the kustomization file in `dir`.
///
/// # Errors
/// None or several kustomization files in the directory.
pub fn find_file(dir: &Path) -> Result<PathBuf, Error> {
    let found: Vec<PathBuf> = FILE_NAMES.iter().map(|n| dir.join(n)).filter(|p| p.is_file()).collect();
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        0 => Err(Error::Read {
            path: dir.display().to_string(),
            message: format!(
                "no kustomization file in the directory (expected one of {})",
                FILE_NAMES.join(", ")
            ),
        }),
        _ => Err(Error::Read {
            path: dir.display().to_string(),
            message: format!(
                "found several kustomization files ({}): keep only one",
                found
                    .iter()
                    .map(|p| p.file_name().unwrap_or_default().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

impl Kustomization {
    /// Reads a kustomization from its text.
    ///
    /// # Errors
    /// Invalid YAML, an unknown field, a field of the wrong type, or a field whose
    /// support comes with the next part of rudder build.
    pub fn parse(text: &[u8], file: &str) -> Result<Self, Error> {
        let docs = yaml::parse_bytes(text, Dialect::Helm, file)?;
        let mut docs = docs.into_iter().map(|d| d.value).filter(|v| !v.is_null());
        let value = docs.next().unwrap_or_else(|| Value::Map(Map::default()));
        if docs.next().is_some() {
            return Err(Error::field(
                file,
                "(top level)",
                "expected one document, found several",
            ));
        }
        let Value::Map(map) = value else {
            return Err(Error::field(
                file,
                "(top level)",
                format!("expected a mapping, found {}", value.type_name()),
            ));
        };
        let r = Reader { file };
        if map.keys().all(|k| k == "apiVersion" || k == "kind") {
            return Err(Error::field(file, "(top level)", "kustomization is empty"));
        }
        for key in map.keys() {
            if !KNOWN.contains(&key.as_str()) {
                return Err(Error::field(file, key, "unknown field"));
            }
        }
        let mut k = Kustomization {
            file: file.to_string(),
            ..Default::default()
        };
        k.kind = r.string(&map, "kind")?.unwrap_or_else(|| "Kustomization".into());
        if k.kind != "Kustomization" && k.kind != "Component" {
            return Err(Error::field(
                file,
                "kind",
                format!("expected Kustomization or Component, found '{}'", k.kind),
            ));
        }
        if let Some(v) = map.get("apiVersion")
            && let Some(s) = v.as_str()
            && !s.starts_with("kustomize.config.k8s.io/")
        {
            return Err(Error::field(file, "apiVersion", format!("unexpected apiVersion '{s}'")));
        }
        k.name_prefix = r.string(&map, "namePrefix")?.unwrap_or_default();
        k.name_suffix = r.string(&map, "nameSuffix")?.unwrap_or_default();
        k.namespace = r.string(&map, "namespace")?.unwrap_or_default();
        k.common_labels = r.string_map(&map, "commonLabels")?;
        k.common_annotations = r.string_map(&map, "commonAnnotations")?;
        k.resources = r.strings(&map, "resources")?;
        k.resources.extend(r.strings(&map, "bases")?);
        k.crds = r.strings(&map, "crds")?;
        k.build_metadata = r.strings(&map, "buildMetadata")?;
        for (i, item) in r.list(&map, "labels")?.iter().enumerate() {
            let field = format!("labels[{i}]");
            let m = r.entry_map(
                item,
                &field,
                &["pairs", "includeSelectors", "includeTemplates", "fields"],
            )?;
            let mut fields = Vec::new();
            for (j, f) in r.list(m, "fields").map_err(|e| r.rename(e, &field))?.iter().enumerate() {
                let at = format!("{field}.fields[{j}]");
                fields.push(super::config::parse_spec(f, &at).map_err(|e| r.err(&at, e))?);
            }
            k.labels.push(LabelSet {
                fields,
                pairs: r.string_map(m, "pairs").map_err(|e| r.rename(e, &field))?,
                include_selectors: r.boolean(m, "includeSelectors", &field)?.unwrap_or(false),
                include_templates: r.boolean(m, "includeTemplates", &field)?.unwrap_or(false),
            });
        }
        // The deprecated `imageTags` entries apply after the `images` ones.
        let image_tags = r
            .list(&map, "imageTags")?
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("imageTags[{i}]"), v));
        let images = r
            .list(&map, "images")?
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("images[{i}]"), v));
        for (field, item) in images.chain(image_tags) {
            let m = r.entry_map(item, &field, &["name", "newName", "newTag", "digest", "tagSuffix"])?;
            let s = |key: &str| r.scalar_string(m.get(key), &format!("{field}.{key}"));
            k.images.push(Image {
                name: s("name")?,
                new_name: s("newName")?,
                new_tag: s("newTag")?,
                digest: s("digest")?,
                tag_suffix: s("tagSuffix")?,
            });
        }
        for (i, item) in r.list(&map, "replicas")?.iter().enumerate() {
            let field = format!("replicas[{i}]");
            let m = r.entry_map(item, &field, &["name", "count"])?;
            let count = match m.get("count") {
                None | Some(Value::Null) => 0,
                Some(v) => v.as_i64().ok_or_else(|| {
                    Error::field(
                        file,
                        format!("{field}.count"),
                        format!("expected an integer, found {}", v.type_name()),
                    )
                })?,
            };
            k.replicas.push(Replica {
                name: r.scalar_string(m.get("name"), &format!("{field}.name"))?,
                count,
            });
        }
        if let Some(v) = map.get("sortOptions") {
            k.sort_options = Some(r.sort_options(v)?);
        }
        if let Some(v) = map.get("generatorOptions") {
            k.generator_options = Some(r.generator_options(v, "generatorOptions")?);
        }
        k.patches = r.patches(&map)?;
        k.patches_strategic_merge = r.strings(&map, "patchesStrategicMerge")?;
        k.patches_json6902 = r.json6902_patches(&map)?;
        k.components = r.strings(&map, "components")?;
        if let Some(v) = map.get("openapi").filter(|v| !v.is_null()) {
            let m = r.entry_map(v, "openapi", &["path", "version"])?;
            k.openapi = Some(OpenApi {
                path: r.scalar_string(m.get("path"), "openapi.path")?,
                version: r.scalar_string(m.get("version"), "openapi.version")?,
            });
        }
        k.config_map_generator = r.generators(&map, "configMapGenerator", false)?;
        k.secret_generator = r.generators(&map, "secretGenerator", true)?;
        let located = |(field, message): (String, String)| Error::field(file, field, message);
        k.replacements = replacements::parse_entries(r.list(&map, "replacements")?, "replacements").map_err(located)?;
        k.vars = vars::parse(r.list(&map, "vars")?, file).map_err(located)?;
        k.configurations = r.strings(&map, "configurations")?;
        k.generators = r.strings(&map, "generators")?;
        k.transformers = r.strings(&map, "transformers")?;
        k.validators = r.strings(&map, "validators")?;
        k.helm = super::helm::parse(
            map.get("helmCharts"),
            map.get("helmGlobals"),
            map.get("helmChartInflationGenerator"),
        )
        .map_err(located)?;
        Ok(k)
    }
}

/// Typed access to the kustomization's mapping, with errors naming the field.
struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> Error {
        Error::field(self.file, field, message)
    }

    fn rename(&self, e: Error, prefix: &str) -> Error {
        match e {
            Error::Field { file, field, message } => Error::Field {
                file,
                field: format!("{prefix}.{field}"),
                message,
            },
            e => e,
        }
    }

    fn scalar_string(&self, v: Option<&Value>, field: &str) -> Result<String, Error> {
        match v {
            None | Some(Value::Null) => Ok(String::new()),
            Some(v) => {
                scalar_text(v).ok_or_else(|| self.err(field, format!("expected a string, found {}", v.type_name())))
            }
        }
    }

    fn string(&self, map: &Map, key: &str) -> Result<Option<String>, Error> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.scalar_string(Some(v), key).map(Some),
        }
    }

    fn list<'m>(&self, map: &'m Map, key: &str) -> Result<&'m [Value], Error> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Seq(s)) => Ok(s),
            Some(v) => Err(self.err(key, format!("expected a list, found {}", v.type_name()))),
        }
    }

    fn strings(&self, map: &Map, key: &str) -> Result<Vec<String>, Error> {
        self.list(map, key)?
            .iter()
            .enumerate()
            .map(|(i, v)| self.scalar_string(Some(v), &format!("{key}[{i}]")))
            .collect()
    }

    fn string_map(&self, map: &Map, key: &str) -> Result<Map, Error> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Map::default()),
            Some(Value::Map(m)) => m
                .iter()
                .map(|(k, v)| {
                    let s = match v {
                        Value::Null => String::new(),
                        v => scalar_text(v).ok_or_else(|| {
                            self.err(
                                &format!("{key}.{k}"),
                                format!("expected a string, found {}", v.type_name()),
                            )
                        })?,
                    };
                    Ok((k.clone(), Value::String(s)))
                })
                .collect(),
            Some(v) => Err(self.err(key, format!("expected a mapping, found {}", v.type_name()))),
        }
    }

    fn entry_map<'m>(&self, item: &'m Value, field: &str, allowed: &[&str]) -> Result<&'m Map, Error> {
        let m = item
            .as_map()
            .ok_or_else(|| self.err(field, format!("expected a mapping, found {}", item.type_name())))?;
        if let Some(k) = m.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(self.err(&format!("{field}.{k}"), "unknown field"));
        }
        Ok(m)
    }

    fn boolean(&self, m: &Map, key: &str, field: &str) -> Result<Option<bool>, Error> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(
                &format!("{field}.{key}"),
                format!("expected a boolean, found {}", v.type_name()),
            )),
        }
    }

    fn sort_options(&self, v: &Value) -> Result<SortOrder, Error> {
        let m = self.entry_map(v, "sortOptions", &["order", "legacySortOptions"])?;
        let order = self.scalar_string(m.get("order"), "sortOptions.order")?;
        match order.as_str() {
            "fifo" => {
                if m.get("legacySortOptions").is_some_and(|v| !v.is_null()) {
                    return Err(self.err(
                        "sortOptions.legacySortOptions",
                        "is set but the selected sort order is 'fifo', not 'legacy'",
                    ));
                }
                Ok(SortOrder::Fifo)
            }
            "legacy" => match m.get("legacySortOptions") {
                None | Some(Value::Null) => Ok(SortOrder::default_legacy()),
                Some(l) => {
                    let lm = self.entry_map(l, "sortOptions.legacySortOptions", &["orderFirst", "orderLast"])?;
                    Ok(SortOrder::Legacy {
                        first: self
                            .strings(lm, "orderFirst")
                            .map_err(|e| self.rename(e, "sortOptions.legacySortOptions"))?,
                        last: self
                            .strings(lm, "orderLast")
                            .map_err(|e| self.rename(e, "sortOptions.legacySortOptions"))?,
                    })
                }
            },
            other => Err(self.err(
                "sortOptions.order",
                format!("must be one of [fifo, legacy], found '{other}'"),
            )),
        }
    }

    fn generator_options(&self, v: &Value, field: &str) -> Result<GeneratorOptions, Error> {
        let m = self.entry_map(
            v,
            field,
            &["labels", "annotations", "disableNameSuffixHash", "immutable"],
        )?;
        Ok(GeneratorOptions {
            labels: self.string_map(m, "labels").map_err(|e| self.rename(e, field))?,
            annotations: self.string_map(m, "annotations").map_err(|e| self.rename(e, field))?,
            disable_name_suffix_hash: self.boolean(m, "disableNameSuffixHash", field)?,
            immutable: self.boolean(m, "immutable", field)?,
        })
    }

    fn target(&self, v: &Value, field: &str, allowed: &[&str]) -> Result<Map, Error> {
        let m = self.entry_map(v, field, allowed)?;
        for (k, v) in m {
            if !matches!(v, Value::String(_) | Value::Null) {
                return Err(self.err(
                    &format!("{field}.{k}"),
                    format!("expected a string, found {}", v.type_name()),
                ));
            }
        }
        Ok(m.clone())
    }

    fn patches(&self, map: &Map) -> Result<Vec<Patch>, Error> {
        let mut out = Vec::new();
        for (i, item) in self.list(map, "patches")?.iter().enumerate() {
            let field = format!("patches[{i}]");
            let m = self.entry_map(item, &field, &["path", "patch", "target", "options"])?;
            let target = match m.get("target") {
                None | Some(Value::Null) => None,
                Some(t) => Some(self.target(t, &format!("{field}.target"), super::patch::TARGET_FIELDS)?),
            };
            let (mut name, mut kind) = (false, false);
            if let Some(o) = m.get("options").filter(|o| !o.is_null()) {
                let of = format!("{field}.options");
                let om = self.entry_map(o, &of, &["allowNameChange", "allowKindChange"])?;
                name = self.boolean(om, "allowNameChange", &of)?.unwrap_or(false);
                kind = self.boolean(om, "allowKindChange", &of)?.unwrap_or(false);
            }
            out.push(Patch {
                patch: self.scalar_string(m.get("patch"), &format!("{field}.patch"))?,
                path: self.scalar_string(m.get("path"), &format!("{field}.path"))?,
                target,
                allow_name_change: name,
                allow_kind_change: kind,
            });
        }
        Ok(out)
    }

    fn json6902_patches(&self, map: &Map) -> Result<Vec<Json6902Patch>, Error> {
        let mut out = Vec::new();
        for (i, item) in self.list(map, "patchesJson6902")?.iter().enumerate() {
            let field = format!("patchesJson6902[{i}]");
            let m = self.entry_map(item, &field, &["path", "patch", "target"])?;
            let tf = format!("{field}.target");
            let target = match m.get("target") {
                None | Some(Value::Null) => return Err(self.err(&tf, "missing target")),
                Some(t) => self.target(t, &tf, &["group", "version", "kind", "name", "namespace"])?,
            };
            if target.get("name").and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(self.err(&format!("{tf}.name"), "must specify the target name"));
            }
            out.push(Json6902Patch {
                target,
                patch: self.scalar_string(m.get("patch"), &format!("{field}.patch"))?,
                path: self.scalar_string(m.get("path"), &format!("{field}.path"))?,
            });
        }
        Ok(out)
    }

    fn generators(&self, map: &Map, key: &str, secret: bool) -> Result<Vec<GeneratorArgs>, Error> {
        let mut out = Vec::new();
        let allowed = generator_fields(secret);
        for (i, item) in self.list(map, key)?.iter().enumerate() {
            let field = format!("{key}[{i}]");
            let m = self.entry_map(item, &field, allowed)?;
            let s = |k: &str| self.scalar_string(m.get(k), &format!("{field}.{k}"));
            let strs = |k: &str| self.strings(m, k).map_err(|e| self.rename(e, &field));
            let mut envs = strs("envs")?;
            let env = s("env")?;
            if !env.is_empty() {
                envs.push(env);
            }
            let behavior = s("behavior")?;
            if !matches!(behavior.as_str(), "" | "create" | "merge" | "replace") {
                return Err(self.err(
                    &format!("{field}.behavior"),
                    format!("must be one of create, merge, replace, found '{behavior}'"),
                ));
            }
            out.push(GeneratorArgs {
                name: s("name")?,
                namespace: s("namespace")?,
                behavior,
                literals: strs("literals")?,
                files: strs("files")?,
                envs,
                options: match m.get("options") {
                    None | Some(Value::Null) => None,
                    Some(o) => Some(self.generator_options(o, &format!("{field}.options"))?),
                },
                secret_type: if secret { s("type")? } else { String::new() },
                index: i,
            });
        }
        Ok(out)
    }
}

/// The text of a string field. kustomize decodes the file into typed Go fields through
/// JSON, so a number or boolean where a string belongs is an error there too (quote it).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The fields of a `configMapGenerator` entry, or with `secret` of a `secretGenerator` one
/// (the same plus `type`); the generator plugins' configs take the same fields.
pub(super) fn generator_fields(secret: bool) -> &'static [&'static str] {
    const FIELDS: [&str; 9] = [
        "name",
        "namespace",
        "behavior",
        "literals",
        "files",
        "envs",
        "env",
        "options",
        "type",
    ];
    if secret { &FIELDS } else { &FIELDS[..8] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_is_rejected() {
        let e = Kustomization::parse(b"resourcez: [a.yaml]\n", "k/kustomization.yaml").unwrap_err();
        assert_eq!(e.to_string(), "k/kustomization.yaml: resourcez: unknown field");
    }

    #[test]
    fn strings_must_be_quoted() {
        let e = Kustomization::parse(b"commonLabels:\n  version: 2\n", "k.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.yaml: commonLabels.version: expected a string, found an integer"
        );
    }

    #[test]
    fn empty_is_an_error() {
        let e = Kustomization::parse(
            b"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
            "k.yaml",
        );
        assert!(e.unwrap_err().to_string().contains("kustomization is empty"));
    }

    #[test]
    fn bases_follow_resources() {
        let k = Kustomization::parse(b"bases: [b]\nresources: [a.yaml]\n", "k.yaml").unwrap();
        assert_eq!(k.resources, ["a.yaml", "b"]);
    }

    #[test]
    fn image_tags_follow_images() {
        let k = Kustomization::parse(
            b"imageTags:\n- name: a\n  newTag: '1'\nimages:\n- name: b\n  newTag: '2'\n",
            "k.yaml",
        )
        .unwrap();
        let names: Vec<&str> = k.images.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
    }

    #[test]
    fn fields_of_this_part() {
        let k = Kustomization::parse(
            b"labels:\n- pairs: {a: b}\n  fields:\n  - {path: spec/x, kind: Foo, create: true}\nreplacements:\n- path: r.yaml\nvars:\n- name: V\n  objref: {apiVersion: v1, kind: Service, name: s}\nconfigurations: [c.yaml]\ntransformers: [t.yaml]\ngenerators: [g.yaml]\nvalidators: [v.yaml]\nhelmCharts:\n- name: c\n",
            "k.yaml",
        )
        .unwrap();
        assert_eq!(k.labels[0].fields[0].path, "spec/x");
        assert_eq!(k.replacements.len(), 1);
        assert_eq!(k.vars[0].field_path, "metadata.name");
        assert_eq!(
            (k.transformers.len(), k.generators.len(), k.validators.len()),
            (1, 1, 1)
        );
        assert_eq!(k.helm.entries, ["helmCharts[0]"]);
        let e = Kustomization::parse(b"inventory: {type: ConfigMap}\n", "k.yaml").unwrap_err();
        assert_eq!(e.to_string(), "k.yaml: inventory: unknown field");
        let e = Kustomization::parse(b"vars:\n- name: V\n  objref: {kind: 1}\n", "k.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.yaml: vars[0].objref.kind: expected a string, found an integer"
        );
    }

    #[test]
    fn typed_errors_name_the_field() {
        let e = Kustomization::parse(b"images:\n- name: x\n  newTag: [1]\n", "k.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.yaml: images[0].newTag: expected a string, found a list"
        );
    }

    #[test]
    fn reads_patch_fields() {
        let text = b"patches:\n- path: p.yaml\n  target: {kind: Deployment, labelSelector: app=web}\n  options: {allowNameChange: true}\npatchesStrategicMerge: [a.yaml]\npatchesJson6902:\n- target: {kind: Service, name: s}\n  path: ops.yaml\ncomponents: [c]\nopenapi: {path: s.json}\n";
        let k = Kustomization::parse(text, "k.yaml").unwrap();
        assert_eq!(k.patches[0].path, "p.yaml");
        assert!(k.patches[0].allow_name_change && !k.patches[0].allow_kind_change);
        assert_eq!(
            k.patches[0].target.as_ref().unwrap()["labelSelector"],
            Value::String("app=web".into())
        );
        assert_eq!(k.patches_strategic_merge, ["a.yaml"]);
        assert_eq!(k.patches_json6902[0].path, "ops.yaml");
        assert_eq!(k.components, ["c"]);
        assert_eq!(k.openapi.unwrap().path, "s.json");
    }

    #[test]
    fn patch_field_errors_name_the_entry() {
        let e = Kustomization::parse(b"patches:\n- path: p.yaml\n  target: {kinds: X}\n", "k.yaml").unwrap_err();
        assert_eq!(e.to_string(), "k.yaml: patches[0].target.kinds: unknown field");
        let e = Kustomization::parse(b"patchesJson6902:\n- target: {kind: X}\n  path: p\n", "k.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.yaml: patchesJson6902[0].target.name: must specify the target name"
        );
    }
}
