//! Running the patch fields of one kustomization over the accumulated resources, as
//! kustomize's PatchStrategicMergeTransformer, PatchTransformer and
//! PatchJson6902Transformer do.
//!
//! - A strategic merge patch without a target applies to the one resource whose current
//!   or any earlier id equals the patch's id (none or several: an error). With a target,
//!   every patch document applies to every selected resource; none selected is fine.
//! - The patched resource keeps its name, kind and namespace unless
//!   `options.allowNameChange` / `allowKindChange` say otherwise; a patch that deletes the
//!   whole object (`$patch: delete`) removes it from the build.
//! - A JSON patch needs a target and applies to every selected resource.
//!
//! Resources are found through an index by name (every name they have had), so a patch
//! with a literal target name or no target costs no scan of the whole build.

use std::collections::HashMap;

use crate::resource::ResId;
use crate::yaml::Value;

use super::super::error::Error;
use super::super::kustomization::{Json6902Patch, Kustomization, Patch};
use super::super::loader::Loader;
use super::super::resmap::{ResMap, Resource, effective};
use super::body::{self, Body};
use super::json6902::{self, Op};
use super::selector::Selector;
use super::smp::{Schema, merge};

/// Runs `patchesStrategicMerge:`.
///
/// # Errors
/// Unreadable or malformed patches, a patch matching no or several resources.
pub fn apply_strategic_merge_field(
    rm: &mut ResMap,
    k: &Kustomization,
    ldr: &Loader,
    schema: &Schema,
) -> Result<(), Error> {
    if k.patches_strategic_merge.is_empty() {
        return Ok(());
    }
    let mut run = Run::new(rm, &k.file, schema);
    for (i, entry) in k.patches_strategic_merge.iter().enumerate() {
        let field = format!("patchesStrategicMerge[{i}]");
        // An entry is a file path, or the patch itself when it is not one (kustomize's rule).
        let docs = if looks_like_path(entry) {
            let text = ldr.read(entry, &k.file, &field)?;
            let text = String::from_utf8_lossy(&text);
            body::parse_strategic(&text, &ldr.display(entry))
        } else {
            body::parse_strategic(entry, &field)
        }
        .map_err(|m| Error::field(&k.file, &field, m))?;
        for doc in &docs {
            run.untargeted(doc, &Options::default(), &field)?;
        }
    }
    run.finish();
    Ok(())
}

/// Runs `patches:`.
///
/// # Errors
/// As [`apply_strategic_merge_field`], plus JSON patches without a target and failing
/// JSON patch operations.
pub fn apply_patches_field(rm: &mut ResMap, k: &Kustomization, ldr: &Loader, schema: &Schema) -> Result<(), Error> {
    if k.patches.is_empty() {
        return Ok(());
    }
    let mut run = Run::new(rm, &k.file, schema);
    for (i, p) in k.patches.iter().enumerate() {
        let field = format!("patches[{i}]");
        let fail = |m: String| Error::field(&k.file, &field, m);
        let body = load_body(p, ldr, &k.file, &field)?;
        let target = compile(p.target.as_ref(), &k.file, &field)?;
        let opts = Options {
            allow_name_change: p.allow_name_change,
            allow_kind_change: p.allow_kind_change,
        };
        match (body, target) {
            (Body::Strategic(docs), None) => {
                for doc in &docs {
                    run.untargeted(doc, &opts, &field)?;
                }
            }
            (Body::Strategic(docs), Some(sel)) => {
                for idx in run.select(&sel) {
                    for doc in &docs {
                        run.merge_into(idx, doc, &opts, &field)?;
                    }
                }
            }
            (Body::Json(_), None) => return Err(fail("a JSON patch needs a target".into())),
            (Body::Json(ops), Some(sel)) => {
                for idx in run.select(&sel) {
                    run.json(idx, &ops, &field)?;
                }
            }
        }
    }
    run.finish();
    Ok(())
}

/// Runs `patchesJson6902:`.
///
/// # Errors
/// Unreadable or malformed patches, a target without a name, failing operations.
pub fn apply_json6902_field(rm: &mut ResMap, k: &Kustomization, ldr: &Loader, schema: &Schema) -> Result<(), Error> {
    if k.patches_json6902.is_empty() {
        return Ok(());
    }
    let mut run = Run::new(rm, &k.file, schema);
    for (i, p) in k.patches_json6902.iter().enumerate() {
        let field = format!("patchesJson6902[{i}]");
        let ops = load_json(p, ldr, &k.file, &field)?;
        let sel = compile(Some(&p.target), &k.file, &field)?.expect("target given");
        for idx in run.select(&sel) {
            run.json(idx, &ops, &field)?;
        }
    }
    run.finish();
    Ok(())
}

fn looks_like_path(entry: &str) -> bool {
    !entry.contains('\n') && !entry.trim_start().starts_with('{')
}

fn load_body(p: &Patch, ldr: &Loader, kfile: &str, field: &str) -> Result<Body, Error> {
    let fail = |m: String| Error::field(kfile, field, m);
    match (p.patch.trim().is_empty(), p.path.is_empty()) {
        (true, true) => Err(fail("must specify one of patch and path".into())),
        (false, false) => Err(fail("patch and path can't be set at the same time".into())),
        (false, true) => body::parse(&p.patch, field).map_err(fail),
        (true, false) => {
            let bytes = ldr.read(&p.path, kfile, &format!("{field}.path"))?;
            body::parse(&String::from_utf8_lossy(&bytes), &ldr.display(&p.path))
                .map_err(|m| Error::field(kfile, format!("{field}.path"), m))
        }
    }
}

fn load_json(p: &Json6902Patch, ldr: &Loader, kfile: &str, field: &str) -> Result<Vec<Op>, Error> {
    let fail = |m: String| Error::field(kfile, field, m);
    match (p.patch.trim().is_empty(), p.path.is_empty()) {
        (true, true) => Err(fail("must specify one of patch and path".into())),
        (false, false) => Err(fail("patch and path can't be set at the same time".into())),
        (false, true) => body::parse_json(&p.patch, field).map_err(fail),
        (true, false) => {
            let bytes = ldr.read(&p.path, kfile, &format!("{field}.path"))?;
            body::parse_json(&String::from_utf8_lossy(&bytes), &ldr.display(&p.path))
                .map_err(|m| Error::field(kfile, format!("{field}.path"), m))
        }
    }
}

fn compile(target: Option<&crate::yaml::Map>, kfile: &str, field: &str) -> Result<Option<Selector>, Error> {
    target
        .map(|m| Selector::from_map(m).map_err(|(f, m)| Error::field(kfile, format!("{field}.target.{f}"), m)))
        .transpose()
}

#[derive(Debug, Clone, Copy, Default)]
struct Options {
    allow_name_change: bool,
    allow_kind_change: bool,
}

/// One transformer's pass: the resources, an index of them by every name they have had,
/// and the ones deleted so far (removed at the end, so indices stay valid).
struct Run<'a> {
    rm: &'a mut ResMap,
    kfile: &'a str,
    schema: &'a Schema,
    by_name: HashMap<String, Vec<usize>>,
    deleted: Vec<bool>,
}

impl<'a> Run<'a> {
    fn new(rm: &'a mut ResMap, kfile: &'a str, schema: &'a Schema) -> Self {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in rm.iter().enumerate() {
            for id in r.all_ids() {
                let list = by_name.entry(id.name).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let deleted = vec![false; rm.resources().len()];
        Run {
            rm,
            kfile,
            schema,
            by_name,
            deleted,
        }
    }

    fn finish(self) {
        if self.deleted.iter().any(|d| *d) {
            let mut i = 0;
            let deleted = self.deleted;
            self.rm.resources_mut().retain(|_| {
                i += 1;
                !deleted[i - 1]
            });
        }
    }

    fn live(&self, i: usize) -> Option<&Resource> {
        (!self.deleted[i]).then(|| &self.rm.resources()[i])
    }

    /// Indices of the resources `sel` selects, in build order.
    fn select(&self, sel: &Selector) -> Vec<usize> {
        let mut out: Vec<usize> = match &sel.literal_name {
            Some(name) => self.by_name.get(name).cloned().unwrap_or_default(),
            None => (0..self.deleted.len()).collect(),
        };
        out.sort_unstable();
        out.dedup();
        out.retain(|&i| self.live(i).is_some_and(|r| sel.matches(r)));
        out
    }

    /// Applies a strategic merge patch to the one resource with the patch's id.
    fn untargeted(&mut self, doc: &Value, opts: &Options, field: &str) -> Result<(), Error> {
        let id = ResId::of(doc);
        let want = effective(&id);
        let mut found: Vec<usize> = self
            .by_name
            .get(&id.name)
            .map(|c| {
                c.iter()
                    .copied()
                    .filter(|&i| {
                        self.live(i)
                            .is_some_and(|r| r.all_ids().iter().any(|x| effective(x) == want))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.dedup();
        match found.as_slice() {
            [one] => self.merge_into(*one, doc, opts, field),
            [] => Err(Error::field(
                self.kfile,
                field,
                format!("no resource matches strategic merge patch {}", id.kustomize_string()),
            )),
            _ => Err(Error::field(
                self.kfile,
                field,
                format!(
                    "{} resources match strategic merge patch {}: give it a target",
                    found.len(),
                    id.kustomize_string()
                ),
            )),
        }
    }

    fn merge_into(&mut self, i: usize, doc: &Value, opts: &Options, _field: &str) -> Result<(), Error> {
        let schema = self.schema;
        let r = &mut self.rm.resources_mut()[i];
        let (name, ns, kind) = (r.name().to_string(), r.namespace().to_string(), r.kind().to_string());
        let before = r.cur_id();
        let gvk = r.gvk();
        let mut patch = doc.clone();
        if let Value::Map(m) = &mut patch {
            // The patch takes the target's apiVersion (kustomize sets it before merging).
            m.insert("apiVersion".into(), Value::String(gvk.api_version()));
        }
        let value = std::mem::take(r.value_mut());
        let merged = merge(Some(value), &patch, schema.for_kind(&gvk));
        let Some(merged) = merged.filter(|v| !matches!(v, Value::Map(m) if m.is_empty())) else {
            self.deleted[i] = true;
            return Ok(());
        };
        *r.value_mut() = merged;
        let meta = r.value_mut().map_at_mut(&["metadata"]).expect("objects are mappings");
        if !opts.allow_name_change {
            meta.insert("name".into(), Value::String(name));
        }
        if ns.is_empty() {
            meta.shift_remove("namespace");
        } else {
            meta.insert("namespace".into(), Value::String(ns));
        }
        if !opts.allow_kind_change
            && let Value::Map(m) = r.value_mut()
        {
            m.insert("kind".into(), Value::String(kind));
        }
        self.renamed(i, before);
        Ok(())
    }

    fn json(&mut self, i: usize, ops: &[Op], field: &str) -> Result<(), Error> {
        let r = &mut self.rm.resources_mut()[i];
        let before = r.cur_id();
        json6902::apply(r.value_mut(), ops)
            .map_err(|m| Error::field(self.kfile, field, format!("{} {}: {m}", before.gvk.kind, before.name)))?;
        if !matches!(r.value(), Value::Map(_)) {
            return Err(Error::field(
                self.kfile,
                field,
                format!("{} {}: the patch left no object", before.gvk.kind, before.name),
            ));
        }
        normalize_annotations(r.value_mut());
        self.renamed(i, before);
        Ok(())
    }

    /// Records an id change made by a patch: the old id becomes a previous id and the new
    /// name joins the index.
    fn renamed(&mut self, i: usize, before: ResId) {
        let r = &mut self.rm.resources_mut()[i];
        let now = r.cur_id();
        if now != before {
            r.prev_ids.push(before);
            self.by_name.entry(now.name).or_default().push(i);
        }
    }
}

/// kustomize re-reads and re-writes annotations after a JSON patch (to keep its internal
/// ones): every value becomes its scalar text (`""` for a mapping or list), and an empty
/// mapping disappears.
fn normalize_annotations(v: &mut Value) {
    let Some(meta) = v.get_mut("metadata").and_then(Value::as_map_mut) else {
        return;
    };
    let Some(Value::Map(ann)) = meta.get_mut("annotations") else {
        return;
    };
    for val in ann.values_mut() {
        let text = match val {
            Value::String(_) => continue,
            Value::Int(i) => i.to_string(),
            Value::Uint(u) => u.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Float(_) => crate::yaml::to_string(val).trim_end().to_string(),
            Value::Null | Value::Seq(_) | Value::Map(_) => String::new(),
        };
        *val = Value::String(text);
    }
    if ann.is_empty() {
        meta.shift_remove("annotations");
    }
}
