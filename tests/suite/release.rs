//! Releases on the API test server: the end-to-end release scenarios (tests/suite/e2e/releases.rs),
//! then what only the test server can provoke: injected faults during an upgrade, a process killed
//! mid-upgrade, two concurrent upgrades, and revision records over the 1 MiB Secret cap.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rudder_testserver::{Action, Fault, Options, TestServer, When};

use crate::e2e::harness::{Run, run_rudder};
use crate::e2e::releases;
use crate::support::help_text as help;
use crate::support::root;

pub(crate) const CHART: &str = "fixtures/release/dropper";

#[test]
fn release_seed_sequence_on_testserver() {
    let srv = TestServer::start();
    releases::release_seed_sequence(&srv.kubeconfig());
}

#[test]
fn release_upgrade_deletes_dropped_object_on_testserver() {
    let srv = TestServer::start();
    releases::release_upgrade_deletes_dropped_object(&srv.kubeconfig());
}

#[test]
fn release_rejected_upgrade_and_atomic_on_testserver() {
    let srv = TestServer::start();
    releases::release_rejected_upgrade_and_atomic(&srv.kubeconfig());
}

#[test]
fn release_jenkins_seed_flags_on_testserver() {
    let srv = TestServer::start();
    releases::release_jenkins_seed_flags(&srv.kubeconfig());
}

#[test]
fn release_wait_timeout_atomic_on_testserver() {
    let srv = TestServer::with(Options {
        ready: false,
        ..Options::default()
    })
    .unwrap();
    releases::release_wait_timeout_atomic(&srv.kubeconfig());
}

pub(crate) fn rudder(srv: &TestServer, args: &[&str]) -> Run {
    run_rudder(&srv.kubeconfig(), args, "")
}

/// Starts `rudder ARGS --kubeconfig K` without waiting for it.
pub(crate) fn spawn(srv: &TestServer, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .arg("--kubeconfig")
        .arg(srv.kubeconfig())
        .current_dir(root())
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rudder")
}

pub(crate) fn finish(child: Child) -> Run {
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// (status, description) of each revision.
fn history(srv: &TestServer, name: &str, ns: &str) -> Vec<(String, String)> {
    let out = rudder(srv, &["history", name, "-n", ns, "-o", "json"]).ok();
    let list: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    list.iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_string(),
                r["description"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn statuses(srv: &TestServer, name: &str, ns: &str) -> Vec<String> {
    history(srv, name, ns).into_iter().map(|(s, _)| s).collect()
}

fn gen_of_base(srv: &TestServer, ns: &str) -> String {
    srv.object("", "configmaps", ns, "base").expect("configmap base")["data"]["gen"]
        .as_str()
        .unwrap()
        .to_string()
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every object of the release in the namespace (ConfigMaps, Secrets, Deployments marked with
/// the release's annotation) is in the manifest of one of its revisions, and no revision is
/// left pending.
#[track_caller]
fn ensure_described(srv: &TestServer, name: &str, ns: &str) {
    let revisions = history(srv, name, ns);
    for (status, _) in &revisions {
        assert!(
            !status.starts_with("pending"),
            "a revision was left {status}: {revisions:?}"
        );
    }
    let mut manifests = String::new();
    for v in 1..=revisions.len() {
        let m = rudder(srv, &["get", "manifest", name, "-n", ns, "--revision", &v.to_string()]);
        manifests.push_str(&m.stdout);
    }
    for (group, plural) in [("", "configmaps"), ("", "secrets"), ("apps", "deployments")] {
        for obj in srv.names(group, plural, ns) {
            let live = srv.object(group, plural, ns, &obj).unwrap();
            if live["metadata"]["annotations"]["rudder.dev/release-name"] != name {
                continue;
            }
            assert!(
                manifests.contains(&format!("\n  name: {obj}\n")),
                "{plural}/{obj} is in the cluster but in no revision of {name}: {revisions:?}"
            );
        }
    }
}

/// Upgrades with `--atomic` under injected 503s, resets before and after the server acted, and a
/// write that keeps failing: each completes or is rolled back, and never leaves an object that
/// no revision describes, nor a revision pending.
#[test]
fn release_upgrade_under_faults_completes_or_rolls_back() {
    let srv = TestServer::start();
    let ns = "faults";
    rudder(&srv, &["install", "f", CHART, "-n", ns, "--create-namespace"]).ok();
    let rounds: Vec<(Vec<Fault>, &str, bool)> = vec![
        (
            vec![
                Fault::new(When::Writes, Action::Status(503)).times(3),
                Fault::new(When::Writes, Action::DropAfter).times(2),
            ],
            "gen=2",
            true,
        ),
        (
            vec![Fault::new(When::Writes, Action::DropAfter).times(4).on_path("/secrets")],
            "gen=3",
            true,
        ),
        (vec![Fault::new(When::Writes, Action::Drop).times(4)], "gen=4", true),
        (
            vec![
                Fault::new(When::Writes, Action::Status(503))
                    .times(6)
                    .on_path("/deployments"),
            ],
            "gen=5,deployment=true",
            false,
        ),
        (vec![Fault::new(When::Any, Action::Status(500)).times(5)], "gen=6", true),
    ];
    for (i, (faults, set, succeeds)) in rounds.into_iter().enumerate() {
        let before = gen_of_base(&srv, ns);
        for f in faults {
            srv.inject(f);
        }
        let run = rudder(
            &srv,
            &[
                "upgrade",
                "f",
                CHART,
                "-n",
                ns,
                "--set",
                set,
                "--atomic",
                "--timeout",
                "30s",
            ],
        );
        srv.clear_faults();
        let want_gen = set.split(',').next().unwrap().trim_start_matches("gen=");
        if succeeds {
            assert_eq!(run.code, 0, "round {i}: {}", run.stderr);
            assert_eq!(gen_of_base(&srv, ns), want_gen, "round {i}");
            assert_eq!(statuses(&srv, "f", ns).last().unwrap(), "deployed");
        } else {
            assert_eq!(run.code, 1, "round {i}: {}", run.stdout);
            assert!(
                run.stderr.contains("rolled back to revision"),
                "round {i}: {}",
                run.stderr
            );
            assert_eq!(gen_of_base(&srv, ns), before, "round {i}: not rolled back");
            assert!(srv.object("apps", "deployments", ns, "pause").is_none(), "round {i}");
            let h = history(&srv, "f", ns);
            assert_eq!(h.last().unwrap().0, "deployed", "round {i}: {h:?}");
            assert!(h.last().unwrap().1.starts_with("Rollback to "), "round {i}: {h:?}");
        }
        ensure_described(&srv, "f", ns);
    }
}

/// Starts an upgrade held mid-apply by a slow write, waits until its pending revision is
/// recorded, and kills it with SIGKILL.
fn kill_mid_upgrade(srv: &TestServer, ns: &str, set: &str, pending: &str) {
    srv.inject(Fault::new(When::Writes, Action::Delay(Duration::from_secs(2))).on_path("/configmaps/base"));
    let mut child = spawn(srv, &["upgrade", "k", CHART, "-n", ns, "--set", set]);
    wait_for("the pending revision", || {
        srv.object("", "secrets", ns, pending).is_some()
    });
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    let run = finish(child);
    assert_eq!(run.code, -1, "the upgrade was not killed: {}", run.stderr);
    srv.clear_faults();
    // Let the held write land, as it would on a real server.
    std::thread::sleep(Duration::from_secs(2));
}

/// A process killed mid-upgrade leaves its revision pending and its lock behind; the next
/// upgrade reports it and names the ways out; `rollback` recovers; so does `upgrade --force`.
#[test]
fn release_killed_mid_upgrade_recovers() {
    let srv = TestServer::start();
    let ns = "killed";
    rudder(&srv, &["install", "k", CHART, "-n", ns, "--create-namespace"]).ok();
    kill_mid_upgrade(&srv, ns, "gen=2", "sh.rudder.release.v1.k.v2");
    assert!(
        srv.object("coordination.k8s.io", "leases", ns, "sh.rudder.release.v1.k")
            .is_some()
    );
    assert_eq!(statuses(&srv, "k", ns), ["deployed", "pending-upgrade"]);

    let again = rudder(&srv, &["upgrade", "k", CHART, "-n", ns, "--set", "gen=3"]);
    assert_eq!(again.code, 1, "{}", again.stdout);
    assert!(
        again
            .stderr
            .contains("release 'k': revision 2 was left pending-upgrade by upgrade by pid"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("whose process is gone"), "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("run `rudder rollback k` to return to the last deployed revision, or repeat with --force"),
        "{}",
        again.stderr
    );
    assert_eq!(
        statuses(&srv, "k", ns),
        ["deployed", "pending-upgrade"],
        "the report changed the release"
    );

    let back = rudder(&srv, &["rollback", "k", "-n", ns]).ok();
    assert!(back.stdout.contains("REVISION: 3\n"), "{}", back.stdout);
    assert!(
        back.stderr
            .contains("revision 2 was left pending-upgrade by an operation that did not finish; marked failed"),
        "{}",
        back.stderr
    );
    let h = history(&srv, "k", ns);
    assert_eq!(h[1].0, "failed");
    assert!(h[1].1.starts_with("Interrupted"), "{h:?}");
    assert_eq!(h[2], ("deployed".to_string(), "Rollback to 1".to_string()));
    assert_eq!(gen_of_base(&srv, ns), "1");
    assert!(
        srv.object("coordination.k8s.io", "leases", ns, "sh.rudder.release.v1.k")
            .is_none()
    );
    ensure_described(&srv, "k", ns);

    // Killed again; this time `upgrade --force` takes over and goes on.
    kill_mid_upgrade(&srv, ns, "gen=4", "sh.rudder.release.v1.k.v4");
    let forced = rudder(&srv, &["upgrade", "k", CHART, "-n", ns, "--set", "gen=5", "--force"]).ok();
    assert!(forced.stdout.contains("REVISION: 5\n"), "{}", forced.stdout);
    assert_eq!(
        statuses(&srv, "k", ns),
        ["superseded", "failed", "superseded", "failed", "deployed"]
    );
    assert_eq!(gen_of_base(&srv, ns), "5");
    ensure_described(&srv, "k", ns);
}

/// Two upgrades started together: exactly one succeeds; the other fails at once naming the holder.
#[test]
fn release_concurrent_upgrades_exactly_one_succeeds() {
    let srv = TestServer::start();
    let ns = "race";
    rudder(&srv, &["install", "r", CHART, "-n", ns, "--create-namespace"]).ok();
    srv.inject(Fault::new(When::Writes, Action::Delay(Duration::from_secs(2))).on_path("/configmaps/base"));
    let a = spawn(&srv, &["upgrade", "r", CHART, "-n", ns, "--set", "gen=a"]);
    let b = spawn(&srv, &["upgrade", "r", CHART, "-n", ns, "--set", "gen=b"]);
    let start = Instant::now();
    let (a, b) = (finish(a), finish(b));
    let (won, lost) = match (a.code, b.code) {
        (0, 1) => (a, b),
        (1, 0) => (b, a),
        _ => panic!(
            "want exactly one success:\nA {}: {}\nB {}: {}",
            a.code, a.stderr, b.code, b.stderr
        ),
    };
    assert!(won.stdout.contains("REVISION: 2\n"), "{}", won.stdout);
    assert!(
        lost.stderr.contains("release 'r' is busy: upgrade by pid") && lost.stderr.contains("holds its lock"),
        "{}",
        lost.stderr
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(statuses(&srv, "r", ns), ["superseded", "deployed"]);
    ensure_described(&srv, "r", ns);
}

/// A chart with incompressible files, so that its revision records pass 1 MiB.
fn big_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("big");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("files")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: big\nversion: 1.0.0\n").unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  gen: \"{{ Values.gen }}\"\n",
    )
    .unwrap();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let bytes: Vec<u8> = (0..1_600_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(chart.join("files/blob.bin"), bytes).unwrap();
    chart
}

/// Revisions over the 1 MiB Secret cap (which the test server enforces, as the API server does)
/// are split into chunk Secrets listed by the head with their sha256; an altered chunk is found.
#[test]
fn release_record_over_one_mib_is_chunked_and_verified() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let chart = big_chart(tmp.path());
    let chart = chart.to_str().unwrap();
    let ns = "big";
    rudder(
        &srv,
        &[
            "install",
            "big",
            chart,
            "-n",
            ns,
            "--create-namespace",
            "--set",
            "gen=1",
        ],
    )
    .ok();
    rudder(&srv, &["upgrade", "big", chart, "-n", ns, "--set", "gen=2"]).ok();
    let secrets = srv.names("", "secrets", ns);
    for v in [1, 2] {
        let head = srv
            .object("", "secrets", ns, &format!("sh.rudder.release.v1.big.v{v}"))
            .unwrap();
        assert!(head["data"].get("chunks").is_some() && head["data"].get("release").is_none());
        assert_eq!(head["type"], "rudder.dev/release.v1");
        let chunks: Vec<&String> = secrets
            .iter()
            .filter(|s| s.starts_with(&format!("sh.rudder.release.v1.big.v{v}.chunk-")))
            .collect();
        assert!(chunks.len() >= 2, "{secrets:?}");
        let one = srv.object("", "secrets", ns, chunks[0]).unwrap();
        assert_eq!(one["type"], "rudder.dev/release-chunk.v1");
    }
    assert_eq!(statuses(&srv, "big", ns), ["superseded", "deployed"]);
    let values = rudder(&srv, &["get", "values", "big", "-n", ns]).ok();
    assert_eq!(values.stdout, "USER-SUPPLIED VALUES:\ngen: 2\n");

    // One byte of a chunk changed: the revision is refused, naming the chunk.
    let altered = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sh.rudder.release.v1.big.v2.chunk-1\ndata:\n  chunk: aGFsZg==\n";
    run_rudder(
        &srv.kubeconfig(),
        &["apply", "-n", ns, "--force-conflicts", "-f", "-"],
        altered,
    )
    .ok();
    let status = rudder(&srv, &["status", "big", "-n", ns]);
    assert_eq!(status.code, 1);
    assert!(
        status
            .stderr
            .contains("sh.rudder.release.v1.big.v2.chunk-1: chunk does not match the sha256"),
        "{}",
        status.stderr
    );
    // A record too big for one Secret is refused by the server: the split is what makes it fit.
    let whole = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: whole\ndata:\n  release: {}\n",
        "QUFB".repeat(350_000)
    );
    let refused = run_rudder(&srv.kubeconfig(), &["apply", "-n", ns, "-f", "-"], &whole);
    assert!(
        refused.stderr.contains("Too long: must have at most 1048576 bytes"),
        "{}",
        refused.stderr
    );
}

/// The values of an upgrade follow Helm's flags; `--history-max` prunes old revisions;
/// `upgrade --install` installs; `--dry-run` and `--diff` change nothing.
#[test]
fn release_values_flags_history_max_dry_run_and_diff() {
    let srv = TestServer::start();
    let ns = "modes";
    let up = |args: &[&str]| {
        let mut all = vec!["upgrade", "m", CHART, "-n", ns];
        all.extend_from_slice(args);
        rudder(&srv, &all).ok()
    };
    let missing = rudder(&srv, &["install", "m", CHART, "-n", ns]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains("namespace 'modes' does not exist; use --create-namespace"),
        "{}",
        missing.stderr
    );
    let gone = rudder(&srv, &["uninstall", "m", "-n", ns]);
    assert!(
        gone.stderr.contains("release 'm' not found in namespace 'modes'"),
        "{}",
        gone.stderr
    );
    let dry = rudder(
        &srv,
        &["install", "m", CHART, "-n", ns, "--create-namespace", "--dry-run"],
    )
    .ok();
    assert!(dry.stdout.contains("STATUS: pending-install\n"), "{}", dry.stdout);
    assert!(dry.stdout.contains("MANIFEST:\n"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("token: <redacted>") && !dry.stdout.contains("s3cr3t"),
        "{}",
        dry.stdout
    );
    assert!(srv.names("", "secrets", ns).is_empty(), "a dry run wrote records");

    let first = up(&["--install", "--create-namespace", "--set", "gen=5,kept=false"]);
    assert!(first.stdout.contains("REVISION: 1\n"), "{}", first.stdout);
    // No values given: the previous ones are reused.
    up(&[]);
    assert_eq!(gen_of_base(&srv, ns), "5");
    // --reuse-values merges the new ones over them.
    up(&["--reuse-values", "--set", "extra=false"]);
    assert_eq!(gen_of_base(&srv, ns), "5");
    assert!(srv.object("", "configmaps", ns, "extra").is_none());
    // --reset-then-reuse-values: the chart's defaults under the previous values and the new ones.
    up(&["--reset-then-reuse-values", "--set", "extra=true"]);
    assert_eq!(gen_of_base(&srv, ns), "5");
    assert!(srv.object("", "configmaps", ns, "extra").is_some());
    // --reset-values: only the chart's defaults and what is given now.
    up(&["--reset-values", "--set", "kept=false"]);
    assert_eq!(gen_of_base(&srv, ns), "1");
    let values = rudder(&srv, &["get", "values", "m", "-n", ns, "-o", "json"]).ok();
    assert_eq!(values.stdout, "{\"kept\":false}\n");

    // --diff with --dry-run: the change shown, nothing applied or recorded.
    let diff = up(&["--set", "gen=9,kept=false", "--diff", "--dry-run"]);
    assert!(
        diff.stdout.contains("-  gen: \"1\"\n+  gen: \"9\"\n"),
        "{}",
        diff.stdout
    );
    // The Secret's change shows, its values do not (base64 of s3cr3t-1 and s3cr3t-9).
    assert!(
        diff.stdout.contains("--- live/v1.Secret.modes.m-token"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("+  token: <redacted>"), "{}", diff.stdout);
    assert!(!diff.stdout.contains("czNjcjN0LT"), "{}", diff.stdout);
    assert_eq!(gen_of_base(&srv, ns), "1");
    assert_eq!(statuses(&srv, "m", ns).len(), 5);

    // --history-max 3: the oldest revisions go.
    up(&["--set", "gen=6,kept=false", "--history-max", "3"]);
    let secrets: Vec<String> = srv
        .names("", "secrets", ns)
        .into_iter()
        .filter(|s| s.starts_with("sh.rudder.release.v1.m."))
        .collect();
    assert_eq!(secrets.len(), 3, "{secrets:?}");
    let versions: Vec<String> = rudder(&srv, &["history", "m", "-n", ns])
        .ok()
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().trim().to_string())
        .collect();
    assert_eq!(versions, ["4", "5", "6"]);
}

#[test]
fn release_commands_help() {
    for cmd in [
        "install",
        "upgrade",
        "rollback",
        "uninstall",
        "list",
        "status",
        "history",
        "get",
    ] {
        insta::assert_snapshot!(format!("{cmd}_help"), help(&[cmd, "--help"]));
    }
}

/// A Lease left by a process that is gone, with no revision pending, is taken over with a note.
#[test]
fn release_stale_lock_without_pending_revision_is_taken_over() {
    let srv = TestServer::start();
    let ns = "stale";
    rudder(&srv, &["install", "s", CHART, "-n", ns, "--create-namespace"]).ok();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let lease = format!(
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: sh.rudder.release.v1.s\n  annotations:\n    \
         rudder.dev/operation: upgrade\n    rudder.dev/holder-host: {}\n    rudder.dev/holder-pid: \"4194303\"\n\
         spec:\n  holderIdentity: upgrade by pid 4194303\n  leaseDurationSeconds: 30\n  \
         acquireTime: \"2026-01-01T00:00:00.000000Z\"\n  renewTime: \"2026-01-01T00:00:00.000000Z\"\n",
        host.trim()
    );
    run_rudder(&srv.kubeconfig(), &["apply", "-n", ns, "-f", "-"], &lease).ok();
    let up = rudder(&srv, &["upgrade", "s", CHART, "-n", ns, "--set", "gen=2"]).ok();
    assert!(
        up.stderr
            .contains("took over the lock of release 's' left by upgrade by pid 4194303"),
        "{}",
        up.stderr
    );
    assert_eq!(statuses(&srv, "s", ns), ["superseded", "deployed"]);
    assert!(
        srv.object("coordination.k8s.io", "leases", ns, "sh.rudder.release.v1.s")
            .is_none()
    );
}

/// A chart with a CRD in crds/, a custom resource of it and hooks (ConfigMaps, which complete at
/// once), in `dir`; `variant` goes into the CRD's labels and the hooks' data.
fn crd_chart(dir: &Path, variant: &str) -> PathBuf {
    let chart = dir.join(format!("widgets-{variant}"));
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("crds")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: widgets\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("crds/widgets.yaml"),
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n  \
             labels:\n    variant: {variant}\nspec:\n  group: example.com\n  names:\n    kind: Widget\n    plural: widgets\n    \
             singular: widget\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      \
             schema:\n        openAPIV3Schema:\n          type: object\n          x-kubernetes-preserve-unknown-fields: true\n"
        ),
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/widget.yaml"),
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n",
    )
    .unwrap();
    for (event, name) in [
        ("pre-install,pre-upgrade", "before"),
        ("post-upgrade", "after"),
        ("pre-delete", "goodbye"),
    ] {
        std::fs::write(
            chart.join(format!("templates/hook-{name}.yaml")),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook-{name}\n  annotations:\n    \
                 rudder.dev/hook: {event}\ndata:\n  variant: {variant}\n"
            ),
        )
        .unwrap();
    }
    chart
}

fn crd_variant(srv: &TestServer) -> String {
    let crd = srv
        .object(
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            "",
            "widgets.example.com",
        )
        .expect("the CRD");
    crd["metadata"]["labels"]["variant"].as_str().unwrap().to_string()
}

/// CRDs from crds/ are created on install and upgraded on upgrade (unless --skip-crds), never
/// deleted; hooks run at their events (not with --no-hooks).
#[test]
fn release_crds_and_hooks() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ns = "crds";
    let (one, two, three) = (
        crd_chart(tmp.path(), "one"),
        crd_chart(tmp.path(), "two"),
        crd_chart(tmp.path(), "three"),
    );
    let path = |p: &PathBuf| p.to_str().unwrap().to_string();
    let install = rudder(&srv, &["install", "w", &path(&one), "-n", ns, "--create-namespace"]).ok();
    assert!(
        install.stderr.contains("pre-install: 1 hook(s) succeeded"),
        "{}",
        install.stderr
    );
    assert_eq!(crd_variant(&srv), "one");
    assert!(srv.object("example.com", "widgets", ns, "w").is_some());
    assert!(srv.object("", "configmaps", ns, "hook-before").is_some());
    assert!(
        srv.object("", "configmaps", ns, "hook-after").is_none(),
        "post-upgrade hook ran on install"
    );

    rudder(&srv, &["upgrade", "w", &path(&two), "-n", ns]).ok();
    assert_eq!(crd_variant(&srv), "two", "the CRD was not upgraded");
    let after = srv
        .object("", "configmaps", ns, "hook-after")
        .expect("post-upgrade hook");
    assert_eq!(after["data"]["variant"], "two");

    rudder(
        &srv,
        &["upgrade", "w", &path(&three), "-n", ns, "--skip-crds", "--no-hooks"],
    )
    .ok();
    assert_eq!(crd_variant(&srv), "two", "--skip-crds upgraded the CRD");
    let after = srv.object("", "configmaps", ns, "hook-after").unwrap();
    assert_eq!(after["data"]["variant"], "two", "--no-hooks ran a hook");
    // The hooks are not part of the manifest.
    let manifest = rudder(&srv, &["get", "manifest", "w", "-n", ns]).ok();
    assert!(!manifest.stdout.contains("hook-"), "{}", manifest.stdout);
    let hooks = rudder(&srv, &["get", "hooks", "w", "-n", ns]).ok();
    assert!(hooks.stdout.contains("name: hook-goodbye"), "{}", hooks.stdout);

    let gone = rudder(&srv, &["uninstall", "w", "-n", ns]).ok();
    assert!(
        gone.stderr.contains("pre-delete: 1 hook(s) succeeded"),
        "{}",
        gone.stderr
    );
    assert!(srv.object("", "configmaps", ns, "hook-goodbye").is_some());
    assert!(srv.object("example.com", "widgets", ns, "w").is_none());
    assert_eq!(crd_variant(&srv), "two", "uninstall deleted the CRD");
}

/// `rudder status` shows the last `rudder test` run in its TEST SUITE section.
#[test]
fn release_status_shows_the_last_test_run() {
    let srv = TestServer::start();
    let ns = "tested";
    rudder(
        &srv,
        &["install", "t", "fixtures/hooks/chart", "-n", ns, "--create-namespace"],
    )
    .ok();
    let before = rudder(&srv, &["status", "t", "-n", ns]).ok();
    assert!(
        before.stdout.contains("REVISION: 1\nTEST SUITE: None\n"),
        "{}",
        before.stdout
    );
    rudder(&srv, &["test", "t", "-n", ns]).ok();
    let after = rudder(&srv, &["status", "t", "-n", ns]).ok();
    assert!(
        after.stdout.contains("TEST SUITE:     t-test-connection\n"),
        "{}",
        after.stdout
    );
    assert!(after.stdout.contains("Phase:          Succeeded\n"), "{}", after.stdout);
}
