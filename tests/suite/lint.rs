//! `rudder lint`: golden cases under `fixtures/lint/<case>/` (`args`, inputs, `expected.txt`,
//! `expected.json`, `expected.exit`; SARIF and JUnit goldens for a few cases), plus
//! standard input, usage errors and the structure GitHub code scanning needs from SARIF.
//! `UPDATE=1 cargo test --test suite lint_` rewrites the expected files.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{cases, first_difference, root, rudder};

/// Cases whose SARIF and JUnit reports are also golden.
const FULL_REPORT_CASES: &[&str] = &["bad-input", "best-practices"];

fn case_args(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("args")).unwrap();
    let mut args = vec!["lint".to_string()];
    args.extend(text.split_whitespace().map(String::from));
    args
}

fn check_golden(dir: &Path, file: &str, got: &str, failures: &mut Vec<String>) {
    let path = dir.join(file);
    if std::env::var_os("UPDATE").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if want != got {
        failures.push(format!("{}:\n{}", path.display(), first_difference(&want, got)));
    }
}

#[test]
fn lint_golden_cases() {
    let mut failures = Vec::new();
    let all = cases(&root().join("fixtures/lint"));
    assert!(all.len() >= 12, "expected the lint cases, found {}", all.len());
    for dir in all {
        let args = case_args(&dir);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut formats = vec![("text", "expected.txt"), ("json", "expected.json")];
        if FULL_REPORT_CASES.contains(&name.as_str()) {
            formats.extend([("sarif", "expected.sarif"), ("junit", "expected.junit.xml")]);
        }
        let mut codes = Vec::new();
        for (format, file) in formats {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend(["-o", format]);
            let out = rudder(&dir, &a);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.is_empty(), "{name} -o {format}: unexpected stderr: {stderr}");
            codes.push(out.status.code().unwrap());
            check_golden(&dir, file, &String::from_utf8(out.stdout).unwrap(), &mut failures);
        }
        codes.dedup();
        assert_eq!(codes.len(), 1, "{name}: the exit code depends on the format");
        check_golden(&dir, "expected.exit", &format!("{}\n", codes[0]), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lint_seed_metallb_psp_is_removed_from_1_25() {
    let dir = root().join("fixtures/lint/metallb-psp-removed");
    for (version, code, word) in [
        ("1.25", 1, "removed-api"),
        ("1.30", 1, "removed-api"),
        ("1.21", 0, "deprecated-api"),
    ] {
        let out = rudder(&dir, &["lint", "--kube-version", version, "metallb.yaml"]);
        assert_eq!(out.status.code(), Some(code), "{version}");
        let text = String::from_utf8_lossy(&out.stdout);
        let psp: Vec<&str> = text.lines().filter(|l| l.contains("PodSecurityPolicy/")).collect();
        assert_eq!(psp.len(), 2, "{version}: {text}");
        assert!(
            psp.iter()
                .all(|l| l.ends_with(&format!("({word})")) && l.contains("Pod Security Admission")),
            "{text}"
        );
    }
}

#[test]
fn lint_reads_standard_input() {
    let dir = root().join("fixtures/lint/clean");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["lint", "-", "--disable", "run-as-root"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  count: 1\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[ERROR] -:6: ConfigMap/a: data.count: expected a string, found an integer (schema)\n\
         1 error, 0 warnings, 0 infos in 1 document (1 source)\n"
    );
}

#[test]
fn lint_usage_errors_exit_2_with_one_line() {
    let dir = root().join("fixtures/lint/clean");
    for (args, want) in [
        (
            &["lint", "nope.yaml"][..],
            "error: nope.yaml: no such file or directory",
        ),
        (
            &["lint", "--disable", "no-such-rule", "app.yaml"],
            "error: --disable: unknown rule 'no-such-rule'",
        ),
        (
            &["lint", "--crd", "missing.yaml", "app.yaml"],
            "error: failed to open file",
        ),
    ] {
        let out = rudder(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(want), "{err}");
    }
    for args in [
        &["lint"][..],
        &["lint", "-o", "xml", "app.yaml"],
        &["lint", "--kube-version", "one", "app.yaml"],
    ] {
        assert_eq!(rudder(&dir, args).status.code(), Some(2), "{args:?}");
    }
}

/// A chart directory is rendered (with values flags) and linted: chart problems (values
/// schema, template errors) are findings under the `chart` rule, rendered objects go
/// through the manifest rules with their template as source.
#[test]
fn lint_charts_render_then_lint() {
    let t = tempfile::tempdir().unwrap();
    let c = t.path().join("mychart");
    std::fs::create_dir_all(c.join("templates")).unwrap();
    std::fs::write(c.join("Chart.yaml"), "apiVersion: v2\nname: mychart\nversion: 0.1.0\n").unwrap();
    std::fs::write(c.join("values.yaml"), "image: nginx:1.27\n").unwrap();
    std::fs::write(
        c.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: {{ Values.image | required(\"image is required\") }}\n",
    )
    .unwrap();
    let out = rudder(t.path(), &["lint", "mychart", "--set", "image=nginx:latest"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("mychart/templates/pod.yaml:8: Pod/web: spec.containers[0].image"),
        "{text}"
    );
    assert!(text.contains("(image-tag)"), "{text}");
    let out = rudder(t.path(), &["lint", "mychart", "--set", "image=null"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("image is required (chart)"), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("[ERROR]")).count(), 1, "{text}");
}

/// What GitHub code scanning requires of an upload: SARIF 2.1.0, one run with a driver
/// name, rules with unique ids, results naming a known rule with a valid level and a
/// physical location whose region starts at line 1 or later.
#[test]
fn lint_sarif_has_what_code_scanning_needs() {
    let dir = root().join("fixtures/lint/best-practices");
    let out = rudder(&dir, &["lint", "workloads.yaml", "-o", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rudder");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    for r in rules {
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
        assert!(!r["help"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 10);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "workloads.yaml");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn lint_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["lint", "--help"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
