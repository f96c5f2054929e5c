//! `rudder get values|manifest|notes|hooks|metadata|all NAME`: what `helm get` prints.

use rudder::release::{Revision, redact_secrets};
use rudder::yaml::{self, Value};

use super::release_args::{ReleaseRef, ShowArgs};
use super::status::{Output, status_text, structured, write};

/// Print part of a stored revision.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    what: Part,
    #[command(flatten)]
    release: ReleaseRef,
    /// values: print the computed values (chart defaults included), not only the user-supplied ones.
    #[arg(short = 'a', long)]
    all: bool,
    #[command(flatten)]
    show: ShowArgs,
}

/// What to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Part {
    /// The values the user supplied (--all: the computed ones).
    Values,
    /// The rendered objects.
    Manifest,
    /// The chart's NOTES.txt as rendered.
    Notes,
    /// The hook documents.
    Hooks,
    /// Release and chart metadata: name, chart, version, app version, annotations,
    /// dependencies, namespace, revision, status, deployed at (-o json|yaml too).
    Metadata,
    /// Status, user-supplied and computed values, hooks, manifest and notes.
    All,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let rev = args.release.read(&args.show.cluster)?;
    let secret = |t: &str| {
        if args.show.show_secrets {
            t.to_string()
        } else {
            redact_secrets(t)
        }
    };
    let text = match args.what {
        Part::Values => values(&rev, args.all, args.show.output.output),
        Part::Manifest => secret(&rev.body.manifest),
        Part::Notes => notes(&rev),
        Part::Hooks => secret(&hooks(&rev)),
        Part::Metadata => metadata(&rev, args.show.output.output),
        Part::All => format!(
            "{}{}{}HOOKS:\n{}MANIFEST:\n{}{}",
            status_text(&rev).split("NOTES:\n").next().unwrap_or_default(),
            values(&rev, false, Output::Table),
            values(&rev, true, Output::Table),
            secret(&hooks(&rev)),
            secret(&rev.body.manifest),
            match rev.body.notes.as_deref() {
                Some(n) if !n.trim().is_empty() => format!("\nNOTES:\n{}\n", n.trim_end()),
                _ => String::new(),
            }
        ),
    };
    write(&text)
}

fn values(rev: &Revision, all: bool, output: Output) -> String {
    let (heading, v) = if all {
        ("COMPUTED VALUES:\n", &rev.body.values)
    } else {
        ("USER-SUPPLIED VALUES:\n", &rev.body.config)
    };
    let empty = matches!(v, Value::Map(m) if m.is_empty()) || v.is_null();
    match output {
        Output::Table => format!(
            "{heading}{}",
            if empty {
                "null\n".to_string()
            } else {
                yaml::to_string(v)
            }
        ),
        out => structured(&v.to_json(), out),
    }
}

fn notes(rev: &Revision) -> String {
    match rev.body.notes.as_deref() {
        Some(n) => format!("NOTES:\n{}\n", n.trim_end()),
        None => String::new(),
    }
}

fn hooks(rev: &Revision) -> String {
    rev.body
        .hooks
        .iter()
        .map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest.trim_end()))
        .collect()
}

/// `helm get metadata`: the table is `KEY: value` lines in Helm's order (annotations and labels
/// as `k=v` pairs sorted by key, dependency names sorted and comma-separated); JSON and YAML
/// use Helm's field names. rudder releases carry no labels of their own, so LABELS is empty.
fn metadata(rev: &Revision, output: Output) -> String {
    let chart = &rev.body.chart.metadata;
    let mut deps: Vec<&str> = chart.dependencies.iter().map(|d| d.name.as_str()).collect();
    deps.sort_unstable();
    let deployed_at = rev.info.last_deployed.clone();
    match output {
        Output::Table => {
            let pairs = |m: &std::collections::BTreeMap<String, String>| {
                m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
            };
            format!(
                "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nANNOTATIONS: {}\nLABELS: \n\
                 DEPENDENCIES: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\n",
                rev.name,
                chart.name,
                chart.version,
                chart.app_version,
                pairs(&chart.annotations),
                deps.join(","),
                rev.namespace,
                rev.version,
                rev.info.status,
                deployed_at,
            )
        }
        out => {
            let mut m = serde_json::json!({
                "name": rev.name,
                "chart": chart.name,
                "version": chart.version,
                "appVersion": chart.app_version,
                "namespace": rev.namespace,
                "revision": rev.version,
                "status": rev.info.status.to_string(),
                "deployedAt": deployed_at,
            });
            if !chart.annotations.is_empty() {
                m["annotations"] = serde_json::json!(chart.annotations);
            }
            if !chart.dependencies.is_empty() {
                m["dependencies"] = serde_json::to_value(&chart.dependencies).unwrap_or_default();
            }
            structured(&m, out)
        }
    }
}
