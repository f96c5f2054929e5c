//! `rudder dependency update|build|list [CHART]`: a chart's dependencies and Chart.lock.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use rudder::dependency::{self, Offline, Outcome, RepoAccess, Repositories, Step};

/// Manage a chart's dependencies: charts/ and Chart.lock (as helm dependency).
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Resolve Chart.yaml's dependencies, download and verify them into charts/, and write
    /// Chart.lock
    #[command(alias = "up")]
    Update(Target),
    /// Restore charts/ exactly as Chart.lock says (refused when it is out of sync with
    /// Chart.yaml)
    Build(Target),
    /// List a chart's dependencies and their status
    #[command(alias = "ls")]
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
struct Target {
    /// Chart directory.
    #[arg(default_value = ".")]
    chart: PathBuf,
    /// Use the cached repository indexes instead of fetching them first.
    #[arg(long)]
    skip_refresh: bool,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Chart directory or archive.
    #[arg(default_value = ".")]
    chart: PathBuf,
    /// Widest a table column may be (longer cells are cut).
    #[arg(long, default_value_t = 80)]
    max_col_width: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (target, build) = match args.command {
        Sub::Update(t) => (t, false),
        Sub::Build(t) => (t, true),
        Sub::List(l) => {
            let listing = dependency::list(&l.chart).context("listing dependencies")?;
            print!("{}", dependency::list::render(&listing, &l.chart, l.max_col_width));
            return Ok(());
        }
    };
    let chart = &target.chart;
    let mut access = repo_access(target.skip_refresh)?;
    let mut offline = Offline;
    let repos: &mut dyn Repositories = match access.as_mut() {
        Some(a) => a,
        None => &mut offline,
    };
    let now = std::time::SystemTime::now();
    let outcome = if build {
        dependency::build(chart, repos, now)
            .with_context(|| format!("building the dependencies of {}", chart.display()))?
    } else {
        dependency::update(chart, repos, now)
            .with_context(|| format!("updating the dependencies of {}", chart.display()))?
    };
    print_outcome(&outcome, access.as_ref(), chart);
    Ok(())
}

/// Helm's progress lines, then what changed on disk.
fn print_outcome(outcome: &Outcome, access: Option<&RepoAccess>, chart: &Path) {
    for name in access.map(RepoAccess::refreshed).unwrap_or_default() {
        println!("...Successfully got an update from the \"{name}\" chart repository");
    }
    if outcome.count == 0 {
        println!("No dependencies in {}", chart.join("Chart.yaml").display());
        return;
    }
    println!("Saving {} charts", outcome.count);
    for step in &outcome.steps {
        match step {
            Step::Local { name } => {
                println!("Dependency {name} did not declare a repository. Assuming it exists in the charts directory")
            }
            Step::Packaged { name, repository } => println!("Packaging {name} from {repository}"),
            Step::Downloaded { name, repository } => println!("Downloading {name} from repo {repository} (verified)"),
            Step::AlreadyDownloaded { name, repository } => {
                println!("Already downloaded {name} from repo {repository}")
            }
        }
    }
    for name in &outcome.committed.removed {
        println!("Deleted outdated {}", chart.join("charts").join(name).display());
    }
    if let Some(lock) = &outcome.committed.lock {
        println!("Wrote {} ({})", lock.display(), outcome.digest);
    }
}

/// The added repositories (repositories.yaml), reached over HTTP; `None` when rudder
/// cannot tell where its configuration lives (then only local dependencies resolve).
fn repo_access(skip_refresh: bool) -> anyhow::Result<Option<RepoAccess>> {
    let Some(paths) = rudder::repo::Paths::from_vars(|k| std::env::var_os(k)) else {
        return Ok(None);
    };
    let access = RepoAccess::new(paths, rudder::repo::HttpOptions::default(), !skip_refresh)
        .context("reading the repository configuration")?;
    Ok(Some(access))
}
