//! A repository's `index.yaml`, in Helm's format: `apiVersion: v1`, `entries` (chart name →
//! versions, each the chart's `Chart.yaml` metadata plus `urls`, `digest` and `created`),
//! `generated`.
//!
//! Reading: the text is size-capped and parsed by the hardened YAML reader (nesting, alias
//! and size budgets), so an index bomb fails at once. As Helm, an entry version that is not
//! a mapping or has no usable `version` is skipped (and listed in [`Index::skipped`]), and
//! each chart's versions are sorted newest first.
//!
//! Writing: keys sorted, as Helm's JSON-then-YAML writer gives them; fields other than the
//! ones rudder interprets are kept as read.

use std::path::Path;

use indexmap::IndexMap;

use super::Error;
use crate::constraint::{self, Constraint};
use crate::yaml::{self, Dialect, Map, Value};

/// The largest index accepted, in bytes (the biggest public indexes are a few tens of MB).
pub const MAX_INDEX_BYTES: usize = 100 << 20;

/// A parsed `index.yaml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Index {
    pub api_version: String,
    pub generated: String,
    /// Chart name → versions, newest first.
    pub entries: IndexMap<String, Vec<ChartVersion>>,
    /// Other top-level fields (`publicKeys`, `annotations`, `serverInfo`), written back.
    pub extra: Map,
    /// `chart[i]` of each entry version skipped while reading, with the reason.
    pub skipped: Vec<String>,
}

/// One version of a chart in an index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartVersion {
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub deprecated: bool,
    /// Where the package is: absolute URLs, or paths relative to the repository URL.
    pub urls: Vec<String>,
    /// Hex sha256 of the package; empty when the index gives none.
    pub digest: String,
    pub created: String,
    /// Every field of the entry as read (metadata included), for writing it back.
    pub fields: Map,
}

impl ChartVersion {
    /// An entry for a package: its `Chart.yaml` metadata (as Helm serializes it), the URL
    /// of the package, its digest and creation time.
    pub fn from_metadata(metadata: Map, url: String, digest: String, created: String) -> ChartVersion {
        let mut fields = metadata;
        if fields
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            fields.insert("apiVersion".into(), Value::String("v1".into()));
        }
        let s = |k: &str| fields.get(k).and_then(Value::scalar_text).unwrap_or_default();
        ChartVersion {
            name: s("name"),
            version: s("version"),
            app_version: s("appVersion"),
            description: s("description"),
            keywords: string_list(fields.get("keywords")),
            deprecated: fields.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            urls: vec![url],
            digest,
            created,
            fields,
        }
    }

    fn from_value(v: Value) -> Result<ChartVersion, String> {
        let Value::Map(m) = v else {
            return Err(format!("expected a mapping, found {}", v.type_name()));
        };
        let s = |k: &str| m.get(k).and_then(Value::scalar_text).unwrap_or_default();
        let version = s("version");
        if version.is_empty() {
            return Err("version: missing".into());
        }
        if constraint::parse_version(&version).is_none() {
            return Err(format!("version: '{version}' is not a SemVer version"));
        }
        Ok(ChartVersion {
            name: s("name"),
            version,
            app_version: s("appVersion"),
            description: s("description"),
            keywords: string_list(m.get("keywords")),
            deprecated: m.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            urls: string_list(m.get("urls")),
            digest: s("digest"),
            created: s("created"),
            fields: m,
        })
    }

    /// The entry as written to an index.
    pub fn to_value(&self) -> Value {
        let mut m = self.fields.clone();
        m.insert("name".into(), Value::String(self.name.clone()));
        m.insert("version".into(), Value::String(self.version.clone()));
        m.insert(
            "urls".into(),
            Value::Seq(self.urls.iter().cloned().map(Value::String).collect()),
        );
        if self.digest.is_empty() {
            m.shift_remove("digest");
        } else {
            m.insert("digest".into(), Value::String(self.digest.clone()));
        }
        if !self.created.is_empty() {
            m.insert("created".into(), Value::String(self.created.clone()));
        }
        Value::Map(m)
    }

    /// The parsed SemVer version (always `Some` for versions read from an index).
    pub fn semver(&self) -> Option<semver::Version> {
        constraint::parse_version(&self.version)
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(Value::scalar_text)
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

impl Index {
    /// An empty index (`apiVersion: v1`) generated at `now`.
    pub fn new(now: &str) -> Index {
        Index {
            api_version: "v1".into(),
            generated: now.to_string(),
            ..Index::default()
        }
    }

    /// Reads an index file.
    ///
    /// # Errors
    /// An unreadable or oversized file, or anything [`Index::parse`] refuses.
    pub fn load(path: &Path) -> Result<Index, Error> {
        let meta = fs_err::metadata(path).map_err(|e| Error::io(path, &e))?;
        if meta.len() > MAX_INDEX_BYTES as u64 {
            return Err(Error::Index {
                source_name: path.display().to_string(),
                field: "size".into(),
                message: format!("larger than the limit of {MAX_INDEX_BYTES} bytes"),
            });
        }
        let bytes = fs_err::read(path).map_err(|e| Error::io(path, &e))?;
        Index::parse(&bytes, &path.display().to_string())
    }

    /// Parses the bytes of an index; `source_name` names it in errors.
    ///
    /// # Errors
    /// More than [`MAX_INDEX_BYTES`], invalid YAML (or a YAML bomb), no `apiVersion`,
    /// `entries` not a mapping of lists.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<Index, Error> {
        let err = |field: &str, message: String| Error::Index {
            source_name: source_name.to_string(),
            field: field.to_string(),
            message,
        };
        if bytes.len() > MAX_INDEX_BYTES {
            return Err(err("size", format!("larger than the limit of {MAX_INDEX_BYTES} bytes")));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| err("encoding", format!("not UTF-8: {e}")))?;
        let limits = yaml::Limits {
            max_depth: 64,
            max_alias_nodes: 10_000,
            max_bytes: MAX_INDEX_BYTES,
        };
        let docs = yaml::parse_stream_with_limits(text, Dialect::Helm, source_name, &limits)
            .map_err(|e| err(&format!("line {}", e.line), e.message))?;
        let doc = docs.into_iter().next().map(|d| d.value).unwrap_or_default();
        let Value::Map(mut top) = doc else {
            return Err(err("", format!("expected a mapping, found {}", doc.type_name())));
        };
        let api_version = top
            .shift_remove("apiVersion")
            .map(|v| v.scalar_text().unwrap_or_default())
            .unwrap_or_default();
        if api_version.is_empty() {
            return Err(err(
                "apiVersion",
                "missing: this is not a chart repository index".into(),
            ));
        }
        let generated = top
            .shift_remove("generated")
            .map(|v| v.scalar_text().unwrap_or_default())
            .unwrap_or_default();
        let mut index = Index {
            api_version,
            generated,
            ..Index::default()
        };
        match top.shift_remove("entries") {
            None | Some(Value::Null) => {}
            Some(Value::Map(entries)) => {
                for (name, versions) in entries {
                    let list = match versions {
                        Value::Seq(list) => list,
                        Value::Null => Vec::new(),
                        other => {
                            return Err(err(
                                &format!("entries.{name}"),
                                format!("expected a list, found {}", other.type_name()),
                            ));
                        }
                    };
                    let mut out = Vec::with_capacity(list.len());
                    for (i, v) in list.into_iter().enumerate() {
                        match ChartVersion::from_value(v) {
                            Ok(mut cv) => {
                                if cv.name.is_empty() {
                                    cv.name = name.clone();
                                }
                                out.push(cv);
                            }
                            Err(reason) => index.skipped.push(format!("entries.{name}[{i}]: {reason}")),
                        }
                    }
                    index.entries.insert(name, out);
                }
            }
            Some(other) => {
                return Err(err(
                    "entries",
                    format!("expected a mapping, found {}", other.type_name()),
                ));
            }
        }
        index.extra = top;
        index.sort();
        Ok(index)
    }

    /// Sorts each chart's versions newest first (SemVer order; unparsable ones last) and
    /// the charts by name.
    pub fn sort(&mut self) {
        for versions in self.entries.values_mut() {
            versions.sort_by(|a, b| match (a.semver(), b.semver()) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        self.entries.sort_keys();
    }

    /// Adds a version (kept sorted by [`Index::sort`] when written).
    pub fn add(&mut self, cv: ChartVersion) {
        self.entries.entry(cv.name.clone()).or_default().push(cv);
    }

    /// Whether the index lists `name` at `version`.
    pub fn has(&self, name: &str, version: &str) -> bool {
        self.entries
            .get(name)
            .is_some_and(|vs| vs.iter().any(|v| v.version == version))
    }

    /// Adds the versions of `older` this index does not have (this index wins on a clash),
    /// as `helm repo index --merge` does.
    pub fn merge(&mut self, older: &Index) {
        for (name, versions) in &older.entries {
            for v in versions {
                if !self.has(name, &v.version) {
                    self.entries.entry(name.clone()).or_default().push(v.clone());
                }
            }
        }
        for (k, v) in &older.extra {
            if !self.extra.contains_key(k) {
                self.extra.insert(k.clone(), v.clone());
            }
        }
        self.sort();
    }

    /// The index as Helm writes it.
    pub fn to_yaml(&self) -> String {
        let mut top = self.extra.clone();
        top.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        top.insert("generated".into(), Value::String(self.generated.clone()));
        let mut entries = Map::default();
        for (name, versions) in &self.entries {
            entries.insert(
                name.clone(),
                Value::Seq(versions.iter().map(ChartVersion::to_value).collect()),
            );
        }
        top.insert("entries".into(), Value::Map(entries));
        yaml::to_string(&Value::Map(top))
    }

    /// Picks a version of `chart` as Helm does: with no `version`, the newest that is not a
    /// pre-release (any, with `devel`); with one, an exact match of the text first, else the
    /// newest version the constraint admits.
    ///
    /// # Errors
    /// No such chart, an invalid constraint, or no version matching it; `repo` names the
    /// repository in the message.
    pub fn select(&self, repo: &str, chart: &str, version: Option<&str>, devel: bool) -> Result<&ChartVersion, Error> {
        let versions = self
            .entries
            .get(chart)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::ChartNotFound {
                repo: repo.to_string(),
                chart: chart.to_string(),
            })?;
        let version = version.map(str::trim).filter(|v| !v.is_empty());
        if let Some(v) = version
            && let Some(exact) = versions.iter().find(|cv| cv.version == v)
        {
            return Ok(exact);
        }
        let text = match version {
            Some(v) => v,
            None if devel => ">0.0.0-0",
            None => "*",
        };
        let constraint = Constraint::parse(text)?;
        versions
            .iter()
            .find(|cv| cv.semver().is_some_and(|s| constraint.matches(&s)))
            .ok_or_else(|| Error::NoMatchingVersion {
                repo: repo.to_string(),
                chart: chart.to_string(),
                constraint: if version.is_none() {
                    "any stable version (--devel admits pre-releases)".to_string()
                } else {
                    format!("'{text}'")
                },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "apiVersion: v1
entries:
  metallb:
  - name: metallb
    version: 0.1.0
    appVersion: v0.8.3
    urls: [metallb-0.1.0.tgz]
    digest: abc
    created: \"2026-01-01T00:00:00Z\"
  - name: metallb
    version: 0.3.0-rc.1
    urls: [metallb-0.3.0-rc.1.tgz]
  - name: metallb
    version: 0.2.0
    urls: [metallb-0.2.0.tgz]
  - null
  - name: metallb
    version: not-a-version
generated: \"2026-01-01T00:00:00Z\"
";

    #[test]
    fn reads_sorts_and_selects_versions() {
        let idx = Index::parse(INDEX.as_bytes(), "index.yaml").unwrap();
        let order: Vec<&str> = idx.entries["metallb"].iter().map(|v| v.version.as_str()).collect();
        assert_eq!(order, ["0.3.0-rc.1", "0.2.0", "0.1.0"]);
        assert_eq!(idx.skipped.len(), 2, "{:?}", idx.skipped);
        assert_eq!(idx.select("edu", "metallb", None, false).unwrap().version, "0.2.0");
        assert_eq!(idx.select("edu", "metallb", None, true).unwrap().version, "0.3.0-rc.1");
        assert_eq!(
            idx.select("edu", "metallb", Some("0.1.0"), false).unwrap().version,
            "0.1.0"
        );
        assert_eq!(
            idx.select("edu", "metallb", Some("<0.2"), false).unwrap().version,
            "0.1.0"
        );
        let err = idx.select("edu", "metallb", Some(">1"), false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "repository \"edu\": chart \"metallb\": no version matches '>1'"
        );
        assert!(matches!(
            idx.select("edu", "nope", None, false),
            Err(Error::ChartNotFound { .. })
        ));
    }

    #[test]
    fn writes_what_it_reads() {
        let idx = Index::parse(INDEX.as_bytes(), "index.yaml").unwrap();
        let text = idx.to_yaml();
        let again = Index::parse(text.as_bytes(), "again").unwrap();
        assert_eq!(again.entries, idx.entries);
        assert!(
            text.starts_with("apiVersion: v1\nentries:\n  metallb:\n  - name: metallb\n"),
            "{text}"
        );
    }

    #[test]
    fn refuses_non_indexes_and_bombs() {
        let err = Index::parse(b"entries: {}\n", "i.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "i.yaml: apiVersion: missing: this is not a chart repository index"
        );
        let mut bomb = String::from("apiVersion: v1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(Index::parse(bomb.as_bytes(), "bomb.yaml").is_err());
    }

    #[test]
    fn merge_keeps_new_versions_first() {
        let mut new = Index::new("now");
        new.add(ChartVersion::from_metadata(
            [
                ("name".to_string(), Value::String("a".into())),
                ("version".to_string(), Value::String("1.0.0".into())),
            ]
            .into_iter()
            .collect(),
            "new/a-1.0.0.tgz".into(),
            "d1".into(),
            "t".into(),
        ));
        let old = Index::parse(
            b"apiVersion: v1\nentries:\n  a:\n  - {name: a, version: 1.0.0, urls: [old]}\n  - {name: a, version: 0.9.0, urls: [old9]}\n",
            "old",
        )
        .unwrap();
        new.merge(&old);
        let a = &new.entries["a"];
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].urls, ["new/a-1.0.0.tgz"]);
        assert_eq!(a[1].version, "0.9.0");
    }
}
