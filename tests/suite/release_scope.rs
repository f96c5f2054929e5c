//! Releases on the API test server, continued: objects a chart places in another namespace,
//! hook runs recorded at every event, rollback's ownership check, and `upgrade --install`
//! deciding under the lock whether the release exists.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rudder_testserver::{Action, Fault, TestServer, When};

use crate::e2e::harness::run_rudder;
use crate::release::{finish, rudder, spawn, statuses};

/// A chart with a ConfigMap in the release namespace and, when `.Values.far`, one in namespace
/// `elsewhere`; a pre-install/pre-upgrade/pre-rollback hook and a pre-delete hook.
fn far_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("far");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: far\nversion: 1.0.0\n").unwrap();
    std::fs::write(chart.join("values.yaml"), "far: true\n").unwrap();
    std::fs::write(
        chart.join("templates/cms.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: near\n\
         {% if Values.far %}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: far\n  namespace: elsewhere\n{% endif %}\n",
    )
    .unwrap();
    for (event, name) in [
        ("pre-install,pre-upgrade,pre-rollback", "before"),
        ("pre-delete", "goodbye"),
    ] {
        std::fs::write(
            chart.join(format!("templates/hook-{name}.yaml")),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook-{name}\n  annotations:\n    \
                 rudder.dev/hook: {event}\n    rudder.dev/hook-delete-policy: before-hook-creation\n"
            ),
        )
        .unwrap();
    }
    chart
}

fn far(srv: &TestServer) -> Option<serde_json::Value> {
    srv.object("", "configmaps", "elsewhere", "far")
}

/// A chart object naming another namespace is applied there (as Helm does), marked as the
/// release's, deleted there when an upgrade drops it and on uninstall; its owner is looked up
/// there. `apply -n` still refuses such objects, as kubectl does.
#[test]
fn release_objects_in_their_own_namespace() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let chart = far_chart(tmp.path());
    let chart = chart.to_str().unwrap();
    run_rudder(
        &srv.kubeconfig(),
        &["apply", "-f", "-"],
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: elsewhere\n",
    )
    .ok();
    rudder(&srv, &["install", "x", chart, "-n", "home", "--create-namespace"]).ok();
    let obj = far(&srv).expect("the object in its own namespace");
    assert_eq!(obj["metadata"]["annotations"]["rudder.dev/release-name"], "x");
    assert_eq!(obj["metadata"]["annotations"]["rudder.dev/release-namespace"], "home");
    assert!(srv.object("", "configmaps", "home", "near").is_some());
    assert!(srv.object("", "configmaps", "home", "far").is_none());

    // Another release cannot take it over: the owner is read in the object's namespace.
    let other = rudder(&srv, &["install", "y", chart, "-n", "there", "--create-namespace"]);
    assert_eq!(other.code, 1, "{}", other.stdout);
    assert!(
        other
            .stderr
            .contains("configmap/far exists and belongs to rudder release 'x' in namespace 'home'"),
        "{}",
        other.stderr
    );

    rudder(&srv, &["upgrade", "x", chart, "-n", "home", "--set", "far=false"]).ok();
    assert!(far(&srv).is_none(), "the dropped object was not deleted");
    rudder(&srv, &["upgrade", "x", chart, "-n", "home", "--set", "far=true"]).ok();
    assert!(far(&srv).is_some());
    rudder(&srv, &["uninstall", "x", "-n", "home"]).ok();
    assert!(far(&srv).is_none(), "uninstall left the object");

    let refused = run_rudder(
        &srv.kubeconfig(),
        &["apply", "-n", "home", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: far\n  namespace: elsewhere\n",
    );
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(far(&srv).is_none());
}

/// The last run of each hook, by name, from `status -o json`.
fn hook_phases(srv: &TestServer, name: &str, ns: &str, revision: &str) -> Vec<(String, String)> {
    let out = rudder(srv, &["status", name, "-n", ns, "--revision", revision, "-o", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["last_run"]["phase"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Hooks run by install, upgrade, rollback and uninstall are recorded in their revision (as
/// `rudder test` runs are), and shown by status.
#[test]
fn release_hook_runs_are_recorded_at_every_event() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let chart = far_chart(tmp.path());
    let chart = chart.to_str().unwrap();
    let ns = "hooked";
    rudder(
        &srv,
        &[
            "install",
            "h",
            chart,
            "-n",
            ns,
            "--create-namespace",
            "--set",
            "far=false",
        ],
    )
    .ok();
    let ran = [
        ("hook-before".to_string(), "Succeeded".to_string()),
        ("hook-goodbye".to_string(), "Unknown".to_string()),
    ];
    assert_eq!(hook_phases(&srv, "h", ns, "1"), ran);
    rudder(&srv, &["upgrade", "h", chart, "-n", ns, "--set", "far=false"]).ok();
    assert_eq!(hook_phases(&srv, "h", ns, "2"), ran);
    rudder(&srv, &["rollback", "h", "1", "-n", ns]).ok();
    assert_eq!(hook_phases(&srv, "h", ns, "3"), ran);
    rudder(&srv, &["uninstall", "h", "-n", ns, "--keep-history"]).ok();
    assert_eq!(
        hook_phases(&srv, "h", ns, "3"),
        [
            ("hook-before".to_string(), "Succeeded".to_string()),
            ("hook-goodbye".to_string(), "Succeeded".to_string()),
        ]
    );
}

/// A rollback that would re-create an object someone else now owns is refused, as install and
/// upgrade refuse it.
#[test]
fn release_rollback_checks_ownership() {
    let srv = TestServer::start();
    let ns = "back";
    let chart = crate::release::CHART;
    rudder(&srv, &["install", "a", chart, "-n", ns, "--create-namespace"]).ok();
    rudder(&srv, &["upgrade", "a", chart, "-n", ns, "--set", "extra=false"]).ok();
    assert!(srv.object("", "configmaps", ns, "extra").is_none());
    run_rudder(
        &srv.kubeconfig(),
        &["apply", "-n", ns, "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  mine: \"yes\"\n",
    )
    .ok();
    let back = rudder(&srv, &["rollback", "a", "1", "-n", ns]);
    assert_eq!(back.code, 1, "{}", back.stdout);
    assert!(
        back.stderr
            .contains("configmap/extra exists and belongs to no release; use --take-ownership"),
        "{}",
        back.stderr
    );
    let extra = srv.object("", "configmaps", ns, "extra").unwrap();
    assert!(extra["metadata"]["annotations"]["rudder.dev/release-name"].is_null());
    assert_eq!(statuses(&srv, "a", ns), ["superseded", "deployed"]);
    rudder(&srv, &["rollback", "a", "1", "-n", ns, "--take-ownership"]).ok();
    let extra = srv.object("", "configmaps", ns, "extra").unwrap();
    assert_eq!(extra["metadata"]["annotations"]["rudder.dev/release-name"], "a");
}

/// `upgrade --install` decides whether the release exists once it holds the lock: started
/// before an install that finishes while it waits for the lock, it upgrades what was installed.
#[test]
fn release_upgrade_install_decides_under_the_lock() {
    let srv = TestServer::start();
    let ns = "late";
    let chart = crate::release::CHART;
    run_rudder(
        &srv.kubeconfig(),
        &["apply", "-f", "-"],
        &format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n"),
    )
    .ok();
    // The first Lease write (the upgrade's) is held back until the install is done.
    srv.inject(
        Fault::new(When::Writes, Action::Delay(Duration::from_secs(4)))
            .on_path("/leases")
            .times(1),
    );
    let up = spawn(&srv, &["upgrade", "--install", "u", chart, "-n", ns, "--set", "gen=up"]);
    std::thread::sleep(Duration::from_millis(1500));
    let install = rudder(&srv, &["install", "u", chart, "-n", ns]).ok();
    assert!(install.stdout.contains("REVISION: 1\n"), "{}", install.stdout);
    let up = finish(up);
    assert_eq!(up.code, 0, "{}", up.stderr);
    assert!(
        up.stdout.contains("has been upgraded") && up.stdout.contains("REVISION: 2\n"),
        "{}",
        up.stdout
    );
    assert_eq!(statuses(&srv, "u", ns), ["superseded", "deployed"]);
}

/// `list -A` orders releases by name as Helm does (not by namespace); `get all` prints the
/// user-supplied and the computed values.
#[test]
fn release_list_order_and_get_all() {
    let srv = TestServer::start();
    let chart = crate::release::CHART;
    rudder(&srv, &["install", "zeta", chart, "-n", "aaa", "--create-namespace"]).ok();
    rudder(
        &srv,
        &[
            "install",
            "alpha",
            chart,
            "-n",
            "zzz",
            "--create-namespace",
            "--set",
            "gen=7",
        ],
    )
    .ok();
    let names = rudder(&srv, &["list", "-A", "-q"]).ok();
    assert_eq!(names.stdout, "alpha\nzeta\n");
    let all = rudder(&srv, &["get", "all", "alpha", "-n", "zzz"]).ok();
    assert!(all.stdout.contains("USER-SUPPLIED VALUES:\ngen: 7\n"), "{}", all.stdout);
    assert!(all.stdout.contains("COMPUTED VALUES:\n"), "{}", all.stdout);
}

/// `list` shows what `helm list` shows: by default only deployed and failed releases; status
/// flags choose others (`--superseded` alone: every superseded revision), `-a` all of them;
/// `--filter` matches names; `-d`, `-r`, `-m`, `--offset` order and cut the rows.
#[test]
fn release_list_filters_as_helm() {
    let srv = TestServer::start();
    let chart = crate::release::CHART;
    // One namespace each: the chart's object names are fixed.
    for name in ["alpha", "beta", "gamma"] {
        rudder(&srv, &["install", name, chart, "-n", name, "--create-namespace"]).ok();
    }
    std::thread::sleep(Duration::from_millis(1100)); // times are stored to the second
    rudder(&srv, &["upgrade", "alpha", chart, "-n", "alpha", "--set", "gen=2"]).ok();
    rudder(&srv, &["uninstall", "beta", "-n", "beta", "--keep-history"]).ok();
    let names = |args: &[&str]| {
        let mut all = vec!["list", "-A", "-q"];
        all.extend_from_slice(args);
        rudder(&srv, &all).ok().stdout
    };
    assert_eq!(names(&[]), "alpha\ngamma\n");
    assert_eq!(names(&["--uninstalled"]), "beta\n");
    assert_eq!(names(&["--deployed", "--uninstalled"]), "alpha\nbeta\ngamma\n");
    assert_eq!(names(&["-a"]), "alpha\nbeta\ngamma\n");
    assert_eq!(names(&["--failed"]), "");
    assert_eq!(names(&["--filter", "^(al|be)"]), "alpha\n");
    assert_eq!(names(&["-r"]), "gamma\nalpha\n");
    assert_eq!(
        names(&["-d"]),
        "gamma\nalpha\n",
        "alpha's upgrade is the latest deployment"
    );
    assert_eq!(names(&["-a", "-m", "2"]), "alpha\nbeta\n");
    assert_eq!(names(&["-a", "--offset", "2"]), "gamma\n");
    let superseded = rudder(&srv, &["list", "-A", "--superseded", "-o", "json"]).ok().stdout;
    let rows: serde_json::Value = serde_json::from_str(&superseded).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{superseded}");
    assert_eq!(
        (rows[0]["name"].as_str(), rows[0]["revision"].as_str()),
        (Some("alpha"), Some("1"))
    );
    let bad = rudder(&srv, &["list", "-A", "--filter", "("]);
    assert_ne!(bad.code, 0);
}

/// `get metadata` prints Helm's `KEY: value` lines (annotations as sorted `k=v` pairs,
/// dependency names sorted) and, with `-o json`, Helm's field names.
#[test]
fn release_get_metadata_as_helm() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("meta");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: meta\nversion: 1.2.3\nappVersion: \"4.5\"\nannotations:\n  zz: last\n  aa: first\n\
         dependencies:\n- name: zsub\n  version: 1.0.0\n- name: asub\n  version: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: meta\n",
    )
    .unwrap();
    for sub in ["zsub", "asub"] {
        let dir = chart.join("charts").join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            format!("apiVersion: v2\nname: {sub}\nversion: 1.0.0\n"),
        )
        .unwrap();
    }
    let chart = chart.to_str().unwrap();
    rudder(&srv, &["install", "m", chart, "-n", "meta", "--create-namespace"]).ok();
    let table = rudder(&srv, &["get", "metadata", "m", "-n", "meta"]).ok().stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[..10],
        [
            "NAME: m",
            "CHART: meta",
            "VERSION: 1.2.3",
            "APP_VERSION: 4.5",
            "ANNOTATIONS: aa=first,zz=last",
            "LABELS: ",
            "DEPENDENCIES: asub,zsub",
            "NAMESPACE: meta",
            "REVISION: 1",
            "STATUS: deployed",
        ],
        "{table}"
    );
    assert!(
        lines[10].starts_with("DEPLOYED_AT: 20") && lines[10].ends_with('Z'),
        "{table}"
    );
    let json = rudder(&srv, &["get", "metadata", "m", "-n", "meta", "-o", "json"])
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["appVersion"], "4.5");
    assert_eq!(v["revision"], 1);
    assert_eq!(v["annotations"]["zz"], "last");
    assert_eq!(v["dependencies"][0]["name"], "zsub");
    assert!(v["deployedAt"].is_string(), "{json}");
}
