//! `rudder uninstall NAME`: what `helm uninstall` does.

use std::time::Duration;

use rudder::release::{Releases, UninstallOptions};

use super::apply::parse_duration;
use super::release_args::{ReleaseCluster, in_release, show_event};

/// Uninstall a release: delete its objects (not those annotated to keep, nor CRDs) and its
/// revision records.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Release name(s).
    #[arg(required = true)]
    names: Vec<String>,
    /// Keep the revision records (the latest marked uninstalled): `rudder history` still shows them.
    #[arg(long)]
    keep_history: bool,
    /// Wait until the objects are gone.
    #[arg(long)]
    wait: bool,
    /// How long --wait (and each hook) may take.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    timeout: Duration,
    /// Do not run the chart's delete hooks.
    #[arg(long)]
    no_hooks: bool,
    /// Show what would be uninstalled; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Recover a release left pending by an interrupted operation.
    #[arg(long)]
    force: bool,
    /// A description for the uninstalled revision (with --keep-history).
    #[arg(long)]
    description: Option<String>,
    #[command(flatten)]
    cluster: ReleaseCluster,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (session, connect, namespace) = args.cluster.connect()?;
    let releases = Releases::new(&session, &connect, &namespace);
    for name in &args.names {
        let opts = UninstallOptions {
            name: name.clone(),
            keep_history: args.keep_history,
            wait: args.wait.then_some(args.timeout),
            dry_run: args.dry_run,
            force: args.force,
            no_hooks: args.no_hooks,
            description: args.description.clone(),
        };
        releases
            .uninstall(&opts, &mut show_event)
            .map_err(in_release("uninstalling", name))?;
        if args.dry_run {
            println!("release \"{name}\" would be uninstalled");
        } else {
            println!("release \"{name}\" uninstalled");
        }
    }
    Ok(())
}
