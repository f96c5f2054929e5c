//! The objects templates see besides `Values`: `Files`, `Capabilities` and its
//! `KubeVersion` and `APIVersions`.

use std::sync::Arc;

use base64::Engine as _;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use minijinja::{Error, State};

use super::convert::{to_jinja, to_text};
use super::funcs::{cached_regex, invalid};
use crate::yaml;

/// The chart's non-template files: `Files.get("config.ini")`, `Files.glob("conf/*")`,
/// `Files.lines(...)`, `Files.as_config()`, `Files.as_secrets()` (Helm's `Get`, `Glob`,
/// `Lines`, `AsConfig`, `AsSecrets` work too). Iterating gives `path: content` pairs.
#[derive(Debug)]
pub struct Files {
    entries: Arc<Vec<(String, Arc<Vec<u8>>)>>,
}

impl Files {
    pub fn new(entries: Vec<(String, Arc<Vec<u8>>)>) -> Files {
        Files {
            entries: Arc::new(entries),
        }
    }

    fn find(&self, name: &str) -> Option<&Arc<Vec<u8>>> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }

    fn text(&self, name: &str) -> String {
        self.find(name)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    }

    fn glob(&self, pattern: &str) -> Result<Files, Error> {
        let re = cached_regex(&glob_regex(pattern))?;
        Ok(Files::new(
            self.entries.iter().filter(|(n, _)| re.is_match(n)).cloned().collect(),
        ))
    }

    /// The files as a mapping from base name to content (`AsConfig`), or to base64
    /// content (`AsSecrets`), in Kubernetes' YAML without the final newline.
    fn as_data(&self, encode: bool) -> String {
        let mut m = yaml::Map::default();
        for (name, data) in self.entries.iter() {
            let base = name.rsplit('/').next().unwrap_or(name).to_string();
            let content = if encode {
                base64::engine::general_purpose::STANDARD.encode(data.as_slice())
            } else {
                String::from_utf8_lossy(data).into_owned()
            };
            m.insert(base, yaml::Value::String(content));
        }
        if m.is_empty() {
            return String::new();
        }
        let mut s = yaml::to_string(&yaml::Value::Map(m));
        if s.ends_with('\n') {
            s.pop();
        }
        s
    }
}

/// A Helm (gobwas) glob with `/` as separator: `*` and `?` stay within a path segment,
/// `**` crosses them, `[...]` and `{a,b}` as usual.
fn glob_regex(pattern: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_alt = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                re.push_str(".*");
                i += 1;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let end = chars[i..].iter().position(|&x| x == ']').map(|p| p + i);
                match end {
                    Some(end) => {
                        let body: String = chars[i + 1..end].iter().collect();
                        let body = body.strip_prefix('!').map(|b| format!("^{b}")).unwrap_or(body);
                        re.push('[');
                        re.push_str(&body.replace('\\', "\\\\"));
                        re.push(']');
                        i = end;
                    }
                    None => re.push_str("\\["),
                }
            }
            '{' => {
                in_alt += 1;
                re.push_str("(?:");
            }
            '}' if in_alt > 0 => {
                in_alt -= 1;
                re.push(')');
            }
            ',' if in_alt > 0 => re.push('|'),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                re.push_str(&regex::escape(&chars[i].to_string()));
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    re
}

impl Object for Files {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.find(key.as_str()?)
            .map(|d| Value::from(String::from_utf8_lossy(d).into_owned()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.entries.iter().map(|(n, _)| Value::from(n.as_str())).collect())
    }

    fn call_method(self: &Arc<Self>, _state: &mut State<'_, '_>, method: &str, args: &[Value]) -> Result<Value, Error> {
        let arg = |i: usize| args.get(i).map(to_text).unwrap_or_default();
        match method {
            "get" | "Get" => Ok(Value::from(self.text(&arg(0)))),
            "get_bytes" | "getBytes" | "GetBytes" => Ok(Value::from_bytes(
                self.find(&arg(0)).map(|d| d.to_vec()).unwrap_or_default(),
            )),
            "glob" | "Glob" => Ok(Value::from_object(self.glob(&arg(0))?)),
            "lines" | "Lines" => {
                // As Helm: one final newline does not start another line.
                let text = self.text(&arg(0));
                let lines: Vec<Value> = if text.is_empty() {
                    Vec::new()
                } else {
                    text.strip_suffix('\n')
                        .unwrap_or(&text)
                        .split('\n')
                        .map(Value::from)
                        .collect()
                };
                Ok(Value::from(lines))
            }
            "as_config" | "asConfig" | "AsConfig" => Ok(Value::from(self.as_data(false))),
            "as_secrets" | "asSecrets" | "AsSecrets" => Ok(Value::from(self.as_data(true))),
            "items" => Ok(Value::from(
                self.entries
                    .iter()
                    .map(|(n, d)| {
                        Value::from(vec![
                            Value::from(n.as_str()),
                            Value::from(String::from_utf8_lossy(d).into_owned()),
                        ])
                    })
                    .collect::<Vec<_>>(),
            )),
            _ => Err(Error::from(minijinja::ErrorKind::UnknownMethod)),
        }
    }
}

/// The Kubernetes version templates are rendered for (`Capabilities.KubeVersion`),
/// printed as its `Version`.
#[derive(Debug, Clone)]
pub struct KubeVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl KubeVersion {
    /// Reads `1.30`, `v1.30.2`... as Helm's `--kube-version` does.
    ///
    /// # Errors
    /// Text that is not a version.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let v = crate::constraint::parse_version(text)
            .ok_or_else(|| format!("invalid kube version '{text}': expected a version such as v1.30.0"))?;
        Ok(KubeVersion {
            major: v.major,
            minor: v.minor,
            patch: v.patch,
        })
    }

    pub fn version(&self) -> String {
        format!("v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Default for KubeVersion {
    /// What `helm template` reports without a cluster (Helm 4.3: v1.37.0).
    fn default() -> Self {
        KubeVersion {
            major: 1,
            minor: 37,
            patch: 0,
        }
    }
}

impl Object for KubeVersion {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "Version" | "GitVersion" | "version" | "git_version" => Value::from(self.version()),
            "Major" | "major" => Value::from(self.major.to_string()),
            "Minor" | "minor" => Value::from(self.minor.to_string()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["Version", "Major", "Minor", "GitVersion"])
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.version())
    }
}

/// The API versions the target cluster serves (`Capabilities.APIVersions`): a list of
/// `group/version` (and `group/version/Kind`) strings; `APIVersions.has("apps/v1")`
/// (or Helm's `Has`) and `"apps/v1" in Capabilities.APIVersions` check one.
#[derive(Debug)]
pub struct ApiVersions(pub Vec<String>);

/// The API versions a current cluster serves without extensions.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "certificates.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "networking.k8s.io/v1",
    "node.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "resource.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
];

impl ApiVersions {
    fn has(&self, v: &str) -> bool {
        self.0.iter().any(|x| x == v)
    }
}

impl Object for ApiVersions {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?).map(|s| Value::from(s.as_str()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn call_method(self: &Arc<Self>, _state: &mut State<'_, '_>, method: &str, args: &[Value]) -> Result<Value, Error> {
        match method {
            "has" | "Has" => {
                let v = args
                    .first()
                    .ok_or_else(|| invalid("APIVersions.has: needs a group/version"))?;
                Ok(Value::from(self.has(&to_text(v))))
            }
            _ => Err(Error::from(minijinja::ErrorKind::UnknownMethod)),
        }
    }
}

/// `Capabilities` as a template value.
pub fn capabilities(kube: &KubeVersion, api_versions: &[String]) -> Value {
    Value::from_pairs([
        ("KubeVersion", Value::from_object(kube.clone())),
        ("APIVersions", Value::from_object(ApiVersions(api_versions.to_vec()))),
        (
            "HelmVersion",
            to_jinja(&yaml::Value::Map(
                [(
                    "Version".to_string(),
                    yaml::Value::from(concat!("v", env!("CARGO_PKG_VERSION"))),
                )]
                .into_iter()
                .collect(),
            )),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_as_helm_reads_them() {
        let re = regex::Regex::new(&glob_regex("files/*.conf")).unwrap();
        assert!(re.is_match("files/a.conf"));
        assert!(!re.is_match("files/sub/a.conf"));
        let re = regex::Regex::new(&glob_regex("files/**.{conf,ini}")).unwrap();
        assert!(re.is_match("files/sub/a.ini"));
    }

    #[test]
    fn config_data_is_sorted_yaml() {
        let f = Files::new(vec![
            ("conf/b.txt".into(), Arc::new(b"two".to_vec())),
            ("conf/a.txt".into(), Arc::new(b"one\nline\n".to_vec())),
        ]);
        assert_eq!(f.as_data(false), "a.txt: |\n  one\n  line\nb.txt: two");
        assert_eq!(f.as_data(true), "a.txt: b25lCmxpbmUK\nb.txt: dHdv");
    }
}
