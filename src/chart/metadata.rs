//! `Chart.yaml`: the chart's metadata, its validation, and the `Chart` object templates see.
//!
//! Field names in the file are Helm's (camelCase, `import-values`); templates see them with
//! the Go field names Helm exposes (`Chart.Name`, `Chart.AppVersion`, `Chart.APIVersion`).

use serde::{Deserialize, Serialize};

use crate::yaml::{Map, Value};

use crate::constraint::Constraint;

/// The contents of `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// `v2` (Helm 3 charts) or `v1` (Helm 2 charts, read too).
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub name: String,
    /// A SemVer 2 version.
    #[serde(default)]
    pub version: String,
    /// A SemVer constraint on the Kubernetes version, e.g. `>=1.22.0-0`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `application` (default) or `library`.
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub chart_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub home: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_version: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub annotations: std::collections::BTreeMap<String, String>,
}

/// One entry of `dependencies:` in `Chart.yaml` (a subchart).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    #[serde(default)]
    pub name: String,
    /// A version or SemVer constraint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Always written, as Helm writes it (`repository: ""`).
    #[serde(default)]
    pub repository: String,
    /// Comma-separated values paths; the first that holds a boolean enables or disables it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    /// Tags under `tags:` in the values; any true enables it, all false disable it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Set by value computation; not read from the file by Helm's loader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Values copied from the subchart into the parent.
    #[serde(default, rename = "import-values", skip_serializing_if = "Vec::is_empty")]
    pub import_values: Vec<ImportValue>,
    /// The name the subchart takes in this chart (values section, `Chart.Name`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alias: String,
}

impl Dependency {
    /// The name the subchart goes by in the parent: the alias, else its name.
    pub fn effective_name(&self) -> &str {
        if self.alias.is_empty() { &self.name } else { &self.alias }
    }
}

/// An `import-values` entry: a key under the child's `exports:` or a child/parent pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ImportValue {
    /// `- data`: the child's `exports.data` merged into the parent's top level.
    Exports(String),
    /// `- child: a.b` / `parent: c.d`.
    Pair { child: String, parent: String },
}

/// A chart maintainer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Maintainer {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// What is wrong with a `Chart.yaml`.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetadataError {
    #[error("apiVersion: missing (use v2)")]
    MissingApiVersion,
    #[error("apiVersion: '{0}' is not v1 or v2")]
    BadApiVersion(String),
    #[error("name: missing")]
    MissingName,
    #[error("name: '{0}' may not contain '/', '\\' or '..' and must not be blank")]
    BadName(String),
    #[error("version: missing")]
    MissingVersion,
    #[error("version: '{0}' is not a SemVer 2 version")]
    BadVersion(String),
    #[error("type: '{0}' is not application or library")]
    BadType(String),
    #[error("kubeVersion: {0}")]
    BadKubeVersion(String),
    #[error("kubeVersion: chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {version}")]
    IncompatibleKubeVersion { constraint: String, version: String },
    #[error("dependencies[{0}]: name: missing")]
    DependencyName(usize),
    #[error("dependencies[{index}]: alias: '{alias}' may contain only letters, digits, '-' and '_'")]
    BadAlias { index: usize, alias: String },
    #[error("dependencies: '{0}' appears more than once (give each an alias)")]
    DuplicateDependency(String),
    #[error("{field}: expected {expected}, found {found}")]
    FieldType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{0}")]
    Decode(String),
}

impl Metadata {
    /// Reads `Chart.yaml` from an already parsed document.
    ///
    /// # Errors
    /// A field of the wrong type, e.g. `version: [1]`.
    pub fn from_value(v: &Value) -> Result<Metadata, MetadataError> {
        super::fields::ensure_types(v)?;
        let mut json = v.to_json();
        // Helm reads versions written as YAML numbers as the JSON number's text:
        // `version: 1.0` is "1", `appVersion: 1.10` is "1.1".
        if let Some(obj) = json.as_object_mut() {
            for key in ["version", "appVersion", "kubeVersion", "name"] {
                if let Some(x) = obj.get_mut(key)
                    && let Some(n) = x.as_number()
                {
                    let text = match n.as_f64() {
                        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i64),
                        _ => n.to_string(),
                    };
                    *x = serde_json::Value::String(text);
                }
            }
        }
        serde_json::from_value(json).map_err(|e| MetadataError::Decode(e.to_string()))
    }

    /// Checks what Helm's loader and `helm lint` check: apiVersion, name, SemVer version,
    /// type, kubeVersion constraint and dependency names/aliases.
    ///
    /// # Errors
    /// The first problem found, naming the field.
    pub fn ensure_valid(&self) -> Result<(), MetadataError> {
        match self.api_version.as_str() {
            "" => return Err(MetadataError::MissingApiVersion),
            "v1" | "v2" => {}
            other => return Err(MetadataError::BadApiVersion(other.to_string())),
        }
        if self.name.is_empty() {
            return Err(MetadataError::MissingName);
        }
        if self.name.contains('/')
            || self.name.contains('\\')
            || self.name.contains("..")
            || self.name.trim().is_empty()
        {
            return Err(MetadataError::BadName(self.name.clone()));
        }
        if self.version.is_empty() {
            return Err(MetadataError::MissingVersion);
        }
        if crate::constraint::parse_version(&self.version).is_none() {
            return Err(MetadataError::BadVersion(self.version.clone()));
        }
        match self.chart_type.as_str() {
            "" | "application" | "library" => {}
            other => return Err(MetadataError::BadType(other.to_string())),
        }
        if !self.kube_version.is_empty() {
            Constraint::parse(&self.kube_version).map_err(|e| MetadataError::BadKubeVersion(e.to_string()))?;
        }
        let mut seen = std::collections::HashSet::new();
        for (index, dep) in self.dependencies.iter().enumerate() {
            if dep.name.is_empty() {
                return Err(MetadataError::DependencyName(index));
            }
            if !dep.alias.is_empty()
                && !dep
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(MetadataError::BadAlias {
                    index,
                    alias: dep.alias.clone(),
                });
            }
            if !seen.insert(dep.effective_name().to_string()) {
                return Err(MetadataError::DuplicateDependency(dep.effective_name().to_string()));
            }
        }
        Ok(())
    }

    /// Checks the chart's `kubeVersion` constraint against a Kubernetes version such as
    /// `v1.30.2` or `1.30.2-gke.100` (no constraint: always fine).
    ///
    /// # Errors
    /// The version does not satisfy the constraint, or does not parse.
    pub fn ensure_kube_version(&self, kube_version: &str) -> Result<(), MetadataError> {
        if self.kube_version.is_empty() {
            return Ok(());
        }
        let constraint =
            Constraint::parse(&self.kube_version).map_err(|e| MetadataError::BadKubeVersion(e.to_string()))?;
        let incompatible = || MetadataError::IncompatibleKubeVersion {
            constraint: self.kube_version.clone(),
            version: kube_version.to_string(),
        };
        let version = crate::constraint::parse_version(kube_version).ok_or_else(incompatible)?;
        if constraint.matches(&version) {
            Ok(())
        } else {
            Err(incompatible())
        }
    }

    /// Whether this is a library chart (renders nothing itself).
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }

    /// The `Chart` object templates see, with Helm's Go field names (`Name`, `Version`,
    /// `AppVersion`, `APIVersion`, `KubeVersion`, `Maintainers[].URL`, ...). Every field is
    /// present, empty when unset, as a Go struct's are.
    pub fn template_value(&self) -> Value {
        let s = |x: &str| Value::String(x.to_string());
        let strs = |xs: &[String]| Value::Seq(xs.iter().map(|x| s(x)).collect());
        let mut m = Map::default();
        m.insert("Name".into(), s(&self.name));
        m.insert("Home".into(), s(&self.home));
        m.insert("Sources".into(), strs(&self.sources));
        m.insert("Version".into(), s(&self.version));
        m.insert("Description".into(), s(&self.description));
        m.insert("Keywords".into(), strs(&self.keywords));
        let maintainers = self
            .maintainers
            .iter()
            .map(|mt| {
                let mut o = Map::default();
                o.insert("Name".into(), s(&mt.name));
                o.insert("Email".into(), s(&mt.email));
                o.insert("URL".into(), s(&mt.url));
                Value::Map(o)
            })
            .collect();
        m.insert("Maintainers".into(), Value::Seq(maintainers));
        m.insert("Icon".into(), s(&self.icon));
        m.insert("APIVersion".into(), s(&self.api_version));
        m.insert("AppVersion".into(), s(&self.app_version));
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert(
            "Annotations".into(),
            Value::Map(self.annotations.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
        );
        m.insert("KubeVersion".into(), s(&self.kube_version));
        let deps = self
            .dependencies
            .iter()
            .map(|d| {
                let mut o = Map::default();
                o.insert("Name".into(), s(&d.name));
                o.insert("Version".into(), s(&d.version));
                o.insert("Repository".into(), s(&d.repository));
                o.insert("Condition".into(), s(&d.condition));
                o.insert("Tags".into(), strs(&d.tags));
                o.insert("Enabled".into(), Value::Bool(d.enabled.unwrap_or(false)));
                o.insert("Alias".into(), s(&d.alias));
                Value::Map(o)
            })
            .collect();
        m.insert("Dependencies".into(), Value::Seq(deps));
        m.insert("Type".into(), s(&self.chart_type));
        Value::Map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Dialect, parse_stream};

    fn meta(text: &str) -> Metadata {
        let doc = parse_stream(text, Dialect::Helm, "Chart.yaml").unwrap();
        Metadata::from_value(&doc[0].value).unwrap()
    }

    #[test]
    fn reads_all_fields() {
        let m = meta(
            "apiVersion: v2\nname: web\nversion: 1.2.3\nappVersion: 4.5\ntype: library\nkubeVersion: '>=1.20'\n\
             dependencies:\n- name: db\n  version: ~1.0\n  condition: db.enabled\n  tags: [back]\n  alias: store\n  import-values:\n  - data\n  - child: a\n    parent: b\n\
             maintainers:\n- name: me\n  url: https://x\nannotations:\n  k: v\n",
        );
        assert_eq!(m.app_version, "4.5");
        assert_eq!(meta("version: 1.0\nappVersion: 1.10\n").version, "1");
        assert_eq!(meta("version: 1.0\nappVersion: 1.10\n").app_version, "1.1");
        assert!(m.is_library());
        assert_eq!(m.dependencies[0].effective_name(), "store");
        assert_eq!(
            m.dependencies[0].import_values,
            vec![
                ImportValue::Exports("data".into()),
                ImportValue::Pair {
                    child: "a".into(),
                    parent: "b".into()
                }
            ]
        );
        m.ensure_valid().unwrap();
        let t = m.template_value();
        assert_eq!(t.str_at(&["AppVersion"]), Some("4.5"));
        assert!(t.str_at(&["Maintainers"]).is_none());
    }

    #[test]
    fn type_errors_name_the_field() {
        let err = |text: &str| {
            let doc = parse_stream(text, Dialect::Helm, "Chart.yaml").unwrap();
            Metadata::from_value(&doc[0].value).unwrap_err().to_string()
        };
        assert_eq!(
            err("dependencies:\n- name: x\n  tags: abc\n"),
            "dependencies[0].tags: expected a list of strings, found a string"
        );
        assert_eq!(err("version: [1]\n"), "version: expected a string, found a list");
        assert_eq!(
            err("annotations: {a: {b: 1}}\n"),
            "annotations.a: expected a string, found a mapping"
        );
        assert_eq!(
            err("dependencies:\n- name: x\n  import-values: [{child: a}]\n"),
            "dependencies[0].import-values[0].parent: expected a string, found nothing"
        );
        assert_eq!(
            err("maintainers: [{name: [x]}]\n"),
            "maintainers[0].name: expected a string, found a list"
        );
    }

    #[test]
    fn validation_names_the_field() {
        let bad = meta("apiVersion: v2\nname: web\nversion: one\n");
        assert_eq!(
            bad.ensure_valid().unwrap_err().to_string(),
            "version: 'one' is not a SemVer 2 version"
        );
        let bad = meta("apiVersion: v3\nname: web\nversion: 1.0.0\n");
        assert!(bad.ensure_valid().unwrap_err().to_string().starts_with("apiVersion:"));
        let k = meta("apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: '>=1.22.0-0'\n");
        k.ensure_kube_version("v1.30.1").unwrap();
        k.ensure_kube_version("1.29.0-gke.1").unwrap();
        assert!(k.ensure_kube_version("v1.21.9").is_err());
        let bad = meta("apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: '>>1'\n");
        assert!(bad.ensure_valid().unwrap_err().to_string().starts_with("kubeVersion:"));
    }
}
