//! `rudder values` against Helm: every case under fixtures/chart-values/ was run through
//! Helm 4 (fixtures/chart-values/generate.py) and kept only when rudder agreed.

use std::path::Path;

use crate::support::{cases, help_text, root, rudder};

/// Numbers compare by value (Helm prints float64s, rudder int64s), the rest structurally.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

fn run_case(dir: &Path) -> Result<(), String> {
    let args: Vec<String> = serde_json::from_str(&std::fs::read_to_string(dir.join("args.json")).unwrap()).unwrap();
    let mut full = vec!["values".to_string(), "chart".to_string()];
    full.extend(args);
    full.extend(["-o".to_string(), "json".to_string()]);
    let refs: Vec<&str> = full.iter().map(String::as_str).collect();
    let out = rudder(dir, &refs);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = dir.join("expected.json");
    if expected.exists() {
        if !out.status.success() {
            return Err(format!("failed: {stderr}"));
        }
        let want: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
        let got: serde_json::Value = serde_json::from_str(&stdout).map_err(|e| format!("bad JSON: {e}"))?;
        if !same(&want, &got) {
            return Err(format!("want {want}\n got {got}"));
        }
    } else {
        if out.status.code() != Some(1) {
            return Err(format!(
                "expected an error (Helm refused), got exit {:?}: {stdout}",
                out.status.code()
            ));
        }
        if !stderr.starts_with("error: ") || stderr.lines().count() != 1 {
            return Err(format!("error should be one line: {stderr}"));
        }
    }
    Ok(())
}

#[test]
fn values_agree_with_helm() {
    let all = cases(&root().join("fixtures/chart-values"));
    assert!(all.len() >= 80, "only {} cases", all.len());
    let failures: Vec<String> = all
        .iter()
        .filter_map(|d| {
            run_case(d)
                .err()
                .map(|e| format!("{}: {e}", d.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// `helm template`/`install` refuse a chart whose Chart.yaml lists a dependency that
/// charts/ lacks (the library oracle skips that check, so it is tested here).
#[test]
fn missing_dependency_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[(
            "c/Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: ghost\n  version: 1.0.0\n",
        )],
    );
    let out = rudder(tmp.path(), &["values", "c"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing in charts/ directory: ghost"), "{err}");
}

/// A duplicate key in a values file is refused, naming the file and line (Helm keeps
/// the last one silently; see chart::values).
#[test]
fn duplicate_key_in_values_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("v.yaml", "a: 1\nb: 2\na: 3\n"),
        ],
    );
    let out = rudder(tmp.path(), &["values", "c", "-f", "v.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("v.yaml:3"), "{err}");
}

/// `-f a,b` is two files (Helm's flag is a string slice); the oracle cannot express it.
#[test]
fn comma_separated_values_files() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("c/values.yaml", "a: 0\n"),
            ("v1.yaml", "a: 1\nb: 1\n"),
            ("v2.yaml", "a: 2\n"),
        ],
    );
    let out = rudder(tmp.path(), &["values", "c", "-f", "v1.yaml,v2.yaml", "-o", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, serde_json::json!({"a": 2, "b": 1}));
}

#[test]
fn values_file_from_stdin() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")],
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["values", "c", "-f", "-", "-o", "json"])
        .current_dir(tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a: yes\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "{\n  \"a\": true\n}");
}

#[test]
fn yaml_output_is_the_canonical_emitter() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("c/values.yaml", "b: {z: 1, x: [1, two]}\na: 'yes'\n"),
        ],
    );
    let out = rudder(tmp.path(), &["values", "c", "--set", "c=3"]);
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout), @r#"
    a: "yes"
    b:
      x:
      - 1
      - two
      z: 1
    c: 3
    "#);
}

#[test]
fn values_help() {
    insta::assert_snapshot!(help_text(&["values", "--help"]));
}
