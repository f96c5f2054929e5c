//! Best-practice rules (kube-linter / kube-score style). Each rule file looks at the
//! documents and reports [`Hit`]s; the engine adds severity, location and filtering.
//!
//! Rules read documents and never change them.

mod containers;
mod duplicates;
mod host;
mod namespace;
mod pod;
mod references;
mod selectors;

use crate::resource::Document;

/// A rule firing on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    /// Index of the document in the slice the rules were given.
    pub doc: usize,
    pub field: String,
    pub message: String,
}

impl Hit {
    pub fn new(rule: &'static str, doc: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Hit {
            rule,
            doc,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What the rules need to know about the run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleOptions {
    pub require_namespace: bool,
}

/// Runs every best-practice rule over `docs` (well-formed objects only).
pub fn run(docs: &[&Document], opts: RuleOptions) -> Vec<Hit> {
    let mut hits = Vec::new();
    let pods: Vec<Option<pod::PodSpec<'_>>> = docs.iter().map(|d| pod::PodSpec::of(&d.value)).collect();
    for (i, d) in docs.iter().enumerate() {
        if let Some(pod) = &pods[i] {
            containers::check(i, pod, &mut hits);
            host::check(i, pod, &mut hits);
        }
        selectors::check_workload(i, &d.value, &mut hits);
        if opts.require_namespace {
            namespace::check(i, d, &mut hits);
        }
    }
    selectors::check_services(docs, &pods, &mut hits);
    duplicates::check(docs, &mut hits);
    references::check(docs, &pods, &mut hits);
    hits
}
