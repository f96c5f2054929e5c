//! `rudder apply -f FILE|DIR|-`: what `kubectl apply --server-side` does.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use rudder::cluster::{self, ApplyEvent, ApplyOptions, ConnectOptions, Input, Session};
use rudder::resource::Document;

/// Where the cluster is; shared by the commands that talk to one.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: its current-context).
    #[arg(long, value_name = "NAME")]
    pub kube_context: Option<String>,
    /// Namespace for namespaced objects that name none (default: the context's namespace); objects
    /// naming another namespace are refused.
    #[arg(short, long)]
    pub namespace: Option<String>,
}

impl ClusterArgs {
    pub fn connect(&self) -> anyhow::Result<Session> {
        Ok(Session::connect(&ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.kube_context.clone(),
        })?)
    }
}

/// The `-f` inputs and the cluster they go to; shared by apply, diff and delete.
#[derive(Debug, clap::Args)]
pub struct ObjectArgs {
    /// A file, a directory of .yaml/.yml/.json files, or - for standard input (repeatable).
    #[arg(short = 'f', long = "filename", required = true, value_name = "FILE|DIR|-")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

impl ObjectArgs {
    /// The inputs read into documents, then a session with the cluster.
    pub fn read_and_connect(&self) -> anyhow::Result<(Vec<Document>, Session)> {
        let docs = read_documents(&self.files)?;
        Ok((docs, self.cluster.connect()?))
    }
}

/// The `-f` inputs, read into documents (standard input for `-`).
fn read_documents(files: &[String]) -> anyhow::Result<Vec<Document>> {
    let inputs: Vec<Input> = files.iter().map(|f| Input::from_arg(f)).collect();
    let docs = cluster::read_inputs(&inputs, &mut std::io::stdin().lock())?;
    if docs.is_empty() {
        bail!("no objects passed to {}", files.join(", "));
    }
    Ok(docs)
}

/// Apply objects to a cluster, as `kubectl apply --server-side` does.
///
/// Server-side apply with field manager `rudder`, in Helm's install order of kinds, CRDs first
/// (waited for until Established). Prints one line per object, as kubectl does; `unchanged` when
/// the server changed nothing.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    objects: ObjectArgs,
    /// Take ownership of fields that other field managers own, instead of failing on the conflict.
    #[arg(long)]
    force_conflicts: bool,
    /// `server`: the server validates and merges, nothing is persisted; `none`: apply.
    #[arg(long, value_name = "MODE", default_value = "none", value_parser = ["none", "server"])]
    dry_run: String,
    /// Delete objects carrying the --selector label that are not in the input (kubectl's prune kinds).
    #[arg(long, requires = "selector")]
    prune: bool,
    /// Label selector for --prune, e.g. app=web,tier!=db.
    #[arg(short = 'l', long)]
    selector: Option<String>,
    /// Wait until every applied object is ready (Deployments available, Jobs complete, ...).
    #[arg(long)]
    wait: bool,
    /// How long --wait waits, e.g. 30s, 5m, 1h30m.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    timeout: Duration,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.selector.is_some() && !args.prune {
        bail!("--selector is only used with --prune");
    }
    let (docs, session) = args.objects.read_and_connect()?;
    let opts = ApplyOptions {
        namespace: args.objects.cluster.namespace.clone(),
        namespace_is_default: false,
        force_conflicts: args.force_conflicts,
        dry_run: args.dry_run == "server",
        prune_selector: if args.prune { args.selector.clone() } else { None },
        wait: args.wait.then_some(args.timeout),
    };
    let mut out = std::io::stdout().lock();
    let mut progress = WaitProgress::new();
    let mut write_err = None;
    let result = session.apply(&docs, &opts, &mut |event| match event {
        ApplyEvent::Waiting(p) => progress.show(p),
        other => {
            if let Some(line) = other.line()
                && let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush())
            {
                write_err.get_or_insert(e);
            }
        }
    });
    progress.finish();
    if let Some(e) = write_err {
        return Err(e.into());
    }
    result?;
    Ok(())
}

/// A progress line on a terminal (stderr) while waiting: how many objects are ready, which one is slowest.
pub struct WaitProgress {
    bar: Option<indicatif::ProgressBar>,
}

impl WaitProgress {
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        WaitProgress { bar }
    }

    pub fn show(&mut self, p: &cluster::ready::Progress) {
        if let Some(bar) = &self.bar {
            let slowest = p
                .slowest
                .as_ref()
                .map(|(who, why)| format!("; waiting for {who}: {why}"))
                .unwrap_or_default();
            bar.set_message(format!("{} of {} ready{slowest}", p.ready, p.total));
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Parses Go-style durations: `90s`, `5m`, `1h30m`, `500ms`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration '{s}' (expected e.g. 30s, 5m, 1h30m)");
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.').ok_or_else(bad)?;
        let (num, tail) = rest.split_at(digits);
        let num: f64 = num.parse().map_err(|_| bad())?;
        let unit_len = tail.find(|c: char| c.is_ascii_digit()).unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let secs = match unit {
            "ms" => num / 1000.0,
            "s" => num,
            "m" => num * 60.0,
            "h" => num * 3600.0,
            _ => return Err(bad()),
        };
        total += Duration::from_secs_f64(secs);
        rest = tail;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("42"), Ok(Duration::from_secs(42)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }
}
