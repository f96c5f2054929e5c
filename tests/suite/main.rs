//! The one integration test binary; each area is a submodule.

mod charts_examples;
mod cli_build;
mod create;
mod help;
mod layers;
mod overlay_golden;
mod remote;
mod support;
mod template;
mod templates_doc;
