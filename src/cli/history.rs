//! `rudder history NAME`: what `helm history` prints.

use rudder::release::{Releases, display_time};
use serde_json::json;

use super::release_args::{OutputArg, ReleaseCluster, in_release};
use super::status::{Output, structured, write};
use super::table::columns;

/// Show a release's revisions: REVISION, UPDATED, STATUS, CHART, APP VERSION, DESCRIPTION.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Release name.
    name: String,
    /// Show at most this many revisions (the latest ones).
    #[arg(long, default_value_t = 256)]
    max: usize,
    #[command(flatten)]
    output: OutputArg,
    #[command(flatten)]
    cluster: ReleaseCluster,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (session, connect, namespace) = args.cluster.connect()?;
    let releases = Releases::new(&session, &connect, &namespace);
    let history = releases
        .history(&args.name)
        .map_err(in_release("reading", &args.name))?;
    let shown = &history[history.len().saturating_sub(args.max)..];
    match args.output.output {
        Output::Table => {
            let mut rows = vec![
                ["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]
                    .map(String::from)
                    .to_vec(),
            ];
            for r in shown {
                rows.push(vec![
                    r.version.to_string(),
                    display_time(&r.info.last_deployed),
                    r.info.status.to_string(),
                    r.chart_label(),
                    r.app_version().to_string(),
                    r.info.description.clone(),
                ]);
            }
            write(&columns(&rows))
        }
        out => {
            let list: Vec<_> = shown
                .iter()
                .map(|r| {
                    json!({"revision": r.version, "updated": r.info.last_deployed, "status": r.info.status,
                           "chart": r.chart_label(), "app_version": r.app_version(), "description": r.info.description})
                })
                .collect();
            write(&structured(&serde_json::Value::Array(list), out))
        }
    }
}
