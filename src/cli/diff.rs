//! `rudder diff -f FILE|DIR|-`: what `kubectl diff --server-side` shows. Exit 0: no change,
//! 1: changes, 2: an error.

use std::io::{IsTerminal, Write};

use rudder::cluster::DiffOptions;

use super::apply::ObjectArgs;

/// Show what `apply` would change, as `kubectl diff --server-side` does.
///
/// For each object, a unified diff of the live object against the result of a server-side dry-run
/// apply (server-managed fields left out). Exits 1 when anything differs, 0 when nothing does,
/// 2 on errors.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    objects: ObjectArgs,
    /// Diff as if applying with --force-conflicts.
    #[arg(long)]
    force_conflicts: bool,
    /// Never colour the diff (it is coloured on a terminal).
    #[arg(long)]
    no_color: bool,
}

/// Returned when the diff is not empty, so the exit code is 1 with nothing more printed.
#[derive(Debug, thiserror::Error)]
#[error("objects differ")]
pub struct Differs;

pub fn run(args: Args) -> anyhow::Result<()> {
    let (docs, session) = args.objects.read_and_connect()?;
    let diffs = session.diff(
        &docs,
        &DiffOptions {
            namespace: args.objects.cluster.namespace.clone(),
            namespace_is_default: false,
            force_conflicts: args.force_conflicts,
        },
    )?;
    let colour = !args.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    for d in &diffs {
        writeln!(out, "diff -u -N live/{0} merged/{0}", d.name)?;
        for line in d.unified.lines() {
            let paint = match line.as_bytes().first() {
                _ if !colour => None,
                Some(b'+') if !line.starts_with("+++") => Some("32"),
                Some(b'-') if !line.starts_with("---") => Some("31"),
                Some(b'@') => Some("36"),
                _ => None,
            };
            match paint {
                Some(code) => writeln!(out, "\x1b[{code}m{line}\x1b[0m")?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    out.flush()?;
    if diffs.is_empty() { Ok(()) } else { Err(Differs.into()) }
}
