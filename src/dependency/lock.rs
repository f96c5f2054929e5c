//! The lock file: `Chart.lock` (`requirements.lock` for `apiVersion: v1` charts), in
//! Helm's format so either tool reads the other's.
//!
//! Helm writes its `Lock` struct through JSON into YAML with sorted keys: a `dependencies`
//! list of `name`/`repository`/`version` (version left out when empty, repository always
//! written, `""` for a chart kept in `charts/`), the `digest` of the resolved set (see
//! `digest.rs`) and the `generated` time in RFC 3339 with nanoseconds, quoted because YAML
//! would otherwise read it as a timestamp:
//!
//! ```yaml
//! dependencies:
//! - name: db
//!   repository: https://charts.example.org
//!   version: 1.2.3
//! digest: sha256:0f1e...
//! generated: "2026-11-22T08:30:00.123456789Z"
//! ```

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::chart::Dependency;
use crate::yaml::{self, Dialect, Map, Value};

/// A parsed lock file.
#[derive(Debug, Clone, PartialEq)]
pub struct Lock {
    /// The `generated:` time as written.
    pub generated: String,
    /// `sha256:HEX` of the requested and locked dependencies.
    pub digest: String,
    /// The locked dependencies (`None` when the file has no `dependencies:`).
    pub dependencies: Option<Vec<Dependency>>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    generated: Option<serde_json::Value>,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    dependencies: Option<Vec<Dependency>>,
}

/// The lock file's name for a chart of this `apiVersion`.
pub fn file_name(api_version: &str) -> &'static str {
    if api_version == "v1" {
        "requirements.lock"
    } else {
        "Chart.lock"
    }
}

impl Lock {
    /// Reads a lock file's text.
    ///
    /// # Errors
    /// Invalid YAML, or a field of the wrong type (the message names the field).
    pub fn parse(text: &str, source: &str) -> Result<Lock, String> {
        let docs = yaml::parse_stream(text, Dialect::Helm, source).map_err(|e| e.to_string())?;
        let value = docs.into_iter().next().map(|d| d.value).unwrap_or(Value::Null);
        if !matches!(value, Value::Map(_) | Value::Null) {
            return Err(format!("expected a mapping, found {}", value.type_name()));
        }
        let raw: Raw = match value {
            Value::Null => Raw {
                generated: None,
                digest: String::new(),
                dependencies: None,
            },
            v => serde_json::from_value(v.to_json()).map_err(|e| e.to_string())?,
        };
        let generated = match raw.generated {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s,
            Some(other) => other.to_string(),
        };
        Ok(Lock {
            generated,
            digest: raw.digest,
            dependencies: raw.dependencies,
        })
    }

    /// The lock file's text as Helm writes it. Each locked dependency is written with its
    /// name, repository and version only.
    pub fn to_yaml(&self) -> String {
        let deps = match &self.dependencies {
            None => Value::Null,
            Some(deps) => Value::Seq(
                deps.iter()
                    .map(|d| {
                        let mut m = Map::default();
                        m.insert("name".into(), Value::String(d.name.clone()));
                        if !d.version.is_empty() {
                            m.insert("version".into(), Value::String(d.version.clone()));
                        }
                        m.insert("repository".into(), Value::String(d.repository.clone()));
                        Value::Map(m)
                    })
                    .collect(),
            ),
        };
        let mut m = Map::default();
        m.insert("generated".into(), Value::String(self.generated.clone()));
        m.insert("digest".into(), Value::String(self.digest.clone()));
        m.insert("dependencies".into(), deps);
        yaml::to_string(&Value::Map(m))
    }
}

/// Reads the lock file of the chart directory `dir`, `None` when there is none.
///
/// # Errors
/// The file exists but cannot be read or parsed (the message names the file).
pub fn read(dir: &Path, api_version: &str) -> Result<Option<Lock>, (String, String)> {
    let path = dir.join(file_name(api_version));
    let shown = path.display().to_string();
    match fs_err::read_to_string(&path) {
        Ok(text) => Lock::parse(&text, &shown).map(Some).map_err(|m| (shown, m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err((shown, crate::chart::io_message(&e))),
    }
}

/// `time` as Go's `time.Time` marshals to JSON, in UTC: RFC 3339 with the fraction's
/// trailing zeros (and a zero fraction's dot) left out.
pub fn generated_at(time: SystemTime) -> String {
    let d = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    crate::repo::format_rfc3339(d.as_secs() as i64, d.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_as_go_marshals_them() {
        let t = |s: u64, n: u32| generated_at(UNIX_EPOCH + Duration::new(s, n));
        assert_eq!(t(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(t(1_795_854_600, 120_000_000), "2026-11-28T08:30:00.12Z");
        assert_eq!(t(951_782_400, 1), "2000-02-29T00:00:00.000000001Z");
    }

    #[test]
    fn writes_helms_layout() {
        let lock = Lock {
            generated: "2026-11-22T08:30:00.5Z".into(),
            digest: "sha256:ab".into(),
            dependencies: Some(vec![
                Dependency {
                    name: "db".into(),
                    version: "1.2.3".into(),
                    repository: "https://charts.example.org".into(),
                    condition: "ignored.in.locks".into(),
                    ..Default::default()
                },
                Dependency {
                    name: "web".into(),
                    version: "1.0".into(),
                    ..Default::default()
                },
            ]),
        };
        let text = lock.to_yaml();
        assert_eq!(
            text,
            "dependencies:\n- name: db\n  repository: https://charts.example.org\n  version: 1.2.3\n\
             - name: web\n  repository: \"\"\n  version: \"1.0\"\n\
             digest: sha256:ab\ngenerated: \"2026-11-22T08:30:00.5Z\"\n"
        );
        let back = Lock::parse(&text, "Chart.lock").unwrap();
        assert_eq!(back.generated, lock.generated);
        assert_eq!(back.dependencies.as_ref().unwrap()[1].version, "1.0");
    }

    #[test]
    fn parse_errors_name_the_field() {
        let err = Lock::parse("dependencies: 3\n", "Chart.lock").unwrap_err();
        assert!(err.contains("invalid type"), "{err}");
        assert!(Lock::parse("- a\n", "Chart.lock").is_err());
        assert_eq!(Lock::parse("", "Chart.lock").unwrap().dependencies, None);
    }
}
