//! The values of an upgrade, as Helm's `pkg/action/upgrade.go` decides them from the flags:
//! - `--reset-values`: the new chart's defaults and the values given now, nothing reused;
//! - `--reuse-values`: the previous revision's final values replace the chart's defaults and
//!   the values given now go on top; the stored user values are the previous ones with the new
//!   ones merged over them;
//! - `--reset-then-reuse-values`: the new chart's defaults, under the previous user values
//!   with the values given now merged over them;
//! - none of these: the values given now, or, when none are given, the previous user values.

use crate::chart::Chart;
use crate::yaml::{Map, Value};

use super::Revision;

/// Which of the values flags of `upgrade` was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValuesMode {
    #[default]
    Default,
    Reuse,
    Reset,
    ResetThenReuse,
}

/// The chart to render (its defaults possibly replaced) and the user values to render and store.
pub(crate) fn for_upgrade(chart: &Chart, current: &Revision, given: Map, mode: ValuesMode) -> (Chart, Map) {
    let previous = match &current.body.config {
        Value::Map(m) => m.clone(),
        _ => Map::default(),
    };
    match mode {
        ValuesMode::Reset => (chart.clone(), given),
        ValuesMode::Reuse => {
            let mut chart = chart.clone();
            chart.values = current.body.values.clone();
            (chart, merged_over(given, &previous))
        }
        ValuesMode::ResetThenReuse => (chart.clone(), merged_over(given, &previous)),
        ValuesMode::Default if given.is_empty() => (chart.clone(), previous),
        ValuesMode::Default => (chart.clone(), given),
    }
}

/// `top` with the keys of `base` it lacks copied in; nested mappings merged the same way.
fn merged_over(mut top: Map, base: &Map) -> Map {
    for (k, b) in base {
        match (top.get_mut(k), b) {
            (Some(Value::Map(t)), Value::Map(b)) => {
                let inner = std::mem::take(t);
                *t = merged_over(inner, b);
            }
            (Some(_), _) => {}
            (None, b) => {
                top.insert(k.clone(), b.clone());
            }
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Dialect, parse_stream};

    fn map(text: &str) -> Map {
        match parse_stream(text, Dialect::Helm, "t").unwrap().remove(0).value {
            Value::Map(m) => m,
            _ => Map::default(),
        }
    }

    #[test]
    fn given_values_win_and_nested_previous_ones_stay() {
        let out = merged_over(map("a: {x: 2}\nb: 1\n"), &map("a: {x: 1, y: 1}\nc: 3\n"));
        assert_eq!(out, map("a: {x: 2, y: 1}\nb: 1\nc: 3\n"));
    }
}
