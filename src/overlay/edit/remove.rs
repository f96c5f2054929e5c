//! `edit remove resource`.

use crate::yaml::Value;

use super::Error;
use super::glob::matches;
use super::kustfile::KustFile;

/// Removes the resources matching any of the patterns (Go `filepath.Match` against each
/// entry). Returns false when nothing matched (the file is then left as it is).
///
/// # Errors
/// No argument or a malformed pattern.
pub fn remove_resources(k: &mut KustFile, patterns: &[String]) -> Result<bool, Error> {
    if patterns.is_empty() {
        return Err(Error::arg("must specify a resource file"));
    }
    let list = k.strings("resources");
    let mut keep = Vec::with_capacity(list.len());
    for r in &list {
        let mut hit = false;
        for p in patterns {
            hit |= matches(p, r).map_err(Error::arg)?;
        }
        if !hit {
            keep.push(Value::String(r.clone()));
        }
    }
    if keep.len() == list.len() {
        return Ok(false);
    }
    k.set("resources", Value::Seq(keep));
    Ok(true)
}
