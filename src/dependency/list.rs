//! `dependency list`: each `Chart.yaml` dependency with the status Helm gives it, and
//! warnings about what sits in `charts/` unasked.
//!
//! Status rules, as Helm's (checked in this order):
//! 1. the archives `charts/NAME-*.tgz`: with several, only those whose `*` is a strict
//!    SemVer version count, and more than one of those is `too many matches`; with exactly
//!    one, it is `corrupt` if it does not load, `misnamed` if its chart has another name,
//!    `invalid version` if the dependency's version is not a constraint (or the archive's
//!    version not a version), `wrong version` if the constraint is not met, else `ok`
//!    (a version equal to the dependency's as text always passes);
//! 2. otherwise the subcharts the chart loaded (directories and archives under any name):
//!    none of that name is `missing`; then the same version checks, and `unpacked`.
//!
//! After the table, for each directory or `.tgz` in `charts/`: a warning when it does not
//! load as a chart, or when its chart is not a dependency in Chart.yaml.

use std::path::Path;

use super::Error;
use crate::chart::{self, Chart, Dependency};
use crate::constraint::{Constraint, parse_version};

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub status: String,
}

/// What `dependency list` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The `charts/` directory the statuses were computed against.
    pub charts_dir: String,
    /// One row per dependency (empty: the chart has none).
    pub rows: Vec<Row>,
    /// Warnings about `charts/` entries, in name order.
    pub warnings: Vec<String>,
}

/// Computes the listing for a chart directory or archive.
///
/// # Errors
/// The chart does not load (a broken subchart included).
pub fn list(path: &Path) -> Result<Listing, Error> {
    let chart = chart::load(path).map_err(|e| Error::Chart(Box::new(e)))?;
    let charts_dir = path.join("charts");
    let rows = chart
        .metadata
        .dependencies
        .iter()
        .map(|d| Row {
            name: d.name.clone(),
            version: d.version.clone(),
            repository: d.repository.clone(),
            status: status(&charts_dir, d, &chart),
        })
        .collect();
    let shown = go_join(path, "charts");
    let warnings = if chart.metadata.dependencies.is_empty() {
        Vec::new()
    } else {
        unlisted(&charts_dir, &shown, &chart.metadata.dependencies)
    };
    Ok(Listing {
        charts_dir: shown,
        rows,
        warnings,
    })
}

fn status(charts_dir: &Path, dep: &Dependency, parent: &Chart) -> String {
    let archives = matching_archives(charts_dir, &dep.name);
    let strict: Vec<&String> = archives
        .iter()
        .filter(|f| {
            let v = f[dep.name.len() + 1..f.len() - 4].to_string();
            semver::Version::parse(&v).is_ok()
        })
        .collect();
    let single = match (archives.len(), strict.len()) {
        (1, _) => Some(&archives[0]),
        (n, 1) if n > 1 => Some(strict[0]),
        (n, s) if n > 1 && s > 1 => return "too many matches".into(),
        _ => None,
    };
    if let Some(file) = single {
        let path = charts_dir.join(file);
        if path.exists() {
            return match chart::load(&path) {
                Err(_) => "corrupt".into(),
                Ok(c) if c.name() != dep.name => "misnamed".into(),
                Ok(c) => version_status(&c.metadata.version, &dep.version).unwrap_or_else(|| "ok".into()),
            };
        }
    }
    match parent.dependencies.iter().rev().find(|c| c.name() == dep.name) {
        None => "missing".into(),
        Some(c) => version_status(&c.metadata.version, &dep.version).unwrap_or_else(|| "unpacked".into()),
    }
}

/// `invalid version` or `wrong version` when `found` does not satisfy `wanted`.
fn version_status(found: &str, wanted: &str) -> Option<String> {
    if found == wanted {
        return None;
    }
    let Ok(c) = Constraint::parse(wanted) else {
        return Some("invalid version".into());
    };
    let Some(v) = parse_version(found) else {
        return Some("invalid version".into());
    };
    (!c.matches(&v)).then(|| "wrong version".into())
}

/// File names in `charts/` of the form `NAME-*.tgz`, sorted.
fn matching_archives(charts_dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!("{name}-");
    let mut out: Vec<String> = fs_err::read_dir(charts_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&prefix) && n.ends_with(".tgz") && n.len() >= prefix.len() + 4)
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Warnings for `charts/` entries that are not charts or not dependencies.
fn unlisted(charts_dir: &Path, shown_dir: &str, deps: &[Dependency]) -> Vec<String> {
    let Ok(rd) = fs_err::read_dir(charts_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let path = charts_dir.join(&name);
        if !path.is_dir() && !name.ends_with(".tgz") {
            continue;
        }
        let shown = format!("{shown_dir}/{name}");
        match chart::load(&path) {
            Err(_) => out.push(format!("WARNING: {shown:?} is not a chart.")),
            Ok(c) if !deps.iter().any(|d| d.name == c.name()) => {
                out.push(format!("WARNING: {shown:?} is not in Chart.yaml."))
            }
            Ok(_) => {}
        }
    }
    out
}

/// The whole output of `dependency list CHART`, as Helm prints it: a warning when the
/// chart has no dependencies; else the table, a blank line and the warnings.
pub fn render(listing: &Listing, chart: &Path, max_width: usize) -> String {
    if listing.rows.is_empty() {
        return format!("WARNING: no dependencies at {}\n", go_join(chart, "charts"));
    }
    let mut out = table(&listing.rows, max_width);
    out.push_str("\n\n");
    for w in &listing.warnings {
        out.push_str(w);
        out.push('\n');
    }
    out
}

/// `filepath.Join(dir, rest)` as Go writes it: `.` and trailing slashes dropped.
fn go_join(dir: &Path, rest: &str) -> String {
    let d = dir.display().to_string();
    let d = d.trim_end_matches('/');
    let d = d.strip_prefix("./").unwrap_or(d);
    if d.is_empty() || d == "." {
        rest.to_string()
    } else {
        format!("{d}/{rest}")
    }
}

/// The table as Helm prints it: columns padded to their widest cell (at most
/// `max_width`), cells joined by a tab, no trailing newline; a wider cell is cut and ends
/// in `...`.
pub fn table(rows: &[Row], max_width: usize) -> String {
    let mut all: Vec<[&str; 4]> = vec![["NAME", "VERSION", "REPOSITORY", "STATUS"]];
    all.extend(rows.iter().map(|r| {
        [
            r.name.as_str(),
            r.version.as_str(),
            r.repository.as_str(),
            r.status.as_str(),
        ]
    }));
    let width = |s: &str| s.chars().count();
    let mut widths = [0usize; 4];
    for row in &all {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(if max_width > 0 {
                width(cell).min(max_width)
            } else {
                width(cell)
            });
        }
    }
    let lines: Vec<String> = all
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, cell)| fit(cell, widths[i]))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    lines.join("\n")
}

fn fit(cell: &str, width: usize) -> String {
    let n = cell.chars().count();
    if n > width {
        let mut s: String = cell.chars().take(width.saturating_sub(3)).collect();
        s.push_str("...");
        s
    } else {
        format!("{cell}{}", " ".repeat(width - n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_and_cuts_like_uitable() {
        let rows = vec![Row {
            name: "db".into(),
            version: "^1.2".into(),
            repository: format!("https://{}", "x".repeat(90)),
            status: "ok".into(),
        }];
        let t = table(&rows, 80);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], format!("NAME\tVERSION\tREPOSITORY{}\tSTATUS", " ".repeat(70)));
        assert_eq!(
            lines[1],
            format!("db  \t^1.2   \thttps://{}...\tok    ", "x".repeat(69))
        );
    }

    #[test]
    fn version_checks() {
        assert_eq!(version_status("1.0.0", "1.0.0"), None);
        assert_eq!(version_status("1.2.0", "^1"), None);
        assert_eq!(version_status("2.0.0", "^1").as_deref(), Some("wrong version"));
        assert_eq!(version_status("2.0.0", ">>1").as_deref(), Some("invalid version"));
        assert_eq!(version_status("two", "^1").as_deref(), Some("invalid version"));
    }
}
