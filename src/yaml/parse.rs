//! Parsing YAML text into [`Value`] trees (owned by the parser helper).

use super::value::Value;

/// Which reader's scalar rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// kustomize resources: read as kyaml (go-yaml v3) reads them, YAML 1.2-like core schema.
    Kustomize,
    /// Helm values files and kustomization files: YAML 1.1 as go-yaml v2 reads them.
    Helm,
}

/// Bounds that stop hostile input early.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_alias_nodes: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 512, max_alias_nodes: 100_000, max_bytes: 256 << 20 }
    }
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDoc {
    pub value: Value,
    /// 1-based line where the document's content starts.
    pub line: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("{source_name}:{line}: {message}")]
pub struct ParseError {
    pub source_name: String,
    pub line: usize,
    pub message: String,
}

/// Parses a multi-document stream.
///
/// # Errors
/// Invalid YAML, duplicate keys, exceeded limits.
pub fn parse_stream(text: &str, dialect: Dialect, source_name: &str) -> Result<Vec<ParsedDoc>, ParseError> {
    let _ = (text, dialect, source_name);
    unimplemented!("parser")
}

/// Like [`parse_stream`], for bytes that must be UTF-8.
///
/// # Errors
/// Invalid UTF-8 (naming the source), then as [`parse_stream`].
pub fn parse_bytes(bytes: &[u8], dialect: Dialect, source_name: &str) -> Result<Vec<ParsedDoc>, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError {
        source_name: source_name.to_string(),
        line: bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1,
        message: "invalid UTF-8".to_string(),
    })?;
    parse_stream(text, dialect, source_name)
}
