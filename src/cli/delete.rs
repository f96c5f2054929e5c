//! `rudder delete -f FILE|DIR|-`: what `kubectl delete -f` does.

use std::io::Write;
use std::time::Duration;

use rudder::cluster::DeleteOptions;

use super::apply::{ObjectArgs, parse_duration};

/// Delete the input's objects from a cluster, as `kubectl delete -f` does.
///
/// Reverse install order, background propagation. Prints one line per object, as kubectl does.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    objects: ObjectArgs,
    /// Objects that do not exist are not an error.
    #[arg(long)]
    ignore_not_found: bool,
    /// Wait until the objects are gone.
    #[arg(long)]
    wait: bool,
    /// How long --wait waits, e.g. 30s, 5m.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    timeout: Duration,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (docs, session) = args.objects.read_and_connect()?;
    let opts = DeleteOptions {
        namespace: args.objects.cluster.namespace.clone(),
        namespace_is_default: false,
        ignore_not_found: args.ignore_not_found,
        wait: args.wait.then_some(args.timeout),
    };
    let mut out = std::io::stdout().lock();
    let mut write_err = None;
    let result = session.delete(
        &docs,
        &opts,
        &mut |event| {
            if let Err(e) = writeln!(out, "{}", event.line()).and_then(|()| out.flush()) {
                write_err.get_or_insert(e);
            }
        },
        &mut |error| eprintln!("error: {error}"),
    );
    if let Some(e) = write_err {
        return Err(e.into());
    }
    result?;
    Ok(())
}
