//! The accumulated objects of a build: each [`Resource`] carries its document plus the
//! bookkeeping kustomize keeps in internal annotations (earlier ids for name-reference
//! fixing, generator behaviour, whether a hash suffix is due).

use std::collections::HashSet;

use crate::resource::{Document, Gvk, ResId};
use crate::yaml::Value;

use super::error::Error;

/// How a generated object combines with one of the same id from a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Create,
    Merge,
    Replace,
}

/// Generator bookkeeping for a ConfigMap or Secret made by a generator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generated {
    pub behavior: Behavior,
    /// A content hash is appended to the name at the end of the build.
    pub needs_hash: bool,
}

/// One object in a build.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub doc: Document,
    /// Ids the object had before each rename or namespace change, oldest first.
    pub prev_ids: Vec<ResId>,
    /// Set for objects made by a generator.
    pub generated: Option<Generated>,
    /// Prefixes applied by each kustomization level, innermost first.
    pub prefixes: Vec<String>,
    /// Suffixes applied by each kustomization level, innermost first.
    pub suffixes: Vec<String>,
    /// Names of the `vars:` whose `objref` is this object.
    pub ref_vars: Vec<String>,
}

impl Resource {
    pub fn new(doc: Document) -> Self {
        Resource {
            doc,
            prev_ids: Vec::new(),
            generated: None,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            ref_vars: Vec::new(),
        }
    }

    pub fn value(&self) -> &Value {
        &self.doc.value
    }

    pub fn value_mut(&mut self) -> &mut Value {
        &mut self.doc.value
    }

    pub fn gvk(&self) -> Gvk {
        self.doc.gvk()
    }

    pub fn kind(&self) -> &str {
        self.doc.value.str_at(&["kind"]).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.doc.name().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.doc.namespace().unwrap_or("")
    }

    /// The id as the object stands now.
    pub fn cur_id(&self) -> ResId {
        self.doc.id()
    }

    /// The id the object had when it entered the build.
    pub fn orig_id(&self) -> ResId {
        self.prev_ids.first().cloned().unwrap_or_else(|| self.cur_id())
    }

    /// Every id the object has had, current one last.
    pub fn all_ids(&self) -> Vec<ResId> {
        let mut ids = self.prev_ids.clone();
        ids.push(self.cur_id());
        ids
    }

    /// Records the current id as a previous one; call before changing name or namespace.
    pub fn store_prev_id(&mut self) {
        let id = self.cur_id();
        self.prev_ids.push(id);
    }

    /// Renames the object, recording the old id.
    pub fn set_name(&mut self, name: &str) {
        if self.name() == name {
            return;
        }
        self.store_prev_id();
        if let Some(m) = self.doc.value.map_at_mut(&["metadata"]) {
            m.insert("name".into(), Value::String(name.into()));
        }
    }

    /// Moves the object to a namespace, recording the old id.
    #[cfg(test)]
    pub fn set_namespace(&mut self, ns: &str) {
        if self.namespace() == ns {
            return;
        }
        self.store_prev_id();
        if let Some(m) = self.doc.value.map_at_mut(&["metadata"]) {
            m.insert("namespace".into(), Value::String(ns.into()));
        }
    }

    pub fn needs_hash(&self) -> bool {
        self.generated.as_ref().is_some_and(|g| g.needs_hash)
    }
}

/// The id with kustomize's effective namespace: `default` for namespaced objects
/// without one, a marker for cluster-scoped kinds (kustomize's own list of them).
pub fn effective(id: &ResId) -> ResId {
    let namespace = super::config::effective_namespace(&id.gvk, &id.namespace).to_string();
    ResId {
        gvk: id.gvk.clone(),
        name: id.name.clone(),
        namespace,
    }
}

/// An ordered collection of resources with unique current ids.
#[derive(Debug, Clone, Default)]
pub struct ResMap {
    resources: Vec<Resource>,
    /// Effective ids of `resources`, kept while only appends happen; any mutable access
    /// drops it and the next append rebuilds it, so bulk appends stay linear.
    known: Option<HashSet<ResId>>,
}

impl PartialEq for ResMap {
    fn eq(&self, other: &Self) -> bool {
        self.resources == other.resources
    }
}

impl ResMap {
    pub fn new() -> Self {
        ResMap::default()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Resource> {
        self.resources.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Resource> {
        self.known = None;
        self.resources.iter_mut()
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    pub fn resources_mut(&mut self) -> &mut Vec<Resource> {
        self.known = None;
        &mut self.resources
    }

    pub fn into_resources(self) -> Vec<Resource> {
        self.resources
    }

    /// Position of the resource whose current id is `id` (an empty namespace and
    /// `default` name the same place for namespaced kinds, as in kustomize).
    pub fn position(&self, id: &ResId) -> Option<usize> {
        let want = effective(id);
        self.resources.iter().position(|r| effective(&r.cur_id()) == want)
    }

    /// Adds a resource.
    ///
    /// # Errors
    /// [`Error::DuplicateId`] when a resource with the same current id is present.
    pub fn append(&mut self, res: Resource) -> Result<(), Error> {
        let id = res.cur_id();
        let resources = &self.resources;
        let known = self
            .known
            .get_or_insert_with(|| resources.iter().map(|r| effective(&r.cur_id())).collect());
        if !known.insert(effective(&id)) {
            let first = self
                .position(&id)
                .map(|i| self.resources[i].doc.source.clone())
                .unwrap_or_default();
            return Err(Error::DuplicateId {
                id: id.to_string(),
                first,
                second: res.doc.source.clone(),
            });
        }
        self.resources.push(res);
        Ok(())
    }

    /// Adds every resource of `other`, in order.
    ///
    /// # Errors
    /// As [`ResMap::append`].
    pub fn append_all(&mut self, other: ResMap) -> Result<(), Error> {
        other.resources.into_iter().try_for_each(|r| self.append(r))
    }

    pub fn remove(&mut self, index: usize) -> Resource {
        self.known = None;
        self.resources.remove(index)
    }
}
