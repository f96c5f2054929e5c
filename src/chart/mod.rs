//! Charts: loading (directory or .tgz), `Chart.yaml`, values and packaging.
//!
//! A chart is laid out as Helm's: `Chart.yaml`, `values.yaml`, `values.schema.json`,
//! `templates/`, `crds/`, `charts/` (subcharts as directories or .tgz), `.helmignore`,
//! README. This module turns one into a [`Chart`] and computes the values its templates see
//! ([`values::compute`]). Must not talk to a cluster or import `overlay`, `repo`, `cluster`
//! or `lint`.

pub mod create;
mod fields;
mod ignore;
mod load;
mod metadata;
pub mod package;
pub mod render;
pub mod values;

use std::path::PathBuf;

pub use load::{load, load_archive_bytes, load_files};
pub use metadata::{Dependency, ImportValue, Maintainer, Metadata, MetadataError};

use crate::yaml::Value;

/// A loaded chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml` (an empty mapping when the chart has none).
    pub values: Value,
    /// The raw text of `values.yaml`, as `rudder show values` prints it.
    pub values_text: Option<String>,
    /// `values.schema.json`, when present.
    pub schema: Option<serde_json::Value>,
    /// The raw text of `values.schema.json` (kept for packaging).
    pub schema_text: Option<String>,
    /// The raw text of `Chart.lock` (kept for packaging).
    pub lock: Option<String>,
    /// Everything under `templates/`, `_helpers.tpl` and `NOTES.txt` included, in walk order.
    pub templates: Vec<ChartFile>,
    /// Every other file not ignored by `.helmignore` (for `Files.get`/`Files.glob`), as
    /// Helm's `Files`: the chart's own files outside `templates/` and `charts/`, `crds/`,
    /// README and `.helmignore` included; not `Chart.yaml`, `Chart.lock`, `values.yaml` or
    /// `values.schema.json`. In Helm's walk order (each directory sorted by name).
    pub files: Vec<ChartFile>,
    /// The files under `crds/` (also in `files`), in the same order.
    pub crds: Vec<ChartFile>,
    /// Subcharts found in `charts/` (directories and .tgz archives), in name order.
    pub dependencies: Vec<Chart>,
    /// The README (README.md, README.txt or README, any case), when present.
    pub readme: Option<String>,
}

/// One file of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    /// Path relative to the chart root, `/`-separated (e.g. `templates/service.yaml`).
    pub name: String,
    pub data: Vec<u8>,
}

impl Chart {
    /// A chart with `metadata` and nothing else: no templates or files, empty values.
    pub fn new(metadata: Metadata) -> Chart {
        Chart {
            metadata,
            values: Value::Map(Default::default()),
            values_text: None,
            schema: None,
            schema_text: None,
            lock: None,
            templates: Vec::new(),
            files: Vec::new(),
            crds: Vec::new(),
            dependencies: Vec::new(),
            readme: None,
        }
    }

    /// The chart's name from `Chart.yaml`.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The names of the `Chart.yaml` dependencies that have no chart in `charts/`, in order.
    pub fn missing_dependencies(&self) -> Vec<&str> {
        self.metadata
            .dependencies
            .iter()
            .filter(|d| !self.dependencies.iter().any(|c| c.name() == d.name))
            .map(|d| d.name.as_str())
            .collect()
    }

    /// The CRD manifests Helm installs: `crds/*.yaml|yml|json` of this chart, then of each
    /// subchart (recursively), with the chart they come from.
    pub fn crd_objects(&self) -> Vec<(&Chart, &ChartFile)> {
        let mut out: Vec<(&Chart, &ChartFile)> = self
            .crds
            .iter()
            .filter(|f| [".yaml", ".yml", ".json"].iter().any(|e| f.name.ends_with(e)))
            .map(|f| (self, f))
            .collect();
        for sub in &self.dependencies {
            out.extend(sub.crd_objects());
        }
        out
    }
}

/// A short, lowercase description of an I/O failure (the path is named by the caller).
pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory".into(),
        kind => kind.to_string(),
    }
}

/// Why a chart could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{chart}: Chart.yaml: {problem}")]
    Metadata { chart: String, problem: MetadataError },
    #[error("{chart}: Chart.yaml file is missing")]
    MissingChartYaml { chart: String },
    #[error(transparent)]
    Yaml(#[from] crate::yaml::ParseError),
    #[error("{chart}: {file}: {message}")]
    File {
        chart: String,
        file: String,
        message: String,
    },
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
}
