//! The overlay engine: `rudder build DIR` as `kustomize build DIR` does it.
//!
//! Owns kustomization loading with a load restrictor, resources and bases, generators,
//! the built-in transformers, name-reference fixing and output order. Must not import
//! `chart` (helm charts arrive through a renderer trait that `pipeline` supplies).

pub(crate) mod config;
pub mod edit;
mod error;
mod fieldspec;
mod generator;
mod helm;
mod kustomization;
mod loader;
mod patch;
mod plugin;
mod remote;
mod resmap;
mod strict;
mod target;
mod transform;

pub use error::Error;
pub use helm::{ChartRenderer, HelmChartSpec};
pub use kustomization::Kustomization;
pub use loader::LoadRestrictor;
pub use remote::RepoSpec;
pub use target::{BuildOptions, build};
