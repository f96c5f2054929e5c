//! Values: what a chart's templates see as `Values`, computed exactly as Helm computes it.
//!
//! Steps, in Helm's fixed order whatever the order of flags on the command line:
//! 1. `-f/--values` files (`-` is stdin), layered in order (see `coalesce::merge_maps`),
//!    each read in the Helm dialect (YAML 1.1; only the first document counts);
//! 2. the `--set` family into the same tree, in this order: `--set-json` (a whole JSON
//!    object is layered like a file), `--set`, `--set-string`, `--set-file`,
//!    `--set-literal`, each with the `--set` grammar (`strvals.rs`);
//! 3. subcharts: aliases applied, `condition`/`tags` evaluated, disabled ones dropped, then
//!    `import-values` (`deps.rs`);
//! 4. the user's tree coalesced with the chart's defaults and each subchart's under its
//!    name, `global` copied down (`coalesce.rs`);
//! 5. `values.schema.json` of the chart and each subchart checked (`schema.rs`).
//!
//! Checked against Helm 4 on the cases under `fixtures/chart-values/`.
//!
//! Departure from Helm, on purpose: a YAML mapping with a duplicate key (in a `-f` file or
//! a chart's `values.yaml`) is an error naming the file and line; Helm silently keeps the
//! last one, which hides typos in long files.

mod coalesce;
mod deps;
mod schema;
pub mod strvals;

use std::path::{Path, PathBuf};

pub use coalesce::{GLOBAL, coalesce_tables};
pub use schema::ensure_schema;
pub use strvals::Mode;

use crate::chart::Chart;
use crate::yaml::{self, Dialect, Map, Value};

/// The user's values flags, as given on the command line (each list in its own order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueOptions {
    /// `-f/--values` files (relative paths against the current directory; `-` is stdin).
    pub values_files: Vec<PathBuf>,
    /// `--set a.b=1,c={x,y}`: typed values (int64, true/false/null).
    pub set: Vec<String>,
    /// `--set-string a=1`: every value a string.
    pub set_string: Vec<String>,
    /// `--set-json a={"b":1}` or a whole JSON object `{"a":1}`.
    pub set_json: Vec<String>,
    /// `--set-file a=path`: the value is the file's text.
    pub set_file: Vec<String>,
    /// `--set-literal a=text`: everything after the first `=` taken as is.
    pub set_literal: Vec<String>,
}

/// Why values could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    ReadValues { path: PathBuf, message: String },
    #[error(transparent)]
    ParseValues(#[from] yaml::ParseError),
    #[error("{path}: expected a mapping at the top, found {found}")]
    NotAMapping { path: PathBuf, found: &'static str },
    #[error("{flag} '{arg}': {message}")]
    Set {
        flag: &'static str,
        arg: String,
        message: String,
    },
    #[error("{chart}: values for subchart '{subchart}' must be a mapping, found {found}")]
    SubchartSection {
        chart: String,
        subchart: String,
        found: &'static str,
    },
    #[error("{chart}: Chart.yaml: dependencies: found in Chart.yaml, but missing in charts/ directory: {missing}")]
    MissingDependencies { chart: String, missing: String },
    #[error("{chart}: values do not match the schema: {message}")]
    Schema { chart: String, message: String },
}

/// Computes the final values of `chart` for the user's options.
///
/// Returns the chart with its subcharts as templates will see them (aliases applied,
/// disabled subcharts removed, defaults updated by `import-values`) and the final values:
/// a subchart's templates see the section under its name (`values[sub.name()]`), which
/// holds the `global` copied down.
///
/// # Errors
/// An unreadable or invalid values file, a malformed `--set` family argument or a type
/// clash in it, a dependency missing from `charts/`, a subchart section that is not a
/// mapping, or a schema violation (naming the chart and the value path).
pub fn compute(chart: &Chart, opts: &ValueOptions) -> Result<(Chart, Value), Error> {
    let user = user_values(opts)?;
    compute_with(chart, user)
}

/// Like [`compute`], with the user's values already layered (e.g. a release's stored values).
///
/// # Errors
/// As [`compute`], without the reading and parsing ones.
pub fn compute_with(chart: &Chart, user: Map) -> Result<(Chart, Value), Error> {
    ensure_dependencies_present(chart)?;
    let mut chart = chart.clone();
    deps::process_enabled(&mut chart, &user, "")?;
    deps::process_imports(&mut chart)?;
    let mut vals = user;
    coalesce::coalesce(&chart, &mut vals, false)?;
    let vals = Value::Map(vals);
    ensure_schema(&chart, &vals)?;
    Ok((chart, vals))
}

/// Every `dependencies:` entry of the top chart must have its chart in `charts/`.
fn ensure_dependencies_present(chart: &Chart) -> Result<(), Error> {
    let missing = chart.missing_dependencies();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::MissingDependencies {
        chart: chart.name().to_string(),
        missing: missing.join(", "),
    })
}

/// Layers the user's values files and `--set` family flags in Helm's order.
///
/// # Errors
/// As [`compute`], for the reading and parsing part.
pub fn user_values(opts: &ValueOptions) -> Result<Map, Error> {
    let mut base = Map::default();
    for path in &opts.values_files {
        coalesce::merge_maps(&mut base, read_values_file(path)?);
    }
    for arg in &opts.set_json {
        let trimmed = arg.trim();
        if trimmed.starts_with('{') {
            let parsed: serde_json::Value = serde_json::from_str(trimmed).map_err(|e| Error::Set {
                flag: "--set-json",
                arg: arg.clone(),
                message: format!("invalid JSON: {e}"),
            })?;
            match Value::from_json(&parsed) {
                Value::Map(m) => coalesce::merge_maps(&mut base, m),
                other => {
                    return Err(Error::Set {
                        flag: "--set-json",
                        arg: arg.clone(),
                        message: format!("expected a JSON object, found {}", other.type_name()),
                    });
                }
            }
            continue;
        }
        apply(&mut base, arg, "--set-json", Mode::Json)?;
    }
    for arg in &opts.set {
        apply(&mut base, arg, "--set", Mode::Typed)?;
    }
    for arg in &opts.set_string {
        apply(&mut base, arg, "--set-string", Mode::String)?;
    }
    for arg in &opts.set_file {
        apply(&mut base, arg, "--set-file", Mode::File)?;
    }
    for arg in &opts.set_literal {
        apply(&mut base, arg, "--set-literal", Mode::Literal)?;
    }
    Ok(base)
}

fn apply(base: &mut Map, arg: &str, flag: &'static str, mode: Mode) -> Result<(), Error> {
    strvals::parse_into(arg, base, mode).map_err(|e| Error::Set {
        flag,
        arg: arg.to_string(),
        message: e.to_string(),
    })
}

/// Reads one `-f` file: a mapping (an empty file is an empty mapping). `-` is standard
/// input, as in Helm.
fn read_values_file(path: &Path) -> Result<Map, Error> {
    let read_err = |e: std::io::Error| Error::ReadValues {
        path: path.to_path_buf(),
        message: crate::chart::io_message(&e),
    };
    let (bytes, name) = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(read_err)?;
        (buf, "<stdin>".to_string())
    } else {
        (fs_err::read(path).map_err(read_err)?, path.display().to_string())
    };
    let docs = yaml::parse_bytes(&bytes, Dialect::Helm, &name)?;
    match docs.into_iter().next().map(|d| d.value) {
        None | Some(Value::Null) => Ok(Map::default()),
        Some(Value::Map(m)) => Ok(m),
        Some(other) => Err(Error::NotAMapping {
            path: path.to_path_buf(),
            found: other.type_name(),
        }),
    }
}
