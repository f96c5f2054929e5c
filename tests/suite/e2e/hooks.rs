//! Hooks on the real cluster: a chart (fixtures/hooks/chart) with a pre-install Job, a
//! post-upgrade hook and a test Pod, installed and upgraded through the release library with its
//! hooks run, then tested with `rudder test`. The Jobs complete through the cluster's job
//! controller and the fake kubelet of scripts/cluster.sh (which fails pods annotated
//! `rudder.dev/test-fail: "true"`).

use std::path::Path;
use std::time::Duration;

use rudder::chart::values::ValueOptions;
use rudder::cluster::{ConnectOptions, Session};
use rudder::release::hooks::{self, Hook, HookEvent, HookPhase};
use rudder::release::{ChartInput, DeployOptions, InstallOptions, Releases, Revision, UpgradeOptions, ValuesMode};

use super::harness::Cluster;
use crate::support::root;

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

/// The hooks of `rev` (as the release manager reads them back from the record).
fn hooks_of(rev: &Revision) -> Vec<Hook> {
    rev.body
        .hooks
        .iter()
        .filter_map(|h| hooks::from_text(&h.source, &h.manifest).unwrap())
        .collect()
}

fn chart(set: &[&str]) -> ChartInput {
    ChartInput {
        chart: rudder::chart::load(&root().join("fixtures/hooks/chart")).unwrap(),
        values: ValueOptions {
            set: set.iter().map(|s| s.to_string()).collect(),
            ..ValueOptions::default()
        },
        post_render: None,
    }
}

fn upgrade(releases: &Releases, set: &[&str]) -> Revision {
    let opts = UpgradeOptions {
        name: "demo".into(),
        chart: chart(set),
        install: false,
        values_mode: ValuesMode::Default,
        create_namespace: false,
        deploy: DeployOptions::default(),
    };
    releases.upgrade(&opts, &mut |_| {}).unwrap()
}

pub fn hooks_install_upgrade_test(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let namespace = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {NS}\n");
    c.rudder(
        &["delete", "-f", "-", "--ignore-not-found", "--wait", "--timeout", "2m"],
        &namespace,
    )
    .ok();
    let connect = ConnectOptions {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        context: None,
    };
    let session = Session::connect(&connect).unwrap();
    let releases = Releases::new(&session, &connect, NS);

    // Install, then its pre-install hook: a Job the job controller completes.
    let opts = InstallOptions {
        name: "demo".into(),
        chart: chart(&[]),
        create_namespace: true,
        deploy: DeployOptions::default(),
    };
    let rev = releases.install(&opts, &mut |_| {}).unwrap();
    let mut installed = hooks_of(&rev);
    let ran = hooks::run(&session, &mut installed, HookEvent::PreInstall, NS, TIMEOUT).unwrap();
    assert_eq!(ran, 1);
    let job = c
        .get("batch/v1", "Job", Some(NS), "demo-migrate")
        .expect("the pre-install job");
    assert_eq!(
        job.pointer("/status/succeeded").and_then(|v| v.as_i64()),
        Some(1),
        "{job}"
    );

    // Upgrade, then its post-upgrade hook: a ConfigMap carrying the new version.
    let rev = upgrade(&releases, &["version=v2"]);
    let mut upgraded = hooks_of(&rev);
    hooks::run(&session, &mut upgraded, HookEvent::PostUpgrade, NS, TIMEOUT).unwrap();
    let cm = c
        .get("v1", "ConfigMap", Some(NS), "demo-upgraded")
        .expect("the post-upgrade hook");
    assert_eq!(cm.pointer("/data/version").and_then(|v| v.as_str()), Some("v2"));

    // `rudder test`: the test Pod runs to completion; the run is recorded in revision 2.
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
    let runs = releases.hook_runs("demo", 2).unwrap();
    assert_eq!(runs[0].last_run.phase, HookPhase::Succeeded);

    // A failing test: exit 1, the container's exit reason named.
    upgrade(&releases, &["failTest=true"]);
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

    c.rudder(&["delete", "-f", "-", "--ignore-not-found"], &namespace).ok();
}
