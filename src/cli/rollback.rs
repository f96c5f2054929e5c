//! `rudder rollback NAME [REVISION]`: what `helm rollback` does.

use rudder::release::{Releases, RollbackOptions};

use super::release_args::{DeployArgs, in_release, show_event};

/// Roll a release back to an earlier revision: its stored manifest is applied again (never
/// re-rendered) as a new revision. Also recovers a release left pending by an interrupted
/// operation (the pending revision is marked failed).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Release name.
    name: String,
    /// The revision to return to (default: the one before the latest).
    revision: Option<u32>,
    /// Print the diff between the live objects and the rolled-back ones first.
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    deploy: DeployArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (session, connect, namespace) = args.deploy.show.cluster.connect()?;
    let releases = Releases::new(&session, &connect, &namespace);
    let mut deploy = args.deploy.options();
    deploy.diff = args.diff;
    let opts = RollbackOptions {
        name: args.name.clone(),
        revision: args.revision,
        deploy,
    };
    let rev = releases
        .rollback(&opts, &mut show_event)
        .map_err(in_release("rolling back", &args.name))?;
    if args.deploy.says_done() {
        println!("Rollback was a success! {}", rev.info.description);
    }
    args.deploy.print(&rev)
}
