//! Safe in-memory extraction of gzip'd tar archives (chart packages).
//!
//! Nothing touches the disk. Every entry is checked before it is kept:
//! - only regular files and directories; symlinks, hard links, devices and FIFOs are refused
//!   (a link could point outside the chart, a device or FIFO could block or leak);
//! - paths are `/`-separated (`\` is read as `/`), relative, with no `..` element, no drive
//!   letter, not empty after cleaning;
//! - sizes are counted on the bytes actually decompressed, never taken from tar headers:
//!   each file at most [`Limits::max_file`] (Helm: 5 MiB), the whole decompressed stream at
//!   most [`Limits::max_total`] (Helm: 100 MiB), and at most [`Limits::max_entries`] entries.
//!
//! Shared by chart loading and the repository client: `repo` may not import `chart`, so
//! the extractor sits below both.

use std::io::Read;

/// Caps applied while extracting.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Decompressed bytes of the whole tar stream.
    pub max_total: u64,
    /// Bytes of one file.
    pub max_file: u64,
    /// Number of entries.
    pub max_entries: usize,
}

impl Default for Limits {
    /// Helm's defaults: 100 MiB per chart, 5 MiB per file; and 100,000 entries.
    fn default() -> Self {
        Limits {
            max_total: 100 << 20,
            max_file: 5 << 20,
            max_entries: 100_000,
        }
    }
}

/// One regular file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Cleaned relative path, `/`-separated.
    pub path: String,
    pub data: Vec<u8>,
}

/// Why an archive was refused.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{source_name}: not a gzip'd tar archive: {message}")]
    Corrupt { source_name: String, message: String },
    #[error("{source_name}: {entry}: {reason}")]
    Refused {
        source_name: String,
        entry: String,
        reason: String,
    },
    #[error("{source_name}: decompressed size exceeds the limit of {limit} bytes")]
    TooLarge { source_name: String, limit: u64 },
    #[error("{source_name}: {entry}: file exceeds the limit of {limit} bytes")]
    FileTooLarge {
        source_name: String,
        entry: String,
        limit: u64,
    },
    #[error("{source_name}: more than {limit} entries")]
    TooManyEntries { source_name: String, limit: usize },
}

/// A reader that fails once more than `limit` bytes have come through it.
struct Capped<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(CAP_MARKER));
        }
        Ok(n)
    }
}

const CAP_MARKER: &str = "rudder: decompressed size cap reached";

/// Extracts the regular files of a gzip'd tar archive held in memory, in archive order.
///
/// # Errors
/// A corrupt stream, a refused entry (link, device, FIFO, absolute path, `..`), a file or
/// the whole stream over its cap, or too many entries; each naming `source_name` and the entry.
pub fn extract(bytes: &[u8], limits: &Limits, source_name: &str) -> Result<Vec<Entry>, ArchiveError> {
    let gz = flate2::read::GzDecoder::new(bytes);
    let capped = Capped {
        inner: gz,
        read: 0,
        limit: limits.max_total,
    };
    let mut archive = tar::Archive::new(capped);
    let corrupt = |e: std::io::Error| {
        if e.to_string().contains(CAP_MARKER) {
            ArchiveError::TooLarge {
                source_name: source_name.to_string(),
                limit: limits.max_total,
            }
        } else {
            ArchiveError::Corrupt {
                source_name: source_name.to_string(),
                message: e.to_string(),
            }
        }
    };
    let mut out = Vec::new();
    let mut count = 0usize;
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        count += 1;
        if count > limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                source_name: source_name.to_string(),
                limit: limits.max_entries,
            });
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let refuse = |reason: &str| ArchiveError::Refused {
            source_name: source_name.to_string(),
            entry: raw.clone(),
            reason: reason.to_string(),
        };
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Directory | tar::EntryType::XGlobalHeader => continue,
            tar::EntryType::Symlink => return Err(refuse("symbolic links are not allowed")),
            tar::EntryType::Link => return Err(refuse("hard links are not allowed")),
            tar::EntryType::Char | tar::EntryType::Block => return Err(refuse("device files are not allowed")),
            tar::EntryType::Fifo => return Err(refuse("FIFOs are not allowed")),
            _ => return Err(refuse("unsupported entry type")),
        }
        let path = clean_path(&raw).map_err(refuse)?;
        let mut data = Vec::new();
        (&mut entry)
            .take(limits.max_file + 1)
            .read_to_end(&mut data)
            .map_err(corrupt)?;
        if data.len() as u64 > limits.max_file {
            return Err(ArchiveError::FileTooLarge {
                source_name: source_name.to_string(),
                entry: raw,
                limit: limits.max_file,
            });
        }
        out.push(Entry { path, data });
    }
    Ok(out)
}

/// Cleans an entry path: `\` to `/`, `.` and empty elements dropped; refuses absolute paths,
/// drive letters and `..`.
pub fn clean_path(raw: &str) -> Result<String, &'static str> {
    let p = raw.replace('\\', "/");
    if p.starts_with('/') {
        return Err("absolute paths are not allowed");
    }
    let b = p.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err("absolute paths are not allowed");
    }
    let mut parts = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("paths may not refer to a parent directory"),
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err("empty path");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            // Write the name bytes directly so hostile names reach the archive unchanged.
            let gnu = h.as_gnu_mut().unwrap();
            gnu.name[..name.len()].copy_from_slice(name.as_bytes());
            if *kind == tar::EntryType::Symlink {
                h.set_link_name("/etc/passwd").unwrap();
            }
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        let tar = b.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn keeps_regular_files() {
        let bytes = tgz(&[("c/Chart.yaml", tar::EntryType::Regular, b"name: c")]);
        let got = extract(&bytes, &Limits::default(), "c.tgz").unwrap();
        assert_eq!(got[0].path, "c/Chart.yaml");
        assert_eq!(got[0].data, b"name: c");
    }

    #[test]
    fn refuses_hostile_entries() {
        let cases: [(&str, tar::EntryType, &str); 5] = [
            ("c/../../etc/x", tar::EntryType::Regular, "parent"),
            ("/etc/x", tar::EntryType::Regular, "absolute"),
            ("c/link", tar::EntryType::Symlink, "symbolic"),
            ("c/dev", tar::EntryType::Char, "device"),
            ("c/fifo", tar::EntryType::Fifo, "FIFO"),
        ];
        for (name, kind, want) in cases {
            let err = extract(&tgz(&[(name, kind, b"")]), &Limits::default(), "c.tgz").unwrap_err();
            assert!(err.to_string().contains(want), "{name}: {err}");
        }
    }

    #[test]
    fn caps_count_decompressed_bytes() {
        let big = vec![b'a'; 4096];
        let bytes = tgz(&[("c/big", tar::EntryType::Regular, &big)]);
        let small = Limits {
            max_file: 1000,
            ..Limits::default()
        };
        assert!(matches!(
            extract(&bytes, &small, "c.tgz"),
            Err(ArchiveError::FileTooLarge { .. })
        ));
        let tiny = Limits {
            max_total: 2000,
            ..Limits::default()
        };
        assert!(matches!(
            extract(&bytes, &tiny, "c.tgz"),
            Err(ArchiveError::TooLarge { .. })
        ));
        assert!(matches!(
            extract(b"not gzip", &Limits::default(), "c.tgz"),
            Err(ArchiveError::Corrupt { .. })
        ));
    }
}
