//! `rudder get values|manifest|notes|hooks|all NAME`: what `helm get` prints.

use rudder::release::{Releases, Revision, redact_secrets};
use rudder::yaml::{self, Value};

use super::apply::ClusterArgs;
use super::install::{connect, in_release};
use super::status::{Output, status_text, structured, write};

/// Print part of a stored revision.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    what: Part,
    /// Release name.
    name: String,
    /// This revision instead of the latest.
    #[arg(long, value_name = "N")]
    revision: Option<u32>,
    /// values: print the computed values (chart defaults included), not only the user-supplied ones.
    #[arg(short = 'a', long)]
    all: bool,
    /// manifest, hooks, all: print Secret values instead of <redacted>.
    #[arg(long)]
    show_secrets: bool,
    /// values: output format (table prints a heading, then YAML).
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    output: Output,
    #[command(flatten)]
    cluster: ClusterArgs,
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
    /// Status, values, hooks, manifest and notes.
    All,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (session, connect, namespace) = connect(&args.cluster)?;
    let releases = Releases::new(&session, &connect, &namespace);
    let rev = releases
        .get(&args.name, args.revision)
        .map_err(in_release("reading", &args.name))?;
    let secret = |t: &str| {
        if args.show_secrets {
            t.to_string()
        } else {
            redact_secrets(t)
        }
    };
    let text = match args.what {
        Part::Values => values(&rev, args.all, args.output),
        Part::Manifest => secret(&rev.body.manifest),
        Part::Notes => notes(&rev),
        Part::Hooks => secret(&hooks(&rev)),
        Part::All => format!(
            "{}{}HOOKS:\n{}MANIFEST:\n{}{}",
            status_text(&rev).split("NOTES:\n").next().unwrap_or_default(),
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
