//! `rudder status NAME`: what `helm status` prints. Also the status printing install, upgrade
//! and rollback share.

use std::io::Write;

use rudder::release::{Revision, display_time, redact_secrets};
use serde_json::json;

use super::release_args::{ReleaseRef, ShowArgs};

/// Show a release's status: its latest revision (or --revision), when it was deployed, its
/// notes.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    release: ReleaseRef,
    /// Also print the revision's description.
    #[arg(long)]
    show_desc: bool,
    #[command(flatten)]
    show: ShowArgs,
}

/// `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    Yaml,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let rev = args.release.read(&args.show.cluster)?;
    let output = args.show.output.output;
    if output == Output::Table && args.show_desc {
        let mut text = status_text(&rev);
        let at = text.find("TEST SUITE:").unwrap_or(text.len());
        text.insert_str(at, &format!("DESCRIPTION: {}\n", rev.info.description));
        return write(&text);
    }
    print_release(&rev, output, false, args.show.show_secrets)
}

/// The status block, then (for a dry run) hooks and manifest; or the whole revision as JSON or
/// YAML. Secret values are redacted unless `show_secrets`.
pub fn print_release(rev: &Revision, output: Output, dry_run: bool, show_secrets: bool) -> anyhow::Result<()> {
    let shown = |text: &str| {
        if show_secrets {
            text.to_string()
        } else {
            redact_secrets(text)
        }
    };
    match output {
        Output::Table => {
            let mut text = status_text(rev);
            if dry_run {
                text.push_str("HOOKS:\n");
                for h in &rev.body.hooks {
                    text.push_str(&shown(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest)));
                }
                text.push_str("MANIFEST:\n");
                text.push_str(&shown(&rev.body.manifest));
            }
            write(&text)
        }
        Output::Json | Output::Yaml => {
            let value = json!({
                "name": rev.name,
                "namespace": rev.namespace,
                "version": rev.version,
                "info": info(rev),
                "chart": {"metadata": rev.body.chart.metadata},
                "config": rev.body.config,
                "manifest": shown(&rev.body.manifest),
                "hooks": rev.body.hooks.iter().map(|h| json!({
                    "name": h.name, "kind": h.kind, "path": h.path, "events": h.events,
                    "weight": h.weight, "delete_policies": h.delete_policies, "last_run": h.last_run,
                    "manifest": shown(&h.manifest)})).collect::<Vec<_>>(),
                "notes": rev.body.notes,
            });
            write(&structured(&value, output))
        }
    }
}

/// The revision's info as Helm's release JSON has it: notes included.
fn info(rev: &Revision) -> serde_json::Value {
    let mut v = serde_json::to_value(&rev.info).unwrap_or_default();
    if let Some(notes) = &rev.body.notes {
        v["notes"] = serde_json::Value::String(notes.clone());
    }
    v
}

/// JSON (one line, as Helm prints it) or YAML.
pub fn structured(value: &serde_json::Value, output: Output) -> String {
    match output {
        Output::Json => format!("{value}\n"),
        _ => rudder::yaml::to_string(&rudder::yaml::Value::from_json(value)),
    }
}

/// Helm's status block: NAME, LAST DEPLOYED, NAMESPACE, STATUS, REVISION, TEST SUITE, NOTES.
pub fn status_text(rev: &Revision) -> String {
    let mut s = format!(
        "NAME: {}\nLAST DEPLOYED: {}\nNAMESPACE: {}\nSTATUS: {}\nREVISION: {}\n",
        rev.name,
        display_time(&rev.info.last_deployed),
        rev.namespace,
        rev.info.status,
        rev.version
    );
    let tests: Vec<_> = rev
        .body
        .hooks
        .iter()
        .filter(|h| h.runs_on(rudder::release::hooks::HookEvent::Test) && h.last_run.started_at.is_some())
        .collect();
    if tests.is_empty() {
        s.push_str("TEST SUITE: None\n");
    } else {
        for h in tests {
            let time =
                |t: &Option<k8s_openapi::jiff::Timestamp>| t.map(|t| display_time(&t.to_string())).unwrap_or_default();
            s.push_str(&format!(
                "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {:?}\n",
                h.name,
                time(&h.last_run.started_at),
                time(&h.last_run.completed_at),
                h.last_run.phase
            ));
        }
    }
    if let Some(notes) = rev.body.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        s.push_str("NOTES:\n");
        s.push_str(notes.trim_end_matches('\n'));
        s.push('\n');
    }
    s
}

pub fn write(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
