//! The one integration test binary; each area is a submodule.

mod chart_load;
mod chart_values;
mod charts_examples;
mod cli_build;
mod create;
mod dependency;
mod e2e;
mod help;
mod hooks;
mod layers;
mod lint;
mod overlay_edit;
mod overlay_golden;
mod package;
mod release;
mod release_scope;
mod remote;
mod repo;
mod repo_server;
mod support;
mod template;
mod templates_doc;
mod testserver;
