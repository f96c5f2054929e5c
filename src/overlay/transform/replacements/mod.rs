//! The `replacements` transformer: copy a field of one object into fields of others.
//! Runs last among the built-in transformers of a kustomization (after images), and as
//! the `ReplacementTransformer` plugin.
//!
//! Part of `overlay`; see `spec` (reading entries), `path` (field paths), `select`
//! (choosing objects) and `apply` (writing values) for kustomize's rules.

mod apply;
mod path;
mod select;
mod spec;

pub use spec::{Entry, Replacement, parse_entries, parse_file};

use crate::overlay::error::Error;
use crate::overlay::loader::Loader;
use crate::overlay::resmap::ResMap;
use crate::yaml::{self, Dialect, Value};

/// Resolves `path:` entries (reading their files) into the full list of replacements.
///
/// # Errors
/// An unreadable or malformed replacement file, naming the kustomization file and entry.
pub fn load(entries: &[Entry], ldr: &Loader, file: &str) -> Result<Vec<Replacement>, Error> {
    let mut out = Vec::new();
    for e in entries {
        match e {
            Entry::Inline(r) => out.push((**r).clone()),
            Entry::Path { path, entry } => {
                let bytes = ldr.read(path, file, entry)?;
                let shown = ldr.display(path);
                let docs = yaml::parse_bytes(&bytes, Dialect::Kustomize, &shown)?;
                let doc = docs
                    .into_iter()
                    .map(|d| d.value)
                    .find(|v| !v.is_null())
                    .unwrap_or(Value::Null);
                let list = parse_file(&doc, entry, path).map_err(|(field, m)| Error::field(file, field, m))?;
                out.extend(list);
            }
        }
    }
    Ok(out)
}

/// Applies the replacements in order.
///
/// # Errors
/// An unresolvable source or target, as a one-line error naming `file` and the entry.
pub fn apply(rm: &mut ResMap, list: &[Replacement], file: &str) -> Result<(), Error> {
    for r in list {
        apply::apply_one(rm, r).map_err(|m| Error::field(file, &r.entry, m))?;
        // kustomize rebuilds its objects after the filter: each still needs a name.
        if let Some(bad) = rm
            .iter()
            .find(|res| res.value().str_at(&["metadata", "name"]).is_none_or(str::is_empty))
        {
            return Err(Error::field(
                file,
                &r.entry,
                format!("missing metadata.name in {} object after the replacement", bad.kind()),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::transform::labels::tests::{at, resmap};

    fn list(text: &str) -> Vec<Replacement> {
        let v = yaml::first_document(text);
        parse_entries(v.as_seq().unwrap(), "replacements")
            .unwrap()
            .into_iter()
            .map(|e| match e {
                Entry::Inline(r) => *r,
                Entry::Path { .. } => panic!("inline only"),
            })
            .collect()
    }

    const OBJS: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  port: \"8080\"
  image: repo/app:1.2.3
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: old
        env:
        - name: PORT
          value: x
";

    #[test]
    fn copies_values_keeping_target_types() {
        let mut rm = resmap(OBJS);
        let r = list(
            "- source: {kind: ConfigMap, name: cfg, fieldPath: data.port}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths:\n    - spec.template.spec.containers.[name=app].env.[name=PORT].value\n    - spec.replicas\n- source: {kind: ConfigMap, fieldPath: data.image, options: {delimiter: ':', index: 1}}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.0.image]\n    options: {delimiter: ':', index: 1}\n",
        );
        apply(&mut rm, &r, "k.yaml").unwrap();
        let c = &at(&rm, 1, &["spec", "template", "spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(
            c.pointer(&["env"]).unwrap().as_seq().unwrap()[0].get("value"),
            Some(&Value::from("8080"))
        );
        assert_eq!(at(&rm, 1, &["spec", "replicas"]), Some(&Value::Int(8080)));
        assert_eq!(c.get("image"), Some(&Value::from("old:1.2.3")));
    }

    #[test]
    fn errors_name_the_entry() {
        let mut rm = resmap(OBJS);
        let e = apply(
            &mut rm,
            &list("- source: {kind: Secret}\n  targets: [{select: {kind: Deployment}}]\n"),
            "k.yaml",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("k.yaml: replacements[0]: source selects nothing"),
            "{e}"
        );
        let e = apply(
            &mut rm,
            &list("- source: {name: cfg}\n  targets: [{select: {kind: Deployment}, fieldPaths: [spec.nope]}]\n"),
            "k.yaml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("unable to find field spec.nope"), "{e}");
    }
}
