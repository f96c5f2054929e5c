//! Loading a chart from a directory, a .tgz file, archive bytes or a list of files.
//!
//! As Helm's loader: a directory is read whole (following `.helmignore`) into a list of
//! files, an archive is extracted in memory (see `archive.rs`) and its top directory
//! stripped; then the files are sorted into the [`Chart`]'s parts, and each `charts/NAME/`
//! directory or `charts/*.tgz` archive becomes a subchart, loaded the same way from those
//! files (so a parent's `.helmignore` covers its subchart directories; a subchart's own
//! `.helmignore` was applied when it was packaged). A UTF-8 byte order mark is dropped
//! from every file, as Helm does.

use std::collections::BTreeMap;
use std::path::Path;

use super::ignore::Rules;
use super::{Chart, ChartFile, Error, Metadata};
use crate::archive::{self, Limits};
use crate::yaml::{self, Dialect, Value};

/// Deepest directory nesting read from a chart directory (stops symlink loops).
const MAX_DIR_DEPTH: usize = 64;

/// Loads a chart from a directory or a .tgz archive.
///
/// # Errors
/// A missing or invalid `Chart.yaml`, unreadable files, a refused archive entry, invalid
/// `values.yaml`/`values.schema.json`, a `.helmignore` syntax error, a subchart that fails
/// to load; each naming the chart and file.
pub fn load(path: &Path) -> Result<Chart, Error> {
    let meta = fs_err::metadata(path).map_err(|e| read_err(path, e))?;
    if meta.is_dir() {
        let files = read_dir_files(path)?;
        let used: u64 = files.iter().map(|f| f.data.len() as u64).sum();
        let mut budget = Limits::default().max_total.saturating_sub(used);
        load_files_in(files, &path.display().to_string(), &mut budget)
    } else {
        let bytes = fs_err::read(path).map_err(|e| read_err(path, e))?;
        load_archive_bytes(&bytes, &path.display().to_string())
    }
}

fn read_err(path: &Path, e: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        message: super::io_message(&e),
    }
}

/// Loads a chart from the bytes of a .tgz package whose files sit under one top directory.
///
/// # Errors
/// As [`load`]; also a `Chart.yaml` outside the top directory.
pub fn load_archive_bytes(bytes: &[u8], source_name: &str) -> Result<Chart, Error> {
    let mut budget = Limits::default().max_total;
    load_archive_in(bytes, source_name, &mut budget)
}

/// [`load_archive_bytes`] within `budget` decompressed bytes, shared with the subchart
/// archives inside it: each nested archive gets what its parents left, so a chart of
/// nested archives stays under one cap however deep it goes.
fn load_archive_in(bytes: &[u8], source_name: &str, budget: &mut u64) -> Result<Chart, Error> {
    let limits = Limits {
        max_total: *budget,
        ..Limits::default()
    };
    let entries = archive::extract(bytes, &limits, source_name)?;
    let used: u64 = entries.iter().map(|e| e.data.len() as u64).sum();
    *budget = budget.saturating_sub(used);
    let mut files = Vec::with_capacity(entries.len());
    for e in entries {
        match e.path.split_once('/') {
            Some((_, rest)) => files.push(ChartFile {
                name: rest.to_string(),
                data: strip_bom(e.data),
            }),
            None if e.path == "Chart.yaml" => {
                return Err(Error::File {
                    chart: source_name.to_string(),
                    file: e.path,
                    message: "Chart.yaml is not inside the archive's top directory".into(),
                });
            }
            None => {}
        }
    }
    load_files_in(files, source_name, budget)
}

/// Reads every file under `root` not ignored by its `.helmignore`, in Helm's walk order
/// (each directory's entries sorted by name).
fn read_dir_files(root: &Path) -> Result<Vec<ChartFile>, Error> {
    let ignore_path = root.join(".helmignore");
    let rules = if ignore_path.is_file() {
        let text = fs_err::read_to_string(&ignore_path).map_err(|e| read_err(&ignore_path, e))?;
        Rules::parse(&text).map_err(|(line, message)| Error::File {
            chart: root.display().to_string(),
            file: format!(".helmignore:{line}"),
            message,
        })?
    } else {
        Rules::parse("").unwrap_or_default()
    };
    let limits = Limits::default();
    let mut out = Vec::new();
    let mut total = 0u64;
    walk(root, "", &rules, &limits, &mut total, &mut out, 0)?;
    Ok(out)
}

fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    limits: &Limits,
    total: &mut u64,
    out: &mut Vec<ChartFile>,
    depth: usize,
) -> Result<(), Error> {
    if depth > MAX_DIR_DEPTH {
        return Err(Error::Read {
            path: dir.to_path_buf(),
            message: format!("directories nested deeper than {MAX_DIR_DEPTH} levels"),
        });
    }
    let mut names: Vec<_> = fs_err::read_dir(dir)
        .map_err(|e| read_err(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let rel_name = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        // Follows symlinks, as Helm's directory loader does.
        let meta = fs_err::metadata(&path).map_err(|e| read_err(&path, e))?;
        if rules.ignored(&rel_name, meta.is_dir()) {
            continue;
        }
        if meta.is_dir() {
            walk(&path, &rel_name, rules, limits, total, out, depth + 1)?;
            continue;
        }
        if !meta.is_file() {
            return Err(Error::Read {
                path,
                message: "not a regular file".into(),
            });
        }
        if meta.len() > limits.max_file {
            return Err(Error::Read {
                path,
                message: format!("file exceeds the limit of {} bytes", limits.max_file),
            });
        }
        let data = fs_err::read(&path).map_err(|e| read_err(&path, e))?;
        *total += data.len() as u64;
        if *total > limits.max_total {
            return Err(Error::Read {
                path: dir.to_path_buf(),
                message: format!("chart exceeds the limit of {} bytes", limits.max_total),
            });
        }
        out.push(ChartFile {
            name: rel_name,
            data: strip_bom(data),
        });
    }
    Ok(())
}

/// Builds a chart from its files (names relative to the chart root, `/`-separated).
///
/// `source_name` names the chart in errors (a path, or `parent/charts/sub`).
///
/// # Errors
/// As [`load`].
pub fn load_files(files: Vec<ChartFile>, source_name: &str) -> Result<Chart, Error> {
    let mut budget = Limits::default().max_total;
    load_files_in(files, source_name, &mut budget)
}

/// [`load_files`] with the decompressed-size budget left for the subchart archives in it.
fn load_files_in(files: Vec<ChartFile>, source_name: &str, budget: &mut u64) -> Result<Chart, Error> {
    let file_err = |file: &str, message: String| Error::File {
        chart: source_name.to_string(),
        file: file.to_string(),
        message,
    };
    let mut metadata: Option<Metadata> = None;
    let mut requirements: Option<Value> = None;
    let mut helm2_files: Vec<ChartFile> = Vec::new();
    let mut chart = Chart::new(Metadata::default());
    let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" => {
                let doc = first_doc(&f, source_name)?;
                let m = Metadata::from_value(&doc).map_err(|e| Error::Metadata {
                    chart: source_name.to_string(),
                    problem: e,
                })?;
                metadata = Some(m);
            }
            "values.yaml" => {
                let doc = first_doc(&f, source_name)?;
                chart.values = match doc {
                    Value::Null => Value::Map(Default::default()),
                    v @ Value::Map(_) => v,
                    other => {
                        return Err(file_err(
                            "values.yaml",
                            format!("expected a mapping at the top, found {}", other.type_name()),
                        ));
                    }
                };
                chart.values_text = Some(String::from_utf8_lossy(&f.data).into_owned());
            }
            "values.schema.json" => {
                let schema = serde_json::from_slice(&f.data)
                    .map_err(|e| file_err("values.schema.json", format!("invalid JSON: {e}")))?;
                chart.schema = Some(schema);
                chart.schema_text = Some(String::from_utf8_lossy(&f.data).into_owned());
            }
            // Helm 2's dependency files: read for any apiVersion, kept as files for v1.
            "requirements.yaml" => {
                requirements = Some(first_doc(&f, source_name)?);
                helm2_files.push(f);
            }
            "requirements.lock" => helm2_files.push(f),
            "Chart.lock" => chart.lock = Some(String::from_utf8_lossy(&f.data).into_owned()),
            name if name.starts_with("templates/") => chart.templates.push(f),
            name if name.starts_with("charts/") && !name.ends_with(".prov") => {
                let rest = &name["charts/".len()..];
                let (sub, inner) = rest.split_once('/').unwrap_or((rest, ""));
                if sub.starts_with('_') || sub.starts_with('.') {
                    continue;
                }
                subcharts.entry(sub.to_string()).or_default().push(ChartFile {
                    name: inner.to_string(),
                    data: f.data,
                });
            }
            name => {
                if name.starts_with("crds/") {
                    chart.crds.push(f.clone());
                }
                if chart.readme.is_none()
                    && matches!(
                        name.to_ascii_lowercase().as_str(),
                        "readme.md" | "readme.txt" | "readme"
                    )
                {
                    chart.readme = Some(String::from_utf8_lossy(&f.data).into_owned());
                }
                chart.files.push(f);
            }
        }
    }
    let mut metadata = metadata.ok_or_else(|| Error::MissingChartYaml {
        chart: source_name.to_string(),
    })?;
    if metadata.api_version.is_empty() {
        metadata.api_version = "v1".into();
    }
    if let Some(req) = requirements
        && req.get("dependencies").is_some()
    {
        let deps = Metadata::from_value(&req).map_err(|e| Error::Metadata {
            chart: source_name.to_string(),
            problem: e,
        })?;
        metadata.dependencies = deps.dependencies;
    }
    if metadata.api_version == "v1" {
        chart.files.extend(helm2_files);
    }
    metadata.ensure_valid().map_err(|e| Error::Metadata {
        chart: source_name.to_string(),
        problem: e,
    })?;
    chart.metadata = metadata;
    for (name, files) in subcharts {
        let sub_source = format!("{source_name}/charts/{name}");
        let sub = if name.ends_with(".tgz") {
            match files.iter().find(|f| f.name.is_empty()) {
                Some(f) => load_archive_in(&f.data, &sub_source, budget)?,
                None => {
                    return Err(Error::File {
                        chart: source_name.to_string(),
                        file: format!("charts/{name}"),
                        message: "is a directory, not a chart archive".into(),
                    });
                }
            }
        } else {
            // As Helm: a plain file in charts/ is read as a chart without its files, so
            // it fails for want of a Chart.yaml.
            let files: Vec<ChartFile> = files.into_iter().filter(|f| !f.name.is_empty()).collect();
            load_files_in(files, &sub_source, budget)?
        };
        chart.dependencies.push(sub);
    }
    Ok(chart)
}

/// Drops a leading UTF-8 byte order mark, as Helm's loader does for every file.
fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(b"\xEF\xBB\xBF") {
        data.drain(..3);
    }
    data
}

/// The first document of a YAML file (Helm dialect), null when empty.
fn first_doc(f: &ChartFile, chart: &str) -> Result<Value, Error> {
    let docs = yaml::parse_bytes(&f.data, Dialect::Helm, &format!("{chart}/{}", f.name))?;
    Ok(docs.into_iter().next().map(|d| d.value).unwrap_or(Value::Null))
}
