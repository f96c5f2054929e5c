//! Chart loading: Chart.yaml as Helm reads it, `.helmignore`, archives, and refusals.
//! Goldens under fixtures/chart-load/ come from Helm 4 (fixtures/chart-load/generate.py).

use std::io::Write;
use std::path::Path;

use crate::support::{cases, first_difference, root, rudder};

/// The regular-file entries of a .tgz, without the top directory.
pub fn tgz_entries(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let p = e.path().unwrap().to_string_lossy().into_owned();
            p.split_once('/').map(|(_, rest)| rest.to_string()).unwrap_or(p)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn show_chart_and_package_contents_agree_with_helm() {
    let all = cases(&root().join("fixtures/chart-load"));
    assert!(all.len() >= 5, "only {} cases", all.len());
    for dir in all {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let out = rudder(&dir, &["show", "chart", "chart"]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let want = std::fs::read_to_string(dir.join("expected-show-chart")).unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        assert_eq!(want, got, "{name}: {}", first_difference(&want, &got));

        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().to_string_lossy().into_owned();
        let out = rudder(&dir, &["package", "chart", "-d", &dest]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let pkg = std::fs::read_dir(tmp.path()).unwrap().next().unwrap().unwrap().path();
        let want: Vec<String> = std::fs::read_to_string(dir.join("expected-files"))
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        assert_eq!(want, tgz_entries(&pkg), "{name}: packaged files");
    }
}

fn chart_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = tmp.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

fn error_of(dir: &Path, args: &[&str]) -> String {
    let out = rudder(dir, args);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn invalid_chart_yaml_names_the_field() {
    let cases = [
        ("version: one", "version: 'one' is not a SemVer 2 version"),
        ("version: 1.0.0\napiVersion: v9", "apiVersion: 'v9' is not v1 or v2"),
        ("version: 1.0.0\nkubeVersion: '>>1.20'", "kubeVersion:"),
        (
            "version: 1.0.0\ntype: plugin",
            "type: 'plugin' is not application or library",
        ),
        ("version: 1.0.0\nname: a/b", "name: 'a/b'"),
    ];
    for (extra, want) in cases {
        let mut text = format!("apiVersion: v2\nname: c\n{extra}\n");
        if extra.contains("apiVersion") {
            text = format!("name: c\n{extra}\n");
        }
        if extra.contains("name:") {
            text = format!("apiVersion: v2\n{extra}\n");
        }
        let tmp = chart_dir(&[("c/Chart.yaml", &text)]);
        let err = error_of(tmp.path(), &["show", "chart", "c"]);
        assert!(err.contains("Chart.yaml: ") && err.contains(want), "{extra}: {err}");
    }
    let tmp = chart_dir(&[("c/values.yaml", "a: 1\n")]);
    assert!(error_of(tmp.path(), &["show", "chart", "c"]).contains("Chart.yaml file is missing"));
}

/// Builds a .tgz whose single entry is written with raw header bytes, so hostile names
/// and types reach the archive unchanged.
fn hostile_tgz(path: &Path, name: &str, kind: tar::EntryType) {
    let mut b = tar::Builder::new(Vec::new());
    let mut ok = tar::Header::new_gnu();
    ok.set_path("c/Chart.yaml").unwrap();
    let chart = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";
    ok.set_size(chart.len() as u64);
    ok.set_cksum();
    b.append(&ok, &chart[..]).unwrap();
    let mut h = tar::Header::new_gnu();
    h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_size(0);
    if kind == tar::EntryType::Symlink || kind == tar::EntryType::Link {
        h.set_link_name("../../etc/passwd").unwrap();
    }
    h.set_cksum();
    b.append(&h, &b""[..]).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&b.into_inner().unwrap()).unwrap();
    std::fs::write(path, gz.finish().unwrap()).unwrap();
}

#[test]
fn hostile_archives_are_refused() {
    let cases = [
        ("c/../../evil", tar::EntryType::Regular, "parent directory"),
        ("/etc/evil", tar::EntryType::Regular, "absolute"),
        ("c/link", tar::EntryType::Symlink, "symbolic links"),
        ("c/hard", tar::EntryType::Link, "hard links"),
        ("c/dev", tar::EntryType::Block, "device"),
        ("c/fifo", tar::EntryType::Fifo, "FIFO"),
    ];
    for (name, kind, want) in cases {
        let tmp = tempfile::tempdir().unwrap();
        hostile_tgz(&tmp.path().join("c.tgz"), name, kind);
        let err = error_of(tmp.path(), &["show", "chart", "c.tgz"]);
        assert!(err.contains(want) && err.contains("c.tgz"), "{name}: {err}");
    }
}

#[test]
fn subchart_archives_load_and_bad_ones_name_the_subchart() {
    let tmp = chart_dir(&[("p/Chart.yaml", "apiVersion: v2\nname: p\nversion: 0.1.0\n")]);
    std::fs::create_dir_all(tmp.path().join("p/charts")).unwrap();
    hostile_tgz(
        &tmp.path().join("p/charts/c-0.1.0.tgz"),
        "c/link",
        tar::EntryType::Symlink,
    );
    let err = error_of(tmp.path(), &["values", "p"]);
    assert!(
        err.contains("charts/c-0.1.0.tgz") && err.contains("symbolic links"),
        "{err}"
    );
}

#[test]
fn show_values_readme_crds_all() {
    let tmp = chart_dir(&[
        ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("c/values.yaml", "# defaults\na: 1\n"),
        ("c/README.md", "# C\n"),
        ("c/crds/a.yaml", "kind: CustomResourceDefinition\n"),
        ("c/crds/notes.txt", "not a manifest\n"),
        ("c/charts/s/Chart.yaml", "apiVersion: v2\nname: s\nversion: 0.1.0\n"),
        ("c/charts/s/crds/b.yaml", "---\nkind: CustomResourceDefinition\n"),
    ]);
    let show = |what: &str| String::from_utf8(rudder(tmp.path(), &["show", what, "c"]).stdout).unwrap();
    assert_eq!(show("values"), "# defaults\na: 1\n\n");
    assert_eq!(show("readme"), "# C\n\n");
    assert_eq!(
        show("crds"),
        "---\nkind: CustomResourceDefinition\n\n---\nkind: CustomResourceDefinition\n\n"
    );
    insta::assert_snapshot!(show("all"), @r"
    apiVersion: v2
    name: c
    version: 0.1.0

    ---
    # defaults
    a: 1

    ---
    # C

    ---
    kind: CustomResourceDefinition

    ---
    kind: CustomResourceDefinition
    ");
}

#[test]
fn show_help() {
    insta::assert_snapshot!(crate::support::help_text(&["show", "--help"]));
}

/// As Helm: a file directly in charts/ that is not a .tgz is read as a chart and fails.
#[test]
fn stray_file_in_charts_is_an_error() {
    let tmp = chart_dir(&[
        ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("c/charts/README.md", "hi\n"),
    ]);
    let err = error_of(tmp.path(), &["show", "chart", "c"]);
    assert!(err.contains("charts/README.md: Chart.yaml file is missing"), "{err}");
    let tmp = chart_dir(&[
        ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("c/charts/.gitkeep", ""),
        ("c/charts/_skipped.md", ""),
    ]);
    assert!(rudder(tmp.path(), &["show", "chart", "c"]).status.success());
}
