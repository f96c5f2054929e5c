//! Reading and writing a kustomization file as kustomize's editing commands do.
//!
//! Reading goes through kustomize's typed model: unknown fields are refused, scalars in
//! string fields become strings, deprecated fields are moved (`bases` into `resources`,
//! `imageTags` into `images`, generator `env` into `envs`) and `apiVersion`/`kind` get
//! their defaults. Writing keeps every field that was in the file at its place, with the
//! comment and blank lines that stood above it (comments inside a field's body move above
//! the field), then appends the remaining fields in kustomize's field order. Each field is
//! printed canonically (keys sorted, as kustomize's JSON round trip prints them).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::yaml::{self, Dialect, Map, Value};

use super::Error;
use crate::overlay::kustomization::FILE_NAMES;

/// How kustomize's Go type reads a field, for the scalar conversions its decoder makes.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Str,
    StrList,
    StrMap,
    /// A list of objects whose scalar fields are all strings (`images`).
    StrObjects,
    Other,
}

struct FieldDef {
    /// The Go field name, matched case-insensitively against `name:` at the start of a line.
    go: &'static str,
    json: &'static str,
    shape: Shape,
}

const fn f(go: &'static str, json: &'static str, shape: Shape) -> FieldDef {
    FieldDef { go, json, shape }
}

/// Kustomization fields in the order kustomize writes them.
const FIELDS: &[FieldDef] = &[
    f("APIVersion", "apiVersion", Shape::Str),
    f("Kind", "kind", Shape::Str),
    f("MetaData", "metadata", Shape::Other),
    f("SortOptions", "sortOptions", Shape::Other),
    f("Resources", "resources", Shape::StrList),
    f("Bases", "bases", Shape::StrList),
    f("NamePrefix", "namePrefix", Shape::Str),
    f("NameSuffix", "nameSuffix", Shape::Str),
    f("Namespace", "namespace", Shape::Str),
    f("Crds", "crds", Shape::StrList),
    f("CommonLabels", "commonLabels", Shape::StrMap),
    f("Labels", "labels", Shape::Other),
    f("CommonAnnotations", "commonAnnotations", Shape::StrMap),
    f("PatchesStrategicMerge", "patchesStrategicMerge", Shape::StrList),
    f("PatchesJson6902", "patchesJson6902", Shape::Other),
    f("Patches", "patches", Shape::Other),
    f("ConfigMapGenerator", "configMapGenerator", Shape::Other),
    f("SecretGenerator", "secretGenerator", Shape::Other),
    f("HelmCharts", "helmCharts", Shape::Other),
    f(
        "HelmChartInflationGenerator",
        "helmChartInflationGenerator",
        Shape::Other,
    ),
    f("HelmGlobals", "helmGlobals", Shape::Other),
    f("GeneratorOptions", "generatorOptions", Shape::Other),
    f("Vars", "vars", Shape::Other),
    f("Images", "images", Shape::StrObjects),
    f("Replacements", "replacements", Shape::Other),
    f("Replicas", "replicas", Shape::Other),
    f("Configurations", "configurations", Shape::StrList),
    f("Generators", "generators", Shape::StrList),
    f("Transformers", "transformers", Shape::StrList),
    f("Validators", "validators", Shape::StrList),
    f("Components", "components", Shape::StrList),
    f("OpenAPI", "openapi", Shape::StrMap),
    f("BuildMetadata", "buildMetadata", Shape::StrList),
];

/// Read but never written back under its own name (kustomize moves it into `images`).
const IMAGE_TAGS: &str = "imageTags";

const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// A kustomization file opened for editing.
#[derive(Debug)]
pub struct KustFile {
    path: PathBuf,
    fields: Map,
    /// Field indexes in their original order, each with the lines (comments, blank lines)
    /// that stood above it.
    original: Vec<(usize, String)>,
}

impl KustFile {
    /// Opens the kustomization file in `dir`.
    ///
    /// # Errors
    /// No or several kustomization files, unreadable or invalid content.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        let path = find(dir)?;
        let text = fs_err::read(&path).map_err(|e| Error::File {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(path, &text)
    }

    /// A new, empty kustomization file `kustomization.yaml` in `dir` (not yet written).
    ///
    /// # Errors
    /// A kustomization file already exists there.
    pub fn create(dir: &Path) -> Result<Self, Error> {
        if FILE_NAMES.iter().any(|n| dir.join(n).exists()) {
            return Err(Error::File {
                path: dir.display().to_string(),
                message: "kustomization file already exists".into(),
            });
        }
        Self::parse(dir.join(FILE_NAMES[0]), b"")
    }

    fn parse(path: PathBuf, text: &[u8]) -> Result<Self, Error> {
        let file = path.display().to_string();
        let docs = yaml::parse_bytes(text, Dialect::Helm, &file).map_err(|e| Error::File {
            path: file.clone(),
            message: e.to_string(),
        })?;
        let mut docs = docs.into_iter().map(|d| d.value).filter(|v| !v.is_null());
        let top = docs.next().unwrap_or(Value::Map(Map::default()));
        if docs.next().is_some() {
            return Err(field_err(&file, "(top level)", "expected one document, found several"));
        }
        let Value::Map(top) = top else {
            return Err(field_err(
                &file,
                "(top level)",
                &format!("invalid Kustomization: expected a mapping, found {}", top.type_name()),
            ));
        };
        let mut fields = Map::default();
        let mut image_tags = None;
        for (key, value) in top {
            if key == IMAGE_TAGS || key.eq_ignore_ascii_case(IMAGE_TAGS) {
                image_tags = Some(coerce(&file, IMAGE_TAGS, Shape::StrObjects, value)?);
                continue;
            }
            let def = FIELDS
                .iter()
                .find(|d| d.json == key)
                .or_else(|| FIELDS.iter().find(|d| d.json.eq_ignore_ascii_case(&key)))
                .ok_or_else(|| {
                    field_err(
                        &file,
                        &key,
                        &format!("invalid Kustomization: json: unknown field \"{key}\""),
                    )
                })?;
            fields.insert(def.json.to_string(), coerce(&file, def.json, def.shape, value)?);
        }
        fix(&mut fields, image_tags);
        Ok(KustFile {
            original: commented_fields(text),
            path,
            fields,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory holding the file.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// A field's value, by its name in the file (`namePrefix`).
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    /// A field's value for editing, created from `default` when absent.
    pub fn entry(&mut self, field: &str, default: Value) -> &mut Value {
        debug_assert!(FIELDS.iter().any(|d| d.json == field), "unknown field {field}");
        self.fields.entry(field.to_string()).or_insert(default)
    }

    /// Sets a field; an empty value removes it from the output.
    pub fn set(&mut self, field: &str, value: Value) {
        debug_assert!(FIELDS.iter().any(|d| d.json == field), "unknown field {field}");
        self.fields.insert(field.to_string(), value);
    }

    /// A list-of-strings field as strings.
    pub fn strings(&self, field: &str) -> Vec<String> {
        self.get(field)
            .and_then(Value::as_seq)
            .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }

    /// The file's new text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (idx, comment) in &self.original {
            out.push_str(comment);
            out.push_str(&self.marshal(*idx));
        }
        for idx in 0..FIELDS.len() {
            if !self.original.iter().any(|(i, _)| *i == idx) {
                out.push_str(&self.marshal(idx));
            }
        }
        out
    }

    fn marshal(&self, idx: usize) -> String {
        let json = FIELDS[idx].json;
        match self.fields.get(json) {
            Some(v) if !is_empty(v) => {
                let mut m = Map::default();
                m.insert(json.to_string(), v.clone());
                yaml::to_string(&Value::Map(m))
            }
            _ => String::new(),
        }
    }

    /// Writes the file atomically (a temporary file renamed over it).
    ///
    /// # Errors
    /// The directory is not writable.
    pub fn write(&self) -> Result<(), Error> {
        let text = self.render();
        let werr = |source| Error::Write {
            path: self.path.clone(),
            source,
        };
        let mut tmp = tempfile::NamedTempFile::new_in(self.dir()).map_err(werr)?;
        tmp.write_all(text.as_bytes()).map_err(werr)?;
        tmp.persist(&self.path).map_err(|e| werr(e.error))?;
        Ok(())
    }
}

fn field_err(file: &str, field: &str, message: &str) -> Error {
    Error::Field {
        file: file.to_string(),
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// Finds the one kustomization file in `dir`.
fn find(dir: &Path) -> Result<PathBuf, Error> {
    let found: Vec<PathBuf> = FILE_NAMES.iter().map(|n| dir.join(n)).filter(|p| p.exists()).collect();
    match found.as_slice() {
        [one] if one.is_dir() => Err(Error::File {
            path: one.display().to_string(),
            message: "should be a file".into(),
        }),
        [one] => Ok(one.clone()),
        [] => Err(Error::File {
            path: dir.display().to_string(),
            message: format!("missing kustomization file '{}'", FILE_NAMES[0]),
        }),
        many => Err(Error::File {
            path: dir.display().to_string(),
            message: format!(
                "found multiple kustomization files: {}",
                many.iter()
                    .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Seq(s) => s.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// A scalar as the string Go's decoder makes of it for a string field (null: "").
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        v => v.scalar_text(),
    }
}

fn coerce(file: &str, field: &str, shape: Shape, v: Value) -> Result<Value, Error> {
    let wrong = |what: &str, found: &Value| {
        field_err(
            file,
            field,
            &format!(
                "invalid Kustomization: cannot unmarshal {} into field {field} of type {what}",
                found.type_name()
            ),
        )
    };
    Ok(match shape {
        Shape::Str => Value::String(scalar_string(&v).ok_or_else(|| wrong("string", &v))?),
        Shape::StrList => match v {
            Value::Null => Value::Seq(Vec::new()),
            Value::Seq(items) => Value::Seq(
                items
                    .iter()
                    .map(|i| scalar_string(i).map(Value::String).ok_or_else(|| wrong("[]string", i)))
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(wrong("[]string", &other)),
        },
        Shape::StrMap => match v {
            Value::Null => Value::Map(Map::default()),
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, i)| {
                        scalar_string(i)
                            .map(|s| (k.clone(), Value::String(s)))
                            .ok_or_else(|| wrong("map[string]string", i))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(wrong("map[string]string", &other)),
        },
        Shape::StrObjects => match drop_nulls(v) {
            Value::Null => Value::Seq(Vec::new()),
            Value::Seq(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::Map(m) => m
                            .into_iter()
                            .map(|(k, i)| {
                                scalar_string(&i)
                                    .map(|s| (k, Value::String(s)))
                                    .ok_or_else(|| wrong("string", &i))
                            })
                            .collect::<Result<Map, _>>()
                            .map(Value::Map),
                        other => Err(wrong("object", &other)),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(wrong("[]object", &other)),
        },
        Shape::Other => drop_nulls(v),
    })
}

/// Struct fields decoded from `null` stay at their zero value and are omitted again.
fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Seq(s) => Value::Seq(s.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

/// kustomize's fixups after reading.
fn fix(fields: &mut Map, image_tags: Option<Value>) {
    let kind = fields
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if kind.is_empty() {
        fields.insert("kind".into(), Value::from("Kustomization"));
    }
    if fields
        .get("apiVersion")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        let v = if kind == "Component" {
            COMPONENT_VERSION
        } else {
            KUSTOMIZATION_VERSION
        };
        fields.insert("apiVersion".into(), Value::from(v));
    }
    if let Some(Value::Seq(bases)) = fields.shift_remove("bases")
        && !bases.is_empty()
    {
        append(fields, "resources", bases);
    }
    if let Some(Value::Seq(tags)) = image_tags
        && !tags.is_empty()
    {
        append(fields, "images", tags);
    }
    for generator in ["configMapGenerator", "secretGenerator"] {
        let Some(Value::Seq(items)) = fields.get_mut(generator) else {
            continue;
        };
        for item in items {
            let Some(m) = item.as_map_mut() else { continue };
            if let Some(env) = m
                .shift_remove("env")
                .filter(|e| e.as_str().is_some_and(|s| !s.is_empty()))
            {
                match m.entry("envs".to_string()).or_insert(Value::Seq(Vec::new())) {
                    Value::Seq(envs) => envs.push(env),
                    other => *other = Value::Seq(vec![env]),
                }
            }
        }
    }
}

fn append(fields: &mut Map, field: &str, items: Vec<Value>) {
    match fields.entry(field.to_string()).or_insert(Value::Seq(Vec::new())) {
        Value::Seq(s) => s.extend(items),
        other => *other = Value::Seq(items),
    }
}

/// The fields found at the start of lines, in order, each with the comment and blank
/// lines gathered above it. Comments inside a field's body join that field's block.
/// Like kustomize, only complete lines (ending in a newline) are looked at.
fn commented_fields(text: &[u8]) -> Vec<(usize, String)> {
    let text = String::from_utf8_lossy(text);
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut pending = String::new();
    let mut rest: &str = &text;
    while let Some(nl) = rest.find('\n') {
        let line = &rest[..=nl];
        rest = &rest[nl + 1..];
        let trimmed = line.trim_start_matches(' ').trim_end_matches('\n');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            pending.push_str(line);
        } else if let Some(idx) = matched_field(line) {
            out.push((idx, std::mem::take(&mut pending)));
        } else if !pending.is_empty()
            && let Some((_, comment)) = out.last_mut()
        {
            comment.push_str(&std::mem::take(&mut pending));
        }
    }
    out
}

fn matched_field(line: &str) -> Option<usize> {
    FIELDS.iter().position(|d| {
        let n = d.go.len();
        line.len() > n && line.is_char_boundary(n) && line[..n].eq_ignore_ascii_case(d.go) && line.as_bytes()[n] == b':'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str) -> String {
        KustFile::parse(PathBuf::from("kustomization.yaml"), text.as_bytes())
            .unwrap()
            .render()
    }

    #[test]
    fn keeps_fields_and_comments_in_place() {
        let text = "# header\n# keep\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../namespaces\n- pod.yaml\n# about vars\nvars:\n- fieldref:\n    fieldPath: metadata.name\n  name: MY_SERVICE_NAME\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: my-service\n# about patches\npatchesStrategicMerge:\n- service.yaml\n";
        assert_eq!(roundtrip(text), text);
    }

    #[test]
    fn inner_comments_move_above_their_field_and_case_is_fixed() {
        let text = "\n# Some comments\nRESOURCES:\n- ../namespaces\n  # See which field\n- service.yaml\n\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: kustomization\n";
        let want = "\n# Some comments\n  # See which field\nresources:\n- ../namespaces\n- service.yaml\n\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: kustomization\n";
        assert_eq!(roundtrip(text), want);
    }

    #[test]
    fn missing_type_fields_are_appended_and_separator_dropped() {
        assert_eq!(
            roundtrip("patches:\n- path: p.yaml\n  target:\n    kind: Deployment\n"),
            "patches:\n- path: p.yaml\n  target:\n    kind: Deployment\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        );
        assert_eq!(
            roundtrip("# c\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\nnamespace: ns\n"),
            "# c\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\nnamespace: ns\n"
        );
    }

    #[test]
    fn deprecated_fields_move_and_scalars_become_strings() {
        let out = roundtrip(
            "bases:\n- ../base\nresources:\n- a.yaml\ncommonLabels:\n  tier: 1\nimageTags:\n- name: nginx\n  newTag: 1.2\n",
        );
        assert_eq!(
            out,
            "resources:\n- a.yaml\n- ../base\ncommonLabels:\n  tier: \"1\"\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: nginx\n  newTag: \"1.2\"\n"
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = KustFile::parse(PathBuf::from("k.yaml"), b"foo: bar\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "k.yaml: foo: invalid Kustomization: json: unknown field \"foo\""
        );
    }
}
