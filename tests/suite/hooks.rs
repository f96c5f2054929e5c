//! Release hooks run against the API test server: running order, failures, delete policies and
//! timeouts (`rudder::release::hooks::run`), and `rudder test` over a release installed there.

use std::process::Command;
use std::time::Duration;

use rudder::chart::values::ValueOptions;
use rudder::cluster::{ConnectOptions, Session};
use rudder::release::hooks::{self, Hook, HookEvent, HookPhase};
use rudder::release::{ChartInput, DeployOptions, InstallOptions, Releases};
use rudder::resource::Document;
use rudder::yaml::{Dialect, parse_stream};
use rudder_testserver::{Options, TestServer};

use crate::support::root;

const TIMEOUT: Duration = Duration::from_secs(10);

fn session(srv: &TestServer) -> Session {
    Session::connect(&ConnectOptions {
        kubeconfig: Some(srv.kubeconfig()),
        context: None,
    })
    .unwrap()
}

/// Hooks from a YAML stream (each document declares its hook with annotations).
fn parse(text: &str) -> Vec<Hook> {
    let docs: Vec<Document> = parse_stream(text, Dialect::Helm, "chart/templates/hooks.yaml")
        .unwrap()
        .into_iter()
        .map(|d| Document::new(d.value, "chart/templates/hooks.yaml", d.line))
        .collect();
    let (plain, hooks) = hooks::split(docs).unwrap();
    assert!(plain.is_empty());
    hooks
}

fn job(name: &str, annotations: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n{annotations}\
         spec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n        image: busybox:1.36\n"
    )
}

fn pod(name: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  annotations:\n{annotations}\
         spec:\n  restartPolicy: Never\n  containers:\n  - name: wget\n    image: busybox:1.36\n"
    )
}

/// Names of the objects created, in request order (`POST .../<plural>`).
fn created(srv: &TestServer) -> Vec<String> {
    srv.requests()
        .iter()
        .filter(|s| s.method == "POST" && s.code == 201)
        .map(|s| {
            let path = s.uri.split('?').next().unwrap_or_default();
            path.rsplit('/').next().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn hooks_run_in_weight_then_kind_then_name_order_and_record_their_runs() {
    let srv = TestServer::start();
    let s = session(&srv);
    let stream = [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    rudder.dev/hook: pre-install\n    rudder.dev/hook-weight: \"5\"\n".to_string(),
        job("migrate-b", "    helm.sh/hook: pre-install\n"),
        pod("check", "    rudder.dev/hook: pre-install,post-upgrade\n    rudder.dev/hook-weight: \"-2\"\n"),
        job("migrate-a", "    helm.sh/hook: pre-install\n"),
        job("later", "    rudder.dev/hook: post-install\n"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  annotations:\n    rudder.dev/hook: pre-install\n".to_string(),
    ]
    .join("---\n");
    let mut hooks = parse(&stream);
    let ran = hooks::run(&s, &mut hooks, HookEvent::PreInstall, "default", TIMEOUT).unwrap();
    assert_eq!(ran, 5);
    assert_eq!(created(&srv), ["pods", "secrets", "jobs", "jobs", "configmaps"]);
    // Same weight and kind: by name (each hook's object is looked up before it is created).
    let seen = srv.requests();
    let first_get = |end: &str| {
        seen.iter()
            .position(|r| r.method == "GET" && r.uri.contains(end))
            .unwrap()
    };
    assert!(first_get("/jobs/migrate-a") < first_get("/jobs/migrate-b"));
    let later = hooks.iter().find(|h| h.name == "later").unwrap();
    assert_eq!(
        later.last_run.phase,
        HookPhase::Unknown,
        "post-install hooks do not run"
    );
    for h in hooks.iter().filter(|h| h.name != "later") {
        assert_eq!(h.last_run.phase, HookPhase::Succeeded, "{}", h.name);
        let (start, end) = (h.last_run.started_at.unwrap(), h.last_run.completed_at.unwrap());
        assert!(start <= end);
    }
    // The default policy (before-hook-creation) keeps the objects until the next run, which
    // replaces them instead of failing with AlreadyExists.
    assert!(srv.object("", "pods", "default", "check").is_some());
    hooks::run(&s, &mut hooks, HookEvent::PostUpgrade, "default", TIMEOUT).unwrap();
    assert_eq!(
        srv.requests()
            .iter()
            .filter(|r| r.method == "DELETE" && r.uri.contains("/pods/check"))
            .count(),
        1
    );
}

#[test]
fn a_failed_job_stops_the_run_with_its_reason() {
    let srv = TestServer::start();
    let s = session(&srv);
    let stream = [
        job(
            "db-migrate",
            "    rudder.dev/hook: pre-upgrade\n    rudder.dev/hook-delete-policy: hook-failed\n    rudder.dev/test-fail: \"true\"\n",
        ),
        job("after", "    rudder.dev/hook: pre-upgrade\n    rudder.dev/hook-weight: \"1\"\n"),
    ]
    .join("---\n");
    let mut hooks = parse(&stream);
    let err = hooks::run(&s, &mut hooks, HookEvent::PreUpgrade, "default", TIMEOUT).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pre-upgrade hook job/db-migrate failed: BackoffLimitExceeded: Job has reached the specified backoff limit"
    );
    assert_eq!(hooks[0].last_run.phase, HookPhase::Failed);
    assert!(hooks[0].last_run.completed_at.is_some());
    assert_eq!(hooks[1].last_run.phase, HookPhase::Unknown);
    assert!(
        srv.object("batch", "jobs", "default", "db-migrate").is_none(),
        "hook-failed deletes it"
    );
    assert!(
        srv.object("batch", "jobs", "default", "after").is_none(),
        "later hooks do not run"
    );
}

#[test]
fn a_failed_pod_names_its_container_and_is_kept_without_hook_failed() {
    let srv = TestServer::start();
    let s = session(&srv);
    let mut hooks = parse(&pod(
        "web-test",
        "    helm.sh/hook: test\n    helm.sh/hook-delete-policy: hook-succeeded\n    rudder.dev/test-fail: \"true\"\n",
    ));
    let err = hooks::run(&s, &mut hooks, HookEvent::Test, "default", TIMEOUT).unwrap_err();
    assert_eq!(
        err.to_string(),
        "test hook pod/web-test failed: container wget: Error (exit code 1)"
    );
    assert!(srv.object("", "pods", "default", "web-test").is_some());
}

#[test]
fn hook_succeeded_deletes_after_every_hook_succeeded() {
    let srv = TestServer::start();
    let s = session(&srv);
    let stream = [
        job(
            "first",
            "    rudder.dev/hook: post-install\n    rudder.dev/hook-delete-policy: hook-succeeded\n",
        ),
        pod(
            "second",
            "    rudder.dev/hook: post-install\n    rudder.dev/hook-weight: \"1\"\n",
        ),
    ]
    .join("---\n");
    let mut hooks = parse(&stream);
    hooks::run(&s, &mut hooks, HookEvent::PostInstall, "default", TIMEOUT).unwrap();
    assert!(srv.object("batch", "jobs", "default", "first").is_none());
    assert!(srv.object("", "pods", "default", "second").is_some());
    // The deletion came after the second hook was created.
    let seen = srv.requests();
    let pos = |method: &str, part: &str| {
        seen.iter()
            .position(|r| r.method == method && r.uri.contains(part))
            .unwrap()
    };
    assert!(pos("DELETE", "/jobs/first") > pos("POST", "/pods?"));
}

#[test]
fn a_hook_that_never_completes_times_out() {
    let srv = TestServer::with(Options {
        ready: false,
        ..Options::default()
    })
    .unwrap();
    let s = session(&srv);
    let mut hooks = parse(&job(
        "slow",
        "    rudder.dev/hook: pre-delete\n    rudder.dev/hook-delete-policy: hook-failed\n",
    ));
    let err = hooks::run(
        &s,
        &mut hooks,
        HookEvent::PreDelete,
        "default",
        Duration::from_millis(400),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pre-delete hook job/slow failed: timed out after 400ms waiting for it to complete"
    );
    assert_eq!(hooks[0].last_run.phase, HookPhase::Failed);
    assert!(srv.object("batch", "jobs", "default", "slow").is_none());
}

#[test]
fn a_hook_deleted_while_running_counts_as_completed() {
    // As Helm's watch does: a Job removed by its ttlSecondsAfterFinished is done.
    let srv = TestServer::with(Options {
        ready: false,
        ..Options::default()
    })
    .unwrap();
    let s = session(&srv);
    let mut hooks = parse(&job("ttl", "    rudder.dev/hook: post-install\n"));
    let reaper = {
        let kubeconfig = srv.kubeconfig();
        std::thread::spawn(move || {
            let s = Session::connect(&ConnectOptions {
                kubeconfig: Some(kubeconfig),
                context: None,
            })
            .unwrap();
            let at = rudder::cluster::ObjectRef {
                api_version: "batch/v1",
                kind: "Job",
                namespace: Some("default"),
            };
            for _ in 0..100 {
                if s.delete_raw(&at, "ttl").unwrap() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    hooks::run(&s, &mut hooks, HookEvent::PostInstall, "default", TIMEOUT).unwrap();
    reaper.join().unwrap();
    assert_eq!(hooks[0].last_run.phase, HookPhase::Succeeded);
}

#[test]
fn a_refused_hook_names_the_event_and_object() {
    let srv = TestServer::start();
    let s = session(&srv);
    let mut hooks = parse(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  annotations:\n    rudder.dev/hook: pre-rollback\n",
    );
    let err = hooks::run(&s, &mut hooks, HookEvent::PreRollback, "default", TIMEOUT).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("pre-rollback hook widget/w: "), "{msg}");
    assert!(msg.contains("no matches for kind \"Widget\""), "{msg}");
}

/// Installs `fixtures/hooks/chart` as `name` in `default` (with `--set` flags) through the
/// release library.
fn install_demo(srv: &TestServer, name: &str, set: &[&str]) {
    let s = session(srv);
    let connect = ConnectOptions {
        kubeconfig: Some(srv.kubeconfig()),
        context: None,
    };
    let releases = Releases::new(&s, &connect, "default");
    let chart = rudder::chart::load(&root().join("fixtures/hooks/chart")).unwrap();
    let opts = InstallOptions {
        name: name.to_string(),
        chart: ChartInput {
            chart,
            values: ValueOptions {
                set: set.iter().map(|s| s.to_string()).collect(),
                ..ValueOptions::default()
            },
            post_render: None,
        },
        create_namespace: false,
        deploy: DeployOptions::default(),
    };
    releases.install(&opts, &mut |_| {}).unwrap();
}

fn rudder_test(srv: &TestServer, name: &str) -> std::process::Output {
    rudder_test_with(srv, name, &[])
}

fn rudder_test_with(srv: &TestServer, name: &str, flags: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["test", name, "-n", "default", "--timeout", "20s"])
        .args(flags)
        .arg("--kubeconfig")
        .arg(srv.kubeconfig())
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

/// The stdout of `rudder test` with its times replaced.
fn without_times(out: &[u8]) -> String {
    let times = regex::Regex::new(r"(?m)^(LAST DEPLOYED: |Last Started:   |Last Completed: ).+$").unwrap();
    times
        .replace_all(&String::from_utf8_lossy(out), "${1}<time>")
        .into_owned()
}

#[test]
fn rudder_test_runs_the_test_hooks_and_records_the_run() {
    let srv = TestServer::start();
    install_demo(&srv, "demo", &[]);
    let out = rudder_test(&srv, "demo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        without_times(&out.stdout),
        "NAME: demo\nLAST DEPLOYED: <time>\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\n\
         TEST SUITE:     demo-test-connection\nLast Started:   <time>\n\
         Last Completed: <time>\nPhase:          Succeeded\n\
         NOTES:\nRelease demo runs version v1; try `rudder test demo`.\n"
    );
    assert!(srv.object("", "pods", "default", "demo-test-connection").is_some());
    // Every hook run is recorded: install's pre-install Job, then the test.
    let s = session(&srv);
    let connect = ConnectOptions {
        kubeconfig: Some(srv.kubeconfig()),
        context: None,
    };
    let runs = Releases::new(&s, &connect, "default").hook_runs("demo", 1).unwrap();
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.last(), Some(&"demo-test-connection"), "{names:?}");
    assert_eq!(runs.len(), 2, "{names:?}");
    assert!(
        runs.iter().all(|r| r.last_run.phase == HookPhase::Succeeded),
        "{runs:?}"
    );
    let runs = &runs[1..];
    // A status can show the recorded run on the revision's hooks.
    let releases = Releases::new(&s, &connect, "default");
    let mut rev = releases.get("demo", None).unwrap();
    let phase = |rev: &rudder::release::Revision| {
        let t = rev.body.hooks.iter().find(|h| h.runs_on(HookEvent::Test)).unwrap();
        t.last_run.phase
    };
    assert_eq!(phase(&rev), HookPhase::Unknown);
    releases.with_hook_runs(&mut rev).unwrap();
    assert_eq!(phase(&rev), HookPhase::Succeeded);
    // Running again replaces the test pod (before-hook-creation) and records the new run.
    let again = rudder_test(&srv, "demo");
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let rerun = Releases::new(&s, &connect, "default").hook_runs("demo", 1).unwrap();
    assert!(rerun[1].last_run.started_at >= runs[0].last_run.completed_at);
}

#[test]
fn rudder_test_reports_a_failed_test_and_exits_1() {
    let srv = TestServer::start();
    install_demo(&srv, "bad", &["failTest=true"]);
    let out = rudder_test(&srv, "bad");
    assert_eq!(out.status.code(), Some(1));
    assert!(without_times(&out.stdout).contains("TEST SUITE:     bad-test-connection\n"));
    assert!(without_times(&out.stdout).contains("Phase:          Failed\n"));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: testing release 'bad': test hook pod/bad-test-connection failed: container wget: Error (exit code 1)\n"
    );
    let missing = rudder_test(&srv, "nope");
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "error: testing release 'nope': release 'nope' not found in namespace 'default'\n"
    );
}

#[test]
fn rudder_test_filters_tests_by_name() {
    let srv = TestServer::start();
    install_demo(&srv, "demo", &["failTest=true"]);
    let skipped = rudder_test_with(
        &srv,
        "demo",
        &["--filter", "!name=demo-test-connection", "--hide-notes"],
    );
    assert!(skipped.status.success(), "{}", String::from_utf8_lossy(&skipped.stderr));
    assert!(without_times(&skipped.stdout).ends_with("REVISION: 1\nTEST SUITE: None\n"));
    assert!(srv.object("", "pods", "default", "demo-test-connection").is_none());
    let other = rudder_test_with(&srv, "demo", &["--filter", "name=other"]);
    assert!(other.status.success());
    assert!(srv.object("", "pods", "default", "demo-test-connection").is_none());
    let chosen = rudder_test_with(&srv, "demo", &["--filter", "name=other,name=demo-test-connection"]);
    assert_eq!(chosen.status.code(), Some(1), "the chosen test runs (and fails)");
    let bad = rudder_test_with(&srv, "demo", &["--filter", "kind=Pod"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "error: --filter 'kind=Pod': expected name=NAME or '!name=NAME'\n"
    );
}

#[test]
fn rudder_test_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["test", "--help"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
