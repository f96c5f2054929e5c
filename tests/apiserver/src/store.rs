//! The object store: objects by (group, plural, namespace, name), the resourceVersion counter,
//! the event log that watches replay, and the server's knobs (readiness, faults, request log).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use crate::clock;
use crate::faults::Faults;
use crate::resources::{Registry, Resource};
use crate::workload;

/// Where an object lives: (group, plural, namespace or "", name).
pub type Key = (String, String, String, String);

/// One change, as watches see it.
#[derive(Debug, Clone)]
pub struct Event {
    pub rv: u64,
    pub kind: &'static str,
    pub group: String,
    pub plural: String,
    pub namespace: String,
    pub object: Value,
}

/// One request the server saw, for tests to inspect.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// The answer's code; 0 when the connection was dropped without one.
    pub code: u16,
}

/// Everything behind the server's lock.
pub struct State {
    pub registry: Registry,
    objects: BTreeMap<Key, Value>,
    rv: u64,
    events: Vec<Arc<Event>>,
    pub tx: broadcast::Sender<Arc<Event>>,
    pub ready: bool,
    pub faults: Faults,
    pub seen: Vec<Seen>,
    next_ip: u32,
    /// Namespaces being deleted, and when their content goes.
    terminating: Vec<(Key, Instant)>,
}

/// How long a deleted namespace stays Terminating.
const NAMESPACE_FINALIZE: Duration = Duration::from_millis(100);

/// The namespaces a fresh cluster has.
const INITIAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

impl State {
    pub fn new(ready: bool) -> State {
        let (tx, _) = broadcast::channel(4096);
        let mut s = State {
            registry: Registry::default(),
            objects: BTreeMap::new(),
            rv: 100,
            events: Vec::new(),
            tx,
            ready,
            faults: Faults::default(),
            seen: Vec::new(),
            next_ip: 0,
            terminating: Vec::new(),
        };
        let svc_res = s
            .registry
            .find("", "v1", "services")
            .cloned()
            .expect("services are built in");
        for ns in INITIAL_NAMESPACES {
            let res = s
                .registry
                .find("", "v1", "namespaces")
                .cloned()
                .expect("namespaces are built in");
            let mut obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            s.finish(&res, None, &mut obj, false);
            s.commit(&res, None, obj);
        }
        // The API server's own Service, as every cluster has it.
        let mut svc = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}});
        s.finish(&svc_res, None, &mut svc, false);
        s.commit(&svc_res, None, svc);
        s
    }

    /// The current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.rv
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    /// Objects of one resource, in one namespace or (None) all.
    pub fn list(&self, group: &str, plural: &str, namespace: Option<&str>) -> Vec<&Value> {
        self.objects
            .iter()
            .filter(|((g, p, ns, _), _)| g == group && p == plural && namespace.is_none_or(|n| n == ns))
            .map(|(_, v)| v)
            .collect()
    }

    /// Events after `rv` (all retained: the server is short-lived).
    pub fn events_after(&self, rv: u64) -> Vec<Arc<Event>> {
        let start = self.events.partition_point(|e| e.rv <= rv);
        self.events[start..].to_vec()
    }

    /// The oldest resourceVersion a watch can start from.
    pub fn oldest_rv(&self) -> u64 {
        self.events.first().map_or(self.rv, |e| e.rv - 1)
    }

    fn emit(&mut self, kind: &'static str, key: &Key, object: Value) {
        let e = Arc::new(Event {
            rv: self.rv,
            kind,
            group: key.0.clone(),
            plural: key.1.clone(),
            namespace: key.2.clone(),
            object,
        });
        self.events.push(e.clone());
        let _ = self.tx.send(e);
    }

    /// Stores `obj` (created when `old` is None): sets uid, creationTimestamp, resourceVersion and
    /// generation, fills defaults and status, registers CRDs. Returns the stored object.
    /// `obj` must have been through `finish`.
    pub fn commit(&mut self, res: &Resource, old: Option<&Value>, mut obj: Value) -> Value {
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let key = key_of(res, &obj);
        if res.kind == "CustomResourceDefinition" && res.group == "apiextensions.k8s.io" {
            self.registry.register_crd(&obj);
        }
        self.objects.insert(key.clone(), obj.clone());
        self.emit(if old.is_some() { "MODIFIED" } else { "ADDED" }, &key, obj.clone());
        obj
    }

    /// Prepares `obj` for `commit`: `prepare`, then `settle`.
    pub fn finish(&mut self, res: &Resource, old: Option<&Value>, obj: &mut Value, dry_run: bool) {
        self.prepare(res, old, obj);
        self.settle(res, old, obj, dry_run);
    }

    /// System metadata and the defaults the API server fills (owned by an updating manager).
    pub fn prepare(&mut self, res: &Resource, old: Option<&Value>, obj: &mut Value) {
        let meta = obj["metadata"].as_object_mut().expect("objects have metadata");
        match old {
            None => {
                meta.insert("uid".into(), json!(clock::new_uid()));
                meta.insert("creationTimestamp".into(), json!(clock::now_rfc3339()));
                if res.has_generation {
                    meta.insert("generation".into(), json!(1));
                }
            }
            Some(old) => {
                for k in [
                    "uid",
                    "creationTimestamp",
                    "deletionTimestamp",
                    "deletionGracePeriodSeconds",
                ] {
                    match old["metadata"].get(k) {
                        Some(v) => meta.insert(k.into(), v.clone()),
                        None => meta.shift_remove(k),
                    };
                }
                if res.has_generation {
                    let g = old["metadata"]["generation"].as_i64().unwrap_or(1);
                    let bump = i64::from(spec_of(old) != spec_of(obj));
                    obj["metadata"]["generation"] = json!(g + bump);
                }
                obj["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
            }
        }
        workload::default(&res.kind, obj, &mut self.next_ip);
    }

    /// What controllers would write (not for dry runs, as no controller sees those): status, and
    /// a Deployment's revision annotation.
    pub fn settle(&mut self, res: &Resource, old: Option<&Value>, obj: &mut Value, dry_run: bool) {
        if workload::has_readiness(&res.kind) && !res.custom && !dry_run {
            workload::fill(&res.kind, obj, self.ready);
        }
        // A status that says the same as before keeps its timestamps, so no-op writes stay no-ops.
        if let Some(old) = old
            && obj.get("status").map(without_times) == old.get("status").map(without_times)
            && let Some(st) = old.get("status")
        {
            obj["status"] = st.clone();
        }
        *obj = ordered(obj);
    }

    /// Deletes one object (and, for namespaces and CRDs, what lives in them; for objects with
    /// dependents, the dependents, as the garbage collector does). Returns the deleted object.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        self.remove_with(key, false)
    }

    /// `remove`; with `orphan`, dependents stay and lose their owner reference to the object.
    pub fn remove_with(&mut self, key: &Key, orphan: bool) -> Option<Value> {
        let obj = self.objects.remove(key)?;
        self.rv += 1;
        let mut gone = obj.clone();
        gone["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.emit("DELETED", key, gone);
        let uid = obj["metadata"]["uid"].as_str().unwrap_or_default().to_string();
        let mut cascade: Vec<Key> = Vec::new();
        if key.0.is_empty() && key.1 == "namespaces" {
            cascade.extend(self.objects.keys().filter(|k| k.2 == key.3).cloned());
        }
        if key.0 == "apiextensions.k8s.io" && key.1 == "customresourcedefinitions" {
            let group = obj["spec"]["group"].as_str().unwrap_or_default();
            let plural = obj["spec"]["names"]["plural"].as_str().unwrap_or_default();
            cascade.extend(self.objects.keys().filter(|k| k.0 == group && k.1 == plural).cloned());
            self.registry.unregister_crd(&obj);
        }
        let dependents: Vec<Key> = self
            .objects
            .iter()
            .filter(|(_, v)| {
                v["metadata"]["ownerReferences"]
                    .as_array()
                    .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid.as_str()))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if orphan {
            for k in dependents {
                let old = self.objects[&k].clone();
                let mut new = old.clone();
                if let Some(refs) = new["metadata"]["ownerReferences"].as_array_mut() {
                    refs.retain(|r| r["uid"] != uid.as_str());
                    if refs.is_empty() {
                        new["metadata"]
                            .as_object_mut()
                            .map(|m| m.shift_remove("ownerReferences"));
                    }
                }
                self.rv += 1;
                new["metadata"]["resourceVersion"] = json!(self.rv.to_string());
                self.objects.insert(k.clone(), new.clone());
                self.emit("MODIFIED", &k, new);
            }
        } else {
            cascade.extend(dependents);
        }
        for k in cascade {
            self.remove(&k);
        }
        Some(obj)
    }

    /// Marks a namespace Terminating; `tick` removes it and its contents a moment later, as the
    /// namespace controller does. Returns the terminating namespace.
    pub fn terminate_namespace(&mut self, res: &Resource, key: &Key) -> Option<Value> {
        let old = self.objects.get(key)?.clone();
        let mut ns = old.clone();
        ns["metadata"]["deletionTimestamp"] = json!(clock::now_rfc3339());
        ns["status"] = json!({"phase": "Terminating"});
        let ns = ordered(&ns);
        let stored = self.commit(res, Some(&old), ns);
        self.terminating
            .push((key.clone(), Instant::now() + NAMESPACE_FINALIZE));
        Some(stored)
    }

    /// Whether namespace `ns` is being deleted.
    pub fn is_terminating(&self, ns: &str) -> bool {
        self.terminating.iter().any(|(k, _)| k.3 == ns)
    }

    /// Finalizes namespaces whose time has come.
    pub fn tick(&mut self) {
        let now = Instant::now();
        let due: Vec<Key> = self
            .terminating
            .iter()
            .filter(|(_, at)| *at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        self.terminating.retain(|(_, at)| *at > now);
        for key in due {
            self.remove(&key);
        }
    }

    /// Sets the readiness knob and re-fills the status of every workload.
    pub fn set_ready(&mut self, ready: bool) {
        self.ready = ready;
        let keys: Vec<Key> = self.objects.keys().cloned().collect();
        for key in keys {
            let obj = self.objects[&key].clone();
            let kind = obj["kind"].as_str().unwrap_or_default().to_string();
            if !workload::has_readiness(&kind) {
                continue;
            }
            let mut new = obj.clone();
            workload::fill(&kind, &mut new, ready);
            if new != obj {
                self.rv += 1;
                new["metadata"]["resourceVersion"] = json!(self.rv.to_string());
                self.objects.insert(key.clone(), new.clone());
                self.emit("MODIFIED", &key, new);
            }
        }
    }
}

/// The store key of `obj` served by `res`.
pub fn key_of(res: &Resource, obj: &Value) -> Key {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let ns = if res.namespaced {
        s(&obj["metadata"]["namespace"])
    } else {
        String::new()
    };
    (res.group.clone(), res.plural.clone(), ns, s(&obj["metadata"]["name"]))
}

/// `v` without the `...Time` fields controllers stamp.
fn without_times(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.ends_with("Time"))
                .map(|(k, x)| (k.clone(), without_times(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_times).collect()),
        _ => v.clone(),
    }
}

/// Everything but metadata and status: a change here bumps the generation.
fn spec_of(v: &Value) -> Value {
    let mut m = v.as_object().cloned().unwrap_or_default();
    for k in ["metadata", "status", "apiVersion", "kind"] {
        m.shift_remove(k);
    }
    Value::Object(m)
}

/// Orders fields as the API server writes them: kind, apiVersion, metadata (its system fields
/// first), the rest, status last.
pub fn ordered(v: &Value) -> Value {
    let Value::Object(m) = v else { return v.clone() };
    let mut out = Map::new();
    for k in ["kind", "apiVersion"] {
        if let Some(x) = m.get(k) {
            out.insert(k.into(), x.clone());
        }
    }
    if let Some(Value::Object(meta)) = m.get("metadata") {
        let mut mo = Map::new();
        const ORDER: &[&str] = &[
            "name",
            "generateName",
            "namespace",
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "labels",
            "annotations",
            "ownerReferences",
            "finalizers",
        ];
        for k in ORDER {
            if let Some(x) = meta.get(*k) {
                mo.insert((*k).into(), x.clone());
            }
        }
        for (k, x) in meta {
            if !ORDER.contains(&k.as_str()) && k != "managedFields" {
                mo.insert(k.clone(), x.clone());
            }
        }
        if let Some(x) = meta.get("managedFields") {
            mo.insert("managedFields".into(), x.clone());
        }
        out.insert("metadata".into(), Value::Object(mo));
    }
    for (k, x) in m {
        if !matches!(k.as_str(), "kind" | "apiVersion" | "metadata" | "status") {
            out.insert(k.clone(), x.clone());
        }
    }
    if let Some(x) = m.get("status") {
        out.insert("status".into(), x.clone());
    }
    Value::Object(out)
}
