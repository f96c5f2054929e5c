//! End-to-end scenarios, each taking the kubeconfig of the cluster to run against (the real 1.20
//! cluster of scripts/cluster.sh, or the project's API test server). Each one cleans up what an
//! earlier run may have left, works in its own namespace, and checks rudder's output lines against
//! what kubectl printed for the same objects (fixtures/e2e/*/kubectl-*.txt, from regen.sh).

use std::path::Path;

use super::harness::{Cluster, build, fixture, fixture_lines};

fn str_at<'a>(obj: &'a serde_json::Value, path: &str) -> &'a str {
    obj.pointer(path)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{path} missing in {obj}"))
}

/// The seed pipeline: `rudder build overlays/metallb | rudder apply -f -`, then apply again
/// (unchanged), diff (exit 0), an image change (diff exit 1 showing it), delete (everything gone).
pub fn seed_overlay_roundtrip(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let stream = build("overlays/metallb");
    c.rudder(&["delete", "-f", "-", "--ignore-not-found", "--wait"], &stream)
        .ok();

    // Apply and wait: kubectl's lines (in install order: the namespace first).
    let applied = c
        .rudder(&["apply", "-f", "-", "--wait", "--timeout", "2m"], &stream)
        .ok();
    assert_eq!(applied.sorted_lines(), fixture_lines("metallb/kubectl-apply.txt"));
    assert_eq!(
        applied.stdout.lines().next(),
        Some("namespace/metallb-system serverside-applied")
    );

    // The pinned images, read back through the API; the Deployment available.
    let deploy = c
        .get("apps/v1", "Deployment", Some("metallb-system"), "controller")
        .expect("deployment");
    assert_eq!(
        str_at(&deploy, "/spec/template/spec/containers/0/image"),
        "metallb/controller:v0.8.3"
    );
    assert_eq!(
        deploy.pointer("/status/availableReplicas").and_then(|v| v.as_i64()),
        Some(1)
    );
    let ds = c
        .get("apps/v1", "DaemonSet", Some("metallb-system"), "speaker")
        .expect("daemonset");
    assert_eq!(
        str_at(&ds, "/spec/template/spec/containers/0/image"),
        "metallb/speaker:v0.8.3"
    );
    assert!(c.exists(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        None,
        "metallb-system:controller"
    ));

    // --dry-run=server of a changed image: kubectl's lines, nothing persisted.
    let changed = stream.replace("metallb/controller:v0.8.3", "metallb/controller:v0.8.2");
    let dry = c.rudder(&["apply", "-f", "-", "--dry-run=server"], &changed).ok();
    assert_eq!(dry.sorted_lines(), fixture_lines("metallb/kubectl-apply-dry-run.txt"));
    let deploy = c
        .get("apps/v1", "Deployment", Some("metallb-system"), "controller")
        .expect("deployment");
    assert_eq!(
        str_at(&deploy, "/spec/template/spec/containers/0/image"),
        "metallb/controller:v0.8.3"
    );

    // Again: nothing changes.
    let again = c.rudder(&["apply", "-f", "-"], &stream).ok();
    let want: Vec<String> = fixture_lines("metallb/kubectl-apply.txt")
        .iter()
        .map(|l| l.replace(" serverside-applied", " unchanged"))
        .collect();
    assert_eq!(again.sorted_lines(), want);
    let same = c.rudder(&["diff", "-f", "-"], &stream);
    assert_eq!(
        (same.code, same.stdout.as_str()),
        (0, ""),
        "diff of applied objects: {}",
        same.stderr
    );

    // An image change: diff exits 1 and shows it, as kubectl's diff does.
    let diff = c.rudder(&["diff", "-f", "-"], &changed);
    assert_eq!(diff.code, 1, "diff of a changed image: {}", diff.stderr);
    assert!(
        diff.stdout
            .contains("--- live/apps.v1.Deployment.metallb-system.controller"),
        "{}",
        diff.stdout
    );
    let changed_lines: Vec<String> = diff
        .stdout
        .lines()
        .filter(|l| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("---") && !l.starts_with("+++"))
        .map(str::to_string)
        .collect();
    let kubectl = fixture("metallb/kubectl-diff-image.txt");
    assert!(
        changed_lines.contains(&"-        image: metallb/controller:v0.8.3".to_string()),
        "{}",
        diff.stdout
    );
    assert!(
        changed_lines.contains(&"+        image: metallb/controller:v0.8.2".to_string()),
        "{}",
        diff.stdout
    );
    for l in &changed_lines {
        assert!(
            kubectl.lines().any(|k| k == l),
            "rudder's diff line {l:?} is not in kubectl's diff"
        );
    }

    // Delete: kubectl's lines, everything gone.
    let deleted = c.rudder(&["delete", "-f", "-", "--wait"], &stream).ok();
    assert_eq!(deleted.sorted_lines(), fixture_lines("metallb/kubectl-delete.txt"));
    assert!(!c.exists("apps/v1", "Deployment", Some("metallb-system"), "controller"));
    assert!(!c.exists(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        None,
        "metallb-system:controller"
    ));
    assert!(
        c.get("v1", "Namespace", None, "metallb-system").is_none(),
        "namespace not finalized"
    );

    // Deleting what is gone: an error naming the object, unless --ignore-not-found.
    let missing = c.rudder(&["delete", "-f", "-"], &stream);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("deployments.apps \"controller\" not found"),
        "{}",
        missing.stderr
    );
    let ignored = c.rudder(&["delete", "-f", "-", "--ignore-not-found"], &stream).ok();
    assert_eq!(ignored.stdout, "");
}

/// `apply --prune -l`: an object dropped from the input is deleted; one with the label that
/// rudder did not apply is left alone.
pub fn prune_removes_dropped_object(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-prune";
    let (v1, v2) = ("fixtures/e2e/prune/v1.yaml", "fixtures/e2e/prune/v2.yaml");
    c.rudder(&["delete", "-f", v1, "--ignore-not-found", "--wait"], "").ok();
    let first = c
        .rudder(&["apply", "-f", v1, "--prune", "-l", "app=rudder-e2e-prune"], "")
        .ok();
    assert_eq!(
        first.stdout,
        "namespace/rudder-e2e-prune serverside-applied\nconfigmap/kept serverside-applied\nconfigmap/dropped serverside-applied\n"
    );
    c.apply_as(
        "someone-else",
        "v1",
        "ConfigMap",
        Some(ns),
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "foreign", "namespace": ns, "labels": {"app": "rudder-e2e-prune"}}}),
    );
    let second = c
        .rudder(&["apply", "-f", v2, "--prune", "-l", "app=rudder-e2e-prune"], "")
        .ok();
    assert!(
        second.stdout.lines().any(|l| l == "configmap/dropped pruned"),
        "{}",
        second.stdout
    );
    assert!(!second.stdout.contains("foreign"), "{}", second.stdout);
    assert!(!c.exists("v1", "ConfigMap", Some(ns), "dropped"));
    assert!(c.exists("v1", "ConfigMap", Some(ns), "kept"));
    assert!(c.exists("v1", "ConfigMap", Some(ns), "foreign"));
    c.rudder(&["delete", "-f", v1, "--ignore-not-found", "--wait"], "").ok();
}

/// A CRD and a custom resource of its kind in one stream (the resource listed first).
pub fn crd_and_custom_resource_in_one_stream(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let f = "fixtures/e2e/crd/stream.yaml";
    c.rudder(&["delete", "-f", f, "--ignore-not-found", "--wait"], "").ok();
    let applied = c.rudder(&["apply", "-f", f], "").ok();
    assert_eq!(
        applied.stdout,
        "customresourcedefinition.apiextensions.k8s.io/widgets.e2e.rudder.dev serverside-applied\n\
         namespace/rudder-e2e-crd serverside-applied\n\
         widget.e2e.rudder.dev/gear serverside-applied\n"
    );
    let widget = c
        .get("e2e.rudder.dev/v1", "Widget", Some("rudder-e2e-crd"), "gear")
        .expect("widget");
    assert_eq!(widget.pointer("/spec/size").and_then(|v| v.as_i64()), Some(3));
    let deleted = c.rudder(&["delete", "-f", f, "--wait"], "").ok();
    assert_eq!(
        deleted.stdout,
        "widget.e2e.rudder.dev \"gear\" deleted\n\
         namespace \"rudder-e2e-crd\" deleted\n\
         customresourcedefinition.apiextensions.k8s.io \"widgets.e2e.rudder.dev\" deleted\n"
    );
}

/// `-n` places a namespace-less Deployment (the Namespace object, cluster-scoped, is untouched);
/// `--wait` returns once it is Available; an object naming another namespace is refused.
pub fn deployment_waited_to_available(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-deploy";
    let (nsf, web) = (
        "fixtures/e2e/deployment/namespace.yaml",
        "fixtures/e2e/deployment/web.yaml",
    );
    c.rudder(
        &["delete", "-f", web, "-f", nsf, "-n", ns, "--ignore-not-found", "--wait"],
        "",
    )
    .ok();
    let applied = c
        .rudder(
            &["apply", "-f", web, "-f", nsf, "-n", ns, "--wait", "--timeout", "2m"],
            "",
        )
        .ok();
    assert_eq!(
        applied.stdout,
        format!(
            "namespace/{ns} serverside-applied\n{}",
            fixture("deployment/kubectl-apply.txt")
        )
    );
    let deploy = c.get("apps/v1", "Deployment", Some(ns), "web").expect("deployment");
    assert_eq!(
        deploy.pointer("/status/availableReplicas").and_then(|v| v.as_i64()),
        Some(2)
    );

    let elsewhere = fixture("deployment/web.yaml").replace("  name: web\n", "  name: web\n  namespace: elsewhere\n");
    // With another object before it in the stream: still nothing applied, as with kubectl.
    let elsewhere = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n---\n{elsewhere}");
    let refused = c.rudder(&["apply", "-f", "-", "-n", ns], &elsewhere);
    assert_eq!(refused.code, 1);
    assert_eq!(refused.stdout, "");
    let kubectl = fixture("deployment/kubectl-namespace-mismatch.txt");
    let core = kubectl
        .trim_start_matches("error: ")
        .split(". You must")
        .next()
        .unwrap();
    assert!(
        refused.stderr.contains(core),
        "{} does not contain {core}",
        refused.stderr
    );
    c.rudder(&["delete", "-f", web, "-f", nsf, "-n", ns, "--wait"], "").ok();
}

/// A field another manager owns: a one-line error naming the object, the field and the manager;
/// `--force-conflicts` takes it over.
pub fn conflict_names_manager_and_field(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-conflict";
    let f = "fixtures/e2e/conflict/config.yaml";
    c.rudder(&["delete", "-f", f, "--ignore-not-found", "--wait"], "").ok();
    c.rudder(&["apply", "-f", f], "").ok();
    c.apply_as(
        "other",
        "v1",
        "ConfigMap",
        Some(ns),
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "settings", "namespace": ns}, "data": {"color": "green"}}),
    );
    let red = fixture("conflict/config.yaml").replace("color: blue", "color: red");
    let refused = c.rudder(&["apply", "-f", "-"], &red);
    assert_eq!(refused.code, 1);
    assert_eq!(
        refused.stderr,
        "error: configmap/settings (namespace rudder-e2e-conflict): apply conflict: .data.color managed by \"other\"; \
         use --force-conflicts to take ownership of these fields (1 of 2 objects applied; not applied: configmap/settings (namespace rudder-e2e-conflict))\n"
    );
    // kubectl names the same manager and field.
    assert!(fixture("conflict/kubectl-conflict.txt").contains("conflict with \"other\": .data.color"));
    c.rudder(&["apply", "-f", "-", "--force-conflicts"], &red).ok();
    let cm = c.get("v1", "ConfigMap", Some(ns), "settings").expect("configmap");
    assert_eq!(str_at(&cm, "/data/color"), "red");
    c.rudder(&["delete", "-f", f, "--wait"], "").ok();
}

/// On a cluster where Pods never become ready (`scripts/cluster.sh up --no-kubelet`),
/// `apply --wait --timeout 5s` fails naming the Deployment and why.
pub fn wait_timeout_names_unready(kubeconfig: &Path) {
    let c = Cluster::new(kubeconfig);
    let ns = "rudder-e2e-nokubelet";
    let web = "fixtures/e2e/deployment/web.yaml";
    let namespace = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n");
    c.rudder(&["apply", "-f", "-"], &namespace).ok();
    let started = std::time::Instant::now();
    let run = c.rudder(&["apply", "-f", web, "-n", ns, "--wait", "--timeout", "5s"], "");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(run.stdout, "deployment.apps/web serverside-applied\n");
    assert!(
        run.stderr.starts_with("error: timed out after 5s waiting for 1 of 1 objects: deployment.apps/web (namespace rudder-e2e-nokubelet): "),
        "{}",
        run.stderr
    );
    c.rudder(&["delete", "-f", "-", "--wait"], &namespace).ok();
}
