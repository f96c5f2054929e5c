//! Hooks on the real cluster: a chart (fixtures/hooks/chart) with a pre-install Job, a
//! post-upgrade hook and a test Pod, installed, upgraded and tested with `rudder install`,
//! `upgrade` and `test`. The Jobs complete through the cluster's job
//! controller and the fake kubelet of scripts/cluster.sh (which fails pods annotated
//! `rudder.dev/test-fail: "true"`).

use std::path::Path;
use std::time::Duration;

use rudder::cluster::{ConnectOptions, Session};
use rudder::release::Releases;
use rudder::release::hooks::{self, HookEvent, HookPhase};

use super::harness::Cluster;

const NS: &str = "rudder-e2e-hooks";
const TIMEOUT: Duration = Duration::from_secs(60);

/// A pre-upgrade Job whose pod the fake kubelet fails.
const FAILING_JOB: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    rudder.dev/hook: pre-upgrade
    rudder.dev/hook-delete-policy: hook-failed
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        rudder.dev/test-fail: "true"
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: busybox:1.36
"#;

#[test]
fn e2e_hooks_install_upgrade_test() {
    super::run("hooks_install_upgrade_test", hooks_install_upgrade_test);
}

const CHART: &str = "fixtures/hooks/chart";

pub fn hooks_install_upgrade_test(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let namespace = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {NS}\n");
    c.rudder(
        &["delete", "-f", "-", "--ignore-not-found", "--wait", "--timeout", "2m"],
        &namespace,
    )
    .ok();

    // Install: the pre-install Job runs first and the job controller completes it.
    c.rudder(
        &[
            "install",
            "demo",
            CHART,
            "-n",
            NS,
            "--create-namespace",
            "--timeout",
            "1m",
        ],
        "",
    )
    .ok();
    let job = c
        .get("batch/v1", "Job", Some(NS), "demo-migrate")
        .expect("the pre-install job");
    assert_eq!(
        job.pointer("/status/succeeded").and_then(|v| v.as_i64()),
        Some(1),
        "{job}"
    );
    assert!(
        !c.exists("v1", "ConfigMap", Some(NS), "demo-upgraded"),
        "post-upgrade hooks wait for an upgrade"
    );

    // Upgrade: the post-upgrade hook carries the new version.
    c.rudder(
        &[
            "upgrade",
            "demo",
            CHART,
            "-n",
            NS,
            "--set",
            "version=v2",
            "--timeout",
            "1m",
        ],
        "",
    )
    .ok();
    let cm = c
        .get("v1", "ConfigMap", Some(NS), "demo-upgraded")
        .expect("the post-upgrade hook");
    assert_eq!(cm.pointer("/data/version").and_then(|v| v.as_str()), Some("v2"));

    // `rudder test`: the test Pod runs to completion; `status` shows the recorded run.
    let tested = c.rudder(&["test", "demo", "-n", NS, "--timeout", "1m"], "").ok();
    assert!(tested.stdout.contains("REVISION: 2\n"), "{}", tested.stdout);
    assert!(
        tested.stdout.contains("TEST SUITE:     demo-test-connection\n"),
        "{}",
        tested.stdout
    );
    assert!(
        tested.stdout.contains("Phase:          Succeeded\n"),
        "{}",
        tested.stdout
    );
    let pod = c
        .get("v1", "Pod", Some(NS), "demo-test-connection")
        .expect("the test pod");
    assert_eq!(pod.pointer("/status/phase").and_then(|v| v.as_str()), Some("Succeeded"));
    let connect = ConnectOptions {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        context: None,
    };
    let session = Session::connect(&connect).unwrap();
    let releases = Releases::new(&session, &connect, NS);
    let runs = releases.hook_runs("demo", 2).unwrap();
    let test = runs
        .iter()
        .find(|r| r.name == "demo-test-connection")
        .expect("the test's run");
    assert_eq!(test.last_run.phase, HookPhase::Succeeded);

    // A failing test: exit 1, the container's exit reason named.
    c.rudder(
        &[
            "upgrade",
            "demo",
            CHART,
            "-n",
            NS,
            "--set",
            "failTest=true",
            "--timeout",
            "1m",
        ],
        "",
    )
    .ok();
    let failed = c.rudder(&["test", "demo", "-n", NS, "--timeout", "1m"], "");
    assert_eq!(failed.code, 1, "{}", failed.stdout);
    assert!(failed.stdout.contains("Phase:          Failed\n"), "{}", failed.stdout);
    assert_eq!(
        failed.stderr,
        "error: testing release 'demo': test hook pod/demo-test-connection failed: container wget: Error (exit code 1)\n"
    );

    // A failing Job: the job controller's reason, and hook-failed deletes it.
    let docs = rudder::yaml::parse_stream(FAILING_JOB, rudder::yaml::Dialect::Helm, "db-migrate.yaml").unwrap();
    let docs = docs
        .into_iter()
        .map(|d| rudder::resource::Document::new(d.value, "db-migrate.yaml", d.line))
        .collect();
    let (_, mut bad) = hooks::split(docs).unwrap();
    let err = hooks::run(&session, &mut bad, HookEvent::PreUpgrade, NS, TIMEOUT).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pre-upgrade hook job/db-migrate failed: BackoffLimitExceeded: Job has reached the specified backoff limit"
    );
    assert!(!c.exists("batch/v1", "Job", Some(NS), "db-migrate"));

    c.rudder(&["uninstall", "demo", "-n", NS], "").ok();
    c.rudder(&["delete", "-f", "-", "--ignore-not-found"], &namespace).ok();
}
