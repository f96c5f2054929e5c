//! Verified downloads. A package is streamed into a temporary file while its sha256 is
//! computed; only when the digest equals the one the index gives does the caller get a
//! [`VerifiedPackage`], the one type that hands out package bytes or puts a package in
//! place, and only this module can make one. On a mismatch the temporary file is deleted
//! and nothing reaches the destination or the cache.
//!
//! Helm checks a digest only with a signed provenance file; rudder always does, and refuses
//! a package the index gives no digest for unless the caller asks for it unverified.

use std::io::{Seek, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::Error;
use super::http::{Client, Progress, Sink, redact};

/// The largest package downloaded, in bytes (Helm's cap on a decompressed chart).
pub const MAX_PACKAGE_BYTES: u64 = 100 << 20;

/// A downloaded package whose sha256 matched the index (or that the caller accepted
/// unverified with `--insecure-skip-digest`: see [`VerifiedPackage::verified`]).
#[derive(Debug)]
pub struct VerifiedPackage {
    file: tempfile::NamedTempFile,
    name: String,
    version: String,
    digest: String,
    verified: bool,
    file_name: String,
}

impl VerifiedPackage {
    /// The chart name (from the index; empty for an unverified URL download).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The chart version (from the index; empty for an unverified URL download).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The hex sha256 of the package.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Whether the digest was checked against an index (false only with
    /// `--insecure-skip-digest`).
    pub fn verified(&self) -> bool {
        self.verified
    }

    /// The package's file name (the last element of its URL, e.g. `metallb-0.1.0.tgz`).
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The package bytes.
    ///
    /// # Errors
    /// Reading the temporary file back.
    pub fn bytes(&self) -> Result<Vec<u8>, Error> {
        fs_err::read(self.file.path()).map_err(|e| Error::io(self.file.path(), &e))
    }

    /// Moves the package to `dest` atomically (a rename; across file systems, a copy to a
    /// temporary file next to `dest`, then a rename).
    ///
    /// # Errors
    /// Creating the directory, copying or renaming.
    pub fn persist(self, dest: &Path) -> Result<(), Error> {
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs_err::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
        let bytes = self.bytes()?;
        match self.file.persist(dest) {
            Ok(f) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
                }
                drop(f);
                Ok(())
            }
            Err(_) => super::config::write_atomically(dest, &bytes, false),
        }
    }
}

/// A temporary file that hashes what is written to it.
struct HashingFile {
    file: tempfile::NamedTempFile,
    hasher: Sha256,
}

impl Sink for HashingFile {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.hasher.update(chunk);
        self.file.write_all(chunk)
    }
    fn reset(&mut self) -> std::io::Result<()> {
        self.hasher = Sha256::new();
        self.file.as_file_mut().set_len(0)?;
        self.file.as_file_mut().rewind()?;
        Ok(())
    }
}

/// Hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A digest as indexes write it, normalised: `sha256:` prefix dropped, lowercase.
pub(crate) fn normalize_digest(d: &str) -> String {
    d.trim().trim_start_matches("sha256:").to_ascii_lowercase()
}

/// What a download is expected to be.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub name: String,
    pub version: String,
    /// Hex sha256 from the index; `None` when there is no index entry or no digest in it.
    pub digest: Option<String>,
    /// Why there is no digest, for the refusal message.
    pub missing_reason: String,
}

/// Downloads `url` with `client` and checks it against `expected`.
///
/// # Errors
/// No digest (unless `insecure_skip_digest`), a download failure, a package over
/// [`MAX_PACKAGE_BYTES`], or a digest mismatch naming chart, version, expected and actual.
pub fn download_verified(
    client: &Client,
    url: &str,
    expected: &Expected,
    insecure_skip_digest: bool,
    progress: Option<&Progress>,
) -> Result<VerifiedPackage, Error> {
    let want = expected
        .digest
        .as_deref()
        .map(normalize_digest)
        .filter(|d| !d.is_empty());
    if want.is_none() && !insecure_skip_digest {
        return Err(Error::MissingDigest {
            chart: display_name(&expected.name, url),
            version: expected.version.clone(),
            reason: if expected.missing_reason.is_empty() {
                "the index gives no digest".into()
            } else {
                expected.missing_reason.clone()
            },
        });
    }
    let file = tempfile::Builder::new()
        .prefix(".rudder-download-")
        .suffix(".part")
        .tempfile()
        .map_err(|e| Error::io(&std::env::temp_dir(), &e))?;
    let mut sink = HashingFile {
        file,
        hasher: Sha256::new(),
    };
    client.get_into(url, MAX_PACKAGE_BYTES, &mut sink, progress)?;
    let HashingFile { mut file, hasher } = sink;
    file.flush().map_err(|e| Error::io(file.path(), &e))?;
    let actual = hex(&hasher.finalize());
    let verified = match &want {
        Some(w) if *w == actual => true,
        Some(w) => {
            return Err(Error::DigestMismatch {
                chart: display_name(&expected.name, url),
                version: expected.version.clone(),
                expected: w.clone(),
                actual,
            });
        }
        None => false,
    };
    Ok(VerifiedPackage {
        file,
        name: expected.name.clone(),
        version: expected.version.clone(),
        digest: actual,
        verified,
        file_name: file_name_of(url, &expected.name, &expected.version),
    })
}

fn display_name(name: &str, url: &str) -> String {
    if name.is_empty() { redact(url) } else { name.to_string() }
}

/// The last path element of `url` when it is a plain file name, else `NAME-VERSION.tgz`.
fn file_name_of(url: &str, name: &str, version: &str) -> String {
    let from_url = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(str::to_string)))
        .filter(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\']));
    match from_url {
        Some(f) => f,
        None if !name.is_empty() => format!("{name}-{version}.tgz"),
        None => "chart.tgz".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(normalize_digest("sha256:ABC"), "abc");
    }

    #[test]
    fn file_names_never_escape() {
        assert_eq!(
            file_name_of("http://h/c/metallb-0.1.0.tgz", "m", "1"),
            "metallb-0.1.0.tgz"
        );
        assert_eq!(file_name_of("http://h/c/..", "m", "1"), "m-1.tgz");
        assert_eq!(file_name_of("http://h/", "m", "1"), "m-1.tgz");
    }
}
