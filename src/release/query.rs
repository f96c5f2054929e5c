//! `list`: the latest revision of each release, as `helm list` shows them.

use serde::Serialize;

use super::store::revisions;
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

/// Which releases `list` shows, as `helm list`'s flags choose them.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The statuses to show; empty: Helm's default, deployed and failed.
    pub statuses: Vec<Status>,
    /// Every status (`--all`).
    pub all: bool,
    /// Only releases whose name matches (`--filter`, a regular expression, unanchored).
    pub name: Option<regex::Regex>,
}

impl ListFilter {
    fn shows(&self, status: Status) -> bool {
        if self.all {
            return true;
        }
        if self.statuses.is_empty() {
            return matches!(status, Status::Deployed | Status::Failed);
        }
        self.statuses.contains(&status)
    }
}

/// The releases of `namespace` (`None`: every namespace) that `filter` selects, by name (then
/// namespace), as Helm sorts them. As in Helm, the status filter applies to each release's
/// latest revision, except that asking for superseded revisions alone lists every superseded
/// revision (a latest revision is never superseded).
///
/// # Errors
/// The cluster failing; a record that does not decode.
pub fn list(session: &Session, namespace: Option<&str>, filter: &ListFilter) -> Result<Vec<Listed>, Error> {
    let superseded_only = !filter.all && filter.statuses == [Status::Superseded];
    let mut out = Vec::new();
    for rev in revisions(session, namespace, !superseded_only)? {
        if !filter.shows(rev.info.status) || filter.name.as_ref().is_some_and(|re| !re.is_match(&rev.name)) {
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
