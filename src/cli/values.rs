//! `rudder values CHART` (a directory, .tgz, REPO/CHART or URL): print the final values the chart's templates will see.

use std::io::Write;

use anyhow::Context;
use rudder::chart::values;
use rudder::pipeline;

use super::chart_ref::{Bar, ChartRefArgs};
use super::values_flags::ValuesFlags;

/// Print the final values a chart's templates will see, without rendering them.
///
/// Chart defaults, values files and --set flags coalesced as Helm does, subcharts scoped
/// under their names, globals copied down, disabled subcharts dropped, schemas checked.
#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// Chart: a directory, a .tgz package, REPO/CHART or a package URL.
    chart: String,
    #[command(flatten)]
    values: ValuesFlags,
    // Boxed: the flags are many and Command's variants should stay small.
    #[command(flatten)]
    fetch: Box<ChartRefArgs>,
    /// Output format.
    #[arg(short, long, default_value = "yaml", value_parser = ["yaml", "json"])]
    output: String,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let bar = Bar::new();
    let fetch = args.fetch.to_options(&bar)?;
    let chart = pipeline::load_chart_ref(&args.chart, &fetch).context("loading the chart")?;
    drop(bar);
    let (_, vals) = values::compute(&chart, &args.values.to_options())
        .with_context(|| format!("computing values of chart '{}'", chart.name()))?;
    let text = match args.output.as_str() {
        "json" => {
            let mut s = serde_json::to_string_pretty(&sorted_json(&vals))?;
            s.push('\n');
            s
        }
        _ => rudder::yaml::to_string(&vals),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// JSON with mapping keys sorted, as Helm (Go maps) prints them.
fn sorted_json(v: &rudder::yaml::Value) -> serde_json::Value {
    match v {
        rudder::yaml::Value::Map(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            serde_json::Value::Object(keys.into_iter().map(|k| (k.clone(), sorted_json(&m[k]))).collect())
        }
        rudder::yaml::Value::Seq(items) => serde_json::Value::Array(items.iter().map(sorted_json).collect()),
        other => other.to_json(),
    }
}
