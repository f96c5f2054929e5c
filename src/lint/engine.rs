//! One lint run: object shape, deprecated APIs, schemas, best-practice rules, then the
//! filters (disabled rules, per-object annotations) and field line numbers.

use std::collections::{HashMap, HashSet};

use super::catalogue::rule_by_id;
use super::config::ignored_by;
use super::deprecation::{self, Status};
use super::finding::{Finding, ObjectRef, Severity};
use super::input::Input;
use super::rules::{self, Hit, RuleOptions};
use super::schema::{self, Schemas, Verdict};
use super::version::KubeVersion;
use crate::resource::Document;
use crate::yaml::Value;

/// How to lint.
#[derive(Debug, Clone)]
pub struct Options {
    pub kube_version: KubeVersion,
    /// Rule ids switched off.
    pub disabled: HashSet<String>,
    pub ignore_missing_schemas: bool,
    pub require_namespace: bool,
    /// CustomResourceDefinitions whose schemas apply besides those in the input.
    pub crds: Vec<Value>,
    /// Fill [`Report::objects`] (JUnit lists every object).
    pub list_objects: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kube_version: schema::SCHEMA_VERSION.parse().expect("schema version parses"),
            disabled: HashSet::new(),
            ignore_missing_schemas: false,
            require_namespace: false,
            crds: Vec::new(),
            list_objects: false,
        }
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Sorted by source (in input order), then line.
    pub findings: Vec<Finding>,
    pub documents: usize,
    pub sources: usize,
    /// Every object linted with its source, in input order, when [`Options::list_objects`].
    pub objects: Vec<(String, ObjectRef)>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}

fn object_ref(v: &Value) -> ObjectRef {
    ObjectRef {
        api_version: v.str_at(&["apiVersion"]).unwrap_or_default().to_string(),
        kind: v.str_at(&["kind"]).unwrap_or_default().to_string(),
        name: v.str_at(&["metadata", "name"]).unwrap_or_default().to_string(),
        namespace: v.str_at(&["metadata", "namespace"]).unwrap_or_default().to_string(),
    }
}

/// What is missing for `v` to be an object, if anything.
fn shape_problem(v: &Value) -> Option<(&'static str, String)> {
    let missing = |field| Some((field, format!("{field} is missing")));
    if v.str_at(&["apiVersion"]).is_none_or(str::is_empty) {
        return missing("apiVersion");
    }
    if v.str_at(&["kind"]).is_none_or(str::is_empty) {
        return missing("kind");
    }
    let named = |k| v.str_at(&["metadata", k]).is_some_and(|n| !n.is_empty());
    if !named("name") && !named("generateName") {
        return missing("metadata.name");
    }
    None
}

/// Lints the input.
pub fn lint(input: &Input, opts: &Options) -> Report {
    let mut schemas = Schemas::new();
    for crd in opts.crds.iter().chain(input.documents.iter().map(|d| &d.value)) {
        if schema::is_crd(crd) {
            schemas.add_crd(crd);
        }
    }
    let mut hits: Vec<Hit> = Vec::new();
    let mut objects: Vec<&Document> = Vec::new();
    let mut index_of = Vec::new();
    for (i, d) in input.documents.iter().enumerate() {
        if let Some((field, message)) = shape_problem(&d.value) {
            hits.push(Hit::new("invalid-object", i, field, message));
            continue;
        }
        objects.push(d);
        index_of.push(i);
        check_api(i, d, &schemas, opts, &mut hits);
    }
    let rule_opts = RuleOptions {
        require_namespace: opts.require_namespace,
    };
    for mut h in rules::run(&objects, rule_opts) {
        h.doc = index_of[h.doc];
        hits.push(h);
    }
    let mut findings: Vec<Finding> = input
        .findings
        .iter()
        .filter(|f| !opts.disabled.contains(f.rule))
        .cloned()
        .collect();
    let mut seen = HashSet::new();
    for h in hits {
        if opts.disabled.contains(h.rule) {
            continue;
        }
        // A pod-level setting seen from each container is one finding.
        if !seen.insert((h.rule, h.doc, h.field.clone(), h.message.clone())) {
            continue;
        }
        let d = &input.documents[h.doc];
        if ignored_by(&d.value).contains(&h.rule) {
            continue;
        }
        let line = match input.texts.get(&d.source) {
            Some(text) => text.locate(d.line, &h.field),
            None => d.line,
        };
        findings.push(Finding {
            rule: h.rule,
            severity: rule_by_id(h.rule).map_or(Severity::Error, |r| r.severity),
            file: d.source.clone(),
            line,
            object: Some(object_ref(&d.value)),
            field: h.field,
            message: h.message,
        });
    }
    let order: HashMap<&str, usize> = input.sources.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    findings.sort_by_cached_key(|f| (order.get(f.file.as_str()).copied().unwrap_or(usize::MAX), f.line));
    Report {
        findings,
        documents: input.documents.len(),
        sources: input.sources.len(),
        objects: if opts.list_objects {
            input
                .documents
                .iter()
                .map(|d| (d.source.clone(), object_ref(&d.value)))
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// Deprecated or removed apiVersion, then the schema.
fn check_api(i: usize, d: &Document, schemas: &Schemas, opts: &Options, hits: &mut Vec<Hit>) {
    let gvk = d.gvk();
    let target = opts.kube_version;
    match deprecation::status(&gvk, target) {
        Some(Status::Removed(dep)) => {
            hits.push(Hit::new(
                "removed-api",
                i,
                "apiVersion",
                format!(
                    "{} {} was removed in Kubernetes {} (target {target}): {}",
                    dep.api_version,
                    dep.kind,
                    dep.removed,
                    dep.advice()
                ),
            ));
            return;
        }
        Some(Status::Deprecated(dep)) => hits.push(Hit::new(
            "deprecated-api",
            i,
            "apiVersion",
            format!(
                "{} {} is deprecated since Kubernetes {} and removed in {}: {}",
                dep.api_version,
                dep.kind,
                dep.deprecated,
                dep.removed,
                dep.advice()
            ),
        )),
        None => {}
    }
    match schemas.validate(&d.value) {
        Verdict::Checked(violations) => {
            for v in violations {
                hits.push(Hit::new("schema", i, v.path, v.message));
            }
        }
        // An API the table knows was served by older versions; the bundled schemas are
        // of the newest only.
        Verdict::Unknown if deprecation::find(&gvk).is_some() || opts.ignore_missing_schemas => {}
        Verdict::Unknown => hits.push(Hit::new(
            "unknown-kind",
            i,
            "kind",
            format!(
                "no schema for {} {} (Kubernetes {} or a CRD in the input)",
                gvk.api_version(),
                gvk.kind,
                schema::SCHEMA_VERSION
            ),
        )),
    }
}
