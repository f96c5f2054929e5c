//! The built-in transformers, one file per kustomization field, applied in kustomize's
//! fixed order by the target. Each takes the objects of one level and its kustomization.

pub mod annotations;
pub mod build_metadata;
mod image_match;
pub mod images;
pub mod labels;
pub mod name_reference;
pub mod namespace;
pub mod prefix_suffix;
pub mod replacements;
pub mod replicas;
pub mod vars;
