//! `apply`, `delete` and `diff` failures that need no cluster: bad input, bad kubeconfig, an API
//! server that does not answer. One error line, the exit codes kubectl uses.

use std::process::Command;

use crate::support::root;

fn rudder(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(root())
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn missing_input_file_names_it() {
    let (code, out, err) = rudder(&["apply", "-f", "fixtures/e2e/no-such.yaml"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: fixtures/e2e/no-such.yaml: No such file or directory (os error 2)\n"
    );
    // diff: errors exit 2, as kubectl diff's do (1 means "differs").
    let (code, _, _) = rudder(&["diff", "-f", "fixtures/e2e/no-such.yaml"]);
    assert_eq!(code, 2);
}

#[test]
fn unreadable_kubeconfig_is_one_line() {
    let (code, _, err) = rudder(&[
        "delete",
        "-f",
        "fixtures/e2e/prune/v1.yaml",
        "--kubeconfig",
        "/nonexistent/kc",
    ]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: kubeconfig: /nonexistent/kc: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn unreachable_server_reports_what_was_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    // Port 1 on loopback: nothing listens, every attempt is refused (and retried, boundedly).
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}\n\
         users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
    )
    .unwrap();
    let (code, out, err) = rudder(&[
        "apply",
        "-f",
        "fixtures/e2e/prune/v1.yaml",
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("error: namespace/rudder-e2e-prune: "), "{err}");
    assert!(err.contains("Connection refused"), "{err}");
    assert!(
        err.trim_end().ends_with(
            "(0 of 3 objects applied; not applied: namespace/rudder-e2e-prune, configmap/kept (namespace rudder-e2e-prune), configmap/dropped (namespace rudder-e2e-prune))"
        ),
        "{err}"
    );
}
