//! What the server knows of object structure without OpenAPI: which lists are associative
//! (merged by key fields), which are sets, which maps are atomic. Built-in kinds follow the
//! Kubernetes API's list-type and map-type markers for the fields rudder's scenarios touch;
//! custom resources have atomic lists (as a CRD schema without `x-kubernetes-list-type`).

use crate::fieldset::Pe;

/// How a list merges and how its elements are named in field sets.
#[derive(Debug, Clone, PartialEq)]
pub enum ListType {
    /// Replaced whole; owned as one field.
    Atomic,
    /// Scalars merged by value (`v:"x"`).
    Set,
    /// Objects merged by these key fields (`k:{"name":"x"}`).
    Map(&'static [&'static str]),
}

/// Field names along a path, keys and indexes dropped.
fn names(path: &[Pe]) -> Vec<&str> {
    path.iter()
        .filter_map(|p| if let Pe::Field(f) = p { Some(f.as_str()) } else { None })
        .collect()
}

/// The list type of the list at `path` in an object of `kind`.
pub fn list_type(custom: bool, kind: &str, path: &[Pe]) -> ListType {
    let n = names(path);
    match n.as_slice() {
        ["metadata", "finalizers"] => return ListType::Set,
        ["metadata", "ownerReferences"] => return ListType::Map(&["uid"]),
        _ => {}
    }
    if custom {
        return ListType::Atomic;
    }
    let last = n.last().copied().unwrap_or_default();
    let parent = if n.len() >= 2 { n[n.len() - 2] } else { "" };
    let in_container = matches!(parent, "containers" | "initContainers" | "ephemeralContainers");
    match (last, kind) {
        ("containers" | "initContainers" | "ephemeralContainers", _) => ListType::Map(&["name"]),
        ("ports", _) if in_container => ListType::Map(&["containerPort", "protocol"]),
        ("ports", "Service") if n == ["spec", "ports"] => ListType::Map(&["port", "protocol"]),
        ("env", _) if in_container => ListType::Map(&["name"]),
        ("volumeMounts", _) if in_container => ListType::Map(&["mountPath"]),
        ("volumeDevices", _) if in_container => ListType::Map(&["devicePath"]),
        ("volumes" | "imagePullSecrets", _) if parent == "spec" => ListType::Map(&["name"]),
        ("hostAliases", _) => ListType::Map(&["ip"]),
        ("topologySpreadConstraints", _) => ListType::Map(&["topologyKey", "whenUnsatisfiable"]),
        ("conditions", _) if n.first() == Some(&"status") => ListType::Map(&["type"]),
        _ => ListType::Atomic,
    }
}

/// Whether the map at `path` is atomic (owned and replaced as one field): label selectors (a
/// Service's selector is a plain map, owned key by key).
pub fn map_is_atomic(custom: bool, kind: &str, path: &[Pe]) -> bool {
    if custom {
        return false;
    }
    let n = names(path);
    match n.last().copied() {
        Some("selector") => n.len() == 2 && n[0] == "spec" && kind != "Service",
        Some("podSelector" | "namespaceSelector" | "labelSelector") => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(fields: &[&str]) -> Vec<Pe> {
        fields.iter().map(|f| Pe::Field(f.to_string())).collect()
    }

    #[test]
    fn container_lists_are_keyed() {
        let p = path(&["spec", "template", "spec", "containers"]);
        assert_eq!(list_type(false, "Deployment", &p), ListType::Map(&["name"]));
        let mut ports = p.clone();
        ports.push(Pe::Key(vec![("name".into(), "\"web\"".into())]));
        ports.push(Pe::Field("ports".into()));
        assert_eq!(
            list_type(false, "Deployment", &ports),
            ListType::Map(&["containerPort", "protocol"])
        );
        assert_eq!(list_type(true, "Widget", &p), ListType::Atomic);
    }

    #[test]
    fn selectors_are_atomic() {
        assert!(map_is_atomic(false, "Deployment", &path(&["spec", "selector"])));
        assert!(!map_is_atomic(
            false,
            "Deployment",
            &path(&["spec", "template", "metadata", "labels"])
        ));
    }
}
