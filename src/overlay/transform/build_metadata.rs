//! `buildMetadata`: the managed-by label, origin annotations and transformer annotations,
//! plus the end-of-build removal of kustomize's bookkeeping annotations.
//!
//! Rules (kustomize v5.5, as `kubectl kustomize` prints them):
//! - only the top kustomization's `buildMetadata` counts; nested ones are ignored, and any
//!   value there (even an unknown one) turns tracking on for the whole build;
//! - `originAnnotations`: `config.kubernetes.io/origin` holds, as YAML text, `path:` (the
//!   resource file, reached from the top directory by joining and cleaning the entries as
//!   written, e.g. `../base/deploy.yaml`) or, for generated objects, `configuredIn:` (the
//!   generating kustomization file, likewise) and `configuredBy:` (`apiVersion: builtin`,
//!   `kind: ConfigMapGenerator`/`SecretGenerator`). A generator with `behavior: merge`
//!   keeps the origin of the object it merges into; `replace` takes the new one;
//! - `transformerAnnotations`: `alpha.config.kubernetes.io/transformations` lists, as a
//!   YAML sequence, every built-in transformer each level configured, in kustomize's run
//!   order, on every object of that level, whether or not it changed the object. A level
//!   with `labels` or `commonLabels` runs one LabelTransformer per `labels` entry plus one
//!   for `commonLabels`; images and replicas run one transformer per entry;
//! - `managedByLabel`: `app.kubernetes.io/managed-by: kustomize-(devel)` (the version
//!   kubectl's embedded kustomize reports) on every object's `metadata.labels`, at the end;
//! - at the end of every build, tracked or not: origin and transformer annotations that
//!   were not asked for are removed (even ones the input carried), as are kustomize's
//!   internal and kio bookkeeping annotations, and an `annotations` mapping left empty or
//!   null is removed; the remaining annotation values all become strings.

use std::path::Path;

use crate::overlay::config;
use crate::overlay::error::Error;
use crate::overlay::kustomization::{GeneratorArgs, Kustomization};
use crate::overlay::resmap::{ResMap, Resource};
use crate::yaml::{self, Map, Value};

use super::labels::set_entries;

pub const ORIGIN: &str = "config.kubernetes.io/origin";
pub const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// What `kubectl kustomize` (kubectl 1.32, kustomize v5.5.0 built in) writes as the
/// managed-by value; a standalone kustomize would write `kustomize-v5.5.0`.
pub const MANAGED_BY_VALUE: &str = "kustomize-(devel)";

/// Annotations kustomize removes from every object at the end of a build.
const BOOKKEEPING: &[&str] = &[
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
];

/// What the top kustomization's `buildMetadata` asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Settings {
    /// Any value at all: origins and transformations are recorded during the build.
    track: bool,
    origin: bool,
    transformations: bool,
    managed_by: bool,
}

/// Origin bookkeeping of one build. The target calls [`Tracker::enter`] for each
/// kustomization, [`Tracker::descend`]/[`Tracker::ascend`] around each directory entry,
/// and the recording hooks as objects are read, generated and transformed.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    /// Set by the first (top) kustomization entered.
    settings: Option<Settings>,
    /// The top kustomization file, for error messages.
    top_file: String,
    /// Origin path of each directory being built, top (`""`) first.
    paths: Vec<String>,
}

impl Tracker {
    /// Notes a kustomization being built; the first one sets the build's settings.
    pub fn enter(&mut self, k: &Kustomization) {
        if self.settings.is_none() {
            let has = |s: &str| k.build_metadata.iter().any(|m| m == s);
            self.settings = Some(Settings {
                track: !k.build_metadata.is_empty(),
                origin: has("originAnnotations"),
                transformations: has("transformerAnnotations"),
                managed_by: has("managedByLabel"),
            });
            self.top_file.clone_from(&k.file);
        }
        if self.paths.is_empty() {
            self.paths.push(String::new());
        }
    }

    /// Before building the directory `entry` of the current kustomization.
    pub fn descend(&mut self, entry: &str) {
        let next = join(self.current(), entry);
        self.paths.push(next);
    }

    /// After building a directory entered with [`Tracker::descend`].
    pub fn ascend(&mut self) {
        self.paths.pop();
    }

    /// Records that `r` was read from the file `entry` of the current kustomization.
    pub fn file_origin(&self, r: &mut Resource, entry: &str) {
        if self.tracking() {
            let text = format!("path: {}\n", scalar(&join(self.current(), entry)));
            set_annotation(r, ORIGIN, text);
        }
    }

    /// Records the origin of the objects the generators of `k` made (call after they ran).
    pub fn generated(&self, rm: &mut ResMap, k: &Kustomization) {
        if !self.tracking() {
            return;
        }
        let configured_in = join(self.current(), &file_name(&k.file));
        for r in rm.iter_mut().filter(|r| r.generated.is_some()) {
            let (kind, args) = match r.kind() {
                "ConfigMap" => ("ConfigMapGenerator", &k.config_map_generator),
                "Secret" => ("SecretGenerator", &k.secret_generator),
                _ => continue,
            };
            if annotation(r, ORIGIN).is_none() || replaced_here(r, args) {
                set_annotation(r, ORIGIN, configured_by(&configured_in, kind, ""));
            }
        }
    }

    /// Records the origin of objects a generator plugin config made (generated objects that
    /// have none yet). `configured_in` is the config's file, relative to the kustomization.
    pub fn plugin_generated(&self, rm: &mut ResMap, configured_in: &str, kind: &str, name: &str) {
        if !self.tracking() {
            return;
        }
        let configured_in = join(self.current(), configured_in);
        for r in rm.iter_mut().filter(|r| r.generated.is_some()) {
            if annotation(r, ORIGIN).is_none() {
                set_annotation(r, ORIGIN, configured_by_named(&configured_in, kind, name, ""));
            }
        }
    }

    /// Records one transformer plugin config on every object of its level (call after it
    /// ran). `configured_in` is the config's file, relative to the kustomization.
    pub fn plugin_transformed(&self, rm: &mut ResMap, configured_in: &str, kind: &str, name: &str) {
        if !self.tracking() {
            return;
        }
        let configured_in = join(self.current(), configured_in);
        for r in rm.iter_mut() {
            if annotation(r, ORIGIN).is_none() {
                set_annotation(r, ORIGIN, configured_by_named(&configured_in, kind, name, ""));
            } else {
                let mut list = annotation(r, TRANSFORMATIONS).unwrap_or_default().to_string();
                list.push_str(&configured_by_named(&configured_in, kind, name, "- "));
                set_annotation(r, TRANSFORMATIONS, list);
            }
        }
    }

    /// Records the built-in transformers `k` configured on every object of its level (call
    /// after they ran).
    pub fn transformed(&self, rm: &mut ResMap, k: &Kustomization) {
        if !self.tracking() {
            return;
        }
        let configured_in = join(self.current(), &file_name(&k.file));
        for kind in transformer_kinds(k) {
            for r in rm.iter_mut() {
                if annotation(r, ORIGIN).is_none() {
                    // kustomize: an object without an origin was made by the transformer.
                    set_annotation(r, ORIGIN, configured_by(&configured_in, kind, ""));
                } else {
                    let mut list = annotation(r, TRANSFORMATIONS).unwrap_or_default().to_string();
                    list.push_str(&configured_by(&configured_in, kind, "- "));
                    set_annotation(r, TRANSFORMATIONS, list);
                }
            }
        }
    }

    /// End of the build: adds the managed-by label if asked, and removes bookkeeping
    /// annotations (and emptied annotation mappings) from every object.
    ///
    /// # Errors
    /// An object's `metadata.labels` is not a mapping (with `managedByLabel`).
    pub fn finish(&self, resources: &mut [Resource]) -> Result<(), Error> {
        let settings = self.settings.unwrap_or_default();
        if settings.managed_by {
            let pairs: Map = [(MANAGED_BY.to_string(), Value::from(MANAGED_BY_VALUE))]
                .into_iter()
                .collect();
            set_entries(
                resources.iter_mut(),
                config::metadata_labels(),
                &pairs,
                &self.top_file,
                "buildMetadata",
            )?;
        }
        for r in resources {
            let Some(Value::Map(meta)) = r.value_mut().get_mut("metadata") else {
                continue;
            };
            match meta.get_mut("annotations") {
                Some(Value::Map(a)) => {
                    a.retain(|key, _| {
                        !(BOOKKEEPING.contains(&key.as_str())
                            || (key == ORIGIN && !settings.origin)
                            || (key == TRANSFORMATIONS && !settings.transformations))
                    });
                    // kustomize re-writes annotations as a string map here: every value
                    // becomes its scalar text (a null and a collection become "").
                    for v in a.values_mut() {
                        let text = match v {
                            Value::String(_) => continue,
                            Value::Int(i) => i.to_string(),
                            Value::Uint(u) => u.to_string(),
                            Value::Bool(b) => b.to_string(),
                            Value::Float(_) => yaml::to_string(v).trim_end().to_string(),
                            Value::Null | Value::Seq(_) | Value::Map(_) => String::new(),
                        };
                        *v = Value::String(text);
                    }
                    if a.is_empty() {
                        meta.shift_remove("annotations");
                    }
                }
                Some(Value::Null) => {
                    meta.shift_remove("annotations");
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn tracking(&self) -> bool {
        self.settings.is_some_and(|s| s.track)
    }

    fn current(&self) -> &str {
        self.paths.last().map_or("", String::as_str)
    }
}

/// The built-in transformers a kustomization configures, in the order kustomize runs them
/// (patches and replacements, not handled by rudder yet, would join this list).
fn transformer_kinds(k: &Kustomization) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    if !k.namespace.is_empty() {
        kinds.push("NamespaceTransformer");
    }
    if !k.name_prefix.is_empty() {
        kinds.push("PrefixTransformer");
    }
    if !k.name_suffix.is_empty() {
        kinds.push("SuffixTransformer");
    }
    if !k.labels.is_empty() || !k.common_labels.is_empty() {
        // One per `labels` entry, and one for `commonLabels` even when it is empty.
        kinds.extend(std::iter::repeat_n("LabelTransformer", k.labels.len() + 1));
    }
    if !k.common_annotations.is_empty() {
        kinds.push("AnnotationsTransformer");
    }
    kinds.extend(std::iter::repeat_n("ReplicaCountTransformer", k.replicas.len()));
    kinds.extend(std::iter::repeat_n("ImageTagTransformer", k.images.len()));
    if !k.replacements.is_empty() {
        kinds.push("ReplacementTransformer");
    }
    kinds
}

/// Whether a `behavior: replace` generator entry of this level produced `r`.
fn replaced_here(r: &Resource, args: &[GeneratorArgs]) -> bool {
    let ns_eq = |a: &str, b: &str| a == b || (a.is_empty() && b == "default") || (a == "default" && b.is_empty());
    args.iter().filter(|a| a.behavior == "replace").any(|a| {
        r.all_ids()
            .iter()
            .any(|id| id.name == a.name && ns_eq(&id.namespace, &a.namespace))
    })
}

/// An origin (or, with `lead` `"- "`, a transformations list item) naming a built-in
/// plugin configured in a kustomization file, as kustomize's YAML marshalling prints it.
fn configured_by(configured_in: &str, kind: &str, lead: &str) -> String {
    configured_by_named(configured_in, kind, "", lead)
}

/// As [`configured_by`], for a plugin config with a `metadata.name`.
fn configured_by_named(configured_in: &str, kind: &str, name: &str, lead: &str) -> String {
    let pad = if lead.is_empty() { "" } else { "  " };
    let name = if name.is_empty() {
        String::new()
    } else {
        format!("{pad}  name: {}\n", scalar(name))
    };
    format!(
        "{lead}configuredIn: {}\n{pad}configuredBy:\n{pad}  apiVersion: builtin\n{pad}  kind: {kind}\n{name}",
        scalar(configured_in)
    )
}

fn annotation<'a>(r: &'a Resource, key: &str) -> Option<&'a str> {
    r.value().str_at(&["metadata", "annotations", key])
}

fn set_annotation(r: &mut Resource, key: &str, text: String) {
    if let Some(a) = r.value_mut().map_at_mut(&["metadata", "annotations"]) {
        a.insert(key.to_string(), Value::String(text));
    }
}

/// A string as a plain or quoted YAML scalar.
fn scalar(s: &str) -> String {
    yaml::to_string(&Value::from(s)).trim_end_matches('\n').to_string()
}

fn file_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Go's `filepath.Join`: the non-empty parts joined with `/`, then cleaned.
fn join(base: &str, entry: &str) -> String {
    match (base.is_empty(), entry.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(entry),
        (false, true) => clean(base),
        (false, false) => clean(&format!("{base}/{entry}")),
    }
}

/// Go's `filepath.Clean` (for `/`-separated paths): drops `.` and empty parts, resolves
/// `..` lexically (keeping leading ones of a relative path), `.` for an empty result.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::resmap::Generated;
    use crate::overlay::transform::labels::tests::{at, map, resmap};

    fn kust(file: &str, meta: &[&str]) -> Kustomization {
        Kustomization {
            file: file.into(),
            build_metadata: meta.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn anno(rm: &ResMap, i: usize, key: &str) -> Option<String> {
        at(rm, i, &["metadata", "annotations", key])
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    #[test]
    fn cleans_like_go() {
        assert_eq!(join("", "./sub/../r.yaml"), "r.yaml");
        assert_eq!(join("../base", "deploy.yaml"), "../base/deploy.yaml");
        assert_eq!(join("../base", "../other/x.yaml"), "../other/x.yaml");
        assert_eq!(join("a", "../.."), "..");
        assert_eq!(join("", "base/"), "base");
        assert_eq!(clean("/a/../../b"), "/b");
        assert_eq!(clean("a/.."), ".");
    }

    #[test]
    fn records_origins_and_transformations() {
        let mut t = Tracker::default();
        let top = Kustomization {
            namespace: "ns".into(),
            labels: vec![Default::default()],
            ..kust(
                "overlay/kustomization.yaml",
                &["originAnnotations", "transformerAnnotations"],
            )
        };
        t.enter(&top);
        t.descend("../base");
        let base = Kustomization {
            name_prefix: "p-".into(),
            ..kust("base/kustomization.yml", &[])
        };
        t.enter(&base);
        let mut rm = resmap(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g\n",
        );
        t.file_origin(&mut rm.resources_mut()[0], "./cm.yaml");
        rm.resources_mut()[1].generated = Some(Generated::default());
        t.generated(&mut rm, &base);
        t.transformed(&mut rm, &base);
        t.ascend();
        t.transformed(&mut rm, &top);
        assert_eq!(anno(&rm, 0, ORIGIN).as_deref(), Some("path: ../base/cm.yaml\n"));
        assert_eq!(
            anno(&rm, 1, ORIGIN).as_deref(),
            Some(
                "configuredIn: ../base/kustomization.yml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n"
            )
        );
        let item = |file: &str, kind: &str| {
            format!("- configuredIn: {file}\n  configuredBy:\n    apiVersion: builtin\n    kind: {kind}\n")
        };
        let want = [
            item("../base/kustomization.yml", "PrefixTransformer"),
            item("kustomization.yaml", "NamespaceTransformer"),
            item("kustomization.yaml", "LabelTransformer"),
            item("kustomization.yaml", "LabelTransformer"),
        ]
        .concat();
        assert_eq!(anno(&rm, 0, TRANSFORMATIONS), Some(want.clone()));
        assert_eq!(anno(&rm, 1, TRANSFORMATIONS), Some(want));
        t.finish(rm.resources_mut()).unwrap();
        assert!(anno(&rm, 0, ORIGIN).is_some());
    }

    #[test]
    fn nested_settings_are_ignored() {
        let mut t = Tracker::default();
        t.enter(&kust("kustomization.yaml", &[]));
        t.descend("base");
        t.enter(&kust(
            "base/kustomization.yaml",
            &["originAnnotations", "managedByLabel"],
        ));
        let mut rm = resmap("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
        t.file_origin(&mut rm.resources_mut()[0], "cm.yaml");
        t.finish(rm.resources_mut()).unwrap();
        assert!(at(&rm, 0, &["metadata", "annotations"]).is_none());
        assert!(at(&rm, 0, &["metadata", "labels"]).is_none());
    }

    #[test]
    fn finish_strips_bookkeeping_and_adds_the_label() {
        let mut t = Tracker::default();
        t.enter(&kust("kustomization.yaml", &["managedByLabel"]));
        let mut rm = resmap(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {}\n  labels: {}\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    config.kubernetes.io/origin: x\n    config.k8s.io/id: '1'\n    internal.config.kubernetes.io/fileMergeMode: x\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n",
        );
        t.finish(rm.resources_mut()).unwrap();
        assert!(at(&rm, 0, &["metadata", "annotations"]).is_none());
        assert_eq!(
            at(&rm, 0, &["metadata", "labels"]),
            Some(&Value::Map(map(&[(MANAGED_BY, MANAGED_BY_VALUE)])))
        );
        assert_eq!(
            at(&rm, 1, &["metadata", "annotations"]),
            Some(&Value::Map(map(&[(
                "internal.config.kubernetes.io/fileMergeMode",
                "x"
            )])))
        );
        assert!(at(&rm, 2, &["metadata", "annotations"]).is_none());
    }
}
