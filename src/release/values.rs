//! The values of an upgrade, as Helm's `pkg/action/upgrade.go` decides them from the flags:
//! - `--reset-values`: the new chart's defaults and the values given now, nothing reused;
//! - `--reuse-values`: the previous revision's final values replace the chart's defaults and
//!   the values given now go on top; the stored user values are the previous ones with the new
//!   ones merged over them;
//! - `--reset-then-reuse-values`: the new chart's defaults, under the previous user values
//!   with the values given now merged over them;
//! - none of these: the values given now, or, when none are given, the previous user values.

use crate::chart::Chart;
use crate::chart::values::coalesce_tables;
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

/// `top` with the keys of `base` it lacks copied in; nested mappings merged the same way
/// (the chart engine's coalescing, nulls kept: Helm's `MergeTables`).
fn merged_over(mut top: Map, base: &Map) -> Map {
    coalesce_tables(&mut top, base.clone(), true);
    top
}

#[cfg(test)]
mod tests {
    use super::super::record::Status;
    use super::*;
    use crate::yaml::helm_map as map;

    fn chart(defaults: &str) -> Chart {
        let mut chart = Chart::new(crate::chart::Metadata {
            name: "c".into(),
            version: "1.0.0".into(),
            ..Default::default()
        });
        chart.values = Value::Map(map(defaults));
        chart
    }

    /// A revision whose user values were `config` and final values `values`.
    fn current(config: &str, values: &str) -> Revision {
        let mut rev = Revision::bare("r", 1, Status::Deployed);
        rev.body.config = Value::Map(map(config));
        rev.body.values = Value::Map(map(values));
        rev
    }

    #[test]
    fn each_mode_decides_as_helm_upgrade_does() {
        let new_chart = chart("a: new-default\nb: new-default\n");
        let cur = current("a: old-given\n", "a: old-given\nb: old-default\n");
        let given = || map("c: given\n");

        let (c, user) = for_upgrade(&new_chart, &cur, given(), ValuesMode::Reset);
        assert_eq!((c.values, user), (new_chart.values.clone(), given()));

        let (c, user) = for_upgrade(&new_chart, &cur, given(), ValuesMode::Reuse);
        assert_eq!(
            c.values,
            Value::Map(map("a: old-given\nb: old-default\n")),
            "defaults are the old final values"
        );
        assert_eq!(user, map("c: given\na: old-given\n"));

        let (c, user) = for_upgrade(&new_chart, &cur, given(), ValuesMode::ResetThenReuse);
        assert_eq!(c.values, new_chart.values, "the new chart's defaults");
        assert_eq!(user, map("c: given\na: old-given\n"));

        let (_, user) = for_upgrade(&new_chart, &cur, given(), ValuesMode::Default);
        assert_eq!(user, given(), "values given: only they count");
        let (_, user) = for_upgrade(&new_chart, &cur, Map::default(), ValuesMode::Default);
        assert_eq!(user, map("a: old-given\n"), "none given: the previous ones");
    }

    #[test]
    fn given_values_win_and_nested_previous_ones_stay() {
        let out = merged_over(map("a: {x: 2}\nb: 1\n"), &map("a: {x: 1, y: 1}\nc: 3\n"));
        assert_eq!(out, map("a: {x: 2, y: 1}\nb: 1\nc: 3\n"));
    }
}
