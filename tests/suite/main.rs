//! The one integration test binary; each area is a submodule.

mod cli_build;
mod e2e;
mod help;
mod layers;
mod overlay_golden;
mod remote;
mod support;
mod testserver;
