//! The parts of building one kustomization level that come with `configurations:`,
//! `helmCharts:` and the plugin lists (`generators:`, `transformers:`, `validators:`).

use std::path::Path;

use super::State;
use crate::overlay::config::FieldTables;
use crate::overlay::error::Error;
use crate::overlay::kustomization::Kustomization;
use crate::overlay::loader::Loader;
use crate::overlay::plugin::{self, Context};
use crate::overlay::resmap::ResMap;
use crate::yaml::{self, Dialect};

impl State {
    /// This level's field tables: the built-in ones, those of the bases built so far and
    /// this kustomization's `configurations:` files.
    pub(super) fn level_tables(&mut self, k: &Kustomization, ldr: &Loader) -> Result<FieldTables, Error> {
        let top = self.tables.last_mut().expect("a level was entered");
        for (i, entry) in k.configurations.iter().enumerate() {
            let field = format!("configurations[{i}]");
            let bytes = ldr.read(entry, &k.file, &field)?;
            let shown = ldr.display(entry);
            for doc in yaml::parse_bytes(&bytes, Dialect::Kustomize, &shown)? {
                top.add_config(&doc.value)
                    .map_err(|m| Error::field(&k.file, &field, format!("{shown}: {m}")))?;
            }
        }
        Ok(top.clone())
    }

    /// Merges the tables of the level just finished into its parent's.
    pub(super) fn finish_level_tables(&mut self) -> Result<(), Error> {
        let done = self.tables.pop().expect("a level was entered");
        if let Some(parent) = self.tables.last_mut() {
            parent
                .merge(&done)
                .map_err(|m| Error::field("configurations", "(merged from a base)", m))?;
        }
        Ok(())
    }

    /// `helmCharts:` and `generators:`, after the ConfigMap and Secret generators.
    pub(super) fn run_level_generators(
        &mut self,
        rm: &mut ResMap,
        k: &Kustomization,
        ldr: &Loader,
        dir: &Path,
    ) -> Result<(), Error> {
        if let Some(entry) = k.helm.entries.first()
            && !self.opts.enable_helm
        {
            return Err(Error::field(
                &k.file,
                entry,
                "must specify --enable-helm to render helm charts",
            ));
        }
        let configs = self.plugin_configs(&k.generators, "generators", k, ldr)?;
        let cx = Context {
            k,
            ldr,
            dir,
            enable_helm: self.opts.enable_helm,
            renderer: self.opts.chart_renderer.as_ref(),
            schema: self.schema(),
        };
        for (spec, entry) in k.helm.charts.iter().zip(&k.helm.entries) {
            let objects = plugin::render(spec, &cx, entry)?;
            rm.append_all(objects)?;
        }
        let meta = &self.meta;
        plugin::generate(rm, &configs, &cx, &mut |rm, c| {
            meta.plugin_generated(rm, &c.configured_in, c.kind(), c.name());
        })
    }

    /// `transformers:` then `validators:`, after the built-in transformers.
    pub(super) fn run_level_plugins(
        &mut self,
        rm: &mut ResMap,
        k: &Kustomization,
        ldr: &Loader,
        dir: &Path,
    ) -> Result<(), Error> {
        let transformers = self.plugin_configs(&k.transformers, "transformers", k, ldr)?;
        let validators = self.plugin_configs(&k.validators, "validators", k, ldr)?;
        let cx = Context {
            k,
            ldr,
            dir,
            enable_helm: self.opts.enable_helm,
            renderer: self.opts.chart_renderer.as_ref(),
            schema: self.schema(),
        };
        let meta = &self.meta;
        plugin::transform(rm, &transformers, &cx, &mut |rm, c| {
            meta.plugin_transformed(rm, &c.configured_in, c.kind(), c.name());
        })?;
        plugin::validate(rm, &validators, &cx)
    }

    /// The build's strategic-merge schema (the built-in one until an `openapi:` sets one).
    fn schema(&self) -> &crate::overlay::patch::Schema {
        match &self.schema {
            super::SchemaChoice::Custom(s) => s,
            _ => crate::overlay::patch::Schema::builtin(),
        }
    }

    /// The plugin configs of one list; directories are built as kustomizations of their
    /// own (their configurations and vars stay theirs).
    fn plugin_configs(
        &mut self,
        entries: &[String],
        key: &str,
        k: &Kustomization,
        ldr: &Loader,
    ) -> Result<Vec<plugin::Config>, Error> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let mut build_dir = |path: &Path, entry: &str| -> Result<ResMap, Error> {
            let tables = self.tables.last().cloned();
            let vars = self.vars.len();
            let built = self.accumulate(path);
            if let (Some(saved), Some(top)) = (tables, self.tables.last_mut()) {
                *top = saved;
            }
            self.vars.truncate(vars);
            let (sub, _) = built.map_err(|e| match e {
                Error::Read { path, message } => Error::field(&k.file, entry, format!("{path}: {message}")),
                e => e,
            })?;
            // Objects marked local-config are configs too: kustomize keeps them here.
            Ok(sub)
        };
        plugin::configs(entries, key, k, ldr, &mut build_dir)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};

    use crate::overlay::helm::{ChartRenderer, HelmChartSpec};
    use crate::overlay::target::{BuildOptions, build};

    /// Records what it was asked and returns two objects.
    #[derive(Debug, Default)]
    struct FakeRenderer {
        seen: Mutex<Vec<(HelmChartSpec, PathBuf)>>,
    }

    impl ChartRenderer for FakeRenderer {
        fn render(&self, spec: &HelmChartSpec, dir: &std::path::Path) -> Result<Vec<u8>, String> {
            self.seen.lock().unwrap().push((spec.clone(), dir.to_path_buf()));
            if spec.name == "broken" {
                return Err("template error".into());
            }
            Ok(format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {0}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {0}-values\n",
                spec.release_name
            )
            .into_bytes())
        }
    }

    /// Build options with --enable-helm and a fake renderer, which is returned to inspect.
    fn with_fake_renderer() -> (Arc<FakeRenderer>, BuildOptions) {
        let fake = Arc::new(FakeRenderer::default());
        let opts = BuildOptions {
            enable_helm: true,
            chart_renderer: Some(fake.clone()),
            ..Default::default()
        };
        (fake, opts)
    }

    fn dir(kustomization: &str) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("kustomization.yaml"), kustomization).unwrap();
        t
    }

    const CHARTS: &str = "namePrefix: p-\nhelmGlobals:\n  chartHome: vendor\nhelmCharts:\n- name: web\n  version: 1.0.0\n  releaseName: shop\n  valuesInline:\n    replicas: 2\n  includeCRDs: true\n";

    #[test]
    fn charts_are_refused_without_enable_helm() {
        let t = dir(CHARTS);
        let e = build(t.path(), &BuildOptions::default()).unwrap_err().to_string();
        assert!(
            e.ends_with("helmCharts[0]: must specify --enable-helm to render helm charts"),
            "{e}"
        );
    }

    #[test]
    fn enable_helm_without_a_renderer_is_an_error() {
        let t = dir(CHARTS);
        let opts = BuildOptions {
            enable_helm: true,
            ..Default::default()
        };
        let e = build(t.path(), &opts).unwrap_err().to_string();
        assert!(
            e.contains("helmCharts[0]: --enable-helm was given but this build has no chart renderer"),
            "{e}"
        );
    }

    #[test]
    fn rendered_objects_go_through_the_transformers() {
        let t = dir(CHARTS);
        let (fake, opts) = with_fake_renderer();
        let docs = build(t.path(), &opts).unwrap();
        let names: Vec<&str> = docs.iter().map(|d| d.name().unwrap()).collect();
        assert_eq!(names, ["p-shop-values", "p-shop"]);
        let seen = fake.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (spec, at) = &seen[0];
        assert_eq!(spec.name, "web");
        assert_eq!(spec.chart_home, PathBuf::from("vendor"));
        assert!(spec.include_crds);
        assert_eq!(
            spec.values_inline.as_ref().and_then(|v| v.get("replicas")),
            Some(&crate::yaml::Value::Int(2))
        );
        assert_eq!(at, t.path());
    }

    #[test]
    fn generator_plugin_configs_render_charts_too() {
        let t = dir(
            "generators:\n- |-\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata:\n    name: x\n  name: db\n  releaseName: main\n  chartHome: third_party\n  skipTests: true\n",
        );
        let (fake, opts) = with_fake_renderer();
        let docs = build(t.path(), &opts).unwrap();
        assert_eq!(docs.len(), 2);
        let seen = fake.seen.lock().unwrap();
        assert_eq!(seen[0].0.chart_home, PathBuf::from("third_party"));
        assert!(seen[0].0.skip_tests);
        let refused = build(t.path(), &BuildOptions::default()).unwrap_err().to_string();
        assert!(
            refused.contains("generators[0]: plugin HelmChartInflationGenerator"),
            "{refused}"
        );
        assert!(refused.ends_with("must specify --enable-helm"), "{refused}");
    }

    #[test]
    fn renderer_failures_name_the_entry() {
        let t = dir("helmCharts:\n- name: broken\n  releaseName: x\n");
        let (_, opts) = with_fake_renderer();
        let e = build(t.path(), &opts).unwrap_err().to_string();
        assert!(e.ends_with("helmCharts[0]: chart 'broken': template error"), "{e}");
    }
}
