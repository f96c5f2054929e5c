//! `rudder list`: what `helm list` prints.

use rudder::release;

use super::release_args::{OutputArg, ReleaseCluster};
use super::status::{Output, structured, write};
use super::table::columns;

/// List releases: the latest revision of each, in the release namespace (or all with -A)
///
/// As in Helm, only deployed and failed releases are shown unless status flags or --all say
/// otherwise.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// List releases of every namespace.
    #[arg(short = 'A', long)]
    all_namespaces: bool,
    /// Show releases of every status.
    #[arg(short = 'a', long)]
    all: bool,
    /// Show deployed releases (shown by default, with failed ones).
    #[arg(long)]
    deployed: bool,
    /// Show failed releases (shown by default, with deployed ones).
    #[arg(long)]
    failed: bool,
    /// Show releases whose latest revision is pending (install, upgrade or rollback).
    #[arg(long)]
    pending: bool,
    /// Show superseded revisions (alone: every superseded revision).
    #[arg(long)]
    superseded: bool,
    /// Show releases uninstalled with --keep-history.
    #[arg(long)]
    uninstalled: bool,
    /// Show releases being uninstalled.
    #[arg(long)]
    uninstalling: bool,
    /// Only releases whose name matches this regular expression.
    #[arg(short = 'f', long, value_name = "REGEX")]
    filter: Option<String>,
    /// Sort by release date instead of name.
    #[arg(short = 'd', long)]
    date: bool,
    /// Reverse the sort order.
    #[arg(short = 'r', long)]
    reverse: bool,
    /// At most this many releases (0: no limit).
    #[arg(short = 'm', long, default_value_t = 256)]
    max: usize,
    /// Skip this many releases first.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Print release names only.
    #[arg(short = 'q', long)]
    short: bool,
    #[command(flatten)]
    output: OutputArg,
    #[command(flatten)]
    cluster: ReleaseCluster,
}

impl Args {
    fn filter(&self) -> anyhow::Result<release::ListFilter> {
        use release::Status;
        let chosen = [
            (self.deployed, &[Status::Deployed][..]),
            (self.failed, &[Status::Failed]),
            (
                self.pending,
                &[Status::PendingInstall, Status::PendingUpgrade, Status::PendingRollback],
            ),
            (self.superseded, &[Status::Superseded]),
            (self.uninstalled, &[Status::Uninstalled]),
            (self.uninstalling, &[Status::Uninstalling]),
        ];
        let name = match &self.filter {
            Some(re) => Some(regex::Regex::new(re).map_err(|e| anyhow::anyhow!("--filter {re:?}: {e}"))?),
            None => None,
        };
        Ok(release::ListFilter {
            statuses: chosen
                .iter()
                .filter(|(on, _)| *on)
                .flat_map(|(_, s)| s.iter().copied())
                .collect(),
            all: self.all,
            name,
        })
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let filter = args.filter()?;
    let (session, _, namespace) = args.cluster.connect()?;
    let scope = (!args.all_namespaces).then_some(namespace.as_str());
    let mut rows = release::list(&session, scope, &filter)?;
    if args.date {
        rows.sort_by(|a, b| a.updated.cmp(&b.updated));
    }
    if args.reverse {
        rows.reverse();
    }
    let rows: Vec<_> = rows
        .into_iter()
        .skip(args.offset)
        .take(if args.max == 0 { usize::MAX } else { args.max })
        .collect();
    if args.short {
        return write(&rows.iter().map(|r| format!("{}\n", r.name)).collect::<String>());
    }
    match args.output.output {
        Output::Table => {
            let mut table = vec![
                [
                    "NAME",
                    "NAMESPACE",
                    "REVISION",
                    "UPDATED",
                    "STATUS",
                    "CHART",
                    "APP VERSION",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for r in &rows {
                table.push(vec![
                    r.name.clone(),
                    r.namespace.clone(),
                    r.revision.clone(),
                    go_time(&r.updated),
                    r.status.clone(),
                    r.chart.clone(),
                    r.app_version.clone(),
                ]);
            }
            write(&columns(&table))
        }
        out => {
            let rows: Vec<_> = rows
                .into_iter()
                .map(|mut r| {
                    r.updated = go_time(&r.updated);
                    r
                })
                .collect();
            write(&structured(&serde_json::to_value(&rows)?, out))
        }
    }
}

/// Helm's UPDATED column: Go's time format, `2026-11-22 08:40:05 +0000 UTC`.
fn go_time(rfc3339: &str) -> String {
    match rfc3339.parse::<k8s_openapi::jiff::Timestamp>() {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M:%S +0000 UTC").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updated_is_gos_time_format() {
        assert_eq!(go_time("2026-11-22T08:40:05Z"), "2026-11-22 08:40:05 +0000 UTC");
    }
}
