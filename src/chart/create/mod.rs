//! `rudder create`: writes a new chart from the scaffold embedded in the binary (a Deployment,
//! Service, ServiceAccount, optional Ingress and HPA, macros, NOTES, values and their schema).
//!
//! Pure file writing: nothing here renders, loads or validates charts beyond the name.

mod name;
mod scaffold;
mod write;

use std::path::{Path, PathBuf};

pub use name::ensure_chart_name;

/// What went wrong creating a chart.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The last path component is not a name Helm accepts for a chart.
    #[error("{path}: invalid chart name '{name}': {reason}")]
    InvalidName {
        path: PathBuf,
        name: String,
        reason: String,
    },
    /// The target exists and holds files.
    #[error("{path}: directory exists and is not empty")]
    NotEmpty { path: PathBuf },
    /// The target exists and is a file (or something else that is not a directory).
    #[error("{path}: exists and is not a directory")]
    NotADirectory { path: PathBuf },
    /// The temporary directory beside the target could not be made.
    #[error("{dir}: cannot create a temporary directory: {source}")]
    Staging {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Reading or writing the file system failed (the message names the path).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The chart `create` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The chart's name (the last component of the path).
    pub name: String,
    /// The chart directory.
    pub dir: PathBuf,
    /// The files written, relative to `dir`, in the order written.
    pub files: Vec<PathBuf>,
}

/// Creates the chart directory `path` (its last component names the chart), as `helm create`
/// does but with Jinja templates. An existing empty directory is used; a non-empty one is refused.
/// The chart is written in a temporary directory beside `path` and renamed into place, so a failure
/// leaves nothing half-written.
///
/// # Errors
/// [`CreateError::InvalidName`] for a name Helm would refuse, [`CreateError::NotEmpty`] or
/// [`CreateError::NotADirectory`] when `path` is taken, [`CreateError::Io`] when writing fails.
pub fn create(path: &Path) -> Result<Created, CreateError> {
    // The last component as written, so `..` or `.` is named in the error rather than lost.
    let name = path
        .components()
        .next_back()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    ensure_chart_name(&name).map_err(|reason| CreateError::InvalidName {
        path: path.to_path_buf(),
        name: name.clone(),
        reason,
    })?;
    let files = scaffold::files(&name);
    write::write_new_dir(path, &files)?;
    Ok(Created {
        name,
        dir: path.to_path_buf(),
        files: files.into_iter().map(|(p, _)| p).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::render::{self, RenderOptions};
    use crate::chart::values::{self, ValueOptions};

    fn kinds(dir: &Path, set: &[&str]) -> Vec<String> {
        let chart = crate::chart::load(dir).unwrap();
        let opts = ValueOptions {
            set: set.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let (chart, values) = values::compute(&chart, &opts).unwrap();
        let out = render::render(&chart, &values, &RenderOptions::default()).unwrap();
        assert!(out.notes.is_some_and(|n| n.contains("release-name")));
        out.manifests.iter().map(|m| m.kind.clone()).collect()
    }

    #[test]
    fn the_new_chart_loads_and_renders() {
        let tmp = tempfile::tempdir().unwrap();
        let created = create(&tmp.path().join("shop")).unwrap();
        assert_eq!(created.name, "shop");
        assert_eq!(created.files.len(), 11);
        assert_eq!(kinds(&created.dir, &[]), ["ServiceAccount", "Service", "Deployment"]);
        assert_eq!(
            kinds(&created.dir, &["ingress.enabled=true", "autoscaling.enabled=true"]),
            [
                "ServiceAccount",
                "Service",
                "Deployment",
                "HorizontalPodAutoscaler",
                "Ingress"
            ]
        );
    }

    #[test]
    fn refuses_bad_names_before_touching_the_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let err = create(&tmp.path().join("my chart")).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "invalid chart name 'my chart': character ' ' is not allowed (only letters, digits, '.', '_' and '-')"
            ),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
