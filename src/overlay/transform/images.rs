//! The `images` transformer: rewrites container image references.
//!
//! Rules (kustomize v5.5), for each `images:` entry in order:
//! - objects of kind CustomResourceDefinition are never touched;
//! - first pass: every `containers` or `initContainers` list at any depth of the object
//!   (so custom resources with pod specs work): each element's `image` is checked;
//! - second pass: the image field specs (`spec/containers[]/image`, ...). A workload's
//!   pod spec is thus visited twice, which only shows with `tagSuffix` (applied twice);
//! - an image matches when it is the entry's `name` followed by an optional `:tag` (tag
//!   characters `[A-Za-z0-9_.{}-]`) and an optional `@sha256:digest`. kustomize builds a
//!   regular expression from the name, so a `.` in the name matches any character;
//! - a matching image is split into name, tag and digest (a `:` before the first `/` is a
//!   registry port, not a tag), then: `newName` replaces the name; `newTag` and `digest`
//!   together set both; `newTag` alone sets the tag and drops the digest; `digest` alone
//!   sets the digest and drops the tag; else `tagSuffix` is appended to the tag and the
//!   digest dropped. The result is `name[:tag][@digest]`;
//! - an `image` that is a mapping or list is an error; a null one is skipped.

use std::collections::HashSet;

use super::image_match::ImageIndex;
use crate::overlay::error::Error;
use crate::overlay::fieldspec::{CreateKind, visit};
use crate::overlay::kustomization::{Image, Kustomization};
use crate::overlay::resmap::ResMap;
use crate::yaml::Value;

use super::labels::{dotted, object_error};

/// Applies this level's `images` entries to its objects.
///
/// kustomize runs each entry over all objects, both passes; the result for one image field
/// depends only on the entries in order and on how many passes reach that field, so this
/// walks each object once, counts the passes per field, and applies the entries there.
/// That keeps large builds linear in the number of objects.
///
/// # Errors
/// A container `image` of an object is a mapping or a list, a field on the way to an
/// image field spec is a scalar, or an entry's name is not a valid pattern.
pub fn apply(rm: &mut ResMap, k: &Kustomization) -> Result<(), Error> {
    if k.images.is_empty() {
        return Ok(());
    }
    let index = ImageIndex::new(&k.images).map_err(|(i, e)| Error::field(&k.file, format!("images[{i}].name"), e))?;
    for r in rm.iter_mut() {
        if r.kind() == "CustomResourceDefinition" {
            continue;
        }
        let gvk = r.gvk();
        // Fields the field specs reach (the second pass), by address.
        let mut by_spec: HashSet<usize> = HashSet::new();
        let mut result = Ok(());
        for spec in &k.fields.images {
            result = visit(r.value_mut(), &gvk, spec, CreateKind::None, &mut |node| {
                by_spec.insert(node as *const Value as usize);
                Ok(())
            });
            if result.is_err() {
                break;
            }
        }
        // The first pass reaches every container list; apply there with the pass count.
        let mut seen: HashSet<usize> = HashSet::new();
        if result.is_ok() {
            result = walk_containers(r.value_mut(), None, &mut |node, path| {
                let ptr = node as *const Value as usize;
                seen.insert(ptr);
                let passes = 1 + usize::from(by_spec.contains(&ptr));
                apply_all(node, &k.images, &index, passes)
                    .map_err(|found| format!("{}.image: expected a string, found {found}", path()))
            });
        }
        // Spec fields outside any container list get the second pass alone.
        if result.is_ok() && by_spec.iter().any(|p| !seen.contains(p)) {
            for spec in &k.fields.images {
                result = visit(r.value_mut(), &gvk, spec, CreateKind::None, &mut |node| {
                    if seen.contains(&(node as *const Value as usize)) {
                        return Ok(());
                    }
                    apply_all(node, &k.images, &index, 1)
                        .map_err(|found| format!("{}: expected a string, found {found}", dotted(&spec.path)))
                });
                if result.is_err() {
                    break;
                }
            }
        }
        if let Err(message) = result {
            // kustomize stops at the first entry's walk, so the first entry is named.
            return Err(object_error(r, &k.file, "images[0]", &message));
        }
    }
    Ok(())
}

/// Each matching entry in order, `passes` times, on one image field.
fn apply_all(node: &mut Value, images: &[Image], index: &ImageIndex, passes: usize) -> Result<(), &'static str> {
    let mut text = match node {
        Value::Null => return Ok(()),
        Value::Map(_) | Value::Seq(_) => return Err(node.type_name()),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
    };
    let mut after = None;
    let mut changed = false;
    while let Some(i) = index.next_match(&text, after) {
        text = rewrite_matched(&text, &images[i]);
        changed = true;
        // Later passes of the same entry apply only while it still matches.
        for _ in 1..passes {
            if index.matches_entry(&text, i) {
                text = rewrite_matched(&text, &images[i]);
            }
        }
        after = Some(i);
    }
    if changed {
        *node = Value::String(text);
    }
    Ok(())
}

/// A path to a node, built only when a message needs it.
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    key: Option<&'a str>,
    index: usize,
}

impl Path<'_> {
    fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            parts.push(match p.key {
                Some(k) => format!(".{k}"),
                None => format!("[{}]", p.index),
            });
            cur = p.parent;
        }
        parts.reverse();
        parts.concat().trim_start_matches('.').to_string()
    }
}

/// The first pass: calls `f` on the `image` of every element of every
/// `containers`/`initContainers` list anywhere under `node`.
fn walk_containers<F>(node: &mut Value, path: Option<&Path<'_>>, f: &mut F) -> Result<(), String>
where
    F: FnMut(&mut Value, &dyn Fn() -> String) -> Result<(), String>,
{
    match node {
        Value::Map(map) => {
            for (key, value) in map.iter_mut() {
                let here = Path {
                    parent: path,
                    key: Some(key),
                    index: 0,
                };
                walk_containers(value, Some(&here), f)?;
                if key != "containers" && key != "initContainers" {
                    continue;
                }
                let Value::Seq(items) = value else { continue };
                for (i, item) in items.iter_mut().enumerate() {
                    if let Some(image) = item.get_mut("image") {
                        let at = Path {
                            parent: Some(&here),
                            key: None,
                            index: i,
                        };
                        f(image, &|| at.render())?;
                    }
                }
            }
            Ok(())
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let here = Path {
                    parent: path,
                    key: None,
                    index: i,
                };
                walk_containers(item, Some(&here), f)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The new reference for `image`, or `None` when the entry does not match it.
#[cfg(test)]
pub(crate) fn rewrite(image: &str, img: &Image) -> Option<String> {
    let index = ImageIndex::new(std::slice::from_ref(img)).ok()?;
    index.next_match(image, None).map(|_| rewrite_matched(image, img))
}

/// The new reference for an image the entry matches.
fn rewrite_matched(image: &str, img: &Image) -> String {
    let (name, tag, digest) = split(image);
    let mut name = name.to_string();
    let (mut tag, mut digest) = (tag.to_string(), digest.to_string());
    if !img.new_name.is_empty() {
        name.clone_from(&img.new_name);
    }
    match (img.new_tag.is_empty(), img.digest.is_empty()) {
        (false, false) => (tag, digest) = (img.new_tag.clone(), img.digest.clone()),
        (false, true) => (tag, digest) = (img.new_tag.clone(), String::new()),
        (true, false) => (tag, digest) = (String::new(), img.digest.clone()),
        (true, true) if !img.tag_suffix.is_empty() => {
            tag.push_str(&img.tag_suffix);
            digest.clear();
        }
        (true, true) => {}
    }
    if !tag.is_empty() {
        name.push(':');
        name.push_str(&tag);
    }
    if !digest.is_empty() {
        name.push('@');
        name.push_str(&digest);
    }
    name
}

/// Splits `[host[:port]/]path[:tag][@digest]` into name, tag and digest (without their
/// separators). Only the part after the first `/` is searched for `:` and `@`.
fn split(image: &str) -> (&str, &str, &str) {
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[offset..];
    let at = search.find('@').map(|i| i + offset);
    let colon = search.find(':').map(|i| i + offset);
    match (colon, at) {
        (None, None) => (image, "", ""),
        (c, Some(a)) if c.is_none_or(|c| a < c) => (&image[..a], "", &image[a + 1..]),
        (Some(c), Some(a)) => (&image[..c], &image[c + 1..a], &image[a + 1..]),
        (Some(c), None) => (&image[..c], &image[c + 1..], ""),
        (None, Some(_)) => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches_name(image: &str, name: &str) -> bool {
        rewrite(
            image,
            &Image {
                name: name.into(),
                ..Default::default()
            },
        )
        .is_some()
    }
    use crate::overlay::transform::labels::tests::{at, resmap};

    fn image(name: &str, new_name: &str, new_tag: &str, digest: &str, tag_suffix: &str) -> Image {
        Image {
            name: name.into(),
            new_name: new_name.into(),
            new_tag: new_tag.into(),
            digest: digest.into(),
            tag_suffix: tag_suffix.into(),
        }
    }

    #[test]
    fn splits_references() {
        assert_eq!(split("nginx"), ("nginx", "", ""));
        assert_eq!(split("nginx:1.0"), ("nginx", "1.0", ""));
        assert_eq!(split("nginx@sha256:abc"), ("nginx", "", "sha256:abc"));
        assert_eq!(split("nginx:1.0@sha256:abc"), ("nginx", "1.0", "sha256:abc"));
        assert_eq!(split("localhost:5000/app"), ("localhost:5000/app", "", ""));
        assert_eq!(split("localhost:5000/app:1.0"), ("localhost:5000/app", "1.0", ""));
        assert_eq!(
            split("localhost:5000/app@sha256:x"),
            ("localhost:5000/app", "", "sha256:x")
        );
        assert_eq!(split("localhost:5000"), ("localhost", "5000", ""));
    }

    #[test]
    fn matches_names_exactly() {
        assert!(matches_name("nginx", "nginx"));
        assert!(matches_name("nginx:1.0", "nginx"));
        assert!(matches_name("nginx:", "nginx"));
        assert!(matches_name("nginx:latest-{x}", "nginx"));
        assert!(matches_name("nginx@sha256:abc", "nginx"));
        assert!(matches_name("nginx:1@sha256:abc", "nginx"));
        assert!(!matches_name("nginx-extra:1.0", "nginx"));
        assert!(!matches_name("docker.io/nginx:1.0", "nginx"));
        assert!(!matches_name("nginx:1.0@sha512:abc", "nginx"));
        assert!(!matches_name("nginx:1.0:2", "nginx"));
        assert!(matches_name("localhost:5000/app:1.0", "localhost:5000/app"));
        // The name is a pattern: `.` matches anything.
        assert!(matches_name("aXb:1", "a.b"));
    }

    #[test]
    fn rewrites_like_kustomize() {
        let cases = [
            ("nginx:1.0", image("nginx", "", "1.27", "", ""), "nginx:1.27"),
            (
                "localhost:5000/app:1.0",
                image("localhost:5000/app", "reg.io/app", "", "", ""),
                "reg.io/app:1.0",
            ),
            (
                "localhost:5000/app@sha256:x",
                image("localhost:5000/app", "reg.io/app", "", "", ""),
                "reg.io/app@sha256:x",
            ),
            (
                "redis:7@sha256:old",
                image("redis", "", "", "sha256:abc", ""),
                "redis@sha256:abc",
            ),
            (
                "postgres@sha256:old",
                image("postgres", "", "16", "sha256:def", ""),
                "postgres:16@sha256:def",
            ),
            (
                "mongo:6@sha256:abc",
                image("mongo", "m2", "", "", ""),
                "m2:6@sha256:abc",
            ),
            ("mongo:6@sha256:abc", image("mongo", "", "7", "", ""), "mongo:7"),
            (
                "busybox:1.36",
                image("busybox", "", "", "", "-debug"),
                "busybox:1.36-debug",
            ),
            (
                "busybox@sha256:x",
                image("busybox", "", "", "", "-debug"),
                "busybox:-debug",
            ),
            ("busybox:", image("busybox", "", "", "", ""), "busybox"),
            ("tagless", image("tagless", "other", "", "", ""), "other"),
        ];
        for (input, img, want) in cases {
            assert_eq!(rewrite(input, &img).as_deref(), Some(want), "{input}");
        }
        assert_eq!(rewrite("nginx-extra", &image("nginx", "", "1", "", "")), None);
    }

    const OBJECTS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
  - image: busybox:1.36
  containers:
  - image: busybox
  - name: noimage
  - image: null
---
apiVersion: example.com/v1
kind: Thing
metadata:
  name: t
spec:
  deep:
    containers:
    - image: busybox
    list:
    - initContainers:
      - image: busybox
      - just-a-string
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crd
spec:
  containers:
  - image: busybox
";

    #[test]
    fn visits_pod_specs_twice_and_custom_resources_once() {
        let mut rm = resmap(OBJECTS);
        let k = Kustomization {
            file: "kustomization.yaml".into(),
            images: vec![image("busybox", "", "", "", "-x")],
            ..Default::default()
        };
        apply(&mut rm, &k).unwrap();
        let image = |i: usize, path: &[&str], n: usize| {
            at(&rm, i, path).unwrap().as_seq().unwrap()[n]
                .get("image")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        assert_eq!(
            image(0, &["spec", "initContainers"], 0).as_deref(),
            Some("busybox:1.36-x-x")
        );
        assert_eq!(image(0, &["spec", "containers"], 0).as_deref(), Some("busybox:-x-x"));
        assert_eq!(
            at(&rm, 0, &["spec", "containers"]).unwrap().as_seq().unwrap()[2].get("image"),
            Some(&Value::Null)
        );
        assert_eq!(
            image(1, &["spec", "deep", "containers"], 0).as_deref(),
            Some("busybox:-x")
        );
        let list = at(&rm, 1, &["spec", "deep", "list"]).unwrap().as_seq().unwrap()[0].clone();
        assert_eq!(
            list.pointer(&["initContainers"]).unwrap().as_seq().unwrap()[0].get("image"),
            Some(&Value::from("busybox:-x"))
        );
        assert_eq!(image(2, &["spec", "containers"], 0).as_deref(), Some("busybox"));
    }

    #[test]
    fn non_scalar_image_is_an_error() {
        let mut rm =
            resmap("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - image: {a: b}\n");
        let k = Kustomization {
            file: "kustomization.yaml".into(),
            images: vec![image("busybox", "", "1", "", "")],
            ..Default::default()
        };
        let e = apply(&mut rm, &k).unwrap_err();
        assert_eq!(
            e.to_string(),
            "kustomization.yaml: images[0]: v1 Pod p: spec.containers[0].image: expected a string, found a mapping"
        );
    }
}
