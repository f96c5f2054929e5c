//! The verbs on one resource: get, list, create, update (PUT), patch (apply, merge, strategic,
//! JSON), delete and delete-collection, with the real server's checks and error bodies.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::clock;
use crate::patch;
use crate::resources::Resource;
use crate::selector::Selector;
use crate::ssa::{self, Writer};
use crate::status::{self, ApiError, Subject};
use crate::store::{Key, State};
use crate::tree::Shape;

/// One request on a resource, after routing.
pub struct Call<'a> {
    pub method: &'a str,
    pub res: Resource,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
    pub query: &'a HashMap<String, String>,
    pub content_type: &'a str,
    pub body: &'a [u8],
    pub user_agent: &'a str,
}

impl Call<'_> {
    fn subject<'s>(&'s self, name: &'s str) -> Subject<'s> {
        Subject {
            group: &self.res.group,
            plural: &self.res.plural,
            name,
        }
    }

    fn key(&self, name: &str) -> Key {
        let ns = if self.res.namespaced {
            self.namespace.clone().unwrap_or_default()
        } else {
            String::new()
        };
        (self.res.group.clone(), self.res.plural.clone(), ns, name.to_string())
    }

    fn shape(&self) -> Shape<'_> {
        Shape {
            custom: self.res.custom,
            deduced: self.res.deduced,
            kind: &self.res.kind,
            has_status: self.res.has_status,
        }
    }

    fn dry_run(&self) -> bool {
        self.query.get("dryRun").is_some_and(|v| v == "All")
    }

    /// The field manager: the `fieldManager` parameter, else the user agent up to its first `/`.
    fn manager(&self) -> String {
        match self.query.get("fieldManager") {
            Some(m) => m.clone(),
            None => self.user_agent.split('/').next().unwrap_or_default().to_string(),
        }
    }

    fn writer<'m>(&'m self, manager: &'m str, api_version: &'m str) -> Writer<'m> {
        Writer {
            manager,
            api_version,
            subresource: self.sub.as_deref(),
        }
    }

    /// The object as served at this version.
    fn serve(&self, mut obj: Value) -> Value {
        obj["apiVersion"] = json!(self.res.api_version());
        obj
    }
}

type Reply = Result<(u16, Value), ApiError>;

/// Serves `call`.
pub fn handle(state: &mut State, call: &Call) -> Reply {
    match (call.method, call.name.as_deref()) {
        ("GET", Some(name)) => get(state, call, name),
        ("GET", None) => list(state, call),
        ("POST", None) => create(state, call),
        ("PUT", Some(name)) => update(state, call, name),
        ("PATCH", Some(name)) => patch(state, call, name),
        ("DELETE", Some(name)) => delete(state, call, name),
        ("DELETE", None) => delete_collection(state, call),
        (verb, name) => Err(status::method_not_allowed(call.subject(name.unwrap_or_default()), verb)),
    }
}

fn get(state: &State, call: &Call, name: &str) -> Reply {
    let obj = state
        .get(&call.key(name))
        .ok_or_else(|| status::not_found(call.subject(name)))?;
    Ok((200, call.serve(obj.clone())))
}

/// The objects matching the call's namespace and selectors.
pub fn select(state: &State, call: &Call) -> Result<Vec<Value>, ApiError> {
    let labels = Selector::labels(call.query.get("labelSelector").map_or("", String::as_str))
        .map_err(|e| status::bad_request(&e))?;
    let fields = Selector::fields(call.query.get("fieldSelector").map_or("", String::as_str))
        .map_err(|e| status::bad_request(&e))?;
    let ns = if call.res.namespaced {
        call.namespace.as_deref()
    } else {
        None
    };
    Ok(state
        .list(&call.res.group, &call.res.plural, ns)
        .into_iter()
        .filter(|o| labels.matches_labels(o) && fields.matches_fields(o))
        .cloned()
        .collect())
}

fn list(state: &State, call: &Call) -> Reply {
    let items: Vec<Value> = select(state, call)?
        .into_iter()
        .map(|mut o| {
            // Lists of built-in kinds carry no kind and apiVersion on their items.
            if let (false, Some(m)) = (call.res.custom, o.as_object_mut()) {
                m.shift_remove("kind");
                m.shift_remove("apiVersion");
                o
            } else {
                call.serve(o)
            }
        })
        .collect();
    Ok((
        200,
        json!({"kind": format!("{}List", call.res.kind), "apiVersion": call.res.api_version(),
               "metadata": {"resourceVersion": state.rv().to_string()}, "items": items}),
    ))
}

fn parse_body(call: &Call) -> Result<Value, ApiError> {
    if call.content_type.contains("protobuf") || call.content_type.contains("cbor") {
        return Err(status::unsupported_body(call.content_type));
    }
    let v: Value = serde_json::from_slice(call.body).map_err(|e| {
        status::bad_request(&format!(
            "error decoding request body: {e} (this server reads JSON bodies only)"
        ))
    })?;
    if !v.is_object() {
        return Err(status::bad_request("the request body is not an object"));
    }
    Ok(v)
}

/// The checks every written object passes: kind, apiVersion, namespace and name agree with the
/// request. Fills the namespace from the URL.
fn check_identity(call: &Call, obj: &mut Value, url_name: Option<&str>) -> Result<(), ApiError> {
    let kind = obj["kind"].as_str().unwrap_or_default();
    if kind.is_empty() {
        return Err(status::bad_request(&format!("Object 'Kind' is missing in '{obj}'")));
    }
    let av = obj["apiVersion"].as_str().unwrap_or_default();
    if av != call.res.api_version() || kind != call.res.kind {
        return Err(status::bad_request(&format!(
            "the API version in the data ({av}) does not match the expected API version ({})",
            call.res.api_version()
        )));
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    if call.res.namespaced {
        let url_ns = call.namespace.clone().unwrap_or_default();
        match obj["metadata"]["namespace"].as_str() {
            Some(ns) if !ns.is_empty() && ns != url_ns => {
                return Err(status::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => obj["metadata"]["namespace"] = json!(url_ns),
        }
    } else if let Some(m) = obj["metadata"].as_object_mut() {
        m.shift_remove("namespace");
    }
    if let Some(url) = url_name {
        let body = obj["metadata"]["name"].as_str().unwrap_or_default();
        if body.is_empty() {
            obj["metadata"]["name"] = json!(url);
        } else if body != url {
            return Err(status::bad_request(&format!(
                "the name of the object ({body}) does not match the name on the URL ({url})"
            )));
        }
    }
    Ok(())
}

/// 422 unless `name` is a DNS-1123 subdomain (a label for namespaces).
fn check_name(call: &Call, name: &str) -> Result<(), ApiError> {
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    // Each kind's name rule: RBAC objects take any path segment, Services a DNS-1035 label,
    // namespaces a DNS-1123 label, everything else a DNS-1123 subdomain.
    let (ok, what) = match (call.res.group.as_str(), call.res.plural.as_str()) {
        ("rbac.authorization.k8s.io", _) => (
            !name.is_empty() && name != "." && name != ".." && !name.contains('/') && !name.contains('%'),
            "may not contain '/' or '%', and may not be '.' or '..'",
        ),
        ("", "services") => (
            label(name) && name.starts_with(|c: char| c.is_ascii_lowercase()),
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        ),
        ("", "namespaces") => (
            label(name),
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
        _ => (
            name.len() <= 253 && name.split('.').all(label),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
    };
    if ok {
        return Ok(());
    }
    let detail = format!("Invalid value: \"{name}\": {what}");
    Err(status::invalid(
        &call.res.kind,
        &call.res.group,
        name,
        &[("FieldValueInvalid", "metadata.name", detail)],
    ))
}

fn ensure_namespace(state: &State, call: &Call, name: &str) -> Result<(), ApiError> {
    if !call.res.namespaced {
        return Ok(());
    }
    let ns = call.namespace.clone().unwrap_or_default();
    if state
        .get(&(String::new(), "namespaces".into(), String::new(), ns.clone()))
        .is_none()
    {
        return Err(status::namespace_missing(&ns));
    }
    if state.is_terminating(&ns) {
        return Err(status::namespace_terminating(call.subject(name), &ns));
    }
    Ok(())
}

/// The API server's cap on a Secret's data (the decoded bytes of `data` plus `stringData`):
/// 1 MiB, as `validation.ValidateSecret` enforces it.
const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// 422 when a Secret's data is over [`MAX_SECRET_SIZE`].
fn check_secret_size(call: &Call, name: &str, obj: &Value) -> Result<(), ApiError> {
    if call.res.kind != "Secret" || !call.res.group.is_empty() {
        return Ok(());
    }
    let mut total = 0;
    if let Some(data) = obj["data"].as_object() {
        for v in data.values() {
            // The decoded length of padded base64 text.
            let text = v.as_str().unwrap_or_default().trim_end();
            let padding = text.bytes().rev().take_while(|b| *b == b'=').count();
            total += (text.len() / 4 * 3).saturating_sub(padding);
        }
    }
    if let Some(data) = obj["stringData"].as_object() {
        total += data.values().map(|v| v.as_str().map_or(0, str::len)).sum::<usize>();
    }
    if total > MAX_SECRET_SIZE {
        return Err(status::invalid(
            "Secret",
            "",
            name,
            &[(
                "FieldValueTooLong",
                "data",
                format!("Too long: must have at most {MAX_SECRET_SIZE} bytes"),
            )],
        ));
    }
    Ok(())
}

fn create(state: &mut State, call: &Call) -> Reply {
    if call.res.namespaced && call.namespace.is_none() {
        return Err(status::method_not_allowed(call.subject(""), "POST"));
    }
    let mut obj = parse_body(call)?;
    check_identity(call, &mut obj, None)?;
    if obj["metadata"]["name"].as_str().unwrap_or_default().is_empty() {
        match obj["metadata"]["generateName"].as_str() {
            Some(prefix) if !prefix.is_empty() => {
                obj["metadata"]["name"] = json!(format!("{prefix}{}", clock::name_suffix()))
            }
            _ => {
                return Err(status::invalid(
                    &call.res.kind,
                    &call.res.group,
                    "",
                    &[(
                        "FieldValueRequired",
                        "metadata.name",
                        "Required value: name or generateName is required".into(),
                    )],
                ));
            }
        }
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or_default().to_string();
    check_name(call, &name)?;
    check_secret_size(call, &name, &obj)?;
    if obj["metadata"].get("resourceVersion").is_some() {
        return Err(status::internal(
            "resourceVersion should not be set on objects to be created",
        ));
    }
    ensure_namespace(state, call, &name)?;
    if state.get(&call.key(&name)).is_some() {
        return Err(status::already_exists(call.subject(&name)));
    }
    if call.res.has_status {
        obj.as_object_mut().map(|m| m.shift_remove("status"));
    }
    state.prepare(&call.res, None, &mut obj);
    let manager = call.manager();
    let av = call.res.api_version();
    ssa::update(call.shape(), &json!({}), &mut obj, call.writer(&manager, &av));
    state.settle(&call.res, None, &mut obj, call.dry_run());
    if call.dry_run() {
        obj["metadata"]
            .as_object_mut()
            .map(|m| m.shift_remove("resourceVersion"));
        return Ok((201, call.serve(obj)));
    }
    Ok((201, call.serve(state.commit(&call.res, None, obj))))
}

fn check_precondition(call: &Call, name: &str, old: &Value, new: &Value) -> Result<(), ApiError> {
    match new["metadata"].get("resourceVersion").and_then(Value::as_str) {
        Some(rv) if Some(rv) != old["metadata"]["resourceVersion"].as_str() => Err(status::stale(call.subject(name))),
        _ => Ok(()),
    }
}

/// Stores the result of an update or patch (not an apply): `new` replaces `old` except where the
/// subresource says otherwise; ownership moves to the writer.
fn write_update(state: &mut State, call: &Call, name: &str, old: &Value, mut new: Value) -> Reply {
    check_precondition(call, name, old, &new)?;
    if call.sub.as_deref() == Some("status") {
        let mut whole = old.clone();
        whole["status"] = new.get("status").cloned().unwrap_or(Value::Null);
        new = whole;
    } else if call.res.has_status {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                new.as_object_mut().map(|m| m.shift_remove("status"));
            }
        }
    }
    check_identity(call, &mut new, Some(name))?;
    check_secret_size(call, name, &new)?;
    state.prepare(&call.res, Some(old), &mut new);
    let manager = call.manager();
    let av = call.res.api_version();
    ssa::update(call.shape(), old, &mut new, call.writer(&manager, &av));
    state.settle(&call.res, Some(old), &mut new, call.dry_run());
    store_changed(state, call, old, new, false)
}

/// Stores `new` unless it equals `old` or this is a dry run; removes objects whose last
/// finalizer went while they were being deleted.
fn store_changed(state: &mut State, call: &Call, old: &Value, new: Value, created: bool) -> Reply {
    let code = if created { 201 } else { 200 };
    if new == *old {
        return Ok((code, call.serve(new)));
    }
    if call.dry_run() {
        return Ok((code, call.serve(new)));
    }
    let finished = new["metadata"].get("deletionTimestamp").is_some()
        && new["metadata"]["finalizers"].as_array().is_none_or(|f| f.is_empty());
    let old = if created { None } else { Some(old) };
    let stored = state.commit(&call.res, old, new);
    if finished {
        state.remove(&crate::store::key_of(&call.res, &stored));
    }
    Ok((code, call.serve(stored)))
}

fn update(state: &mut State, call: &Call, name: &str) -> Reply {
    let mut new = parse_body(call)?;
    check_identity(call, &mut new, Some(name))?;
    let old = state
        .get(&call.key(name))
        .cloned()
        .ok_or_else(|| status::not_found(call.subject(name)))?;
    if call.res.custom && new["metadata"].get("resourceVersion").is_none() {
        return Err(status::invalid(
            &call.res.plural,
            &call.res.group,
            name,
            &[(
                "FieldValueInvalid",
                "metadata.resourceVersion",
                "Invalid value: 0x0: must be specified for an update".into(),
            )],
        ));
    }
    write_update(state, call, name, &old, new)
}

fn patch(state: &mut State, call: &Call, name: &str) -> Reply {
    let ct = call.content_type.split(';').next().unwrap_or_default().trim();
    if ct == "application/apply-patch+yaml" {
        return apply(state, call, name);
    }
    let old = state
        .get(&call.key(name))
        .cloned()
        .ok_or_else(|| status::not_found(call.subject(name)))?;
    let body: Value =
        serde_json::from_slice(call.body).map_err(|e| status::bad_request(&format!("error decoding patch: {e}")))?;
    let new = match ct {
        "application/merge-patch+json" => patch::merge_patch(&old, &body),
        "application/strategic-merge-patch+json" if !call.res.custom => patch::strategic(call.shape(), &old, &body),
        "application/json-patch+json" => patch::json_patch(&old, &body)
            .map_err(|e| status::invalid(&call.res.kind, &call.res.group, name, &[("FieldValueInvalid", "", e)]))?,
        _ => return Err(status::unsupported_media_type(call.res.custom)),
    };
    write_update(state, call, name, &old, new)
}

fn apply(state: &mut State, call: &Call, name: &str) -> Reply {
    let manager = call.query.get("fieldManager").cloned().unwrap_or_default();
    if manager.is_empty() {
        return Err(status::invalid(
            "PatchOptions",
            "meta.k8s.io",
            "",
            &[(
                "FieldValueRequired",
                "fieldManager",
                "Required value: is required for apply patch".into(),
            )],
        ));
    }
    let mut applied = parse_body(call)?;
    if applied["kind"] != call.res.kind.as_str() || applied["apiVersion"] != call.res.api_version().as_str() {
        // The real server fails to merge objects of different types with a 500.
        return Err(status::internal(
            "failed to merge config: expected objects of the same type",
        ));
    }
    check_identity(call, &mut applied, Some(name))?;
    let force = call.query.get("force").is_some_and(|v| v == "true");
    let old = state.get(&call.key(name)).cloned();
    if let Some(old) = &old {
        check_precondition(call, name, old, &applied)?;
    } else {
        check_name(call, name)?;
        ensure_namespace(state, call, name)?;
    }
    if let Some(m) = applied["metadata"].as_object_mut() {
        for k in [
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
            "managedFields",
        ] {
            m.shift_remove(k);
        }
    }
    let status_write = call.sub.as_deref() == Some("status");
    if call.res.has_status && !status_write {
        applied.as_object_mut().map(|m| m.shift_remove("status"));
    }
    let live = old.clone().unwrap_or_else(|| json!({}));
    let av = call.res.api_version();
    let merged = ssa::apply(call.shape(), &live, &applied, call.writer(&manager, &av), force).map_err(|c| {
        let causes: Vec<(String, String)> = c.items.clone();
        status::apply_conflict(&c.message(), &causes)
    })?;
    let mut new = merged;
    check_secret_size(call, name, &new)?;
    if let Some(old) = &old
        && new == *old
    {
        return Ok((200, call.serve(new)));
    }
    if call.res.has_status && !status_write {
        match old.as_ref().and_then(|o| o.get("status")) {
            Some(s) => new["status"] = s.clone(),
            None => {
                new.as_object_mut().map(|m| m.shift_remove("status"));
            }
        }
    }
    state.finish(&call.res, old.as_ref(), &mut new, call.dry_run());
    store_changed(state, call, &live, new, old.is_none())
}

/// DeleteOptions from the body and the query.
struct DeleteOptions {
    dry_run: bool,
    orphan: bool,
    uid: Option<String>,
    rv: Option<String>,
}

fn delete_options(call: &Call) -> Result<DeleteOptions, ApiError> {
    let body: Value = if call.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(call.body)
            .map_err(|e| status::bad_request(&format!("error decoding DeleteOptions: {e}")))?
    };
    let dry_run = call.dry_run() || body["dryRun"].as_array().is_some_and(|a| a.iter().any(|v| v == "All"));
    let policy = body["propagationPolicy"]
        .as_str()
        .or(call.query.get("propagationPolicy").map(String::as_str));
    let orphan = policy == Some("Orphan") || body["orphanDependents"] == true;
    if let Some(p) = policy
        && !matches!(p, "Orphan" | "Background" | "Foreground")
    {
        return Err(status::invalid(
            "DeleteOptions",
            "meta.k8s.io",
            "",
            &[(
                "FieldValueNotSupported",
                "propagationPolicy",
                format!(
                    "Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                ),
            )],
        ));
    }
    let s = |v: &Value| v.as_str().map(String::from);
    Ok(DeleteOptions {
        dry_run,
        orphan,
        uid: s(&body["preconditions"]["uid"]),
        rv: s(&body["preconditions"]["resourceVersion"]),
    })
}

fn delete(state: &mut State, call: &Call, name: &str) -> Reply {
    let opts = delete_options(call)?;
    let key = call.key(name);
    let old = state
        .get(&key)
        .cloned()
        .ok_or_else(|| status::not_found(call.subject(name)))?;
    let meta = &old["metadata"];
    if let Some(uid) = &opts.uid
        && meta["uid"].as_str() != Some(uid)
    {
        let msg = format!(
            "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
            meta["uid"].as_str().unwrap_or_default()
        );
        let mut e = status::stale(call.subject(name));
        e.body["message"] = json!(msg);
        return Err(e);
    }
    if let Some(rv) = &opts.rv
        && meta["resourceVersion"].as_str() != Some(rv)
    {
        return Err(status::stale(call.subject(name)));
    }
    let has_finalizers = meta["finalizers"].as_array().is_some_and(|f| !f.is_empty());
    if has_finalizers {
        if meta.get("deletionTimestamp").is_some() || opts.dry_run {
            return Ok((200, call.serve(old)));
        }
        let mut new = old.clone();
        new["metadata"]["deletionTimestamp"] = json!(clock::now_rfc3339());
        new["metadata"]["deletionGracePeriodSeconds"] = json!(0);
        new = crate::store::ordered(&new);
        return Ok((200, call.serve(state.commit(&call.res, Some(&old), new))));
    }
    if call.res.group.is_empty() && call.res.plural == "namespaces" {
        if state.is_terminating(name) {
            let mut e = status::stale(call.subject(name));
            e.body["message"] = json!(format!(
                "Operation cannot be fulfilled on namespaces \"{name}\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."
            ));
            return Err(e);
        }
        if opts.dry_run {
            return Ok((200, call.serve(old)));
        }
        let ns = state.terminate_namespace(&call.res, &key).unwrap_or(old);
        return Ok((200, call.serve(ns)));
    }
    if !opts.dry_run {
        state.remove_with(&key, opts.orphan);
    }
    let uid = meta["uid"].as_str().unwrap_or_default();
    match call.res.plural.as_str() {
        "pods" | "customresourcedefinitions" => Ok((200, call.serve(old))),
        _ => Ok((200, status::deleted(call.subject(name), uid))),
    }
}

fn delete_collection(state: &mut State, call: &Call) -> Reply {
    let opts = delete_options(call)?;
    let items = select(state, call)?;
    if !opts.dry_run {
        for o in &items {
            state.remove(&crate::store::key_of(&call.res, o));
        }
    }
    Ok((
        200,
        json!({"kind": format!("{}List", call.res.kind), "apiVersion": call.res.api_version(),
                    "metadata": {"resourceVersion": state.rv().to_string()}, "items": items}),
    ))
}
