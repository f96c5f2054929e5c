//! What the release commands (install, upgrade, rollback, uninstall, list, status, history,
//! get, test) share: the cluster flags with `-n` meaning the release namespace, the chart and
//! deploy flags, the release being read, `-o`, and how errors and progress are shown.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use rudder::cluster::{ConnectOptions, Session};
use rudder::pipeline;
use rudder::release::{ChartInput, DeployOptions, Event, Releases};

use super::apply::{ClusterArgs, parse_duration};
use super::chart_ref::{Bar, ChartRefArgs};
use super::status::Output;
use super::values_flags::ValuesFlags;

/// `-n` of the release commands: apply's flag, with the release commands' meaning.
const NAMESPACE_HELP: &str = "The release namespace: where its revisions are recorded and where its objects go when \
                              they name no namespace (default: the context's namespace)";

/// `--kubeconfig`, `--kube-context` and `-n NAMESPACE` (the release namespace).
#[derive(Debug, Clone, clap::Args)]
#[command(mut_arg("namespace", |a| a.help(NAMESPACE_HELP)))]
pub struct ReleaseCluster {
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// A session, the connection options (for the lock's renewal) and the release namespace.
pub type Connected = (Session, ConnectOptions, String);

impl ReleaseCluster {
    /// A session, the connection options (for the lock's renewal) and the release namespace
    /// (`-n`, else the kubeconfig context's).
    pub fn connect(&self) -> anyhow::Result<Connected> {
        let connect = ConnectOptions {
            kubeconfig: self.cluster.kubeconfig.clone(),
            context: self.cluster.kube_context.clone(),
        };
        let session = Session::connect(&connect)?;
        let namespace = self
            .cluster
            .namespace
            .clone()
            .unwrap_or_else(|| session.context_namespace().to_string());
        Ok((session, connect, namespace))
    }
}

/// `--show-secrets`, `-o` and the cluster flags of the commands that print a revision.
#[derive(Debug, Clone, clap::Args)]
pub struct ShowArgs {
    /// Show Secret values instead of <redacted> (manifests, hooks, diffs, -o json|yaml).
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub output: OutputArg,
    #[command(flatten)]
    pub cluster: ReleaseCluster,
}

/// `-o table|json|yaml`.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArg {
    /// Output format: table (text), json or yaml.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

/// The release a reading command reads, and from where.
#[derive(Debug, Clone, clap::Args)]
pub struct ReleaseRef {
    /// Release name.
    pub name: String,
    /// This revision instead of the latest.
    #[arg(long, value_name = "N")]
    pub revision: Option<u32>,
}

impl ReleaseRef {
    /// Connects and reads the revision asked for, with the last run of each of its hooks.
    pub fn read(&self, cluster: &ReleaseCluster) -> anyhow::Result<rudder::release::Revision> {
        let (session, connect, namespace) = cluster.connect()?;
        let releases = Releases::new(&session, &connect, &namespace);
        let mut rev = releases
            .get(&self.name, self.revision)
            .map_err(in_release("reading", &self.name))?;
        releases
            .with_hook_runs(&mut rev)
            .map_err(in_release("reading", &self.name))?;
        Ok(rev)
    }
}

/// The release and chart of install and upgrade, with the chart flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ChartArgs {
    /// Release name.
    pub name: String,
    /// The chart: a directory, a .tgz, REPO/CHART (see --version) or a package URL.
    pub chart: String,
    #[command(flatten)]
    pub fetch: ChartRefArgs,
    #[command(flatten)]
    pub values: ValuesFlags,
    /// Feed the rendered documents as resources to the kustomization in DIR and install what it
    /// builds.
    #[arg(long, value_name = "OVERLAY_DIR")]
    pub post_render: Option<PathBuf>,
    /// Create the release namespace if it does not exist (upgrade: with --install).
    #[arg(long)]
    pub create_namespace: bool,
}

impl ChartArgs {
    /// Loads the chart (directory, .tgz, REPO/CHART or URL), then connects to the cluster of
    /// `deploy`: the chart input, the release namespace's releases.
    pub fn load_and_connect(&self, deploy: &DeployArgs) -> anyhow::Result<(ChartInput, Connected)> {
        let bar = Bar::new();
        let opts = self.fetch.to_options(&bar)?;
        let reference = &self.chart;
        let chart =
            pipeline::load_chart_ref(reference, &opts).with_context(|| format!("loading chart '{reference}'"))?;
        let input = ChartInput {
            chart,
            values: self.values.to_options(),
            post_render: self.post_render.clone(),
        };
        Ok((input, deploy.show.cluster.connect()?))
    }
}

/// Flags shared by install, upgrade and rollback, and the cluster they go to.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// Wait until every object is ready (Deployments available, Jobs complete, ...).
    #[arg(long)]
    pub wait: bool,
    /// How long --wait (and each hook) may take, e.g. 30s, 5m, 1h30m.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// On failure, roll an upgrade back (uninstall an install); implies --wait.
    #[arg(long)]
    pub atomic: bool,
    /// Print what would be applied; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not create or upgrade the CRDs of the chart's crds/ directories.
    #[arg(long)]
    pub skip_crds: bool,
    /// Adopt existing objects that belong to another release or to none.
    #[arg(long)]
    pub take_ownership: bool,
    /// Take ownership of fields other field managers own instead of failing on the conflict.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Do not run the chart's hooks.
    #[arg(long)]
    pub no_hooks: bool,
    /// Recover a release left pending by an interrupted operation: mark it failed and go on.
    #[arg(long)]
    pub force: bool,
    /// A description for the new revision.
    #[arg(long)]
    pub description: Option<String>,
    /// Revisions to keep (0: all).
    #[arg(long, default_value_t = 10)]
    pub history_max: usize,
    #[command(flatten)]
    pub show: ShowArgs,
}

impl DeployArgs {
    pub fn options(&self) -> DeployOptions {
        let wait = (self.wait || self.atomic).then_some(self.timeout);
        DeployOptions {
            wait,
            atomic: self.atomic,
            dry_run: self.dry_run,
            diff: false,
            show_secrets: self.show.show_secrets,
            skip_crds: self.skip_crds,
            take_ownership: self.take_ownership,
            force_conflicts: self.force_conflicts,
            no_hooks: self.no_hooks,
            hook_timeout: Some(self.timeout),
            force: self.force,
            description: self.description.clone(),
            history_max: self.history_max,
        }
    }

    /// Whether the status text goes to stdout (not a dry run, no -o json|yaml).
    pub fn says_done(&self) -> bool {
        self.show.output.output == Output::Table && !self.dry_run
    }

    /// Prints the release's status the way `-o`, `--dry-run` and `--show-secrets` ask.
    pub fn print(&self, rev: &rudder::release::Revision) -> anyhow::Result<()> {
        super::status::print_release(rev, self.show.output.output, self.dry_run, self.show.show_secrets)
    }
}

/// The error of a release operation, with "VERB release 'NAME'" in front unless it names the
/// release already.
pub fn in_release(verb: &str, name: &str) -> impl FnOnce(rudder::release::Error) -> anyhow::Error {
    let what = format!("{verb} release '{name}'");
    move |e| {
        if e.names_release() {
            anyhow::Error::new(e)
        } else {
            anyhow::Error::new(e).context(what)
        }
    }
}

/// Prints notes on stderr and diffs on stdout as they come.
pub fn show_event(event: &Event) {
    match event {
        Event::Note(n) => eprintln!("{n}"),
        Event::Diff(d) => print!("{d}"),
    }
}
