//! `edit set image|namespace|nameprefix|namesuffix|replicas`.

use crate::yaml::{Map, Value};

use super::Error;
use super::kustfile::KustFile;
use super::pairs::dns_label_problem;
use crate::overlay::transform::images::split_image;

const IMAGE_FORMS: &str = "use one of <image>:<newtag>, <image>@<digest>, <image>:<newtag>@<digest>, <image>=<newimage>, <image>=<newimage>:<newtag>, <image>=<newimage>@<digest>, <image>=<newimage>:<newtag>@<digest>";

/// `*` as a new name, tag or digest keeps the value already in the file.
const KEEP: &str = "*";

#[derive(Debug, Clone, Default, PartialEq)]
struct ImageEdit {
    name: String,
    new_name: String,
    new_tag: String,
    digest: String,
    /// Fields of an existing entry this edit does not set (e.g. `tagSuffix`).
    rest: Map,
}

fn parse_image(arg: &str) -> Result<ImageEdit, Error> {
    let (key, value) = match arg.split_once('=') {
        Some((k, v)) => (Some(k), v),
        None => (None, arg),
    };
    let (name, tag, digest) = split_image(value);
    if name == arg {
        return Err(Error::arg(format!("invalid format of image '{arg}': {IMAGE_FORMS}")));
    }
    let mut edit = ImageEdit {
        new_tag: tag.to_string(),
        digest: digest.to_string(),
        ..Default::default()
    };
    match key {
        None => edit.name = name.to_string(),
        Some(k) => {
            edit.name = k.to_string();
            edit.new_name = name.to_string();
        }
    }
    Ok(edit)
}

fn image_from_value(v: &Value) -> ImageEdit {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let mut rest = v.as_map().cloned().unwrap_or_default();
    for k in ["name", "newName", "newTag", "digest"] {
        rest.shift_remove(k);
    }
    ImageEdit {
        name: s("name"),
        new_name: s("newName"),
        new_tag: s("newTag"),
        digest: s("digest"),
        rest,
    }
}

fn image_to_value(i: ImageEdit) -> Value {
    let mut m = i.rest;
    for (k, v) in [
        ("name", i.name),
        ("newName", i.new_name),
        ("newTag", i.new_tag),
        ("digest", i.digest),
    ] {
        if !v.is_empty() && v != KEEP {
            m.insert(k.into(), Value::String(v));
        }
    }
    Value::Map(m)
}

/// Sets new names, tags or digests for images: an entry with the same name is replaced
/// (`*` keeps its current new name, tag or digest), others are kept; entries end up
/// sorted by name.
///
/// # Errors
/// No argument or a malformed one.
pub fn set_images(k: &mut KustFile, args: &[String]) -> Result<(), Error> {
    if args.is_empty() {
        return Err(Error::arg("no image specified"));
    }
    let mut edits: Vec<ImageEdit> = Vec::new();
    for a in args {
        let e = parse_image(a)?;
        match edits.iter_mut().find(|x| x.name == e.name) {
            Some(x) => *x = e,
            None => edits.push(e),
        }
    }
    let existing: Vec<ImageEdit> = k
        .get("images")
        .and_then(Value::as_seq)
        .map(|s| s.iter().map(image_from_value).collect())
        .unwrap_or_default();
    for old in existing {
        match edits.iter_mut().find(|x| x.name == old.name) {
            Some(e) => {
                if e.new_name == KEEP {
                    e.new_name = old.new_name.clone();
                }
                if e.new_tag == KEEP {
                    e.new_tag = old.new_tag.clone();
                }
                if e.digest == KEEP {
                    e.digest = old.digest.clone();
                }
                e.rest = old.rest;
            }
            None => edits.push(old),
        }
    }
    edits.sort_by(|a, b| a.name.cmp(&b.name));
    k.set("images", Value::Seq(edits.into_iter().map(image_to_value).collect()));
    Ok(())
}

/// Sets the namespace.
///
/// # Errors
/// Not a valid namespace name.
pub fn set_namespace(k: &mut KustFile, namespace: &str) -> Result<(), Error> {
    if let Some(why) = dns_label_problem(namespace) {
        return Err(Error::arg(format!(
            "\"{namespace}\" is not a valid namespace name: {why}"
        )));
    }
    k.set("namespace", Value::from(namespace));
    Ok(())
}

/// Sets the name prefix.
pub fn set_name_prefix(k: &mut KustFile, prefix: &str) {
    k.set("namePrefix", Value::from(prefix));
}

/// Sets the name suffix.
pub fn set_name_suffix(k: &mut KustFile, suffix: &str) {
    k.set("nameSuffix", Value::from(suffix));
}

/// Sets replica counts (`NAME=COUNT`): an entry with the same name is replaced, entries
/// end up sorted by name.
///
/// # Errors
/// No argument, or one that is not `NAME=COUNT` with an integer count.
pub fn set_replicas(k: &mut KustFile, args: &[String]) -> Result<(), Error> {
    if args.is_empty() {
        return Err(Error::arg("no replicas specified"));
    }
    let mut replicas: Vec<(String, i64)> = Vec::new();
    for a in args {
        let (name, count) = a
            .split_once('=')
            .filter(|(n, c)| !n.is_empty() && !c.is_empty())
            .ok_or_else(|| Error::arg(format!("invalid replicas format '{a}': use NAME=COUNT")))?;
        let count: i64 = count
            .parse()
            .map_err(|_| Error::arg(format!("invalid replicas count '{count}' in '{a}': not an integer")))?;
        match replicas.iter_mut().find(|(n, _)| n == name) {
            Some(r) => r.1 = count,
            None => replicas.push((name.to_string(), count)),
        }
    }
    let mut entries: Vec<Value> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (name, count) in replicas {
        let mut m = Map::default();
        m.insert("count".into(), Value::Int(count));
        m.insert("name".into(), Value::String(name.clone()));
        names.push(name);
        entries.push(Value::Map(m));
    }
    for old in k.get("replicas").and_then(Value::as_seq).cloned().unwrap_or_default() {
        let name = old.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        if !names.contains(&name) {
            names.push(name);
            entries.push(old);
        }
    }
    entries.sort_by(|a, b| {
        let n = |v: &Value| v.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        n(a).cmp(&n(b))
    });
    k.set("replicas", Value::Seq(entries));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(arg: &str) -> (String, String, String, String) {
        let e = parse_image(arg).unwrap();
        (e.name, e.new_name, e.new_tag, e.digest)
    }

    #[test]
    fn image_argument_forms() {
        let s = |x: &str| x.to_string();
        assert_eq!(
            parsed("metallb/controller:v0.8.2"),
            (s("metallb/controller"), s(""), s("v0.8.2"), s(""))
        );
        assert_eq!(parsed("mysql=mariadb"), (s("mysql"), s("mariadb"), s(""), s("")));
        assert_eq!(
            parsed("pg=eu.gcr.io/p/pg:latest"),
            (s("pg"), s("eu.gcr.io/p/pg"), s("latest"), s(""))
        );
        assert_eq!(
            parsed("alpine@sha256:abc"),
            (s("alpine"), s(""), s(""), s("sha256:abc"))
        );
        assert_eq!(parsed("a=b:1@sha256:abc"), (s("a"), s("b"), s("1"), s("sha256:abc")));
        assert_eq!(
            parsed("localhost:5000/app:2"),
            (s("localhost:5000/app"), s(""), s("2"), s(""))
        );
        assert!(parse_image("nginx").is_err());
    }
}
