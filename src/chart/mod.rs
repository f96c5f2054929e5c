//! Charts: loading (directory or .tgz), `Chart.yaml`, values and packaging.
//!
//! A chart is laid out as Helm's: `Chart.yaml`, `values.yaml`, `values.schema.json`,
//! `templates/`, `crds/`, `charts/` (subcharts as directories or .tgz), `.helmignore`,
//! README. This module turns one into a [`Chart`] and computes the values its templates see
//! ([`values::compute`]). Must not talk to a cluster or import `overlay`, `repo`, `cluster`
//! or `lint`.

pub mod archive;
pub mod constraint;
mod ignore;
mod load;
mod metadata;
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
    /// Everything under `templates/`, `_helpers.tpl` and `NOTES.txt` included, sorted by name.
    pub templates: Vec<ChartFile>,
    /// Every other file not ignored by `.helmignore` (for `Files.get`/`Files.glob`): the
    /// chart's own files outside `templates/` and `charts/`, `Chart.yaml` and
    /// `values.yaml` included, sorted by name.
    pub files: Vec<ChartFile>,
    /// Everything under `crds/`, sorted by name.
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
    /// The chart's name from `Chart.yaml`.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The `.crds` files that are YAML, as Helm installs them.
    pub fn crd_objects(&self) -> impl Iterator<Item = &ChartFile> {
        self.crds
            .iter()
            .filter(|f| f.name.ends_with(".yaml") || f.name.ends_with(".yml") || f.name.ends_with(".json"))
    }
}

/// Why a chart could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{chart}: Chart.yaml: {source}")]
    Metadata {
        chart: String,
        #[source]
        source: MetadataError,
    },
    #[error("{chart}: Chart.yaml file is missing")]
    MissingChartYaml { chart: String },
    #[error("{0}")]
    Yaml(#[from] crate::yaml::ParseError),
    #[error("{chart}: {file}: {message}")]
    File {
        chart: String,
        file: String,
        message: String,
    },
    #[error(transparent)]
    Archive(#[from] archive::ArchiveError),
}
