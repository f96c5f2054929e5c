//! `edit add resource|patch|label|annotation|configmap|secret`.

use std::path::Path;

use crate::yaml::{Map, Value};

use super::Error;
use super::glob::glob;
use super::kustfile::KustFile;
use super::pairs::{parse_pairs, validate_annotations, validate_labels};

/// Whether a resource entry names something kustomize would fetch instead of read.
pub(super) fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("git::")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
}

/// Expands file patterns as kustomize does for resources: globs relative to `dir`; a
/// pattern matching nothing is kept only when it is a remote reference.
///
/// # Errors
/// A malformed pattern or a local pattern that matches nothing.
pub(super) fn expand_resources(dir: &Path, patterns: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for p in patterns {
        let found = glob(dir, p).map_err(Error::arg)?;
        if !found.is_empty() {
            out.extend(found);
        } else if is_remote(p) {
            out.push(p.clone());
        } else {
            return Err(Error::arg(format!("{p} has no match: no such file or directory")));
        }
    }
    Ok(out)
}

/// Adds resources (file globs, directories, remote references), skipping those already
/// listed (with a note on stderr) and the kustomization file itself.
///
/// # Errors
/// No argument, or a pattern that matches nothing.
pub fn add_resources(k: &mut KustFile, patterns: &[String], notes: &mut Vec<String>) -> Result<bool, Error> {
    if patterns.is_empty() {
        return Err(Error::arg("must specify a resource file"));
    }
    let found = expand_resources(k.dir(), patterns)?;
    if found.is_empty() {
        return Ok(false);
    }
    let own = k
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut list = k.strings("resources");
    for r in found {
        if r == own {
            continue;
        }
        if list.contains(&r) {
            notes.push(format!("resource {r} already in kustomization file"));
            continue;
        }
        list.push(r);
    }
    k.set("resources", Value::Seq(list.into_iter().map(Value::String).collect()));
    Ok(true)
}

/// The flags of `add patch`.
#[derive(Debug, Default, Clone)]
pub struct PatchFlags {
    pub path: Option<String>,
    pub patch: Option<String>,
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

/// Adds a `patches` entry (a file or inline patch with an optional target); an identical
/// entry already present is left alone (returns false).
///
/// # Errors
/// Both or neither of `--path` and `--patch`.
pub fn add_patch(k: &mut KustFile, f: &PatchFlags) -> Result<bool, Error> {
    let nonempty = |o: &Option<String>| o.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let (path, patch) = (nonempty(&f.path), nonempty(&f.patch));
    match (&path, &patch) {
        (Some(_), Some(_)) => return Err(Error::arg("patch and path can't be set at the same time")),
        (None, None) => return Err(Error::arg("must provide either patch or path")),
        _ => {}
    }
    let mut entry = Map::default();
    if let Some(p) = path {
        entry.insert("path".into(), Value::String(p));
    }
    if let Some(p) = patch {
        entry.insert("patch".into(), Value::String(p));
    }
    let mut target = Map::default();
    for (key, v) in [
        ("group", &f.group),
        ("version", &f.version),
        ("kind", &f.kind),
        ("name", &f.name),
        ("namespace", &f.namespace),
        ("labelSelector", &f.label_selector),
        ("annotationSelector", &f.annotation_selector),
    ] {
        if let Some(v) = nonempty(v) {
            target.insert(key.into(), Value::String(v));
        }
    }
    if !target.is_empty() {
        entry.insert("target".into(), Value::Map(target));
    }
    let entry = Value::Map(entry);
    let Value::Seq(list) = k.entry("patches", Value::Seq(Vec::new())) else {
        return Err(Error::arg("patches is not a list"));
    };
    if list.contains(&entry) {
        return Ok(false);
    }
    list.push(entry);
    Ok(true)
}

/// Which map `add label` writes to.
#[derive(Debug, Default, Clone, Copy)]
pub struct LabelMode {
    /// Add to `labels:` (without selectors) instead of `commonLabels`.
    pub without_selector: bool,
    /// With `without_selector`: also label pod templates.
    pub include_templates: bool,
}

fn add_to_map(k: &mut KustFile, field: &str, pairs: Map, kind: &str, force: bool) -> Result<(), Error> {
    let Value::Map(m) = k.entry(field, Value::Map(Map::default())) else {
        return Err(Error::arg(format!("{field} is not a mapping")));
    };
    for (key, v) in pairs {
        if m.contains_key(&key) && !force {
            return Err(Error::arg(format!("{kind} {key} already in kustomization file")));
        }
        m.insert(key, v);
    }
    Ok(())
}

/// Adds common labels (`k:v`, comma-separated or several arguments); with `force` an
/// existing key is overwritten, otherwise it is an error.
///
/// # Errors
/// No argument, a malformed pair, an invalid label, or an existing key without `force`.
pub fn add_labels(k: &mut KustFile, args: &[String], force: bool, mode: LabelMode) -> Result<(), Error> {
    if args.is_empty() {
        return Err(Error::arg("must specify label"));
    }
    if mode.include_templates && !mode.without_selector {
        return Err(Error::arg(
            "--without-selector flag must be specified for --include-templates to work",
        ));
    }
    let pairs = parse_pairs(args, "label")?;
    validate_labels(&pairs)?;
    if !mode.without_selector {
        return add_to_map(k, "commonLabels", pairs, "label", force);
    }
    let Value::Seq(sets) = k.entry("labels", Value::Seq(Vec::new())) else {
        return Err(Error::arg("labels is not a list"));
    };
    // Each call adds its own label set, as kustomize does.
    let mut set = Map::default();
    set.insert("pairs".into(), Value::Map(pairs));
    if mode.include_templates {
        set.insert("includeTemplates".into(), Value::Bool(true));
    }
    sets.push(Value::Map(set));
    Ok(())
}

/// Adds common annotations, as [`add_labels`] does labels.
///
/// # Errors
/// No argument, a malformed pair, an invalid key, or an existing key without `force`.
pub fn add_annotations(k: &mut KustFile, args: &[String], force: bool) -> Result<(), Error> {
    if args.is_empty() {
        return Err(Error::arg("must specify annotation"));
    }
    let pairs = parse_pairs(args, "annotation")?;
    validate_annotations(&pairs)?;
    add_to_map(k, "commonAnnotations", pairs, "annotation", force)
}

/// The flags of `add configmap` / `add secret`.
#[derive(Debug, Default, Clone)]
pub struct GeneratorFlags {
    pub name: String,
    pub namespace: Option<String>,
    pub from_file: Vec<String>,
    pub from_literal: Vec<String>,
    pub from_env_file: Option<String>,
    pub behavior: Option<String>,
    pub disable_name_suffix_hash: bool,
    /// Secrets only.
    pub secret_type: Option<String>,
}

/// Expands `[key=]pattern` file sources: globs become their matches; with a key, the
/// pattern must match exactly one file.
fn expand_file_sources(dir: &Path, sources: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for s in sources {
        let parts: Vec<&str> = s.split('=').collect();
        let (key, pattern) = if parts.len() == 2 {
            (Some(parts[0]), parts[1])
        } else {
            (None, s.as_str())
        };
        let found = glob(dir, pattern).map_err(Error::arg)?;
        match key {
            Some(key) => {
                if found.len() != 1 {
                    return Err(Error::arg(format!(
                        "'pattern '{s}' catches files [{}], should catch only one",
                        found.join(" ")
                    )));
                }
                out.push(format!("{key}={}", found[0]));
            }
            None if found.is_empty() => {
                return Err(Error::arg(format!("{pattern}: no such file or directory")));
            }
            None => out.extend(found),
        }
    }
    Ok(out)
}

fn check_sources(dir: &Path, f: &GeneratorFlags, files: &[String]) -> Result<(), Error> {
    if f.from_env_file.is_none() && files.is_empty() && f.from_literal.is_empty() {
        return Err(Error::arg(
            "at least from-env-file, or from-file or from-literal must be set",
        ));
    }
    if f.from_env_file.is_some() && (!files.is_empty() || !f.from_literal.is_empty()) {
        return Err(Error::arg(
            "from-env-file cannot be combined with from-file or from-literal",
        ));
    }
    if let Some(b) = &f.behavior
        && !["create", "merge", "replace"].contains(&b.as_str())
    {
        return Err(Error::arg(
            "invalid behavior: must be one of \"create\", \"merge\", or \"replace\"",
        ));
    }
    for lit in &f.from_literal {
        match lit.split_once('=') {
            Some((k, _)) if !k.is_empty() => {}
            _ => return Err(Error::arg(format!("invalid literal source {lit}, expected key=value"))),
        }
    }
    for file in files.iter().chain(&f.from_env_file) {
        let path = file.split_once('=').map_or(file.as_str(), |(_, p)| p);
        if !dir.join(path).exists() {
            return Err(Error::arg(format!("{path}: no such file or directory")));
        }
    }
    Ok(())
}

fn add_generator(k: &mut KustFile, field: &str, f: &GeneratorFlags) -> Result<(), Error> {
    if f.name.is_empty() {
        return Err(Error::arg("name must be specified once"));
    }
    let files = expand_file_sources(k.dir(), &f.from_file)?;
    check_sources(k.dir(), f, &files)?;
    let Value::Seq(list) = k.entry(field, Value::Seq(Vec::new())) else {
        return Err(Error::arg(format!("{field} is not a list")));
    };
    let ns = f.namespace.clone().unwrap_or_default();
    let pos = list.iter().position(|e| {
        e.get("name").and_then(Value::as_str) == Some(f.name.as_str())
            && e.get("namespace").and_then(Value::as_str).unwrap_or_default() == ns
    });
    let idx = match pos {
        Some(i) => i,
        None => {
            let mut m = Map::default();
            m.insert("name".into(), Value::String(f.name.clone()));
            if !ns.is_empty() {
                m.insert("namespace".into(), Value::String(ns));
            }
            list.push(Value::Map(m));
            list.len() - 1
        }
    };
    let Value::Map(entry) = &mut list[idx] else {
        return Err(Error::arg(format!("{field}[{idx}] is not a mapping")));
    };
    let mut extend = |key: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        match entry.entry(key.to_string()).or_insert(Value::Seq(Vec::new())) {
            Value::Seq(s) => s.extend(items.into_iter().map(Value::String)),
            other => *other = Value::Seq(items.into_iter().map(Value::String).collect()),
        }
    };
    extend("literals", f.from_literal.clone());
    extend("files", files);
    extend("envs", f.from_env_file.iter().cloned().collect());
    if f.disable_name_suffix_hash {
        let mut o = Map::default();
        o.insert("disableNameSuffixHash".into(), Value::Bool(true));
        entry.insert("options".into(), Value::Map(o));
    }
    if let Some(b) = &f.behavior {
        entry.insert("behavior".into(), Value::String(b.clone()));
    }
    if let Some(t) = f.secret_type.as_ref().filter(|t| !t.is_empty()) {
        entry.insert("type".into(), Value::String(t.clone()));
    }
    Ok(())
}

/// Adds (or extends, when one with the same name and namespace exists) a
/// `configMapGenerator` entry.
///
/// # Errors
/// No sources, env file mixed with others, a bad behavior, literal or missing file.
pub fn add_configmap(k: &mut KustFile, f: &GeneratorFlags) -> Result<(), Error> {
    add_generator(k, "configMapGenerator", f)
}

/// Adds (or extends) a `secretGenerator` entry; the type (default `Opaque`) is recorded.
///
/// # Errors
/// As [`add_configmap`].
pub fn add_secret(k: &mut KustFile, f: &GeneratorFlags) -> Result<(), Error> {
    add_generator(k, "secretGenerator", f)
}
