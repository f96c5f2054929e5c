//! `rudder build` at the command line: exit codes, one-line errors, no partial output.

use crate::support::rudder;

#[test]
fn missing_directory_is_a_one_line_error() {
    let t = tempfile::tempdir().unwrap();
    let out = rudder(t.path(), &["build", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: nope"), "{err}");
}

#[test]
fn output_file_is_not_written_on_error() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("kustomization.yaml"), "resources: [missing.yaml]\n").unwrap();
    let out = rudder(t.path(), &["build", ".", "-o", "out.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!t.path().join("out.yaml").exists());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kustomization.yaml: resources[0]: 'missing.yaml'"),
        "{err}"
    );
}

#[test]
fn output_file_is_written_whole() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("kustomization.yaml"), "resources: [cm.yaml]\n").unwrap();
    std::fs::write(
        t.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    )
    .unwrap();
    let out = rudder(t.path(), &["build", ".", "-o", "out.yaml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(t.path().join("out.yaml")).unwrap(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let out = rudder(t.path(), &["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}
