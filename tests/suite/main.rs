//! The one integration test binary; each area is a submodule.

mod cli_build;
mod help;
mod layers;
mod overlay_golden;
mod remote;
mod support;
mod template;
