//! One revision of a release, as stored: what was installed (the chart, packaged; the values
//! the user gave and the final ones; the rendered manifest, hooks and notes) and how it stands
//! (status, timestamps, description).
//!
//! The record has two parts so that a status change never rewrites a large body: [`Info`]
//! (status, times, description) changes as the release moves on; [`Body`] is written once.
//! Both are stored as gzip'd JSON (see `store.rs`).

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::Error;
use super::hooks::Hook;
use crate::chart::Metadata;
use crate::yaml::Value;

/// Helm's release statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Deployed,
    Superseded,
    Failed,
    Uninstalling,
    Uninstalled,
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
}

impl Status {
    /// The name Helm prints and rudder stores in the `status` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Deployed => "deployed",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::Uninstalled => "uninstalled",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
        }
    }

    /// An operation was under way when this revision was last written.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback | Status::Uninstalling
        )
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The changing part of a revision (field names as in Helm's release JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Info {
    pub status: Status,
    /// RFC 3339 times (UTC).
    pub first_deployed: String,
    pub last_deployed: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
    pub description: String,
}

/// The chart a revision was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartRecord {
    pub metadata: Metadata,
    /// The chart packaged as by `rudder package` (byte-reproducible .tgz), base64: every file
    /// the chart had, subcharts included.
    pub archive: String,
}

/// The written-once part of a revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub chart: ChartRecord,
    /// The values the user supplied (files and `--set` flags, with reused ones merged in).
    pub config: Value,
    /// The final values the templates saw.
    pub values: Value,
    /// The rendered documents (no hooks, no CRDs) as a YAML stream.
    pub manifest: String,
    /// The chart's `crds/` documents as a YAML stream (applied before the manifest).
    #[serde(default)]
    pub crds: String,
    /// The chart's hooks (run on the events they name; kept so that rollback and uninstall run
    /// the hooks of the revision they act on). Their `last_run` is as of when the record was written.
    #[serde(default)]
    pub hooks: Vec<Hook>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// One revision of a release.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub name: String,
    pub namespace: String,
    pub version: u32,
    pub info: Info,
    pub body: Body,
}

impl Revision {
    /// `metallb-0.1.0`, as the CHART column shows it.
    pub fn chart_label(&self) -> String {
        let m = &self.body.chart.metadata;
        format!("{}-{}", m.name, m.version)
    }

    pub fn app_version(&self) -> &str {
        &self.body.chart.metadata.app_version
    }

    /// Revision `version` of release `name` in namespace `ns` with `status` and an empty body.
    /// For unit tests.
    #[cfg(test)]
    pub(crate) fn bare(name: &str, version: u32, status: Status) -> Revision {
        Revision {
            name: name.into(),
            namespace: "ns".into(),
            version,
            info: Info {
                status,
                first_deployed: String::new(),
                last_deployed: String::new(),
                deleted: None,
                description: String::new(),
            },
            body: Body {
                chart: ChartRecord {
                    metadata: Default::default(),
                    archive: String::new(),
                },
                config: Default::default(),
                values: Default::default(),
                manifest: String::new(),
                crds: String::new(),
                hooks: Vec::new(),
                notes: None,
            },
        }
    }
}

/// gzip'd JSON of `value`.
pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let json = serde_json::to_vec(value).expect("records serialize");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// The value in gzip'd JSON `bytes`; `what` names the Secret for errors.
pub(crate) fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: &str) -> Result<T, Error> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(|e| Error::Corrupt {
            secret: what.to_string(),
            message: format!("not gzip data: {e}"),
        })?;
    serde_json::from_slice(&json).map_err(|e| Error::Corrupt {
        secret: what.to_string(),
        message: format!("invalid record: {e}"),
    })
}

/// Now, RFC 3339 in UTC with seconds.
pub fn now() -> String {
    k8s_openapi::jiff::Timestamp::now()
        .round(k8s_openapi::jiff::Unit::Second)
        .map_or_else(|_| String::new(), |t| t.to_string())
}

/// An RFC 3339 time as Helm prints it (`Mon Nov 22 08:40:00 2026`, UTC); the text itself when
/// it does not parse.
pub fn display_time(rfc3339: &str) -> String {
    match rfc3339.parse::<k8s_openapi::jiff::Timestamp>() {
        Ok(t) => t.strftime("%a %b %e %H:%M:%S %Y").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_round_trips_through_gzip_json() {
        let info = Info {
            status: Status::PendingUpgrade,
            first_deployed: "2026-11-22T08:00:00Z".into(),
            last_deployed: "2026-11-22T08:05:00Z".into(),
            deleted: None,
            description: "Preparing upgrade".into(),
        };
        let bytes = encode(&info);
        let back: Info = decode(&bytes, "s").unwrap();
        assert_eq!(back, info);
        assert!(serde_json::to_string(&info).unwrap().contains("\"pending-upgrade\""));
    }

    #[test]
    fn garbage_is_a_corrupt_record_naming_the_secret() {
        let err = decode::<Info>(b"not gzip", "sh.rudder.release.v1.x.v1").unwrap_err();
        assert!(err.to_string().starts_with("sh.rudder.release.v1.x.v1: "), "{err}");
    }

    #[test]
    fn times_print_as_helm_does() {
        assert_eq!(display_time("2026-11-02T08:40:05Z"), "Mon Nov  2 08:40:05 2026");
        assert!(now().ends_with('Z'));
    }
}
