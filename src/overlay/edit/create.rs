//! `overlay create`: a new kustomization.yaml in a directory, as `kustomize create` writes it.

use std::path::Path;

use crate::yaml::{Dialect, Value, parse_bytes};

use super::Error;
use super::add::expand_resources;
use super::kustfile::KustFile;
use super::pairs::{parse_pairs, validate_annotations, validate_labels};
use crate::overlay::kustomization::FILE_NAMES;

/// The flags of `overlay create`.
#[derive(Debug, Default, Clone)]
pub struct CreateOptions {
    /// Comma-separated resources (globs, directories, remote references).
    pub resources: Option<String>,
    pub namespace: Option<String>,
    /// Comma-separated `k:v` pairs.
    pub labels: Option<String>,
    pub annotations: Option<String>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    /// Add every file of the directory that holds Kubernetes objects.
    pub autodetect: bool,
    /// With `autodetect`: also look in subdirectories (a subdirectory holding a
    /// kustomization is added as a whole).
    pub recursive: bool,
}

/// Writes a new kustomization file in `dir`.
///
/// # Errors
/// A kustomization already there, a resource pattern matching nothing, bad labels or
/// annotations, an unwritable directory.
pub fn create(dir: &Path, o: &CreateOptions) -> Result<KustFile, Error> {
    let mut resources = match o.resources.as_deref().filter(|s| !s.is_empty()) {
        Some(list) => expand_resources(dir, &list.split(',').map(str::to_string).collect::<Vec<_>>())?,
        None => Vec::new(),
    };
    let mut k = KustFile::create(dir)?;
    if o.autodetect {
        for r in detect(dir, Path::new(""), o.recursive) {
            if !resources.contains(&r) {
                resources.push(r);
            }
        }
    }
    let labels = parse_pairs(o.labels.as_slice(), "label")?;
    validate_labels(&labels)?;
    let annotations = parse_pairs(o.annotations.as_slice(), "annotation")?;
    validate_annotations(&annotations)?;
    k.set(
        "resources",
        Value::Seq(resources.into_iter().map(Value::String).collect()),
    );
    k.set("namespace", Value::String(o.namespace.clone().unwrap_or_default()));
    k.set("namePrefix", Value::String(o.name_prefix.clone().unwrap_or_default()));
    k.set("nameSuffix", Value::String(o.name_suffix.clone().unwrap_or_default()));
    k.set("commonAnnotations", Value::Map(annotations));
    k.set("commonLabels", Value::Map(labels));
    k.write()?;
    Ok(k)
}

/// Files under `root/rel` (in name order) that parse as Kubernetes objects; with
/// `recursive`, subdirectories too, a subdirectory with a kustomization file counting as
/// one entry.
fn detect(root: &Path, rel: &Path, recursive: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let rel_path = rel.join(&name);
        let full = root.join(&rel_path);
        let shown = rel_path.to_string_lossy().into_owned();
        if full.is_dir() {
            if !recursive {
                continue;
            }
            if FILE_NAMES.iter().any(|n| full.join(n).exists()) {
                out.push(shown);
            } else {
                out.extend(detect(root, &rel_path, recursive));
            }
        } else if std::fs::read(&full).is_ok_and(|bytes| holds_objects(&bytes, &shown)) {
            out.push(shown);
        }
    }
    out
}

/// Whether a file reads as a stream of Kubernetes objects (every document a mapping with a
/// kind); an empty stream counts, as in kustomize.
fn holds_objects(bytes: &[u8], name: &str) -> bool {
    let Ok(docs) = parse_bytes(bytes, Dialect::Kustomize, name) else {
        return false;
    };
    docs.iter().filter(|d| !d.value.is_null()).all(|d| {
        d.value
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| !k.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_fields_in_kustomize_order() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.yaml", "a.yaml"] {
            std::fs::write(
                dir.path().join(f),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
            )
            .unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), "just text\n").unwrap();
        let o = CreateOptions {
            resources: Some("b.yaml".into()),
            namespace: Some("metallb-system".into()),
            name_prefix: Some("p-".into()),
            labels: Some("app:web".into()),
            autodetect: true,
            ..Default::default()
        };
        create(dir.path(), &o).unwrap();
        let text = std::fs::read_to_string(dir.path().join("kustomization.yaml")).unwrap();
        assert_eq!(
            text,
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- b.yaml\n- a.yaml\nnamePrefix: p-\nnamespace: metallb-system\ncommonLabels:\n  app: web\n"
        );
        let again = create(dir.path(), &o).unwrap_err();
        assert!(again.to_string().contains("already exists"), "{again}");
    }
}
