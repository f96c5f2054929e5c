//! `rudder install NAME CHART`: what `helm install` does. Also the flags install, upgrade and
//! rollback share.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use rudder::cluster::{ConnectOptions, Session};
use rudder::pipeline;
use rudder::release::{ChartInput, DeployOptions, Event, InstallOptions, Releases};

use super::apply::{ClusterArgs, parse_duration};
use super::chart_ref::{Bar, ChartRefArgs};
use super::status::{Output, print_release};
use super::values_flags::ValuesFlags;

/// Install a chart as a new release: render it, record revision 1 (a Secret in the release
/// namespace), apply its objects server-side and print the release's status.
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// Release name.
    name: String,
    /// The chart: a directory, a .tgz, REPO/CHART (see --version) or a package URL.
    chart: String,
    #[command(flatten)]
    chart_args: ChartArgs,
    /// Create the release namespace if it does not exist.
    #[arg(long)]
    create_namespace: bool,
    #[command(flatten)]
    deploy: DeployArgs,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// The chart flags of install and upgrade.
#[derive(Debug, Clone, clap::Args)]
pub struct ChartArgs {
    #[command(flatten)]
    pub fetch: ChartRefArgs,
    #[command(flatten)]
    pub values: ValuesFlags,
    /// Feed the rendered documents as resources to the kustomization in DIR and install what it
    /// builds.
    #[arg(long, value_name = "OVERLAY_DIR")]
    pub post_render: Option<PathBuf>,
}

impl ChartArgs {
    /// Loads the chart `reference` names (directory, .tgz, REPO/CHART or URL).
    pub fn input(&self, reference: &str) -> anyhow::Result<ChartInput> {
        let bar = Bar::new();
        let opts = self.fetch.to_options(&bar)?;
        let chart =
            pipeline::load_chart_ref(reference, &opts).with_context(|| format!("loading chart '{reference}'"))?;
        Ok(ChartInput {
            chart,
            values: self.values.to_options(),
            post_render: self.post_render.clone(),
        })
    }
}

/// Flags shared by install, upgrade and rollback.
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
    /// Show Secret values in the manifest and diffs printed (--dry-run, --diff, -o).
    #[arg(long)]
    pub show_secrets: bool,
    /// Output format: table (the status text), json or yaml.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

impl DeployArgs {
    pub fn options(&self) -> DeployOptions {
        let wait = (self.wait || self.atomic).then_some(self.timeout);
        DeployOptions {
            wait,
            atomic: self.atomic,
            dry_run: self.dry_run,
            diff: false,
            show_secrets: self.show_secrets,
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
}

/// A session and the release namespace (`-n`, else the kubeconfig context's).
pub fn connect(cluster: &ClusterArgs) -> anyhow::Result<(Session, ConnectOptions, String)> {
    let connect = ConnectOptions {
        kubeconfig: cluster.kubeconfig.clone(),
        context: cluster.kube_context.clone(),
    };
    let session = Session::connect(&connect)?;
    let namespace = cluster
        .namespace
        .clone()
        .unwrap_or_else(|| session.context_namespace().to_string());
    Ok((session, connect, namespace))
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

pub fn run(args: Args) -> anyhow::Result<()> {
    let input = args.chart_args.input(&args.chart)?;
    let (session, connect, namespace) = connect(&args.cluster)?;
    let releases = Releases::new(&session, &connect, &namespace);
    let opts = InstallOptions {
        name: args.name.clone(),
        chart: input,
        create_namespace: args.create_namespace,
        deploy: args.deploy.options(),
    };
    let rev = releases
        .install(&opts, &mut show_event)
        .map_err(in_release("installing", &args.name))?;
    print_release(&rev, args.deploy.output, args.deploy.dry_run, args.deploy.show_secrets)
}
