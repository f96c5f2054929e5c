//! Which rules run: `.rudder-lint.yaml` (found from the working directory up to the
//! repository root), `--disable` and the per-object annotation
//! `rudder.dev/lint-ignore: RULE[,RULE]`.
//!
//! `.rudder-lint.yaml`:
//! ```yaml
//! disable: [probes, run-as-root]   # rule ids switched off for the repository
//! kubeVersion: "1.30"              # default for --kube-version
//! failOn: warning                  # default for --fail-on
//! requireNamespace: true           # as --require-namespace
//! ignoreMissingSchemas: true       # as --ignore-missing-schemas
//! crds: [crds/widgets.yaml]        # as --crd, relative to the file
//! ```

use std::path::{Path, PathBuf};

use super::catalogue::{can_disable, rule_by_id};
use super::finding::Severity;
use super::version::KubeVersion;
use crate::yaml::{self, Dialect, Value};

/// The config file's name.
pub const CONFIG_FILE: &str = ".rudder-lint.yaml";

/// The per-object annotation listing rules to skip for that object.
pub const IGNORE_ANNOTATION: &str = "rudder.dev/lint-ignore";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {field}: {message}")]
    Field {
        file: String,
        field: String,
        message: String,
    },
    #[error("{0}")]
    Parse(#[from] yaml::ParseError),
}

/// Settings from `.rudder-lint.yaml`; `None` where the file is silent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    pub disable: Vec<String>,
    pub kube_version: Option<KubeVersion>,
    pub fail_on: Option<Severity>,
    pub require_namespace: Option<bool>,
    pub ignore_missing_schemas: Option<bool>,
    /// CRD files, resolved against the config file's directory.
    pub crds: Vec<PathBuf>,
}

/// The nearest `.rudder-lint.yaml` from `start` upwards, stopping after the directory that
/// holds `.git` (the repository root).
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Checks that `id` names a rule that can be disabled.
///
/// # Errors
/// An unknown id, or one for input errors (which cannot be switched off).
pub fn ensure_rule(id: &str) -> Result<(), String> {
    match rule_by_id(id) {
        None => Err(format!("unknown rule '{id}'")),
        Some(_) if !can_disable(id) => Err(format!("rule '{id}' cannot be disabled")),
        Some(_) => Ok(()),
    }
}

/// Reads and checks a config file.
///
/// # Errors
/// Unreadable file, invalid YAML, unknown keys, wrong types, unknown rule ids.
pub fn load_config(path: &Path) -> Result<FileConfig, ConfigError> {
    let file = path.display().to_string();
    let text = fs_err::read_to_string(path).map_err(|source| ConfigError::Read {
        file: file.clone(),
        source,
    })?;
    let docs = yaml::parse_stream(&text, Dialect::Helm, &file)?;
    let field = |field: &str, message: String| ConfigError::Field {
        file: file.clone(),
        field: field.to_string(),
        message,
    };
    let mut cfg = FileConfig::default();
    let Some(doc) = docs.into_iter().next().map(|d| d.value).filter(|v| !v.is_null()) else {
        return Ok(cfg);
    };
    let Value::Map(map) = doc else {
        return Err(field("(top)", format!("expected a mapping, found {}", doc.type_name())));
    };
    let base = path.parent().unwrap_or(Path::new("."));
    for (key, v) in &map {
        let want_bool = |v: &Value| {
            v.as_bool()
                .ok_or_else(|| field(key, format!("expected a boolean, found {}", v.type_name())))
        };
        match key.as_str() {
            "disable" | "crds" => {
                let items = v
                    .as_seq()
                    .ok_or_else(|| field(key, format!("expected a list, found {}", v.type_name())))?;
                for (i, item) in items.iter().enumerate() {
                    let s = item.as_str().ok_or_else(|| {
                        field(
                            &format!("{key}[{i}]"),
                            format!("expected a string, found {}", item.type_name()),
                        )
                    })?;
                    if key == "disable" {
                        ensure_rule(s).map_err(|m| field(&format!("{key}[{i}]"), m))?;
                        cfg.disable.push(s.to_string());
                    } else {
                        cfg.crds.push(base.join(s));
                    }
                }
            }
            "kubeVersion" => {
                // An unquoted 1.30 reads as the number 1.3.
                let s = v.as_str().ok_or_else(|| {
                    field(
                        key,
                        format!("expected a string such as \"1.30\" (quoted), found {}", v.type_name()),
                    )
                })?;
                cfg.kube_version = Some(s.parse().map_err(|m| field(key, m))?);
            }
            "failOn" => {
                let s = v
                    .as_str()
                    .ok_or_else(|| field(key, format!("expected a string, found {}", v.type_name())))?;
                cfg.fail_on = Some(s.parse().map_err(|m| field(key, m))?);
            }
            "requireNamespace" => cfg.require_namespace = Some(want_bool(v)?),
            "ignoreMissingSchemas" => cfg.ignore_missing_schemas = Some(want_bool(v)?),
            _ => {
                return Err(field(
                    key,
                    "unknown setting (expected disable, kubeVersion, failOn, requireNamespace, ignoreMissingSchemas or crds)".into(),
                ));
            }
        }
    }
    Ok(cfg)
}

/// Rule ids an object's `rudder.dev/lint-ignore` annotation switches off.
pub fn ignored_by(object: &Value) -> Vec<&str> {
    object
        .str_at(&["metadata", "annotations", IGNORE_ANNOTATION])
        .map(|s| s.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_and_checks_settings() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join(".git")).unwrap();
        let sub = t.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(find_config(&sub), None);
        let cfg = t.path().join(CONFIG_FILE);
        std::fs::write(
            &cfg,
            "disable: [probes]\nkubeVersion: \"1.24\"\nfailOn: warning\ncrds: [x.yaml]\n",
        )
        .unwrap();
        assert_eq!(find_config(&sub), Some(cfg.clone()));
        let c = load_config(&cfg).unwrap();
        assert_eq!(c.disable, ["probes"]);
        assert_eq!(c.kube_version, Some(KubeVersion::new(1, 24)));
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(c.crds, [t.path().join("x.yaml")]);
        for (text, want) in [
            ("disable: [nope]\n", "disable[0]: unknown rule 'nope'"),
            (
                "kubeVersion: 1.30\n",
                "kubeVersion: expected a string such as \"1.30\" (quoted), found a number",
            ),
            ("colour: red\n", "colour: unknown setting"),
            ("disable: [parse-error]\n", "cannot be disabled"),
        ] {
            std::fs::write(&cfg, text).unwrap();
            let e = load_config(&cfg).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn annotation_lists_rules() {
        let v = crate::yaml::parse_stream(
            "metadata:\n  annotations:\n    rudder.dev/lint-ignore: \"probes, image-tag\"\n",
            Dialect::Kustomize,
            "t",
        )
        .unwrap()
        .remove(0)
        .value;
        assert_eq!(ignored_by(&v), ["probes", "image-tag"]);
    }
}
