//! `rudder show chart|values|readme|crds|all CHART`: print parts of a chart, as `helm show`.

use std::io::Write;

use anyhow::Context;
use rudder::chart::Chart;
use rudder::pipeline;

use super::chart_ref::{Bar, ChartRefArgs};

/// Show a chart's metadata, default values, README or CRDs.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Print Chart.yaml (as the loaded metadata).
    Chart(Target),
    /// Print values.yaml as written.
    Values(Target),
    /// Print the README.
    Readme(Target),
    /// Print the CRDs under crds/ (the chart's, then its subcharts').
    Crds(Target),
    /// Print all of the above, separated by '---'.
    All(Target),
}

#[derive(Debug, clap::Args)]
#[command(disable_version_flag = true)]
struct Target {
    /// Chart: a directory, a .tgz package, REPO/CHART or a package URL.
    chart: String,
    #[command(flatten)]
    fetch: ChartRefArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (target, chart_part, values, readme, crds) = match &args.what {
        What::Chart(t) => (t, true, false, false, false),
        What::Values(t) => (t, false, true, false, false),
        What::Readme(t) => (t, false, false, true, false),
        What::Crds(t) => (t, false, false, false, true),
        What::All(t) => (t, true, true, true, true),
    };
    let all = matches!(args.what, What::All(_));
    let bar = Bar::new();
    let opts = target.fetch.to_options(&bar)?;
    let chart = pipeline::load_chart_ref(&target.chart, &opts).context("loading the chart")?;
    drop(bar);
    let text = render(&chart, chart_part, values, readme, crds, all);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The text `helm show` prints for the selected parts.
fn render(chart: &Chart, chart_part: bool, values: bool, readme: bool, crds: bool, all: bool) -> String {
    let mut out = String::new();
    if chart_part {
        let meta = serde_json::to_value(&chart.metadata).unwrap_or_default();
        out.push_str(&rudder::yaml::to_string(&rudder::yaml::Value::from_json(&meta)));
        out.push('\n');
    }
    if values && let Some(text) = &chart.values_text {
        if all {
            out.push_str("---\n");
        }
        out.push_str(text);
        out.push('\n');
    }
    if readme && let Some(text) = &chart.readme {
        if all {
            out.push_str("---\n");
        }
        out.push_str(text);
        out.push('\n');
    }
    if crds {
        for (_, f) in chart.crd_objects() {
            if !f.data.starts_with(b"---") {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    out
}
