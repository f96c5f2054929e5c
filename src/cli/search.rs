//! `rudder search repo [KEYWORD]`: search the cached indexes, as `helm search repo`.

use rudder::repo::{self, SearchOptions};

use super::chart_ref::require_paths;
use super::repo::OutputArgs;
use super::status::write as print;
use super::table::trimmed_columns;

/// Search charts in the configured repositories (their cached indexes: run `rudder repo
/// update` first for the latest).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Search the repositories added with `rudder repo add` for KEYWORD (in the chart's
    /// name, description and keywords; every chart without one).
    Repo(RepoArgs),
}

#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
struct RepoArgs {
    /// Text to look for (case-insensitive).
    keyword: Option<String>,
    /// Read KEYWORD as a regular expression.
    #[arg(short = 'r', long)]
    regexp: bool,
    /// Show every version that matches, not only the newest.
    #[arg(short = 'l', long)]
    versions: bool,
    /// SemVer constraint on the versions shown (e.g. '>=0.1 <1').
    #[arg(long, value_name = "RANGE")]
    version: Option<String>,
    /// Admit pre-release versions (when no --version is given).
    #[arg(long)]
    devel: bool,
    #[command(flatten)]
    output: OutputArgs,
    /// Cut table cells longer than this many characters.
    #[arg(long, default_value_t = 50)]
    max_col_width: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let What::Repo(a) = args.what;
    let paths = require_paths()?;
    let opts = SearchOptions {
        keyword: a.keyword.clone(),
        regexp: a.regexp,
        versions: a.versions,
        version: a.version.clone(),
        devel: a.devel,
    };
    if repo::RepoFile::load(&paths)?.entries.is_empty() {
        anyhow::bail!("no repositories configured (add one with: rudder repo add NAME URL)");
    }
    let result = repo::search(&paths, &opts)?;
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    let rows: Vec<serde_json::Value> = result
        .hits
        .iter()
        .map(|h| {
            serde_json::json!({
                "name": h.name,
                "version": h.version,
                "app_version": h.app_version,
                "description": h.description,
            })
        })
        .collect();
    let text = match a.output.structured(rows) {
        Some(text) => text,
        None if result.hits.is_empty() => "No results found\n".to_string(),
        None => {
            let cut = |s: &str| truncate(s, a.max_col_width);
            let mut t = vec![vec![
                "NAME".to_string(),
                "CHART VERSION".to_string(),
                "APP VERSION".to_string(),
                "DESCRIPTION".to_string(),
            ]];
            for h in &result.hits {
                t.push(vec![
                    cut(&h.name),
                    cut(&h.version),
                    cut(&h.app_version),
                    cut(&h.description),
                ]);
            }
            trimmed_columns(&t)
        }
    };
    print(&text)
}

/// `s` cut to `max` characters, the last three of them "...".
fn truncate(s: &str, max: usize) -> String {
    if max == 0 || s.chars().count() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(3);
    let mut out: String = s.chars().take(keep).collect();
    out.push_str("...");
    out
}
