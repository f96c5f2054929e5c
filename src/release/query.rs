//! `list`: the latest revision of each release, as `helm list` shows them.

use serde::Serialize;

use super::store::latest_of_each;
use super::{Error, Status};
use crate::cluster::Session;

/// One row of `rudder list` (`-o json|yaml` field names as Helm's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed {
    pub name: String,
    pub namespace: String,
    pub revision: String,
    /// RFC 3339.
    pub updated: String,
    pub status: String,
    pub chart: String,
    pub app_version: String,
}

/// The releases of `namespace` (`None`: every namespace), by name (then namespace), as Helm
/// sorts them. Without
/// `all`, releases whose latest revision is uninstalled (kept with `--keep-history`) are left out.
///
/// # Errors
/// The cluster failing; a record that does not decode.
pub fn list(session: &Session, namespace: Option<&str>, all: bool) -> Result<Vec<Listed>, Error> {
    let mut out = Vec::new();
    for rev in latest_of_each(session, namespace)? {
        if !all && rev.info.status == Status::Uninstalled {
            continue;
        }
        out.push(Listed {
            name: rev.name.clone(),
            namespace: rev.namespace.clone(),
            revision: rev.version.to_string(),
            updated: rev.info.last_deployed.clone(),
            status: rev.info.status.to_string(),
            chart: rev.chart_label(),
            app_version: rev.app_version().to_string(),
        });
    }
    out.sort_by(|a, b| (&a.name, &a.namespace).cmp(&(&b.name, &b.namespace)));
    Ok(out)
}
