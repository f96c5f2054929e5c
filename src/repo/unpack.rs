//! Unpacking a verified package onto disk (`pull --untar`).
//!
//! The archive goes through the safe extractor first (no absolute paths, `..`, links,
//! devices or FIFOs; decompressed-size caps counted on real bytes), all in memory. The
//! files are then written into a fresh temporary directory inside the destination, and the
//! chart's top directory is renamed into place: either the whole chart appears or nothing
//! does, and nothing is ever written outside the destination.

use std::path::{Path, PathBuf};

use super::Error;
use super::verify::VerifiedPackage;
use crate::archive::{self, Limits};

/// Unpacks `package` into `dest_dir/TOP`, where `TOP` is the archive's single top
/// directory (the chart name). Returns that path.
///
/// # Errors
/// A refused archive, entries outside one top directory, `dest_dir/TOP` already existing,
/// or a write failure (after which nothing is left behind).
pub fn unpack(package: &VerifiedPackage, dest_dir: &Path) -> Result<PathBuf, Error> {
    // `dir/.` would trip create_dir_all; components() drops the `.`.
    let dest_dir: PathBuf = dest_dir.components().collect();
    let dest_dir = if dest_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dest_dir.as_path()
    };
    let bytes = package.bytes()?;
    let entries = archive::extract(&bytes, &Limits::default(), package.file_name())?;
    let refuse = |entry: &str, reason: &str| {
        Error::Archive(archive::ArchiveError::Refused {
            source_name: package.file_name().to_string(),
            entry: entry.to_string(),
            reason: reason.to_string(),
        })
    };
    let mut top: Option<&str> = None;
    for e in &entries {
        let Some((t, _)) = e.path.split_once('/') else {
            return Err(refuse(&e.path, "file outside the chart's top directory"));
        };
        match top {
            None => top = Some(t),
            Some(prev) if prev == t => {}
            Some(_) => return Err(refuse(&e.path, "more than one top directory")),
        }
    }
    let top = top.ok_or_else(|| refuse("", "empty archive"))?;
    let target = dest_dir.join(top);
    if target.symlink_metadata().is_ok() {
        return Err(Error::Io {
            path: target,
            message: "already exists (remove it or choose another --untardir)".into(),
        });
    }
    fs_err::create_dir_all(dest_dir).map_err(|e| Error::io(dest_dir, &e))?;
    let staging = tempfile::Builder::new()
        .prefix(".rudder-untar-")
        .tempdir_in(dest_dir)
        .map_err(|e| Error::io(dest_dir, &e))?;
    for e in &entries {
        let path = staging.path().join(&e.path);
        if let Some(parent) = path.parent() {
            fs_err::create_dir_all(parent).map_err(|err| Error::io(parent, &err))?;
        }
        let mut f = fs_err::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|err| Error::io(&path, &err))?;
        std::io::Write::write_all(&mut f, &e.data).map_err(|err| Error::io(&path, &err))?;
    }
    fs_err::rename(staging.path().join(top), &target).map_err(|e| Error::io(&target, &e))?;
    Ok(target)
}
