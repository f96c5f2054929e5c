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
use super::http::{Client, Download, Progress, Sink, redact};

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
        match self.file.persist(dest) {
            Ok(f) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    // The temporary file was made 0600; a package is an ordinary file.
                    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
                }
                drop(f);
                Ok(())
            }
            // Another file system: copy next to `dest`, then rename.
            Err(e) => {
                let bytes = fs_err::read(e.file.path()).map_err(|err| Error::io(e.file.path(), &err))?;
                super::config::write_atomically(dest, &bytes, false)
            }
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
    client.get_into(
        url,
        &mut Download {
            limit: MAX_PACKAGE_BYTES,
            sink: &mut sink,
            progress,
        },
    )?;
    let HashingFile { mut file, hasher } = sink;
    file.flush().map_err(|e| Error::io(file.path(), &e))?;
    let actual = hex(&hasher.finalize());
    let verified = ensure_digest(expected, want.as_deref(), &actual, url)?;
    Ok(VerifiedPackage {
        file,
        name: expected.name.clone(),
        version: expected.version.clone(),
        digest: actual,
        verified,
        file_name: file_name_of(url, &expected.name, &expected.version),
    })
}

/// Compares the digest of the download with the wanted one: `Ok(true)` when they are equal,
/// `Ok(false)` when there is none to compare with (the caller accepted that).
fn ensure_digest(expected: &Expected, want: Option<&str>, actual: &str, url: &str) -> Result<bool, Error> {
    match want {
        Some(w) if w == actual => Ok(true),
        Some(w) => Err(Error::DigestMismatch {
            chart: display_name(&expected.name, url),
            version: expected.version.clone(),
            expected: w.to_string(),
            actual: actual.to_string(),
        }),
        None => Ok(false),
    }
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

    /// Streams `data` through a hashing temporary file in chunks of `chunk` bytes.
    fn streamed_digest(data: &[u8], chunk: usize) -> String {
        let mut sink = HashingFile {
            file: tempfile::NamedTempFile::new().unwrap(),
            hasher: Sha256::new(),
        };
        sink.write(b"stale bytes from a failed attempt").unwrap();
        sink.reset().unwrap();
        for c in data.chunks(chunk.max(1)) {
            sink.write(c).unwrap();
        }
        assert_eq!(std::fs::read(sink.file.path()).unwrap(), data);
        hex(&sink.hasher.finalize())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// A one-byte change fails verification; the streamed digest (any chunking, after a
        /// retry's reset) is the digest of the bytes.
        #[test]
        fn one_byte_change_fails_verification(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..4096),
            at in proptest::prelude::any::<proptest::sample::Index>(),
            flip in 1u8..=255,
            chunk in 1usize..700,
        ) {
            let expected = Expected { name: "c".into(), version: "1.0.0".into(), ..Expected::default() };
            let good = sha256_hex(&data);
            proptest::prop_assert_eq!(&streamed_digest(&data, chunk), &good);
            proptest::prop_assert!(ensure_digest(&expected, Some(&good), &good, "u").unwrap());
            let mut bad = data.clone();
            let i = at.index(bad.len());
            bad[i] ^= flip;
            let got = streamed_digest(&bad, chunk);
            let refused = matches!(
                ensure_digest(&expected, Some(&good), &got, "u"),
                Err(Error::DigestMismatch { .. })
            );
            proptest::prop_assert!(refused);
        }
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
