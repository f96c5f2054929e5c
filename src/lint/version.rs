//! Kubernetes versions as `--kube-version` takes them: `1.30`, `v1.30`, `1.30.2`.

use std::fmt;
use std::str::FromStr;

/// A Kubernetes minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        KubeVersion { major, minor }
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for KubeVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid Kubernetes version '{s}' (expected e.g. 1.30 or v1.30.2)");
        let t = s.trim().strip_prefix('v').unwrap_or(s.trim());
        let mut parts = t.split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        // A trailing `+` (as in `1.25+`, GKE's `1.25+`) or a patch part is accepted.
        let minor = parts
            .next()
            .map(|p| p.trim_end_matches('+'))
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)?;
        if let Some(patch) = parts.next()
            && (patch.is_empty() || !patch.chars().next().is_some_and(|c| c.is_ascii_digit()))
        {
            return Err(bad());
        }
        Ok(KubeVersion { major, minor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_spellings() {
        for s in ["1.30", "v1.30", "1.30.2", "v1.30.0-gke.1", "1.30+"] {
            assert_eq!(s.parse::<KubeVersion>(), Ok(KubeVersion::new(1, 30)), "{s}");
        }
        for s in ["", "1", "one.two", "1.x", "1.30."] {
            assert!(s.parse::<KubeVersion>().is_err(), "{s}");
        }
        assert!(KubeVersion::new(1, 9) < KubeVersion::new(1, 25));
    }
}
