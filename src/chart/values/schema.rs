//! `values.schema.json`: the final values checked against the chart's schema and each
//! subchart's against its own (on the section under its name), as Helm checks them.

use crate::chart::Chart;
use crate::yaml::Value;

use super::Error;

/// Checks `values` against `chart`'s schema, then each subchart's section against the
/// subchart's schema, recursively. Every violation is reported on one line, each naming
/// the schema file and the value path
/// (`web: values.schema.json: replicas: -1 is less than the minimum of 0; charts/db/values.schema.json: port: ...`).
///
/// # Errors
/// An invalid schema, or values that violate one.
pub fn ensure_schema(chart: &Chart, values: &Value) -> Result<(), Error> {
    let mut problems = Vec::new();
    collect(chart, values, "", &mut problems)?;
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Schema {
        chart: chart.name().to_string(),
        message: problems.join("; "),
    })
}

/// `prefix` is the chart's directory relative to the top chart (`charts/db/`).
fn collect(chart: &Chart, values: &Value, prefix: &str, problems: &mut Vec<String>) -> Result<(), Error> {
    let file = format!("{prefix}values.schema.json");
    if let Some(schema) = &chart.schema {
        let validator = jsonschema::validator_for(schema).map_err(|e| Error::Schema {
            chart: chart.name().to_string(),
            message: format!("{file}: invalid schema: {e}"),
        })?;
        let instance = values.to_json();
        for err in validator.iter_errors(&instance) {
            let pointer = err.instance_path().to_string();
            let path = if pointer.is_empty() {
                "(root)".to_string()
            } else {
                pointer
                    .trim_start_matches('/')
                    .split('/')
                    .map(|p| p.replace("~1", "/").replace("~0", "~"))
                    .collect::<Vec<_>>()
                    .join(".")
            };
            problems.push(format!("{file}: {path}: {err}"));
        }
    }
    for sub in &chart.dependencies {
        let section = values.get(sub.name()).cloned().unwrap_or(Value::Null);
        collect(sub, &section, &format!("{prefix}charts/{}/", sub.name()), problems)?;
    }
    Ok(())
}
