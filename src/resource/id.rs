//! Object identity: group/version/kind plus namespace and name.

use std::fmt;

use crate::yaml::Value;

/// Group, version and kind; the group is empty for the core API.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        Gvk {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
        }
    }

    /// Splits `apiVersion` into group and version (`apps/v1`, `v1`).
    pub fn from_api_version(api_version: &str, kind: &str) -> Self {
        match api_version.rsplit_once('/') {
            Some((g, v)) => Gvk::new(g, v, kind),
            None => Gvk::new("", api_version, kind),
        }
    }

    pub fn of(v: &Value) -> Self {
        Gvk::from_api_version(
            v.str_at(&["apiVersion"]).unwrap_or(""),
            v.str_at(&["kind"]).unwrap_or(""),
        )
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// kustomize's `Gvk.String()`: `Kind.version.group` with placeholders for empty parts.
    pub fn kustomize_string(&self) -> String {
        let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
        format!(
            "{}.{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]")
        )
    }

    /// Whether `self`, used as a selector, matches `other`: empty fields match anything.
    pub fn selects(&self, other: &Gvk) -> bool {
        (self.group.is_empty() || self.group == other.group)
            && (self.version.is_empty() || self.version == other.version)
            && (self.kind.is_empty() || self.kind == other.kind)
    }
}

/// A full object id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    /// Empty for cluster-scoped objects and for namespaced ones without a namespace.
    pub namespace: String,
}

impl ResId {
    pub fn new(gvk: Gvk, name: &str, namespace: &str) -> Self {
        ResId {
            gvk,
            name: name.into(),
            namespace: namespace.into(),
        }
    }

    pub fn of(v: &Value) -> Self {
        ResId::new(
            Gvk::of(v),
            v.str_at(&["metadata", "name"]).unwrap_or(""),
            v.str_at(&["metadata", "namespace"]).unwrap_or(""),
        )
    }

    /// kustomize's `ResId.String()`: `Kind.version.group/name.namespace`.
    pub fn kustomize_string(&self) -> String {
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        let name = if self.name.is_empty() { "[noName]" } else { &self.name };
        format!("{}/{}.{}", self.gvk.kustomize_string(), name, ns)
    }
}

impl fmt::Display for ResId {
    /// `apps/v1 Deployment metallb-system/controller`, the form used in messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.gvk.api_version(), self.gvk.kind)?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        write!(f, "{}", self.name)
    }
}
