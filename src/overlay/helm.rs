//! `helmCharts:`, `helmGlobals:` and the deprecated `helmChartInflationGenerator:`: charts
//! rendered into objects by a [`ChartRenderer`] that the caller supplies (`pipeline` wires
//! in the chart engine; `overlay` must not import `chart`).
//!
//! Rules (kustomize v5.5):
//! - without `--enable-helm` a kustomization with charts fails ("must specify
//!   --enable-helm"); `helmGlobals` alone is accepted and does nothing;
//! - chart entries are read strictly; `helmChartInflationGenerator` entries
//!   (`chartName`, `chartVersion`, `chartRepoUrl`, `values`, `valuesLocal`, `valuesMerge`,
//!   `releaseName`, ...) become chart entries after the `helmCharts` ones, and their
//!   `chartHome` (last non-empty one) sets the chart home;
//! - `helmGlobals.chartHome` defaults to `charts`, relative to the kustomization;
//! - charts are rendered after the ConfigMap and Secret generators, in order, and their
//!   objects added like generated ones (a duplicate id is an error).

use std::path::{Path, PathBuf};

use crate::overlay::strict::{map, string};
use crate::yaml::{Map, Value};

/// One `helmCharts:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmChartSpec {
    pub name: String,
    pub version: String,
    pub repo: String,
    pub release_name: String,
    pub namespace: String,
    pub additional_values_files: Vec<String>,
    pub values_file: String,
    /// `valuesInline`, a mapping (or `None`).
    pub values_inline: Option<Value>,
    /// `merge`, `override` (the default when empty) or `replace`.
    pub values_merge: String,
    pub include_crds: bool,
    pub skip_hooks: bool,
    pub api_versions: Vec<String>,
    pub kube_version: String,
    pub name_template: String,
    pub skip_tests: bool,
    pub debug: bool,
    /// The chart home (`helmGlobals.chartHome`, default `charts`), relative to the
    /// kustomization directory: the chart sits in `chart_home/name`.
    pub chart_home: PathBuf,
    /// `helmGlobals.configHome`, when given.
    pub config_home: String,
}

/// Renders one chart entry into a YAML stream of objects.
pub trait ChartRenderer: std::fmt::Debug + Send + Sync {
    /// Renders `spec`; relative paths in it (chart home, values files) are relative to
    /// `kustomization_dir`.
    ///
    /// # Errors
    /// Any failure, as a one-line message.
    fn render(&self, spec: &HelmChartSpec, kustomization_dir: &Path) -> Result<Vec<u8>, String>;
}

/// The charts of one kustomization, globals applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmCharts {
    pub charts: Vec<HelmChartSpec>,
    /// Entry names for messages (`helmCharts[0]`, `helmChartInflationGenerator[1]`).
    pub entries: Vec<String>,
}

/// Reads `helmCharts`, `helmGlobals` and `helmChartInflationGenerator`. Errors are
/// `(field, message)`.
///
/// # Errors
/// A malformed entry or an unknown field.
pub fn parse(
    charts: Option<&Value>,
    globals: Option<&Value>,
    legacy: Option<&Value>,
) -> Result<HelmCharts, (String, String)> {
    let mut chart_home = String::new();
    let mut config_home = String::new();
    if let Some(g) = globals.filter(|g| !g.is_null()) {
        let m = map(g, "helmGlobals", &["chartHome", "configHome"])?;
        chart_home = string(m, "chartHome", "helmGlobals")?;
        config_home = string(m, "configHome", "helmGlobals")?;
    }
    let mut out = HelmCharts::default();
    for (i, item) in list(charts, "helmCharts")?.iter().enumerate() {
        let field = format!("helmCharts[{i}]");
        out.charts.push(chart(item, &field)?);
        out.entries.push(field);
    }
    for (i, item) in list(legacy, "helmChartInflationGenerator")?.iter().enumerate() {
        let field = format!("helmChartInflationGenerator[{i}]");
        let m = map(
            item,
            &field,
            &[
                "chartName",
                "chartVersion",
                "chartRepoUrl",
                "chartHome",
                "chartRepoName",
                "helmBin",
                "helmHome",
                "values",
                "valuesLocal",
                "valuesMerge",
                "releaseName",
                "releaseNamespace",
                "extraArgs",
            ],
        )?;
        let s = |k: &str| string(m, k, &field);
        let home = s("chartHome")?;
        if !home.is_empty() {
            chart_home = home;
        }
        let helm_home = s("helmHome")?;
        if !helm_home.is_empty() {
            config_home = helm_home;
        }
        strings(m, "extraArgs", &field)?;
        out.charts.push(HelmChartSpec {
            name: s("chartName")?,
            version: s("chartVersion")?,
            repo: s("chartRepoUrl")?,
            values_file: s("values")?,
            values_inline: inline(m, "valuesLocal", &field)?,
            values_merge: s("valuesMerge")?,
            release_name: s("releaseName")?,
            ..Default::default()
        });
        out.entries.push(field);
    }
    if chart_home.is_empty() {
        chart_home = "charts".into();
    }
    for c in &mut out.charts {
        c.chart_home = PathBuf::from(&chart_home);
        c.config_home.clone_from(&config_home);
    }
    Ok(out)
}

fn chart(item: &Value, field: &str) -> Result<HelmChartSpec, (String, String)> {
    let m = map(
        item,
        field,
        &[
            "name",
            "version",
            "repo",
            "releaseName",
            "namespace",
            "additionalValuesFiles",
            "valuesFile",
            "valuesInline",
            "valuesMerge",
            "includeCRDs",
            "skipHooks",
            "apiVersions",
            "kubeVersion",
            "nameTemplate",
            "skipTests",
            "debug",
        ],
    )?;
    let s = |k: &str| string(m, k, field);
    let b = |k: &str| boolean(m, k, field);
    let values_merge = s("valuesMerge")?;
    Ok(HelmChartSpec {
        name: s("name")?,
        version: s("version")?,
        repo: s("repo")?,
        release_name: s("releaseName")?,
        namespace: s("namespace")?,
        additional_values_files: strings(m, "additionalValuesFiles", field)?,
        values_file: s("valuesFile")?,
        values_inline: inline(m, "valuesInline", field)?,
        values_merge,
        include_crds: b("includeCRDs")?,
        skip_hooks: b("skipHooks")?,
        api_versions: strings(m, "apiVersions", field)?,
        kube_version: s("kubeVersion")?,
        name_template: s("nameTemplate")?,
        skip_tests: b("skipTests")?,
        debug: b("debug")?,
        ..Default::default()
    })
}

/// The chart entries of a `HelmChartInflationGenerator` plugin config (chart fields and
/// `chartHome`/`configHome` side by side, as kustomize's plugin reads them).
///
/// # Errors
/// A malformed field.
pub fn parse_plugin(config: &Map, field: &str) -> Result<HelmChartSpec, (String, String)> {
    let mut chart_fields = Map::default();
    for (k, v) in config {
        if !matches!(
            k.as_str(),
            "apiVersion" | "kind" | "metadata" | "chartHome" | "configHome"
        ) {
            chart_fields.insert(k.clone(), v.clone());
        }
    }
    let mut spec = chart(&Value::Map(chart_fields), field)?;
    let home = string(config, "chartHome", field)?;
    spec.chart_home = PathBuf::from(if home.is_empty() { "charts".to_string() } else { home });
    spec.config_home = string(config, "configHome", field)?;
    Ok(spec)
}

fn list<'a>(v: Option<&'a Value>, field: &str) -> Result<&'a [Value], (String, String)> {
    match v {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Seq(s)) => Ok(s),
        Some(v) => Err((field.to_string(), format!("expected a list, found {}", v.type_name()))),
    }
}

fn strings(m: &Map, key: &str, field: &str) -> Result<Vec<String>, (String, String)> {
    list(m.get(key), &format!("{field}.{key}"))?
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            v => Err((
                format!("{field}.{key}[{i}]"),
                format!("expected a string, found {}", v.type_name()),
            )),
        })
        .collect()
}

fn boolean(m: &Map, key: &str, field: &str) -> Result<bool, (String, String)> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err((
            format!("{field}.{key}"),
            format!("expected a boolean, found {}", v.type_name()),
        )),
    }
}

fn inline(m: &Map, key: &str, field: &str) -> Result<Option<Value>, (String, String)> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Map(_)) => Ok(Some(v.clone())),
        Some(v) => Err((
            format!("{field}.{key}"),
            format!("expected a mapping, found {}", v.type_name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn doc(text: &str) -> Map {
        match yaml::first_document(text) {
            Value::Map(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_every_field() {
        let m = doc(
            "helmGlobals: {chartHome: vendor, configHome: cfg}\nhelmCharts:\n- name: web\n  version: 1.2.3\n  repo: https://x\n  releaseName: r\n  namespace: ns\n  valuesFile: v.yaml\n  additionalValuesFiles: [a.yaml]\n  valuesInline: {a: 1}\n  valuesMerge: merge\n  includeCRDs: true\n  skipHooks: true\n  skipTests: true\n  apiVersions: [x/v1]\n  kubeVersion: '1.30'\n  nameTemplate: t\nhelmChartInflationGenerator:\n- chartName: old\n  releaseName: o\n",
        );
        let h = parse(
            m.get("helmCharts"),
            m.get("helmGlobals"),
            m.get("helmChartInflationGenerator"),
        )
        .unwrap();
        assert_eq!(h.entries, ["helmCharts[0]", "helmChartInflationGenerator[0]"]);
        let c = &h.charts[0];
        assert_eq!((c.name.as_str(), c.version.as_str()), ("web", "1.2.3"));
        assert!(c.include_crds && c.skip_hooks && c.skip_tests);
        assert_eq!(c.api_versions, ["x/v1"]);
        assert_eq!(c.chart_home, PathBuf::from("vendor"));
        assert_eq!(c.config_home, "cfg");
        assert_eq!(h.charts[1].name, "old");
    }

    #[test]
    fn strict_fields() {
        let m = doc("helmCharts:\n- name: web\n  devel: true\n");
        let e = parse(m.get("helmCharts"), None, None).unwrap_err();
        assert_eq!(e, ("helmCharts[0].devel".to_string(), "unknown field".to_string()));
        let h = parse(doc("helmCharts:\n- name: a\n").get("helmCharts"), None, None).unwrap();
        assert_eq!(h.charts[0].chart_home, PathBuf::from("charts"));
    }
}
