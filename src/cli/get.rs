//! `rudder get values|manifest|notes|hooks|all NAME`: what `helm get` prints.

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
