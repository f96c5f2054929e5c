//! Command-line parsing and printing. One file per command; no logic a test would want.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod apply;
mod build;
mod chart_ref;
mod create;
mod delete;
mod dependency;
mod diff;
mod get;
mod history;
mod install;
mod lint;
mod list;
mod overlay;
mod package;
mod pull;
mod release_args;
mod repo;
mod rollback;
mod search;
mod show;
mod status;
mod table;
mod template;
mod test;
mod uninstall;
mod upgrade;
mod values;
mod values_flags;

/// rudder: Helm-style charts, kustomize overlays, server-side apply and a manifest linter in one binary.
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
    /// Create or edit the kustomization.yaml in the current directory (as kustomize create/edit).
    Overlay(overlay::Args),
    Create(create::Args),
    Template(template::Args),
    Values(values::Args),
    Show(show::Args),
    Package(package::Args),
    #[command(alias = "dep")]
    Dependency(dependency::Args),
    Repo(repo::Args),
    Search(search::Args),
    Pull(pull::Args),
    Lint(lint::Args),
    Apply(apply::Args),
    Diff(diff::Args),
    Delete(delete::Args),
    Install(install::Args),
    Upgrade(upgrade::Args),
    Rollback(rollback::Args),
    Uninstall(uninstall::Args),
    List(list::Args),
    Status(status::Args),
    History(history::Args),
    Get(get::Args),
    Test(test::Args),
}

/// Parses arguments, runs the command and maps the outcome to an exit code:
/// 0 success, 1 a failure the user can fix, 2 usage errors (clap's own).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // kubectl diff's convention: 1 means "differs", so errors exit 2.
    let error_code = if matches!(cli.command, Command::Diff(_)) { 2 } else { 1 };
    let result = match cli.command {
        Command::Build(args) => build::run(args).map(|()| ExitCode::SUCCESS),
        Command::Overlay(args) => overlay::run(args).map(|()| ExitCode::SUCCESS),
        Command::Lint(args) => lint::run(args),
        Command::Apply(args) => apply::run(args).map(|()| ExitCode::SUCCESS),
        Command::Delete(args) => delete::run(args).map(|()| ExitCode::SUCCESS),
        Command::Diff(args) => diff::run(args).map(|()| ExitCode::SUCCESS),
        Command::Values(args) => values::run(args).map(|()| ExitCode::SUCCESS),
        Command::Show(args) => show::run(args).map(|()| ExitCode::SUCCESS),
        Command::Package(args) => package::run(args).map(|()| ExitCode::SUCCESS),
        Command::Dependency(args) => dependency::run(args).map(|()| ExitCode::SUCCESS),
        Command::Template(args) => template::run(args).map(|()| ExitCode::SUCCESS),
        Command::Create(args) => create::run(args).map(|()| ExitCode::SUCCESS),
        Command::Install(args) => install::run(args).map(|()| ExitCode::SUCCESS),
        Command::Upgrade(args) => upgrade::run(args).map(|()| ExitCode::SUCCESS),
        Command::Rollback(args) => rollback::run(args).map(|()| ExitCode::SUCCESS),
        Command::Uninstall(args) => uninstall::run(args).map(|()| ExitCode::SUCCESS),
        Command::List(args) => list::run(args).map(|()| ExitCode::SUCCESS),
        Command::Status(args) => status::run(args).map(|()| ExitCode::SUCCESS),
        Command::History(args) => history::run(args).map(|()| ExitCode::SUCCESS),
        Command::Get(args) => get::run(args).map(|()| ExitCode::SUCCESS),
        Command::Test(args) => test::run(args).map(|()| ExitCode::SUCCESS),
        Command::Repo(args) => repo::run(args).map(|()| ExitCode::SUCCESS),
        Command::Search(args) => search::run(args).map(|()| ExitCode::SUCCESS),
        Command::Pull(args) => pull::run(args).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            if e.downcast_ref::<diff::Differs>().is_some() {
                return ExitCode::from(1);
            }
            let mut err = std::io::stderr().lock();
            if cli.debug {
                let _ = writeln!(err, "error: {e:?}");
            } else {
                let _ = writeln!(err, "error: {e:#}");
            }
            ExitCode::from(error_code)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
