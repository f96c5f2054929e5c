//! `metav1.Status` error bodies, shaped field for field like the real API server's.

use serde_json::{Map, Value, json};

/// An API error: the HTTP code and the Status body the server answers with.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub body: Value,
    /// Seconds for a `Retry-After` header (429 and 503 faults).
    pub retry_after: Option<u32>,
}

/// What the error is about: the resource (plural) and its group, and the object's name.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub group: &'a str,
    pub plural: &'a str,
    pub name: &'a str,
}

impl Subject<'_> {
    /// `configmaps` or `deployments.apps`, as messages name a resource.
    fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    fn details(&self) -> Map<String, Value> {
        let mut d = Map::new();
        if !self.name.is_empty() {
            d.insert("name".into(), json!(self.name));
        }
        if !self.group.is_empty() {
            d.insert("group".into(), json!(self.group));
        }
        d.insert("kind".into(), json!(self.plural));
        d
    }
}

/// A failure Status body.
fn failure(code: u16, reason: &str, message: &str, details: Option<Map<String, Value>>) -> ApiError {
    let mut body = Map::new();
    body.insert("kind".into(), json!("Status"));
    body.insert("apiVersion".into(), json!("v1"));
    body.insert("metadata".into(), json!({}));
    body.insert("status".into(), json!("Failure"));
    body.insert("message".into(), json!(message));
    if !reason.is_empty() {
        body.insert("reason".into(), json!(reason));
    }
    if let Some(d) = details {
        body.insert("details".into(), Value::Object(d));
    }
    body.insert("code".into(), json!(code));
    ApiError {
        code,
        body: Value::Object(body),
        retry_after: None,
    }
}

/// 404 `configmaps "x" not found`.
pub fn not_found(s: Subject) -> ApiError {
    failure(
        404,
        "NotFound",
        &format!("{} \"{}\" not found", s.qualified(), s.name),
        Some(s.details()),
    )
}

/// 404 for a path that names no resource.
pub fn no_such_path() -> ApiError {
    failure(
        404,
        "NotFound",
        "the server could not find the requested resource",
        Some(Map::new()),
    )
}

/// 409 `configmaps "x" already exists`.
pub fn already_exists(s: Subject) -> ApiError {
    failure(
        409,
        "AlreadyExists",
        &format!("{} \"{}\" already exists", s.qualified(), s.name),
        Some(s.details()),
    )
}

/// 409 for a stale resourceVersion.
pub fn stale(s: Subject) -> ApiError {
    let msg = format!(
        "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
        s.qualified(),
        s.name
    );
    failure(409, "Conflict", &msg, Some(s.details()))
}

/// 409 for server-side apply conflicts: `causes` are (manager description, field path) pairs.
pub fn apply_conflict(message: &str, causes: &[(String, String)]) -> ApiError {
    let causes: Vec<Value> = causes
        .iter()
        .map(|(manager, field)| {
            json!({"reason": "FieldManagerConflict", "message": format!("conflict with {manager}"), "field": field})
        })
        .collect();
    let mut d = Map::new();
    d.insert("causes".into(), Value::Array(causes));
    failure(409, "Conflict", message, Some(d))
}

/// 422 Invalid: `kind` is the object's Kind, `causes` are (reason, field, detail) triples.
pub fn invalid(kind: &str, group: &str, name: &str, causes: &[(&str, &str, String)]) -> ApiError {
    let list: Vec<String> = causes
        .iter()
        .map(|(_, field, detail)| format!("{field}: {detail}"))
        .collect();
    let joined = if list.len() == 1 {
        list[0].clone()
    } else {
        format!("[{}]", list.join(", "))
    };
    let qualified = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let message = format!("{qualified} \"{name}\" is invalid: {joined}");
    let mut d = Map::new();
    if !name.is_empty() {
        d.insert("name".into(), json!(name));
    }
    if !group.is_empty() {
        d.insert("group".into(), json!(group));
    }
    d.insert("kind".into(), json!(kind));
    let causes: Vec<Value> = causes
        .iter()
        .map(|(reason, field, detail)| json!({"reason": reason, "message": detail, "field": field}))
        .collect();
    d.insert("causes".into(), Value::Array(causes));
    failure(422, "Invalid", &message, Some(d))
}

/// 400 BadRequest with a message.
pub fn bad_request(message: &str) -> ApiError {
    failure(400, "BadRequest", message, None)
}

/// 405 for a verb the resource does not support.
pub fn method_not_allowed(s: Subject, verb: &str) -> ApiError {
    let msg = format!("{verb} is not supported on resources of kind \"{}\"", s.qualified());
    failure(405, "MethodNotAllowed", &msg, Some(s.details()))
}

/// 415 for a patch type the resource does not take (custom resources take no strategic merge).
pub fn unsupported_media_type(custom: bool) -> ApiError {
    let types = if custom {
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    } else {
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"
    };
    let msg = format!("the body of the request was in an unknown format - accepted media types include: {types}");
    failure(415, "UnsupportedMediaType", &msg, None)
}

/// 415 for a body encoding the server does not read (this server reads JSON only).
pub fn unsupported_body(content_type: &str) -> ApiError {
    let msg = format!(
        "the body of the request was in an unknown format - accepted media types include: application/json (got {content_type})"
    );
    failure(415, "UnsupportedMediaType", &msg, None)
}

/// 401 for a missing or wrong bearer token.
pub fn unauthorized() -> ApiError {
    failure(401, "Unauthorized", "Unauthorized", None)
}

/// 404 for creating in a namespace that does not exist.
pub fn namespace_missing(ns: &str) -> ApiError {
    not_found(Subject {
        group: "",
        plural: "namespaces",
        name: ns,
    })
}

/// 403 for creating in a namespace being deleted.
pub fn namespace_terminating(s: Subject, ns: &str) -> ApiError {
    let msg = format!(
        "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
        s.qualified(),
        s.name
    );
    let mut d = s.details();
    d.insert(
        "causes".into(),
        json!([{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]),
    );
    failure(403, "Forbidden", &msg, Some(d))
}

/// 500 as the real server words internal errors of a request (message only, no reason).
pub fn internal(message: &str) -> ApiError {
    failure(500, "", message, None)
}

/// 503 ServiceUnavailable (fault injection).
pub fn unavailable() -> ApiError {
    failure(
        503,
        "ServiceUnavailable",
        "the server is currently unable to handle the request",
        Some(Map::new()),
    )
}

/// 429 TooManyRequests with `Retry-After` (fault injection; the wording of the API server's
/// max-in-flight filter).
pub fn too_many_requests(retry_after: u32) -> ApiError {
    let mut d = Map::new();
    d.insert("retryAfterSeconds".into(), json!(retry_after));
    let mut e = failure(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.",
        Some(d),
    );
    e.retry_after = Some(retry_after);
    e
}

/// 410 Gone for a watch from a resourceVersion the server no longer holds.
pub fn gone(rv: u64) -> ApiError {
    failure(410, "Expired", &format!("too old resource version: {rv}"), None)
}

/// A Success Status for a delete: details name the object and its uid.
pub fn deleted(s: Subject, uid: &str) -> Value {
    let mut d = s.details();
    d.insert("uid".into(), json!(uid));
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_matches_the_real_body() {
        let e = not_found(Subject {
            group: "",
            plural: "configmaps",
            name: "x",
        });
        assert_eq!(
            serde_json::to_string(&e.body).unwrap(),
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"configmaps"},"code":404}"#
        );
    }

    #[test]
    fn grouped_resources_are_qualified() {
        let e = already_exists(Subject {
            group: "apps",
            plural: "deployments",
            name: "web",
        });
        assert_eq!(e.body["message"], "deployments.apps \"web\" already exists");
        assert_eq!(e.body["details"]["group"], "apps");
    }

    #[test]
    fn invalid_names_the_field() {
        let e = invalid(
            "ConfigMap",
            "",
            "",
            &[(
                "FieldValueRequired",
                "metadata.name",
                "Required value: name or generateName is required".into(),
            )],
        );
        assert_eq!(e.code, 422);
        assert_eq!(
            e.body["message"],
            "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required"
        );
        assert!(e.body["details"].get("name").is_none());
    }
}
