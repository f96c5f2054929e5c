//! Command-line parsing and printing. One file per command; no logic a test would want.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod build;
mod create;
mod package;
mod show;
mod template;
mod values;
mod values_flags;

/// rudder: Kubernetes overlays built as kustomize builds them (charts, repositories, apply and releases to come).
#[derive(Debug, Parser)]
#[command(name = "rudder", version, about, propagate_version = true)]
pub struct Cli {
    /// Print the full chain of causes on error.
    #[arg(long, global = true)]
    debug: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Build(build::Args),
    Values(values::Args),
    Show(show::Args),
    Package(package::Args),
    Template(template::Args),
    Create(create::Args),
}

/// Parses arguments, runs the command and maps the outcome to an exit code:
/// 0 success, 1 a failure the user can fix, 2 usage errors (clap's own).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Values(args) => values::run(args),
        Command::Show(args) => show::run(args),
        Command::Package(args) => package::run(args),
        Command::Template(args) => template::run(args),
        Command::Create(args) => create::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let mut err = std::io::stderr().lock();
            if cli.debug {
                let _ = writeln!(err, "error: {e:?}");
            } else {
                let _ = writeln!(err, "error: {e:#}");
            }
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
