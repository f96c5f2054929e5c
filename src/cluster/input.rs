//! Reading `-f FILE|DIR|-` inputs into documents: YAML (or JSON) streams, `List` kinds flattened.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::resource::Document;
use crate::yaml::{self, Dialect, Value};

use super::ClusterError;

/// One `-f` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-`: standard input.
    Stdin,
    /// A file, or a directory whose `.yaml`, `.yml` and `.json` files are read in name order.
    Path(PathBuf),
}

impl Input {
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

/// Reads every input, in order, into documents. Empty documents are skipped; `kind: List` (and any
/// `*List` carrying `items`) is replaced by its items.
///
/// # Errors
/// An unreadable file, invalid YAML, or a document that is not an object with apiVersion, kind and
/// metadata.name.
pub fn read_inputs(inputs: &[Input], stdin: &mut dyn Read) -> Result<Vec<Document>, ClusterError> {
    let mut docs = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => {
                let mut text = String::new();
                stdin.read_to_string(&mut text).map_err(|e| ClusterError::ReadInput {
                    path: "<stdin>".into(),
                    message: e.to_string(),
                })?;
                parse_into(&text, "<stdin>", &mut docs)?;
            }
            Input::Path(path) => {
                for file in files_of(path)? {
                    let name = file.display().to_string();
                    let text = fs_err::read_to_string(&file).map_err(|e| ClusterError::ReadInput {
                        path: name.clone(),
                        message: io_message(&e),
                    })?;
                    parse_into(&text, &name, &mut docs)?;
                }
            }
        }
    }
    Ok(docs)
}

fn io_message(e: &std::io::Error) -> String {
    // fs-err's message is "failed to <operation> `<path>`: <cause>"; the path is printed already.
    let text = e.to_string();
    text.rsplit_once("`: ")
        .map_or_else(|| text.clone(), |(_, cause)| cause.to_string())
}

fn files_of(path: &Path) -> Result<Vec<PathBuf>, ClusterError> {
    let meta = fs_err::metadata(path).map_err(|e| ClusterError::ReadInput {
        path: path.display().to_string(),
        message: io_message(&e),
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = fs_err::read_dir(path).map_err(|e| ClusterError::ReadInput {
        path: path.display().to_string(),
        message: io_message(&e),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ClusterError::ReadInput {
            path: path.display().to_string(),
            message: "no .yaml, .yml or .json files in this directory".into(),
        });
    }
    Ok(files)
}

fn parse_into(text: &str, source: &str, docs: &mut Vec<Document>) -> Result<(), ClusterError> {
    for (i, parsed) in yaml::parse_stream(text, Dialect::Kustomize, source)?
        .into_iter()
        .enumerate()
    {
        if parsed.value.is_null() {
            continue;
        }
        push_flattened(parsed.value, source, i + 1, parsed.line, docs)?;
    }
    Ok(())
}

fn push_flattened(
    value: Value,
    source: &str,
    index: usize,
    line: usize,
    docs: &mut Vec<Document>,
) -> Result<(), ClusterError> {
    let bad = |message: String| ClusterError::BadDocument {
        source_name: source.to_string(),
        index,
        message,
    };
    if value.as_map().is_none() {
        return Err(bad(format!("expected an object, found {}", value.type_name())));
    }
    let kind = value.str_at(&["kind"]).unwrap_or("");
    if kind.ends_with("List") && value.get("items").is_some_and(|v| v.as_seq().is_some()) {
        let Some(Value::Seq(items)) = value.get("items").cloned() else {
            unreachable!("checked above")
        };
        for item in items {
            push_flattened(item, source, index, line, docs)?;
        }
        return Ok(());
    }
    for (field, path) in [
        ("apiVersion", &["apiVersion"][..]),
        ("kind", &["kind"][..]),
        ("metadata.name", &["metadata", "name"][..]),
    ] {
        if value.str_at(path).is_none_or(str::is_empty) {
            return Err(bad(format!("{field}: missing or not a string")));
        }
    }
    docs.push(Document::new(value, source, line));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<Document>, ClusterError> {
        read_inputs(&[Input::Stdin], &mut text.as_bytes())
    }

    #[test]
    fn lists_are_flattened_and_empty_documents_skipped() {
        let docs = read(
            "---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n",
        )
        .unwrap();
        let names: Vec<_> = docs.iter().map(|d| d.name().unwrap()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn missing_name_is_reported_with_document_index() {
        let err = read("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "<stdin>: document 1: metadata.name: missing or not a string");
    }

    #[test]
    fn scalars_are_rejected() {
        let err = read("just text\n").unwrap_err().to_string();
        assert_eq!(err, "<stdin>: document 1: expected an object, found a string");
    }
}
