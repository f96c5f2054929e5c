//! A finding: which rule, how severe, where (file, line, object, field) and what.

use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!("unknown severity '{s}' (expected error, warning or info)")),
        }
    }
}

/// The object a finding is about, as `Kind/name` (with its namespace when set).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.kind.is_empty() { "[noKind]" } else { &self.kind };
        let name = if self.name.is_empty() { "[noName]" } else { &self.name };
        write!(f, "{kind}/{name}")
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A rule id from [`crate::lint::RULES`].
    pub rule: &'static str,
    pub severity: Severity,
    /// The source the document came from (a path as given, `-` for standard input).
    pub file: String,
    /// 1-based line: of the field where it could be found, else of the document; 0 unknown.
    pub line: usize,
    pub object: Option<ObjectRef>,
    /// Dotted field path (`spec.template.spec.containers[0].image`), empty for the object.
    pub field: String,
    pub message: String,
}
