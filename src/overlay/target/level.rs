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
        };
        for (spec, entry) in k.helm.charts.iter().zip(&k.helm.entries) {
            let objects = plugin::render(spec, &cx, entry)?;
            rm.append_all(objects)?;
        }
        plugin::generate(rm, &configs, &cx)
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
        };
        plugin::transform(rm, &transformers, &cx)?;
        plugin::validate(rm, &validators, &cx)
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
            let (mut sub, _) = built.map_err(|e| match e {
                Error::Read { path, message } => Error::field(&k.file, entry, format!("{path}: {message}")),
                e => e,
            })?;
            super::drop_local_config(&mut sub);
            Ok(sub)
        };
        plugin::configs(entries, key, k, ldr, &mut build_dir)
    }
}
