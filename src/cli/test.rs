//! `rudder test NAME`: what `helm test` does.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use rudder::release::Releases;
use rudder::release::hooks::{TestOptions, TestReport};

use super::apply::parse_duration;
use super::release_args::ReleaseCluster;
use super::status::status_text;

/// Run a release's tests (its `test` hooks), as `helm test` does.
///
/// The tests are the documents of the deployed revision annotated `rudder.dev/hook: test` or
/// `helm.sh/hook: test`, run in order of weight, kind and name. Each test's object is created
/// and waited for (a Pod until it has Succeeded, a Job until it is Complete); the first failure
/// stops the run. The run is recorded in the revision. Prints the release's status with each
/// test's start, end and phase; exits 1 when a test failed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release to test.
    name: String,
    #[command(flatten)]
    cluster: ReleaseCluster,
    /// How long each test may take, e.g. 30s, 5m, 1h30m.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    timeout: Duration,
    /// Do not print the chart's notes.
    #[arg(long)]
    hide_notes: bool,
    /// Run only some tests: name=N runs the test named N, '!name=N' skips it (repeat, or separate
    /// with commas).
    #[arg(long, value_name = "FILTER", value_delimiter = ',')]
    filter: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (session, connect, namespace) = args.cluster.connect()?;
    let mut opts = TestOptions {
        timeout: args.timeout,
        include: Vec::new(),
        exclude: Vec::new(),
    };
    for f in &args.filter {
        match f.strip_prefix('!').map(str::trim_start) {
            Some(rest) => opts.exclude.push(filter_name(rest, f)?),
            None => opts.include.push(filter_name(f, f)?),
        }
    }
    let releases = Releases::new(&session, &connect, &namespace);
    let report = releases
        .test(&args.name, &opts)
        .with_context(|| format!("testing release '{}'", args.name))?;
    let text = render(&report, args.hide_notes);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    match report.failure {
        Some(failure) => Err(anyhow::Error::new(failure).context(format!("testing release '{}'", args.name))),
        None => Ok(()),
    }
}

/// The test name of a `name=N` filter (`arg` is the flag's value, for the message).
fn filter_name(filter: &str, arg: &str) -> anyhow::Result<String> {
    match filter.strip_prefix("name=") {
        Some(n) if !n.is_empty() => Ok(n.to_string()),
        _ => anyhow::bail!("--filter '{arg}': expected name=NAME or '!name=NAME'"),
    }
}

/// Helm's status block, with the test suite as it ran.
fn render(report: &TestReport, hide_notes: bool) -> String {
    let mut rev = report.revision.clone();
    if hide_notes {
        rev.body.notes = None;
    }
    status_text(&rev)
}
