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

    fn chart(defaults: &str) -> Chart {
        Chart {
            metadata: crate::chart::Metadata {
                name: "c".into(),
                version: "1.0.0".into(),
                ..Default::default()
            },
            values: Value::Map(map(defaults)),
            values_text: None,
            schema: None,
            schema_text: None,
            lock: None,
            templates: Vec::new(),
            files: Vec::new(),
            crds: Vec::new(),
            dependencies: Vec::new(),
            readme: None,
        }
    }

    /// A revision whose user values were `config` and final values `values`.
    fn current(config: &str, values: &str) -> Revision {
        use super::super::record::{Body, ChartRecord, Info, Status};
        Revision {
            name: "r".into(),
            namespace: "ns".into(),
            version: 1,
            info: Info {
                status: Status::Deployed,
                first_deployed: String::new(),
                last_deployed: String::new(),
                deleted: None,
                description: String::new(),
            },
            body: Body {
                chart: ChartRecord {
                    metadata: Default::default(),
                    archive: String::new(),
                },
                config: Value::Map(map(config)),
                values: Value::Map(map(values)),
                manifest: String::new(),
                crds: String::new(),
                hooks: Vec::new(),
                notes: None,
            },
        }
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
