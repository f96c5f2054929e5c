//! Packaging: a chart as a Helm-layout `NAME-VERSION.tgz`, byte for byte reproducible.
//!
//! Layout as `helm package` writes it: every entry under `NAME/`; `Chart.yaml` (rewritten
//! from the metadata, so `--version`/`--app-version` show), `Chart.lock`, `values.yaml`,
//! `values.schema.json`, the templates, the other files, then each subchart as a directory
//! under `charts/` (a subchart that was a .tgz is unpacked), recursively. No directory
//! entries.
//!
//! Reproducible: entries in that fixed order, ustar headers with mode 0644, uid/gid 0, no
//! user or group names, mtime 0; gzip header with mtime 0, no file name, OS byte 255.

use std::io::Write;

use super::{Chart, ChartFile};
use crate::constraint::parse_version;
use crate::yaml::Value;

/// Overrides applied while packaging.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// Replaces `version` in Chart.yaml.
    pub version: Option<String>,
    /// Replaces `appVersion` in Chart.yaml.
    pub app_version: Option<String>,
}

/// Why a chart could not be packaged.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("--version: '{0}' is not a SemVer 2 version")]
    BadVersion(String),
    #[error("{chart}: Chart.yaml: dependencies: found in Chart.yaml, but missing in charts/ directory: {missing}")]
    MissingDependencies { chart: String, missing: String },
    #[error("{chart}: {file}: {message}")]
    Write {
        chart: String,
        file: String,
        message: String,
    },
}

/// A packaged chart.
#[derive(Debug, Clone)]
pub struct Package {
    /// `NAME-VERSION.tgz`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Packages `chart`.
///
/// # Errors
/// A `--version` that is not SemVer, a dependency listed in Chart.yaml but missing from
/// `charts/`, or a name too long for a tar header.
pub fn package(chart: &Chart, opts: &PackageOptions) -> Result<Package, PackageError> {
    let mut chart = chart.clone();
    if let Some(v) = &opts.version {
        if parse_version(v).is_none() {
            return Err(PackageError::BadVersion(v.clone()));
        }
        chart.metadata.version = v.clone();
    }
    if let Some(v) = &opts.app_version {
        chart.metadata.app_version = v.clone();
    }
    let missing = chart.missing_dependencies();
    if !missing.is_empty() {
        return Err(PackageError::MissingDependencies {
            chart: chart.name().to_string(),
            missing: missing.join(", "),
        });
    }
    let mut entries = Vec::new();
    collect(&chart, chart.name(), &mut entries);
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in &entries {
        let mut h = tar::Header::new_ustar();
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, path, data.as_slice())
            .map_err(|e| PackageError::Write {
                chart: chart.name().to_string(),
                file: path.clone(),
                message: e.to_string(),
            })?;
    }
    let tar_bytes = tar.into_inner().map_err(|e| PackageError::Write {
        chart: chart.name().to_string(),
        file: "(archive)".into(),
        message: e.to_string(),
    })?;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    let gz_err = |e: std::io::Error| PackageError::Write {
        chart: chart.name().to_string(),
        file: "(gzip)".into(),
        message: e.to_string(),
    };
    gz.write_all(&tar_bytes).map_err(gz_err)?;
    let bytes = gz.finish().map_err(gz_err)?;
    Ok(Package {
        file_name: format!("{}-{}.tgz", chart.name(), chart.metadata.version),
        bytes,
    })
}

/// The entries of `chart` under `base`, in packaging order.
fn collect(chart: &Chart, base: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let meta = serde_json::to_value(&chart.metadata).unwrap_or(serde_json::Value::Null);
    let chart_yaml = crate::yaml::to_string(&Value::from_json(&meta));
    out.push((format!("{base}/Chart.yaml"), chart_yaml.into_bytes()));
    if let Some(lock) = &chart.lock {
        out.push((format!("{base}/Chart.lock"), lock.as_bytes().to_vec()));
    }
    if let Some(values) = &chart.values_text {
        out.push((format!("{base}/values.yaml"), values.as_bytes().to_vec()));
    }
    if let Some(schema) = &chart.schema_text {
        out.push((format!("{base}/values.schema.json"), schema.as_bytes().to_vec()));
    }
    let push =
        |out: &mut Vec<(String, Vec<u8>)>, f: &ChartFile| out.push((format!("{base}/{}", f.name), f.data.clone()));
    for f in &chart.templates {
        push(out, f);
    }
    for f in &chart.files {
        push(out, f);
    }
    for sub in &chart.dependencies {
        collect(sub, &format!("{base}/charts/{}", sub.name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::load_files;

    fn chart() -> Chart {
        let files = vec![
            ChartFile {
                name: "Chart.yaml".into(),
                data: b"apiVersion: v2\nname: web\nversion: 1.0.0\n".to_vec(),
            },
            ChartFile {
                name: "values.yaml".into(),
                data: b"# defaults\nreplicas: 1\n".to_vec(),
            },
            ChartFile {
                name: "templates/svc.yaml".into(),
                data: b"kind: Service\n".to_vec(),
            },
        ];
        load_files(files, "web").unwrap()
    }

    #[test]
    fn reproducible_and_loadable() {
        let a = package(&chart(), &PackageOptions::default()).unwrap();
        let b = package(&chart(), &PackageOptions::default()).unwrap();
        assert_eq!(a.file_name, "web-1.0.0.tgz");
        assert_eq!(a.bytes, b.bytes);
        let back = crate::chart::load_archive_bytes(&a.bytes, "web-1.0.0.tgz").unwrap();
        assert_eq!(back.values_text.as_deref(), Some("# defaults\nreplicas: 1\n"));
        assert_eq!(back.templates, chart().templates);
    }

    #[test]
    fn overrides() {
        let opts = PackageOptions {
            version: Some("2.0.0".into()),
            app_version: Some("abc".into()),
        };
        let p = package(&chart(), &opts).unwrap();
        assert_eq!(p.file_name, "web-2.0.0.tgz");
        let back = crate::chart::load_archive_bytes(&p.bytes, "p").unwrap();
        assert_eq!(back.metadata.app_version, "abc");
        let bad = PackageOptions {
            version: Some("two".into()),
            ..Default::default()
        };
        assert!(package(&chart(), &bad).is_err());
    }
}
