//! Building one kustomization: accumulate its resources (recursing into directories),
//! run its generators and transformers in kustomize's fixed order, then — once, at the
//! top — hash generated names, fix name references, drop local-only objects and sort.

use std::path::{Path, PathBuf};

use crate::resource::{Document, Gvk, ResId};
use crate::yaml::{self, Dialect, Value};

use super::error::Error;
use super::kustomization::{Kustomization, SortOrder, find_file};
use super::loader::{LoadRestrictor, Loader, Target};
use super::patch::{self, Schema};
use super::remote::{self, RepoSpec};
use super::resmap::{ResMap, Resource};
use super::{generator, transform};

mod level;

/// How a kustomization directory was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The directory being built.
    Top,
    /// A `resources:` entry: must be a Kustomization.
    Resource,
    /// A `components:` entry: must be a Component; works on its parent's resources.
    Component,
}

/// The strategic-merge schema of the build: kustomize keeps one for the whole build,
/// set by the first kustomization (outermost first) that has an `openapi:` field.
#[derive(Debug, Default)]
enum SchemaChoice {
    #[default]
    Unset,
    Builtin,
    Custom(Box<Schema>),
}

/// Settings of one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load_restrictor: LoadRestrictor,
    /// Fetch remote `resources:` (git repositories) with the system `git`; refused when false.
    pub allow_remote: bool,
    /// Render `helmCharts:` (kustomize's `--enable-helm`); refused when false.
    pub enable_helm: bool,
    /// What renders charts when `enable_helm` is set (`pipeline` supplies the chart engine).
    pub chart_renderer: Option<std::sync::Arc<dyn super::helm::ChartRenderer>>,
    /// In-memory YAML streams (source name, bytes) taken as the first resources of the
    /// top kustomization, e.g. a chart's rendered documents (`rudder template --post-render`).
    pub extra_resources: Vec<(String, Vec<u8>)>,
}

/// Builds the kustomization in `dir` and returns its objects in output order.
///
/// # Errors
/// Any problem with the kustomization, its files or its objects, naming file and field.
pub fn build(dir: &Path, opts: &BuildOptions) -> Result<Vec<Document>, Error> {
    let mut state = State {
        opts: opts.clone(),
        stack: Vec::new(),
        remotes: Vec::new(),
        clone_root: None,
        crds: Vec::new(),
        meta: Default::default(),
        schema: SchemaChoice::Unset,
        tables: Vec::new(),
        vars: Vec::new(),
    };
    let (mut rm, top) = state.accumulate(dir)?;
    generator::add_hash_suffixes(&mut rm)?;
    let table = top
        .fields
        .name_reference_with_crds(&state.crds)
        .map_err(|m| Error::field("crds", "(definitions)", m))?;
    transform::name_reference::fix(&mut rm, &table)?;
    transform::vars::resolve(&mut rm, &state.vars, &top.fields.var_reference)?;
    drop_local_config(&mut rm);
    let order = top.sort_options.clone().unwrap_or_else(SortOrder::default_legacy);
    let mut resources = rm.into_resources();
    if let SortOrder::Legacy { first, last } = &order {
        legacy_sort(&mut resources, first, last);
    }
    state.meta.finish(&mut resources)?;
    for r in &resources {
        yaml::ensure_printable(r.value()).map_err(|field| {
            Error::field(
                &r.doc.source,
                format!("{} {}: {field}", r.kind(), r.name()),
                "control characters are not allowed",
            )
        })?;
    }
    Ok(resources.into_iter().map(|r| r.doc).collect())
}

struct State {
    opts: BuildOptions,
    /// Real paths of the kustomizations being built, outermost first.
    stack: Vec<PathBuf>,
    /// Remote kustomizations being built, outermost first.
    remotes: Vec<RepoSpec>,
    /// The working tree (real path) of the innermost remote being built: directories
    /// named inside it must stay inside it, as kustomize requires.
    clone_root: Option<PathBuf>,
    /// Documents of every `crds:` file met.
    crds: Vec<Value>,
    /// `buildMetadata` origin and transformer tracking.
    meta: transform::build_metadata::Tracker,
    schema: SchemaChoice,
    /// Field tables of the kustomizations being built, outermost first; a finished one
    /// is merged into its parent's (see [`super::config::FieldTables`]).
    tables: Vec<super::config::FieldTables>,
    /// Every `vars:` entry met so far.
    vars: Vec<transform::vars::Var>,
}

impl State {
    fn accumulate(&mut self, dir: &Path) -> Result<(ResMap, Kustomization), Error> {
        let role = if self.stack.is_empty() {
            Role::Top
        } else {
            Role::Resource
        };
        let mut rm = ResMap::new();
        let k = self.accumulate_into(dir, role, &mut rm, "", "")?;
        Ok((rm, k))
    }

    /// Builds the kustomization in `dir` into `rm`: a new, empty map for the top and for
    /// `resources:` directories, the parent's accumulated map for components.
    fn accumulate_into(
        &mut self,
        dir: &Path,
        role: Role,
        rm: &mut ResMap,
        parent: &str,
        entry_field: &str,
    ) -> Result<Kustomization, Error> {
        let ldr = Loader::new(dir, self.opts.load_restrictor)?;
        let kfile = find_file(dir)?;
        let kname = super::loader::clean(&kfile).display().to_string();
        let text = fs_err::read(&kfile).map_err(|e| Error::Read {
            path: kname.clone(),
            message: e.to_string(),
        })?;
        let mut k = Kustomization::parse(&text, &kname)?;
        match (role, k.kind == "Component") {
            (Role::Resource, true) => {
                let message = format!(
                    "'{}' is a Component: list it under components:, not resources:",
                    dir.display()
                );
                return Err(Error::field(parent, entry_field, message));
            }
            (Role::Component, false) => {
                let message = format!(
                    "'{}' is a {}, not a Component: list it under resources:, not components:",
                    dir.display(),
                    k.kind
                );
                return Err(Error::field(parent, entry_field, message));
            }
            _ => {}
        }
        self.choose_schema(&k, &ldr, &kname)?;
        self.stack.push(ldr.real_dir().to_path_buf());
        self.meta.enter(&k);
        // A component works in its parent's accumulation, field tables included.
        let start = match (role, self.tables.last()) {
            (Role::Component, Some(parent)) => parent.clone(),
            _ => super::config::FieldTables::default(),
        };
        self.tables.push(start);

        if matches!(role, Role::Top) {
            for (source, bytes) in &self.opts.extra_resources {
                for r in resources_from_bytes(bytes, source)? {
                    rm.append(r)?;
                }
            }
        }
        for (i, entry) in k.resources.iter().enumerate() {
            let field = format!("resources[{i}]");
            if let Some(kind) = remote::classify(entry) {
                let sub = self.accumulate_remote(entry, kind, &kname, &field)?;
                rm.append_all(sub)?;
                continue;
            }
            match ldr.locate(entry, &kname, &field)? {
                Target::File(path) => {
                    let bytes = ldr.read(entry, &kname, &field)?;
                    let source = path.display().to_string();
                    for mut r in resources_from_bytes(&bytes, &source)? {
                        self.meta.file_origin(&mut r, entry);
                        rm.append(r)?;
                    }
                }
                Target::Dir(path) => {
                    let real = path
                        .canonicalize()
                        .map_err(|e| Error::field(&kname, &field, e.to_string()))?;
                    if self.clone_root.as_ref().is_some_and(|root| !real.starts_with(root)) {
                        let message =
                            format!("'{entry}' is outside the repository this kustomization was fetched from");
                        return Err(Error::field(&kname, &field, message));
                    }
                    self.ensure_not_on_stack(&real, entry, &kname, &field)?;
                    if find_file(&path).is_err() {
                        // Name the entry: the directory holds no (or several) kustomization files.
                        let inner = find_file(&path).unwrap_err();
                        return Err(Error::field(&kname, &field, inner.to_string()));
                    }
                    self.meta.descend(entry);
                    let mut sub = ResMap::new();
                    self.accumulate_into(&path, Role::Resource, &mut sub, &kname, &field)?;
                    self.meta.ascend();
                    rm.append_all(sub)?;
                }
            }
        }
        for (i, entry) in k.crds.iter().enumerate() {
            let field = format!("crds[{i}]");
            let bytes = ldr.read(entry, &kname, &field)?;
            let shown = ldr.display(entry);
            let docs: Vec<Value> = yaml::parse_bytes(&bytes, Dialect::Kustomize, &shown)?
                .into_iter()
                .map(|d| d.value)
                .filter(|v| !v.is_null())
                .collect();
            // Checked here so that a bad file is named; merged with the others at the end.
            super::config::name_reference_with_crds(&docs).map_err(|e| Error::field(&shown, "(definitions)", e))?;
            self.crds.extend(docs);
        }

        for (i, entry) in k.components.iter().enumerate() {
            let field = format!("components[{i}]");
            if remote::classify(entry).is_some() {
                let message =
                    format!("'{entry}': remote components are not supported; fetch it and name a local directory");
                return Err(Error::field(&kname, &field, message));
            }
            let Target::Dir(path) = ldr.locate(entry, &kname, &field)? else {
                let message = format!("'{entry}' must be a directory holding a kind: Component kustomization");
                return Err(Error::field(&kname, &field, message));
            };
            self.ensure_no_cycle(&path, entry, &kname, &field)?;
            if let Err(inner) = find_file(&path) {
                return Err(Error::field(&kname, &field, inner.to_string()));
            }
            self.meta.descend(entry);
            self.accumulate_into(&path, Role::Component, rm, &kname, &field)?;
            self.meta.ascend();
        }

        k.fields = std::sync::Arc::new(self.level_tables(&k, &ldr)?);
        generator::run(rm, &k, &ldr)?;
        self.meta.generated(rm, &k);
        self.run_level_generators(rm, &k, &ldr, dir)?;
        // kustomize's fixed order of built-in transformers (kusttarget.go).
        let schema = match &self.schema {
            SchemaChoice::Custom(s) => s,
            _ => Schema::builtin(),
        };
        patch::apply_strategic_merge_field(rm, &k, &ldr, schema)?;
        patch::apply_patches_field(rm, &k, &ldr, schema)?;
        transform::namespace::apply(rm, &k)?;
        transform::prefix_suffix::apply(rm, &k)?;
        transform::labels::apply(rm, &k)?;
        transform::annotations::apply(rm, &k)?;
        patch::apply_json6902_field(rm, &k, &ldr, schema)?;
        transform::replicas::apply(rm, &k)?;
        transform::images::apply(rm, &k)?;
        let replacements = transform::replacements::load(&k.replacements, &ldr, &kname)?;
        transform::replacements::apply(rm, &replacements, &kname)?;
        self.meta.transformed(rm, &k);
        self.run_level_plugins(rm, &k, &ldr, dir)?;
        transform::vars::tie(rm, &k.vars, &mut self.vars)?;

        self.stack.pop();
        self.finish_level_tables()?;
        Ok(k)
    }

    /// Takes the kustomization's `openapi:` as the build's schema when none is set yet.
    fn choose_schema(&mut self, k: &Kustomization, ldr: &Loader, kname: &str) -> Result<(), Error> {
        let Some(o) = &k.openapi else { return Ok(()) };
        if !matches!(self.schema, SchemaChoice::Unset) {
            return Ok(());
        }
        if !o.path.is_empty() {
            let bytes = ldr.read(&o.path, kname, "openapi.path")?;
            let shown = ldr.display(&o.path);
            let s = Schema::from_text(&bytes, &shown).map_err(|m| Error::field(kname, "openapi.path", m))?;
            self.schema = SchemaChoice::Custom(Box::new(s));
        } else if !o.version.is_empty() {
            patch::ensure_version(&o.version).map_err(|m| Error::field(kname, "openapi.version", m))?;
            self.schema = SchemaChoice::Builtin;
        }
        Ok(())
    }

    fn ensure_no_cycle(&self, path: &Path, entry: &str, kname: &str, field: &str) -> Result<(), Error> {
        let real = path
            .canonicalize()
            .map_err(|e| Error::field(kname, field, e.to_string()))?;
        self.ensure_not_on_stack(&real, entry, kname, field)
    }

    /// The directory `real` (canonical) must not be, or contain, one being built already.
    fn ensure_not_on_stack(&self, real: &Path, entry: &str, kname: &str, field: &str) -> Result<(), Error> {
        if self.stack.iter().any(|s| s == real || s.starts_with(real)) {
            return Err(Error::Cycle {
                file: kname.to_string(),
                field: field.to_string(),
                path: entry.to_string(),
                chain: self
                    .stack
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" -> "),
            });
        }
        Ok(())
    }

    /// Builds a remote `resources:` entry: a git repository fetched into a temporary
    /// directory (removed on return), whose kustomization directory is built like a local
    /// one with the repository as its world.
    fn accumulate_remote(
        &mut self,
        entry: &str,
        kind: remote::Remote,
        kname: &str,
        field: &str,
    ) -> Result<ResMap, Error> {
        let fail = |message: String| Error::field(kname, field, format!("'{entry}': {message}"));
        if kind != remote::Remote::Git {
            return Err(fail("only git repositories are supported for remote resources".into()));
        }
        if !self.opts.allow_remote {
            let hint = "hint: pass --allow-remote to fetch it with git";
            let message = format!("'{entry}' is a remote resource, refused by default; {hint}");
            return Err(Error::field(kname, field, message));
        }
        let spec = RepoSpec::parse(entry).map_err(fail)?;
        if self.remotes.iter().any(|outer| spec.covers(outer)) {
            return Err(Error::Cycle {
                file: kname.to_string(),
                field: field.to_string(),
                path: entry.to_string(),
                chain: self
                    .remotes
                    .iter()
                    .map(|r| r.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" -> "),
            });
        }
        let checkout = remote::fetch(&spec).map_err(fail)?;
        let dir = checkout.kustomization_dir(&spec).map_err(fail)?;
        if let Err(inner) = find_file(&dir) {
            return Err(fail(checkout.relabel(&spec, &inner.to_string())));
        }
        self.remotes.push(spec.clone());
        let outer_root = self.clone_root.replace(checkout.real_root().to_path_buf());
        self.meta.descend(&spec.path);
        let built = self.accumulate(&dir);
        self.meta.ascend();
        self.clone_root = outer_root;
        self.remotes.pop();
        let (mut sub, _) = built.map_err(|e| checkout.relabel_error(&spec, e))?;
        for r in sub.resources_mut() {
            r.doc.source = checkout.relabel(&spec, &r.doc.source);
        }
        Ok(sub)
    }
}

/// Reads the objects of one resource file: every non-empty document, `List` kinds
/// flattened (their items queued after the file's other documents, as kustomize does).
///
/// # Errors
/// Invalid YAML, a document that is not a mapping, an object without `metadata.name`.
pub fn resources_from_bytes(bytes: &[u8], source: &str) -> Result<Vec<Resource>, Error> {
    let docs = yaml::parse_bytes(bytes, Dialect::Kustomize, source)?;
    let mut queue: std::collections::VecDeque<(Value, usize)> = docs
        .into_iter()
        .filter(|d| !d.value.is_null())
        .map(|d| (d.value, d.line))
        .collect();
    let mut out = Vec::new();
    let mut index = 0usize;
    while let Some((value, line)) = queue.pop_front() {
        index += 1;
        let where_ = format!("{source}: document {index}");
        if !matches!(value, Value::Map(_)) {
            return Err(Error::field(
                source,
                format!("document {index}"),
                format!("expected a mapping, found {}", value.type_name()),
            ));
        }
        let kind = value.str_at(&["kind"]).unwrap_or("");
        if kind.ends_with("List") {
            match value.get("items") {
                None | Some(Value::Null) => {}
                Some(Value::Seq(items)) => {
                    for item in items {
                        queue.push_back((item.clone(), line));
                    }
                }
                Some(v) => {
                    return Err(Error::field(
                        &where_,
                        "items",
                        format!("expected a list, found {}", v.type_name()),
                    ));
                }
            }
            continue;
        }
        if kind.is_empty() {
            return Err(Error::field(&where_, "kind", "missing kind"));
        }
        if value.str_at(&["metadata", "name"]).is_none_or(str::is_empty) {
            return Err(Error::field(&where_, "metadata.name", format!("{kind} has no name")));
        }
        out.push(Resource::new(Document::new(value, source, line)));
    }
    Ok(out)
}

/// Removes objects annotated `config.kubernetes.io/local-config: "true"`.
fn drop_local_config(rm: &mut ResMap) {
    rm.resources_mut().retain(|r| {
        r.value()
            .str_at(&["metadata", "annotations", "config.kubernetes.io/local-config"])
            != Some("true")
    });
}

/// kustomize's legacy order: kinds ranked by `first`/`last`, then by group/version/kind,
/// then by namespace and name.
fn legacy_sort(resources: &mut [Resource], first: &[String], last: &[String]) {
    let mut keyed: Vec<(i64, String, String, usize)> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let id = r.cur_id();
            let rank = crate::resource::legacy_kind_index(&id.gvk.kind, first, last);
            (rank, gvk_sort_string(&id.gvk), id_sort_string(&id), i)
        })
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| {
                let (ga, gb) = (&resources[a.3].cur_id().gvk, &resources[b.3].cur_id().gvk);
                if ga != gb
                    && ga.kind == "Namespace"
                    && gb.kind == "Namespace"
                    && (ga.group.is_empty() || gb.group.is_empty())
                {
                    b.1.cmp(&a.1)
                } else {
                    a.1.cmp(&b.1)
                }
            })
            .then_with(|| a.2.cmp(&b.2))
    });
    let order: Vec<usize> = keyed.into_iter().map(|k| k.3).collect();
    let mut taken: Vec<Option<Resource>> = resources
        .iter_mut()
        .map(|r| Some(std::mem::replace(r, Resource::new(Document::new(Value::Null, "", 0)))))
        .collect();
    for (slot, i) in resources.iter_mut().zip(order) {
        *slot = taken[i].take().expect("each index once");
    }
}

fn gvk_sort_string(g: &Gvk) -> String {
    let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
    format!("{}_{}_{}", or(&g.group, "~G"), or(&g.version, "~V"), or(&g.kind, "~K"))
}

fn id_sort_string(id: &ResId) -> String {
    let ns = if id.namespace.is_empty() { "~X" } else { &id.namespace };
    let name = if id.name.is_empty() { "~N" } else { &id.name };
    format!("{}|{}|{}", id.gvk.kustomize_string(), ns, name)
}
