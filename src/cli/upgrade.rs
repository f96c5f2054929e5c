//! `rudder upgrade NAME CHART`: what `helm upgrade` does (`--install` included).

use rudder::release::{Releases, UpgradeOptions, ValuesMode};

use super::release_args::{ChartArgs, DeployArgs, in_release, show_event};

/// Upgrade a release to a new chart or new values: render, record the next revision, apply it
/// server-side and delete the objects the new manifest no longer has (unless annotated
/// rudder.dev/resource-policy: keep or helm.sh/resource-policy: keep).
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    #[command(flatten)]
    chart: ChartArgs,
    /// Install the release if it does not exist.
    #[arg(short = 'i', long)]
    install: bool,
    /// Start from the last release's values and merge the given ones over them.
    #[arg(long, group = "values_mode")]
    reuse_values: bool,
    /// Use only the chart's defaults and the values given now.
    #[arg(long, group = "values_mode")]
    reset_values: bool,
    /// Use the new chart's defaults, with the last release's values and then the given ones over them.
    #[arg(long, group = "values_mode")]
    reset_then_reuse_values: bool,
    /// Print the diff between the live objects and the upgraded ones first.
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    deploy: DeployArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (input, (session, connect, namespace)) = args.chart.load_and_connect(&args.deploy)?;
    let releases = Releases::new(&session, &connect, &namespace);
    let values_mode = if args.reuse_values {
        ValuesMode::Reuse
    } else if args.reset_values {
        ValuesMode::Reset
    } else if args.reset_then_reuse_values {
        ValuesMode::ResetThenReuse
    } else {
        ValuesMode::Default
    };
    let name = &args.chart.name;
    let mut deploy = args.deploy.options();
    deploy.diff = args.diff;
    let opts = UpgradeOptions {
        name: name.clone(),
        chart: input,
        install: args.install,
        values_mode,
        create_namespace: args.chart.create_namespace,
        deploy,
    };
    let rev = releases
        .upgrade(&opts, &mut show_event)
        .map_err(in_release("upgrading", name))?;
    if args.deploy.says_done() {
        if rev.version == 1 {
            println!("Release \"{name}\" does not exist. Installing it now.");
        } else {
            println!("Release \"{name}\" has been upgraded.");
        }
    }
    args.deploy.print(&rev)
}
