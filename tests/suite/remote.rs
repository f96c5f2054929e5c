//! Remote resources (`rudder build --allow-remote`): git repositories named by URL in
//! `resources:`. No network: each test builds a local repository and names it `file://`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A base kustomization committed at tag `v1`, then changed (image `nginx:2`) in a second
/// commit, then an empty third commit, so that the second is no branch or tag tip.
struct Repo {
    dir: PathBuf,
    /// `rudder build base` at `v1`.
    at_v1: String,
    /// `rudder build base` at the second (and third) commit.
    at_head: String,
    /// The second commit.
    middle: String,
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1
";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(["-c", "init.defaultBranch=main", "-c", "tag.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs rudder in `dir` with a private TMPDIR and checks that no clone is left in it.
fn rudder(t: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let tmp = t.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", &tmp)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run rudder");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "temporary clones left behind: {left:?}");
    out
}

fn stdout_of(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The one error line of a failed build.
fn error_of(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("rudder-remote-"), "temporary path in {err}");
    err
}

fn make_repo(t: &Path) -> Repo {
    let dir = t.join("repo");
    write(
        &dir.join("base/kustomization.yaml"),
        "resources:\n- deploy.yaml\n- ../common\nnamePrefix: p-\n",
    );
    write(&dir.join("base/deploy.yaml"), DEPLOY);
    write(
        &dir.join("common/kustomization.yaml"),
        "configMapGenerator:\n- name: cfg\n  literals: [a=1]\n",
    );
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    git(&dir, &["tag", "v1"]);
    let at_v1 = stdout_of(&rudder(t, &dir, &["build", "base"], &[]));
    write(&dir.join("base/deploy.yaml"), &DEPLOY.replace("nginx:1", "nginx:2"));
    git(&dir, &["commit", "-qam", "nginx 2"]);
    let middle = git(&dir, &["rev-parse", "HEAD"]);
    git(&dir, &["commit", "-q", "--allow-empty", "-m", "later"]);
    let at_head = stdout_of(&rudder(t, &dir, &["build", "base"], &[]));
    assert_ne!(at_v1, at_head);
    Repo {
        dir,
        at_v1,
        at_head,
        middle,
    }
}

fn url(repo: &Repo, rest: &str) -> String {
    format!("file://{}{rest}", repo.dir.display())
}

/// An overlay directory `name` whose kustomization lists `resources` (and `extra` lines).
fn overlay(t: &Path, name: &str, resources: &[&str], extra: &str) -> PathBuf {
    let dir = t.join(name);
    let list: String = resources.iter().map(|r| format!("- {r}\n")).collect();
    write(&dir.join("kustomization.yaml"), &format!("resources:\n{list}{extra}"));
    dir
}

#[test]
fn remote_base_builds_like_the_local_one() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    overlay(t, "tagged", &[&url(&repo, "//base?ref=v1")], "");
    assert_eq!(
        stdout_of(&rudder(t, t, &["build", "--allow-remote", "tagged"], &[])),
        repo.at_v1
    );
    overlay(t, "head", &[&url(&repo, "//base")], "");
    assert_eq!(
        stdout_of(&rudder(t, t, &["build", "--allow-remote", "head"], &[])),
        repo.at_head
    );
    // `version` is kustomize's other name for `ref`; a `.git` segment marks where the repository ends.
    git(t, &["clone", "-q", "--bare", repo.dir.to_str().unwrap(), "bare.git"]);
    let bare = format!("git::file://{}/bare.git/base?version=v1&timeout=30s", t.display());
    let version = overlay(t, "version", &[&bare], "");
    assert_eq!(
        stdout_of(&rudder(t, &version, &["build", "--allow-remote"], &[])),
        repo.at_v1
    );
}

#[test]
fn overlay_transforms_apply_to_remote_objects() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    // The same overlay over a local copy of the base at v1.
    let copy = t.join("copy");
    git(
        t,
        &[
            "clone",
            "-q",
            "--branch",
            "v1",
            repo.dir.to_str().unwrap(),
            copy.to_str().unwrap(),
        ],
    );
    overlay(t, "local", &["../copy/base"], "namespace: prod\nnameSuffix: -x\n");
    overlay(
        t,
        "remote",
        &[&url(&repo, "//base?ref=v1")],
        "namespace: prod\nnameSuffix: -x\n",
    );
    let want = stdout_of(&rudder(t, t, &["build", "local"], &[]));
    assert!(want.contains("namespace: prod"), "{want}");
    assert_eq!(
        stdout_of(&rudder(t, t, &["build", "--allow-remote", "remote"], &[])),
        want
    );
}

#[test]
fn remote_resources_are_refused_without_the_flag() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let entry = "https://github.com/example/repo//base?ref=v1";
    overlay(t, "o", &[entry, "missing.yaml"], "");
    let err = error_of(&rudder(t, t, &["build", "o"], &[]));
    assert_eq!(
        err,
        format!(
            "error: o/kustomization.yaml: resources[0]: '{entry}' is a remote resource, refused by default; \
             hint: pass --allow-remote to fetch it with git\n"
        )
    );
}

#[test]
fn a_missing_ref_is_a_one_line_error() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    let entry = url(&repo, "//base?ref=nope");
    overlay(t, "o", &[&entry], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert!(
        err.starts_with(&format!(
            "error: o/kustomization.yaml: resources[0]: '{entry}': git fetch failed: "
        )),
        "{err}"
    );
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn a_missing_directory_in_the_repository_is_named() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    let entry = url(&repo, "//nosuch?ref=v1");
    overlay(t, "o", &[&entry], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert_eq!(
        err,
        format!("error: o/kustomization.yaml: resources[0]: '{entry}': 'nosuch' does not exist in the repository\n")
    );
}

#[test]
fn errors_inside_the_repository_name_its_url() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    write(
        &repo.dir.join("broken/kustomization.yaml"),
        "resources: [missing.yaml]\n",
    );
    git(&repo.dir, &["add", "-A"]);
    git(&repo.dir, &["commit", "-qm", "broken"]);
    overlay(t, "o", &[&url(&repo, "//broken")], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    let file = url(&repo, "//broken/kustomization.yaml");
    assert_eq!(
        err,
        format!("error: {file}: resources[0]: 'missing.yaml': no such file or directory\n")
    );
}

#[test]
fn a_remote_cycle_is_detected() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    let entry = url(&repo, "//loop");
    write(
        &repo.dir.join("loop/kustomization.yaml"),
        &format!("resources:\n- {entry}\n"),
    );
    git(&repo.dir, &["add", "-A"]);
    git(&repo.dir, &["commit", "-qm", "loop"]);
    overlay(t, "o", &[&entry], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert!(
        err.contains(&format!("resources[0]: cycle: '{entry}' is already being built")),
        "{err}"
    );
}

#[test]
fn a_remote_kustomization_stays_inside_its_repository() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    let local = overlay(t, "local", &["cm.yaml"], "");
    write(
        &local.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: secret-stuff\n",
    );
    write(
        &repo.dir.join("escape/kustomization.yaml"),
        &format!("resources:\n- {}\n", local.display()),
    );
    git(&repo.dir, &["add", "-A"]);
    git(&repo.dir, &["commit", "-qm", "escape"]);
    overlay(t, "o", &[&url(&repo, "//escape")], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert!(
        err.contains("is outside the repository this kustomization was fetched from"),
        "{err}"
    );
}

#[test]
fn the_same_objects_from_two_refs_are_duplicates() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    overlay(t, "o", &[&url(&repo, "//base?ref=v1"), &url(&repo, "//base")], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert!(err.contains("duplicate resource id"), "{err}");
    assert!(err.contains(&url(&repo, "//base/deploy.yaml")), "{err}");
}

#[test]
fn an_unadvertised_commit_falls_back_to_a_full_fetch() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    overlay(t, "o", &[&url(&repo, &format!("//base?ref={}", repo.middle))], "");
    // Protocol v0 refuses a shallow fetch of a commit that is no branch or tag tip.
    let v0 = [
        ("GIT_CONFIG_COUNT", "1"),
        ("GIT_CONFIG_KEY_0", "protocol.version"),
        ("GIT_CONFIG_VALUE_0", "0"),
    ];
    assert_eq!(
        stdout_of(&rudder(t, t, &["build", "--allow-remote", "o"], &v0)),
        repo.at_head
    );
}

#[test]
fn single_file_urls_are_refused_even_with_the_flag() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let entry = "https://raw.githubusercontent.com/example/repo/main/deploy.yaml";
    overlay(t, "o", &[entry], "");
    for args in [&["build", "o"][..], &["build", "--allow-remote", "o"]] {
        let err = error_of(&rudder(t, t, args, &[]));
        assert_eq!(
            err,
            format!(
                "error: o/kustomization.yaml: resources[0]: '{entry}': only git repositories are supported for remote resources\n"
            )
        );
    }
}

#[test]
fn urls_that_could_pass_options_to_git_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    overlay(t, "o", &[&url(&repo, "//base?ref=--upload-pack=touch%20pwned")], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert!(err.contains("invalid ref '--upload-pack=touch pwned'"), "{err}");
    assert!(!t.join("pwned").exists() && !t.join("o/pwned").exists());
}

#[test]
fn the_timeout_parameter_limits_each_git_command() {
    let t = tempfile::tempdir().unwrap();
    let t = t.path();
    let repo = make_repo(t);
    let entry = url(&repo, "//base?ref=v1&timeout=1ns");
    overlay(t, "o", &[&entry], "");
    let err = error_of(&rudder(t, t, &["build", "--allow-remote", "o"], &[]));
    assert_eq!(
        err,
        format!(
            "error: o/kustomization.yaml: resources[0]: '{entry}': git init timed out after 1ns \
             (raise the limit with ?timeout=SECONDS)\n"
        )
    );
}
