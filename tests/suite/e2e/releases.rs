//! Release scenarios (install, upgrade, rollback, uninstall), each taking the kubeconfig of the
//! cluster to run against: the real 1.20 cluster of scripts/cluster.sh, or the API test server
//! (tests/suite/release.rs runs them there too). Each works in its own namespace and first
//! removes what an earlier run may have left.

use std::path::Path;

use super::harness::{Cluster, Run, run_rudder_env};

fn str_at<'a>(obj: &'a serde_json::Value, path: &str) -> &'a str {
    obj.pointer(path)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{path} missing in {obj}"))
}

#[track_caller]
fn failed(run: &Run) -> &str {
    assert_eq!(
        run.code, 1,
        "expected a failure:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    &run.stderr
}

/// The STATUS and DESCRIPTION columns of `rudder history`.
fn history(c: &Cluster, name: &str, ns: &str) -> Vec<(String, String)> {
    let out = c.rudder(&["history", name, "-n", ns, "-o", "json"], "").ok();
    let list: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    list.iter()
        .map(|r| (str_at(r, "/status").to_string(), str_at(r, "/description").to_string()))
        .collect()
}

fn statuses(c: &Cluster, name: &str, ns: &str) -> Vec<String> {
    history(c, name, ns).into_iter().map(|(s, _)| s).collect()
}

/// The revision Secrets of a release (heads and chunks), by name.
fn records(c: &Cluster, name: &str, ns: &str) -> Vec<String> {
    (1..=12)
        .flat_map(|v| {
            let head = format!("sh.rudder.release.v1.{name}.v{v}");
            c.get("v1", "Secret", Some(ns), &head).map(|_| head)
        })
        .collect()
}

fn image(c: &Cluster, kind: &str, ns: &str, name: &str) -> String {
    let obj = c
        .get("apps/v1", kind, Some(ns), name)
        .unwrap_or_else(|| panic!("{kind} {name}"));
    str_at(&obj, "/spec/template/spec/containers/0/image").to_string()
}

fn clean(c: &Cluster, name: &str, ns: &str) {
    let _ = c.rudder(&["uninstall", name, "-n", ns, "--force"], "");
    let _ = c.rudder(&["uninstall", name, "-n", ns], "");
}

/// A chart repository on loopback serving charts/metallb packaged, and the directories rudder
/// keeps its repository configuration in.
struct Repo {
    _server: crate::repo_server::Server,
    home: tempfile::TempDir,
}

impl Repo {
    /// Packages charts/metallb, indexes it, serves it and runs `rudder repo add edu URL`.
    fn edu() -> Repo {
        let home = tempfile::tempdir().unwrap();
        let pkgs = home.path().join("pkgs");
        std::fs::create_dir_all(&pkgs).unwrap();
        let server = crate::repo_server::Server::start("127.0.0.1");
        let url = format!("{}/charts", server.url());
        let repo = Repo { _server: server, home };
        let pkgs = pkgs.to_str().unwrap();
        repo.local(&["package", "charts/metallb", "-d", pkgs]);
        repo.local(&["repo", "index", pkgs, "--url", &url]);
        repo._server.serve_dir("/charts", Path::new(pkgs));
        repo.local(&["repo", "add", "edu", &url]);
        repo
    }

    fn env(&self) -> [(&'static str, std::path::PathBuf); 3] {
        [
            ("RUDDER_CONFIG_HOME", self.home.path().join("config")),
            ("RUDDER_CACHE_HOME", self.home.path().join("cache")),
            ("HOME", self.home.path().to_path_buf()),
        ]
    }

    /// A command that does not talk to the cluster.
    fn local(&self, args: &[&str]) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rudder"))
            .args(args)
            .current_dir(crate::support::root())
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "rudder {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn rudder(&self, c: &Cluster, args: &[&str]) -> Run {
        let env = self.env();
        let env: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, v.as_path())).collect();
        run_rudder_env(&c.kubeconfig, args, "", &env)
    }
}

/// The seed sequence with `edu/metallb` from a repository on loopback: install v0.8.3, upgrade
/// --reuse-values to v0.8.4, rollback to 1 (v0.8.3 again, revision 3), history
/// superseded/superseded/deployed, list, status, get; uninstall --keep-history keeps the
/// records, uninstall removes them; a second life ends with a plain uninstall leaving no object
/// and no record.
///
/// The release namespace is `rudder-e2e-metallb`, not the seed's metallb-system, so that this
/// scenario and the overlay one (which applies metallb-system's objects without a release) can
/// run side by side.
pub fn release_seed_sequence(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-metallb";
    clean(&c, "metallb", ns);
    let repo = Repo::edu();
    let chart = "edu/metallb";
    let nsflag = format!("--namespace={ns}");
    let install = repo
        .rudder(
            &c,
            &[
                "install",
                "metallb",
                chart,
                &nsflag,
                "--create-namespace",
                "--set",
                "controller.tag=v0.8.3",
                "--set",
                "speaker.tag=v0.8.3",
                "--set",
                "configmap.ipRange=192.168.1.11-192.168.1.29",
                "--wait",
                "--timeout",
                "2m",
            ],
        )
        .ok();
    let lines: Vec<&str> = install.stdout.lines().collect();
    assert_eq!(lines[0], "NAME: metallb", "{}", install.stdout);
    assert!(lines[1].starts_with("LAST DEPLOYED: "), "{}", install.stdout);
    assert_eq!(
        lines[2..7],
        [
            &format!("NAMESPACE: {ns}") as &str,
            "STATUS: deployed",
            "REVISION: 1",
            "TEST SUITE: None",
            "NOTES:"
        ]
    );
    assert!(
        install.stdout.contains("MetalLB v0.8.3 is installed"),
        "{}",
        install.stdout
    );
    assert_eq!(image(&c, "Deployment", ns, "controller"), "metallb/controller:v0.8.3");
    assert_eq!(image(&c, "DaemonSet", ns, "speaker"), "metallb/speaker:v0.8.3");
    let deploy = c.get("apps/v1", "Deployment", Some(ns), "controller").unwrap();
    assert_eq!(
        str_at(&deploy, "/metadata/labels/app.kubernetes.io~1managed-by"),
        "rudder"
    );
    assert_eq!(
        str_at(&deploy, "/metadata/annotations/rudder.dev~1release-name"),
        "metallb"
    );
    assert_eq!(
        str_at(&deploy, "/metadata/annotations/rudder.dev~1release-namespace"),
        ns
    );
    let record = c
        .get("v1", "Secret", Some(ns), "sh.rudder.release.v1.metallb.v1")
        .expect("revision 1 record");
    assert_eq!(str_at(&record, "/type"), "rudder.dev/release.v1");
    assert_eq!(str_at(&record, "/metadata/labels/status"), "deployed");

    let up = repo
        .rudder(
            &c,
            &[
                "upgrade",
                "metallb",
                chart,
                &nsflag,
                "--reuse-values",
                "--set",
                "controller.tag=v0.8.4",
            ],
        )
        .ok();
    assert!(up.stdout.contains("REVISION: 2\n"), "{}", up.stdout);
    assert_eq!(image(&c, "Deployment", ns, "controller"), "metallb/controller:v0.8.4");
    assert_eq!(image(&c, "DaemonSet", ns, "speaker"), "metallb/speaker:v0.8.3");

    let back = c.rudder(&["rollback", "metallb", "1", &nsflag], "").ok();
    assert!(back.stdout.contains("REVISION: 3\n"), "{}", back.stdout);
    assert_eq!(image(&c, "Deployment", ns, "controller"), "metallb/controller:v0.8.3");

    let table = c.rudder(&["history", "metallb", &nsflag], "").ok();
    let header: Vec<&str> = table
        .stdout
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .map(str::trim)
        .collect();
    assert_eq!(
        header,
        ["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]
    );
    assert_eq!(
        history(&c, "metallb", ns),
        [
            ("superseded".to_string(), "Install complete".to_string()),
            ("superseded".to_string(), "Upgrade complete".to_string()),
            ("deployed".to_string(), "Rollback to 1".to_string()),
        ]
    );
    let listed = c.rudder(&["list", &nsflag, "-o", "json"], "").ok();
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "metallb");
    assert_eq!(listed[0]["revision"], "3");
    assert_eq!(listed[0]["status"], "deployed");
    assert_eq!(listed[0]["chart"], "metallb-0.8.3");
    let all = c.rudder(&["list", "-A"], "").ok();
    assert!(
        all.stdout.lines().any(|l| l.starts_with("metallb") && l.contains(ns)),
        "{}",
        all.stdout
    );
    let status = c.rudder(&["status", "metallb", &nsflag], "").ok();
    assert!(
        status.stdout.contains("STATUS: deployed\nREVISION: 3\n"),
        "{}",
        status.stdout
    );
    let values = c
        .rudder(&["get", "values", "metallb", &nsflag, "--revision", "2"], "")
        .ok();
    assert!(
        values.stdout.starts_with("USER-SUPPLIED VALUES:\n"),
        "{}",
        values.stdout
    );
    assert!(values.stdout.contains("tag: v0.8.4"), "{}", values.stdout);
    assert!(
        values.stdout.contains("ipRange: 192.168.1.11-192.168.1.29"),
        "{}",
        values.stdout
    );
    let manifest = c.rudder(&["get", "manifest", "metallb", &nsflag], "").ok();
    assert!(
        manifest.stdout.contains("image: metallb/controller:v0.8.3"),
        "{}",
        manifest.stdout
    );

    let gone = c
        .rudder(&["uninstall", "metallb", &nsflag, "--keep-history", "--wait"], "")
        .ok();
    assert_eq!(gone.stdout, "release \"metallb\" uninstalled\n");
    assert!(!c.exists("apps/v1", "Deployment", Some(ns), "controller"));
    assert!(!c.exists(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        None,
        &format!("{ns}:controller")
    ));
    assert_eq!(statuses(&c, "metallb", ns), ["superseded", "superseded", "uninstalled"]);
    assert_eq!(records(&c, "metallb", ns).len(), 3);
    c.rudder(&["uninstall", "metallb", &nsflag], "").ok();
    assert!(records(&c, "metallb", ns).is_empty());
    let missing = c.rudder(&["history", "metallb", &nsflag], "");
    assert!(
        failed(&missing).contains("release 'metallb' not found"),
        "{}",
        missing.stderr
    );

    // A second life, ended by a plain uninstall: no object, no record.
    repo.rudder(
        &c,
        &[
            "install",
            "metallb",
            chart,
            &nsflag,
            "--set",
            "configmap.ipRange=192.168.1.11-192.168.1.29",
        ],
    )
    .ok();
    assert_eq!(image(&c, "Deployment", ns, "controller"), "metallb/controller:v0.8.2");
    c.rudder(&["uninstall", "metallb", &nsflag, "--wait"], "").ok();
    assert!(!c.exists("apps/v1", "Deployment", Some(ns), "controller"));
    assert!(!c.exists("apps/v1", "DaemonSet", Some(ns), "speaker"));
    assert!(!c.exists("v1", "ConfigMap", Some(ns), "config"));
    assert!(records(&c, "metallb", ns).is_empty());
}

/// An upgrade whose manifest drops an object deletes it, unless it is annotated to keep;
/// Secret values stay out of `get manifest` unless asked; install refuses to take over an
/// object that belongs to no release, unless `--take-ownership`.
pub fn release_upgrade_deletes_dropped_object(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-dropper";
    clean(&c, "dropper", ns);
    clean(&c, "adopter", ns);
    let _ = c.rudder(
        &["delete", "-n", ns, "--ignore-not-found", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    );
    let chart = "fixtures/release/dropper";
    c.rudder(&["install", "dropper", chart, "-n", ns, "--create-namespace"], "")
        .ok();
    for name in ["base", "extra", "kept"] {
        assert!(c.exists("v1", "ConfigMap", Some(ns), name), "{name}");
    }
    let manifest = c.rudder(&["get", "manifest", "dropper", "-n", ns], "").ok();
    assert!(!manifest.stdout.contains("s3cr3t"), "{}", manifest.stdout);
    assert!(manifest.stdout.contains("token: <redacted>"), "{}", manifest.stdout);
    let shown = c
        .rudder(&["get", "manifest", "dropper", "-n", ns, "--show-secrets"], "")
        .ok();
    assert!(shown.stdout.contains("s3cr3t-1"), "{}", shown.stdout);

    c.rudder(
        &[
            "upgrade",
            "dropper",
            chart,
            "-n",
            ns,
            "--set",
            "extra=false,kept=false,gen=2",
        ],
        "",
    )
    .ok();
    assert!(
        !c.exists("v1", "ConfigMap", Some(ns), "extra"),
        "dropped object still there"
    );
    assert!(c.exists("v1", "ConfigMap", Some(ns), "kept"), "kept object deleted");
    let base = c.get("v1", "ConfigMap", Some(ns), "base").unwrap();
    assert_eq!(str_at(&base, "/data/gen"), "2");
    assert_eq!(statuses(&c, "dropper", ns), ["superseded", "deployed"]);

    c.rudder(&["uninstall", "dropper", "-n", ns], "").ok();
    assert!(!c.exists("v1", "ConfigMap", Some(ns), "base"));

    // `extra` created outside any release: install refuses it, records nothing.
    c.rudder(
        &["apply", "-n", ns, "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: mine\n",
    )
    .ok();
    let refused = c.rudder(&["install", "adopter", chart, "-n", ns, "--set", "kept=false"], "");
    assert!(
        failed(&refused).contains("configmap/extra exists and belongs to no release; use --take-ownership"),
        "{}",
        refused.stderr
    );
    assert!(records(&c, "adopter", ns).is_empty());
    assert!(
        !c.exists("v1", "ConfigMap", Some(ns), "base"),
        "refused install applied objects"
    );
    c.rudder(
        &[
            "install",
            "adopter",
            chart,
            "-n",
            ns,
            "--set",
            "kept=false",
            "--take-ownership",
        ],
        "",
    )
    .ok();
    let adopted = c.get("v1", "ConfigMap", Some(ns), "extra").unwrap();
    assert_eq!(
        str_at(&adopted, "/metadata/annotations/rudder.dev~1release-name"),
        "adopter"
    );
    c.rudder(&["uninstall", "adopter", "-n", ns], "").ok();
    let _ = c.rudder(
        &["delete", "-n", ns, "--ignore-not-found", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n",
    );
}

/// An upgrade whose manifest the API server rejects fails cleanly (revision recorded failed with
/// the server's reason, the release still usable); with `--atomic` it is rolled back, the history
/// keeping every revision.
pub fn release_rejected_upgrade_and_atomic(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-reject";
    clean(&c, "reject", ns);
    clean(&c, "reject-install", ns);
    let chart = "fixtures/release/dropper";
    // A failed install with --atomic is uninstalled, and recorded so.
    let atomic = c.rudder(
        &[
            "install",
            "reject-install",
            chart,
            "-n",
            ns,
            "--create-namespace",
            "--set",
            "broken=true,kept=false",
            "--atomic",
        ],
        "",
    );
    let err = failed(&atomic);
    assert!(
        err.contains("release 'reject-install' failed and was uninstalled (--atomic)"),
        "{err}"
    );
    assert!(err.contains("Not_A_Valid_Name"), "{err}");
    let h = history(&c, "reject-install", ns);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].0, "uninstalled");
    assert!(
        h[0].1.starts_with("Install failed and was uninstalled (--atomic): "),
        "{}",
        h[0].1
    );
    assert!(
        !c.exists("v1", "ConfigMap", Some(ns), "base"),
        "the failed install left objects"
    );
    // The name can be used again.
    c.rudder(
        &["install", "reject-install", chart, "-n", ns, "--set", "kept=false"],
        "",
    )
    .ok();
    assert_eq!(statuses(&c, "reject-install", ns), ["uninstalled", "deployed"]);
    c.rudder(&["uninstall", "reject-install", "-n", ns], "").ok();

    c.rudder(&["install", "reject", chart, "-n", ns], "").ok();
    let bad = c.rudder(
        &["upgrade", "reject", chart, "-n", ns, "--set", "broken=true,gen=2"],
        "",
    );
    let err = failed(&bad);
    assert!(err.contains("revision 2 recorded as failed"), "{err}");
    assert!(err.contains("Not_A_Valid_Name"), "{err}");
    let h = history(&c, "reject", ns);
    assert_eq!(h[0].0, "deployed");
    assert_eq!(h[1].0, "failed");
    assert!(h[1].1.starts_with("Upgrade \"reject\" failed: "), "{}", h[1].1);
    assert!(h[1].1.contains("Not_A_Valid_Name"), "{}", h[1].1);

    let atomic = c.rudder(
        &[
            "upgrade",
            "reject",
            chart,
            "-n",
            ns,
            "--set",
            "broken=true,gen=3",
            "--atomic",
            "--timeout",
            "1m",
        ],
        "",
    );
    let err = failed(&atomic);
    assert!(
        err.contains("failed and was rolled back to revision 1 (--atomic)"),
        "{err}"
    );
    assert_eq!(
        statuses(&c, "reject", ns),
        ["superseded", "failed", "failed", "deployed"]
    );
    assert_eq!(history(&c, "reject", ns)[3].1, "Rollback to 1");
    let base = c.get("v1", "ConfigMap", Some(ns), "base").unwrap();
    assert_eq!(
        str_at(&base, "/data/gen"),
        "1",
        "rollback restores revision 1's objects"
    );

    let good = c
        .rudder(&["upgrade", "reject", chart, "-n", ns, "--set", "gen=4"], "")
        .ok();
    assert!(good.stdout.contains("REVISION: 5\n"), "{}", good.stdout);
    c.rudder(&["uninstall", "reject", "-n", ns], "").ok();
    let _ = c.rudder(
        &["delete", "-n", ns, "--ignore-not-found", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n",
    );
}

/// On a cluster where Pods never become ready: an upgrade adding a Deployment with `--atomic`
/// times out waiting, is rolled back (the Deployment deleted) and recorded.
pub fn release_wait_timeout_atomic(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-wait";
    clean(&c, "waiter", ns);
    let chart = "fixtures/release/dropper";
    c.rudder(
        &[
            "install",
            "waiter",
            chart,
            "-n",
            ns,
            "--create-namespace",
            "--set",
            "kept=false",
            "--wait",
        ],
        "",
    )
    .ok();
    let up = c.rudder(
        &[
            "upgrade",
            "waiter",
            chart,
            "-n",
            ns,
            "--set",
            "kept=false,deployment=true",
            "--atomic",
            "--timeout",
            "10s",
        ],
        "",
    );
    let err = failed(&up);
    assert!(err.contains("timed out after 10s"), "{err}");
    assert!(err.contains("deployment.apps/pause"), "{err}");
    assert!(err.contains("rolled back to revision 1 (--atomic)"), "{err}");
    assert_eq!(statuses(&c, "waiter", ns), ["superseded", "failed", "deployed"]);
    assert!(
        !c.exists("apps/v1", "Deployment", Some(ns), "pause"),
        "rollback left the Deployment"
    );
    c.rudder(&["uninstall", "waiter", "-n", ns], "").ok();
}

/// Jenkins from charts/jenkins with the seed's full flag set installs; the objects carry the flags.
pub fn release_jenkins_seed_flags(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-jenkins";
    clean(&c, "jenkins", ns);
    let out = c
        .rudder(
            &[
                "install",
                "jenkins",
                "charts/jenkins",
                "-n",
                ns,
                "--create-namespace",
                "--set",
                "persistence.existingClaim=jenkins",
                "--set",
                "master.adminPassword=admin",
                "--set",
                "master.nodeSelector.kubernetes\\.io/hostname=m-k8s",
                "--set",
                "master.tolerations[0].key=node-role.kubernetes.io/master",
                "--set",
                "master.tolerations[0].effect=NoSchedule",
                "--set",
                "master.tolerations[0].operator=Exists",
                "--set",
                "master.runAsUser=1000",
                "--set",
                "master.runAsGroup=1000",
                "--set",
                "master.tag=2.249.3-lts-centos7",
                "--set",
                "master.serviceType=LoadBalancer",
                "--set",
                "master.servicePort=80",
                "--set",
                "master.jenkinsOpts=--prefix=/jenkins",
            ],
            "",
        )
        .ok();
    assert!(out.stdout.contains("STATUS: deployed\nREVISION: 1\n"), "{}", out.stdout);
    assert!(
        image(&c, "Deployment", ns, "jenkins").ends_with(":2.249.3-lts-centos7"),
        "{}",
        image(&c, "Deployment", ns, "jenkins")
    );
    let deploy = c.get("apps/v1", "Deployment", Some(ns), "jenkins").unwrap();
    assert_eq!(
        str_at(&deploy, "/spec/template/spec/nodeSelector/kubernetes.io~1hostname"),
        "m-k8s"
    );
    let svc = c.get("v1", "Service", Some(ns), "jenkins").unwrap();
    assert_eq!(str_at(&svc, "/spec/type"), "LoadBalancer");
    assert_eq!(svc.pointer("/spec/ports/0/port").and_then(|p| p.as_i64()), Some(80));
    let values = c.rudder(&["get", "values", "jenkins", "-n", ns, "-o", "json"], "").ok();
    let values: serde_json::Value = serde_json::from_str(&values.stdout).unwrap();
    assert_eq!(values["master"]["adminPassword"], "admin");
    c.rudder(&["uninstall", "jenkins", "-n", ns], "").ok();
    assert!(!c.exists("apps/v1", "Deployment", Some(ns), "jenkins"));
}
