//! `rudder install NAME CHART`: what `helm install` does.

use rudder::release::{InstallOptions, Releases};

use super::release_args::{ChartArgs, DeployArgs, in_release, show_event};

/// Install a chart as a new release: render it, record revision 1 (a Secret in the release
/// namespace), apply its objects server-side and print the release's status.
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    #[command(flatten)]
    chart: ChartArgs,
    #[command(flatten)]
    deploy: DeployArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (input, (session, connect, namespace)) = args.chart.load_and_connect(&args.deploy)?;
    let releases = Releases::new(&session, &connect, &namespace);
    let name = &args.chart.name;
    let opts = InstallOptions {
        name: name.clone(),
        chart: input,
        create_namespace: args.chart.create_namespace,
        deploy: args.deploy.options(),
    };
    let rev = releases
        .install(&opts, &mut show_event)
        .map_err(in_release("installing", name))?;
    args.deploy.print(&rev)
}
