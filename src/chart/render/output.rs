//! Printing rendered charts as `helm template` prints them: every document headed
//! `---` and `# Source: chart/templates/FILE`, CRDs first when asked for, hooks last.

use std::collections::BTreeMap;

use super::Rendered;
use super::manifest::Manifest;

/// What to print.
#[derive(Debug, Clone, Default)]
pub struct StreamOptions {
    /// Print the chart's `crds/` files first.
    pub include_crds: bool,
    /// Leave hooks out.
    pub no_hooks: bool,
    /// Only documents from templates matching one of these paths or globs (relative to
    /// the chart, e.g. `templates/service.yaml`, `charts/db/templates/*.yaml`).
    pub show_only: Vec<String>,
}

/// Why the selection failed.
#[derive(Debug, thiserror::Error)]
#[error("--show-only {pattern}: no template of the chart matches")]
pub struct ShowOnlyError {
    pub pattern: String,
}

/// What heads every printed document, before its source.
const ENTRY_HEAD: &str = "---\n# Source: ";

fn entry(out: &mut String, m: &Manifest) {
    out.push_str(ENTRY_HEAD);
    out.push_str(&m.source);
    out.push('\n');
    out.push_str(&m.content);
    out.push('\n');
}

/// The selected documents in print order: CRDs, manifests, hooks.
///
/// # Errors
/// A `show_only` pattern that matches no template.
pub fn select<'a>(r: &'a Rendered, opts: &StreamOptions) -> Result<Vec<&'a Manifest>, ShowOnlyError> {
    let mut all: Vec<&Manifest> = Vec::new();
    if opts.include_crds {
        all.extend(&r.crds);
    }
    all.extend(&r.manifests);
    if !opts.no_hooks {
        all.extend(&r.hooks);
    }
    if opts.show_only.is_empty() {
        return Ok(all);
    }
    for p in &opts.show_only {
        if !all.iter().any(|m| matches(p, &m.source)) {
            return Err(ShowOnlyError { pattern: p.clone() });
        }
    }
    Ok(all
        .into_iter()
        .filter(|m| opts.show_only.iter().any(|p| matches(p, &m.source)))
        .collect())
}

/// Whether a `--show-only` pattern names a source: the path without the chart's name
/// (`templates/x.yaml`), matched as a glob whose `*` stays within one path segment.
fn matches(pattern: &str, source: &str) -> bool {
    let relative = source.split_once('/').map_or(source, |(_, rest)| rest);
    pattern == source || glob_match(pattern.trim_start_matches("./"), relative)
}

fn glob_match(p: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    fn go(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('*') => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != '/')
                .any(|i| go(&p[1..], &s[i..])),
            Some('?') => s.first().is_some_and(|&c| c != '/') && go(&p[1..], &s[1..]),
            Some(&c) => s.first() == Some(&c) && go(&p[1..], &s[1..]),
        }
    }
    go(&p, &s)
}

/// The text `helm template` prints: CRDs and manifests, trimmed, then the hooks.
///
/// # Errors
/// A `show_only` pattern that matches no template.
pub fn to_helm_stream(r: &Rendered, opts: &StreamOptions) -> Result<String, ShowOnlyError> {
    let selected = select(r, opts)?;
    // Sized up front: the stream is megabytes for a large chart.
    let size: usize = selected
        .iter()
        .map(|m| ENTRY_HEAD.len() + m.source.len() + m.content.len() + 2)
        .sum();
    let mut body = String::with_capacity(size + 1);
    let mut hooks = String::new();
    for m in selected {
        if m.hooks.is_empty() {
            entry(&mut body, m);
        } else {
            entry(&mut hooks, m);
        }
    }
    // The body, trimmed: it starts with an entry's head (or is empty), so only its end
    // needs it.
    body.truncate(body.trim_end().len());
    if !body.is_empty() {
        body.push('\n');
    }
    body.push_str(&hooks);
    Ok(body)
}

/// The files `helm template --output-dir` writes: each source path with its documents,
/// in print order.
///
/// # Errors
/// A `show_only` pattern that matches no template.
pub fn to_files(r: &Rendered, opts: &StreamOptions) -> Result<BTreeMap<String, String>, ShowOnlyError> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for m in select(r, opts)? {
        entry(files.entry(m.source.clone()).or_default(), m);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_only_globs_stay_in_a_segment() {
        assert!(matches("templates/a.yaml", "c/templates/a.yaml"));
        assert!(matches("templates/*.yaml", "c/templates/a.yaml"));
        assert!(!matches("templates/*.yaml", "c/templates/sub/a.yaml"));
        assert!(matches("charts/db/templates/*", "c/charts/db/templates/s.yaml"));
    }
}
