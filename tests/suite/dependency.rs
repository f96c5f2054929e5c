//! `rudder dependency update|build|list` and the lock file, on temporary chart copies:
//! Helm's lock digest (checked against Go's JSON encoder and Chart.lock files Helm wrote),
//! `file://` and `charts/` dependencies, statuses, out-of-sync refusal, all-or-nothing
//! writes, and a repository served on 127.0.0.1 by the test itself (constraint resolution,
//! verified downloads, a tampered package refused with `charts/` unchanged).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use rudder::chart::Dependency;
use rudder::dependency::{Lock, helm2_digest, lock_digest};

use crate::support::root;

/// Runs rudder in `dir` with its configuration and cache under `home`.
fn run(dir: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(dir)
        .env("RUDDER_CONFIG_HOME", home.join("config"))
        .env("RUDDER_CACHE_HOME", home.join("cache"))
        .output()
        .expect("run rudder")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A chart directory with one ConfigMap template and `extra` appended to Chart.yaml.
fn chart(dir: &Path, name: &str, version: &str, extra: &str) {
    write(
        &dir.join("Chart.yaml"),
        &format!("apiVersion: v2\nname: {name}\nversion: {version}\n{extra}"),
    );
    write(
        &dir.join("templates/cm.yaml"),
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  version: \"{version}\"\n"),
    );
}

/// File names and bytes of every file under `dir`, recursively.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_keys().collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in snapshot(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(serde::Deserialize)]
struct DigestCase {
    case: String,
    requested: Option<Vec<Dependency>>,
    locked: Option<Vec<Dependency>>,
    helm_digest: Option<String>,
    helm_lock_text: Option<String>,
}

/// Every case of fixtures/dependency/digest: rudder's digest equals Go's (gen.go), and
/// where Helm wrote a Chart.lock for the same dependencies, Helm's.
#[test]
fn lock_digests_match_go_and_helm() {
    let dir = root().join("fixtures/dependency/digest");
    let cases: Vec<DigestCase> = serde_json::from_str(&read(&dir.join("cases.json"))).unwrap();
    let expected: BTreeMap<String, (String, String)> = read(&dir.join("expected.txt"))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            (parts[0].to_string(), (parts[1].to_string(), parts[2].to_string()))
        })
        .collect();
    assert_eq!(cases.len(), expected.len());
    let mut helm_checked = 0;
    for c in &cases {
        let (go_lock, go_v2) = &expected[&c.case];
        let got = lock_digest(c.requested.as_deref(), c.locked.as_deref());
        assert_eq!(&got, go_lock, "{}: lock digest", c.case);
        assert_eq!(
            &helm2_digest(c.requested.as_deref()),
            go_v2,
            "{}: helm 2 digest",
            c.case
        );
        if let Some(h) = &c.helm_digest {
            assert_eq!(&got, h, "{}: the digest Helm wrote", c.case);
            helm_checked += 1;
        }
        // The lock file Helm wrote, read and written back by rudder: the same bytes.
        if let Some(text) = &c.helm_lock_text {
            let lock = Lock::parse(text, "Chart.lock").unwrap();
            assert_eq!(lock.dependencies.as_deref(), c.locked.as_deref(), "{}", c.case);
            assert_eq!(&lock.to_yaml(), text, "{}: Helm's layout", c.case);
        }
    }
    assert_eq!(helm_checked, 2);
}

/// The umbrella chart as Helm users keep one: its parts' sources in charts/stack-parts/,
/// depended on as `file://../stack-parts/NAME`, packaged into the committed
/// charts/stack/charts/NAME-1.0.0.tgz with a Chart.lock whose digest is Go's. On a copy,
/// `build` restores every archive byte for byte from the lock (packaging is reproducible),
/// `update` then changes nothing, and `list` reports every dependency ok.
#[test]
fn stack_chart_is_locked() {
    const PARTS: [&str; 7] = [
        "mysql",
        "wordpress",
        "phpmyadmin",
        "nginx",
        "ftps",
        "influxdb",
        "grafana",
    ];
    let stack = root().join("charts/stack");
    let lock = read(&stack.join("Chart.lock"));
    let cases = read(&root().join("fixtures/dependency/digest/expected.txt"));
    let stack_digest = cases
        .lines()
        .find_map(|l| l.strip_prefix("stack-file-parts "))
        .and_then(|l| l.split(' ').next())
        .unwrap();
    assert!(lock.contains(&format!("digest: {stack_digest}\n")), "{lock}");
    let committed = snapshot(&stack.join("charts"));
    let archives: Vec<String> = PARTS.iter().map(|n| format!("{n}-1.0.0.tgz")).collect();
    assert_eq!(
        committed.keys().collect::<BTreeSet<_>>(),
        archives.iter().collect(),
        "charts/stack/charts"
    );

    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&stack, &tmp.path().join("charts/stack"));
    copy_dir(
        &root().join("charts/stack-parts"),
        &tmp.path().join("charts/stack-parts"),
    );
    let copy = tmp.path().join("charts/stack");
    std::fs::remove_dir_all(copy.join("charts")).unwrap();
    let out = ok(&run(tmp.path(), tmp.path(), &["dependency", "build", "charts/stack"]));
    assert!(
        out.starts_with("Saving 7 charts\nPackaging mysql from file://../stack-parts/mysql\n"),
        "{out}"
    );
    let built = snapshot(&copy.join("charts"));
    for name in &archives {
        assert!(
            built.get(name) == committed.get(name),
            "{name}: not the committed bytes"
        );
    }
    assert_eq!(built.len(), committed.len());
    let before = snapshot(&copy);
    // Without a lock, `update` writes the same one (but for its `generated` time), 0644 under
    // umask 022 as Helm writes it (not a temporary file's 0600). A lock whose digest is
    // unchanged is left alone, so it goes first.
    std::fs::remove_file(copy.join("Chart.lock")).unwrap();
    let update = Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" dependency update charts/stack"])
        .arg(env!("CARGO_BIN_EXE_rudder"))
        .current_dir(tmp.path())
        .env("RUDDER_CONFIG_HOME", tmp.path().join("config"))
        .env("RUDDER_CACHE_HOME", tmp.path().join("cache"))
        .output()
        .unwrap();
    ok(&update);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(copy.join("Chart.lock")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644, "Chart.lock mode");
    }
    let after = snapshot(&copy);
    assert!(after.keys().eq(before.keys()), "update changed the files");
    let without_time = |bytes: &[u8]| -> String {
        let text = String::from_utf8_lossy(bytes);
        text.lines()
            .filter(|l| !l.starts_with("generated: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (file, bytes) in &after {
        if file == "Chart.lock" {
            assert_eq!(without_time(bytes), without_time(&before[file]), "the new Chart.lock");
        } else {
            assert!(before[file] == *bytes, "update changed {file}");
        }
    }

    let list = ok(&run(tmp.path(), tmp.path(), &["dependency", "list", "charts/stack"]));
    let mut want = String::from("NAME      \tVERSION\tREPOSITORY                      \tSTATUS\n");
    for n in PARTS {
        want.push_str(&format!(
            "{n:<10}\t1.0.0  \t{:<32}\tok    \n",
            format!("file://../stack-parts/{n}")
        ));
    }
    want.push('\n');
    assert_eq!(list, want);
    assert_eq!(
        ok(&run(&root(), tmp.path(), &["dependency", "list", "charts/stack"])),
        want
    );
}

/// `file://` dependencies: packaged into charts/ as NAME-VERSION.tgz (the bytes `rudder
/// package` writes), locked at the chart's version; a second update rewrites nothing; a new
/// version replaces the outdated archive; a constraint nothing satisfies fails with
/// nothing changed; and `build` refuses a lock out of sync with Chart.yaml.
#[test]
fn file_dependencies() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let app = tmp.path().join("app");
    chart(&tmp.path().join("sub"), "sub", "0.2.0", "");
    chart(
        &app,
        "app",
        "1.0.0",
        "dependencies:\n- name: sub\n  version: ^0.2\n  repository: file://../sub\n  condition: sub.enabled\n",
    );
    let out = ok(&run(tmp.path(), home, &["dependency", "update", "app"]));
    assert!(
        out.contains("Saving 1 charts\nPackaging sub from file://../sub\nWrote app/Chart.lock"),
        "{out}"
    );
    let packaged = ok(&run(tmp.path(), home, &["package", "sub", "-d", "pkg"]));
    assert!(packaged.contains("sub-0.2.0.tgz"));
    assert_eq!(
        std::fs::read(app.join("charts/sub-0.2.0.tgz")).unwrap(),
        std::fs::read(tmp.path().join("pkg/sub-0.2.0.tgz")).unwrap()
    );
    let lock = read(&app.join("Chart.lock"));
    let requested = [Dependency {
        name: "sub".into(),
        version: "^0.2".into(),
        repository: "file://../sub".into(),
        condition: "sub.enabled".into(),
        ..Default::default()
    }];
    let locked = [Dependency {
        name: "sub".into(),
        version: "0.2.0".into(),
        repository: "file://../sub".into(),
        ..Default::default()
    }];
    let digest = lock_digest(Some(&requested), Some(&locked));
    let generated = lock.lines().last().unwrap().to_string();
    assert!(
        generated.starts_with("generated: \"20") && generated.ends_with("Z\""),
        "{generated}"
    );
    assert_eq!(
        lock,
        format!(
            "dependencies:\n- name: sub\n  repository: file://../sub\n  version: 0.2.0\ndigest: {digest}\n{generated}\n"
        )
    );
    let list = ok(&run(tmp.path(), home, &["dependency", "list", "app"]));
    assert_eq!(
        list,
        "NAME\tVERSION\tREPOSITORY   \tSTATUS\nsub \t^0.2   \tfile://../sub\tok    \n\n"
    );
    let rendered = ok(&run(tmp.path(), home, &["template", "r", "app"]));
    assert!(
        rendered.contains("# Source: app/charts/sub/templates/cm.yaml"),
        "{rendered}"
    );

    // Nothing new: the lock keeps its digest and its generated time.
    ok(&run(tmp.path(), home, &["dependency", "update", "app"]));
    assert_eq!(read(&app.join("Chart.lock")), lock);

    // A new version of the subchart replaces the outdated archive.
    chart(&tmp.path().join("sub"), "sub", "0.2.5", "");
    let out = ok(&run(tmp.path(), home, &["dependency", "update", "app"]));
    assert!(out.contains("Deleted outdated app/charts/sub-0.2.0.tgz"), "{out}");
    assert_eq!(names(&app.join("charts")), vec!["sub-0.2.5.tgz"]);
    assert!(read(&app.join("Chart.lock")).contains("version: 0.2.5"));

    // A constraint the subchart does not satisfy: an error naming the entry, nothing changed.
    let before = snapshot(&app);
    let yaml = read(&app.join("Chart.yaml")).replace("^0.2", "^0.3");
    write(&app.join("Chart.yaml"), &yaml);
    let err = fails(&run(tmp.path(), home, &["dependency", "update", "app"]));
    assert_eq!(
        err,
        "error: updating the dependencies of app: app/Chart.yaml: dependencies[0] (sub): version: 0.2.5 of file://../sub does not satisfy '^0.3'\n"
    );
    // Chart.lock is now out of sync with Chart.yaml: build refuses.
    let err = fails(&run(tmp.path(), home, &["dependency", "build", "app"]));
    assert!(
        err.contains("the lock file (app/Chart.lock) is out of sync with the dependencies file (app/Chart.yaml)"),
        "{err}"
    );
    let mut after = snapshot(&app);
    after.insert("Chart.yaml".into(), before["Chart.yaml"].clone());
    assert!(after == before, "a failed update or build changed the chart");

    // Back in sync: build restores charts/ from the lock.
    write(&app.join("Chart.yaml"), &yaml.replace("^0.3", "^0.2"));
    std::fs::remove_dir_all(app.join("charts")).unwrap();
    ok(&run(tmp.path(), home, &["dependency", "build", "app"]));
    assert_eq!(names(&app.join("charts")), vec!["sub-0.2.5.tgz"]);
}

/// Helm's statuses, computed against what sits in charts/.
#[test]
fn list_statuses() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let app = tmp.path().join("app");
    let pkg = |name: &str, version: &str, as_name: &str| {
        let src = tmp.path().join("src").join(format!("{as_name}-{version}"));
        chart(&src, name, version, "");
        let dest = app.join("charts").to_string_lossy().into_owned();
        ok(&run(
            tmp.path(),
            home,
            &["package", &src.to_string_lossy(), "-d", &dest],
        ));
        let made = app.join("charts").join(format!("{name}-{version}.tgz"));
        let want = app.join("charts").join(format!("{as_name}-{version}.tgz"));
        std::fs::rename(made, want).unwrap();
    };
    chart(
        &app,
        "app",
        "1.0.0",
        "dependencies:\n\
         - {name: exact, version: 1.0.0, repository: https://charts.example.org}\n\
         - {name: ranged, version: ^1.0, repository: '@edu'}\n\
         - {name: old, version: ^2, repository: '@edu'}\n\
         - {name: mis, version: 1.0.0}\n\
         - {name: dir, version: ~0.1}\n\
         - {name: gone, version: 1.0.0}\n\
         - {name: weird, version: '>>1'}\n\
         - {name: multi, version: ^1}\n",
    );
    pkg("exact", "1.0.0", "exact");
    pkg("ranged", "1.2.0", "ranged");
    pkg("old", "1.0.0", "old");
    pkg("other", "1.0.0", "mis");
    pkg("multi", "1.0.0", "multi");
    pkg("multi", "1.1.0", "multi");
    chart(&app.join("charts/dir"), "dir", "0.1.3", "");
    chart(&app.join("charts/weird"), "weird", "1.0.0", "");
    chart(&app.join("charts/extra"), "extra", "1.0.0", "");
    let list = ok(&run(tmp.path(), home, &["dependency", "list", "app"]));
    let want = "NAME  \tVERSION\tREPOSITORY                \tSTATUS          \n\
                exact \t1.0.0  \thttps://charts.example.org\tok              \n\
                ranged\t^1.0   \t@edu                      \tok              \n\
                old   \t^2     \t@edu                      \twrong version   \n\
                mis   \t1.0.0  \t                          \tmisnamed        \n\
                dir   \t~0.1   \t                          \tunpacked        \n\
                gone  \t1.0.0  \t                          \tmissing         \n\
                weird \t>>1    \t                          \tinvalid version \n\
                multi \t^1     \t                          \ttoo many matches\n\
                \n\
                WARNING: \"app/charts/extra\" is not in Chart.yaml.\n\
                WARNING: \"app/charts/mis-1.0.0.tgz\" is not in Chart.yaml.\n";
    assert_eq!(list, want);
    let none = ok(&run(&root(), home, &["dependency", "list", "charts/metallb"]));
    assert_eq!(none, "WARNING: no dependencies at charts/metallb/charts\n");
}

/// `apiVersion: v1` charts keep their dependencies in requirements.yaml and their lock in
/// requirements.lock; `build` also accepts a lock carrying Helm 2's digest.
#[test]
fn requirements_lock_for_v1_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let app = tmp.path().join("app");
    write(&app.join("Chart.yaml"), "apiVersion: v1\nname: app\nversion: 1.0.0\n");
    write(
        &app.join("requirements.yaml"),
        "dependencies:\n- name: db\n  version: 1.x\n",
    );
    chart(&app.join("charts/db"), "db", "1.4.0", "");
    ok(&run(tmp.path(), home, &["dependency", "update", "app"]));
    assert!(!app.join("Chart.lock").exists());
    let lock = read(&app.join("requirements.lock"));
    assert!(
        lock.starts_with("dependencies:\n- name: db\n  repository: \"\"\n  version: 1.x\n"),
        "{lock}"
    );
    ok(&run(tmp.path(), home, &["dependency", "build", "app"]));

    let requested = [Dependency {
        name: "db".into(),
        version: "1.x".into(),
        ..Default::default()
    }];
    let helm2 = format!(
        "dependencies:\n- name: db\n  repository: \"\"\n  version: 1.x\ndigest: {}\ngenerated: \"2019-01-01T00:00:00Z\"\n",
        helm2_digest(Some(&requested))
    );
    write(&app.join("requirements.lock"), &helm2);
    ok(&run(tmp.path(), home, &["dependency", "build", "app"]));
    write(
        &app.join("requirements.yaml"),
        "dependencies:\n- name: db\n  version: 1.4.x\n",
    );
    let err = fails(&run(tmp.path(), home, &["dependency", "build", "app"]));
    assert!(
        err.contains(
            "the lock file (app/requirements.lock) is out of sync with the dependencies file (app/requirements.yaml)"
        ),
        "{err}"
    );
}

/// Errors name the file, the entry and the field, on one line.
#[test]
fn errors_name_the_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let app = tmp.path().join("app");
    let cases = [
        (
            "- name: db\n  version: 1.0.0\n  repository: stable\n",
            "dependencies[0] (db): repository: 'stable' is not a URL, an @name of an added repository or a file:// path",
        ),
        (
            "- name: db\n  version: 1.0.0\n  repository: '@nope'\n",
            "dependencies[0] (db): repository: no added repository is named 'nope' (add it with `rudder repo add`)",
        ),
        (
            "- name: a\n  version: 1.0.0\n  repository: file://../a\n- name: db\n  version: 1.0.0\n  repository: file://../missing\n",
            "dependencies[1] (db): repository: directory app/../missing not found",
        ),
        (
            "- name: db\n  version: '>>1'\n",
            "dependencies[0] (db): version: '>>1' is not a valid version constraint",
        ),
        (
            "- name: db\n  version: 1.0.0\n",
            "dependencies[0] (db): repository: directory app/charts/db not found",
        ),
        (
            "- name: in\n  version: 1.0.0\n  repository: file://charts/in\n",
            "dependencies[0] (in): repository: file://charts/in is inside charts/",
        ),
    ];
    chart(&tmp.path().join("a"), "a", "1.0.0", "");
    for (deps, want) in cases {
        let _ = std::fs::remove_dir_all(app.join("charts"));
        if deps.contains("charts/in") {
            chart(&app.join("charts/in"), "in", "1.0.0", "");
        }
        chart(&app, "app", "1.0.0", &format!("dependencies:\n{deps}"));
        let err = fails(&run(tmp.path(), home, &["dependency", "update", "app"]));
        assert!(err.contains(&format!("app/Chart.yaml: {want}")), "{err}");
        assert!(!app.join("Chart.lock").exists());
        assert!(
            !app.join("charts").exists() || names(&app.join("charts")) == ["in/Chart.yaml", "in/templates/cm.yaml"]
        );
    }
    let err = fails(&run(tmp.path(), home, &["dependency", "update", "nowhere"]));
    assert!(err.contains("nowhere"), "{err}");
}

/// Packages a chart named `name` at each version into `dir` and indexes `dir` for `url`.
fn repository(tmp: &Path, home: &Path, dir: &str, url: &str, charts: &[(&str, &str)]) {
    for (name, version) in charts {
        let src = tmp.join("src").join(format!("{name}-{version}"));
        chart(&src, name, version, "");
        ok(&run(tmp, home, &["package", &src.to_string_lossy(), "-d", dir]));
    }
    ok(&run(tmp, home, &["repo", "index", dir, "--url", url]));
}

/// Dependencies from chart repositories served on 127.0.0.1: `@name` of an added
/// repository and a plain URL of one never added; constraints resolved against the index
/// (newest match, pre-releases only when asked); packages verified and written; `build`
/// restores the same bytes; a tampered package is refused with charts/ and Chart.lock
/// unchanged.
#[test]
fn repository_dependencies() {
    use crate::repo_server::{Route, Server};

    let tmp = tempfile::tempdir().unwrap();
    let (t, home) = (tmp.path(), tmp.path());
    let server = Server::start("127.0.0.1");
    let edu = format!("{}/charts", server.url());
    let other = format!("{}/other", server.url());
    repository(
        t,
        home,
        "pkgs",
        &edu,
        &[("db", "1.0.0"), ("db", "1.2.0"), ("db", "1.3.0-rc.1"), ("db", "2.0.0")],
    );
    repository(
        t,
        home,
        "pkgs2",
        &other,
        &[("cache", "0.1.0"), ("cache", "0.1.1"), ("cache", "0.2.0")],
    );
    server.serve_dir("/charts", &t.join("pkgs"));
    server.serve_dir("/other", &t.join("pkgs2"));
    ok(&run(t, home, &["repo", "add", "edu", &edu]));

    let app = t.join("app");
    chart(
        &app,
        "app",
        "1.0.0",
        &format!(
            "dependencies:\n- name: db\n  version: ^1.0.0\n  repository: '@edu'\n- name: cache\n  version: ~0.1.0\n  repository: {other}\n"
        ),
    );
    let out = ok(&run(t, home, &["dependency", "update", "app"]));
    assert!(
        out.starts_with("...Successfully got an update from the \"edu\" chart repository\nSaving 2 charts\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("Downloading db from repo {edu} (verified)\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("Downloading cache from repo {other} (verified)\n")),
        "{out}"
    );
    assert_eq!(names(&app.join("charts")), vec!["cache-0.1.1.tgz", "db-1.2.0.tgz"]);
    for (file, from) in [("db-1.2.0.tgz", "pkgs"), ("cache-0.1.1.tgz", "pkgs2")] {
        assert_eq!(
            std::fs::read(app.join("charts").join(file)).unwrap(),
            std::fs::read(t.join(from).join(file)).unwrap(),
            "{file}"
        );
    }
    let lock = read(&app.join("Chart.lock"));
    let dep = |name: &str, version: &str, repository: &str| Dependency {
        name: name.into(),
        version: version.into(),
        repository: repository.into(),
        ..Default::default()
    };
    // The alias is replaced by the repository's URL, in the lock and in the digest.
    let digest = lock_digest(
        Some(&[dep("db", "^1.0.0", &edu), dep("cache", "~0.1.0", &other)]),
        Some(&[dep("db", "1.2.0", &edu), dep("cache", "0.1.1", &other)]),
    );
    assert!(
        lock.starts_with(&format!(
            "dependencies:\n- name: db\n  repository: {edu}\n  version: 1.2.0\n- name: cache\n  repository: {other}\n  version: 0.1.1\ndigest: {digest}\n"
        )),
        "{lock}"
    );
    let list = ok(&run(t, home, &["dependency", "list", "app"]));
    assert!(
        list.contains("db   \t^1.0.0 \t@edu") && list.matches("\tok    \n").count() == 2,
        "{list}"
    );

    // build restores exactly the locked versions, byte for byte.
    let good = snapshot(&app);
    let good_charts = snapshot(&app.join("charts"));
    std::fs::remove_dir_all(app.join("charts")).unwrap();
    ok(&run(t, home, &["dependency", "build", "app", "--skip-refresh"]));
    assert!(snapshot(&app) == good, "build did not restore the same files");

    // A pre-release only when the constraint admits pre-releases.
    let yaml = read(&app.join("Chart.yaml")).replace("^1.0.0", "~1.3.0-0");
    write(&app.join("Chart.yaml"), &yaml);
    ok(&run(t, home, &["dependency", "update", "app"]));
    assert_eq!(names(&app.join("charts")), vec!["cache-0.1.1.tgz", "db-1.3.0-rc.1.tgz"]);
    write(&app.join("Chart.yaml"), &yaml.replace("~1.3.0-0", "^1.0.0"));
    ok(&run(t, home, &["dependency", "update", "app"]));
    let without_time = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with("generated:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_time(&read(&app.join("Chart.lock"))), without_time(&lock));
    assert!(
        snapshot(&app.join("charts")) == good_charts,
        "back to ^1.0.0 is not back to the same packages"
    );

    // A tampered package: a valid chart of the same name and version, other bytes.
    let evil = t.join("evil");
    chart(
        &evil.join("db"),
        "db",
        "1.2.0",
        "description: not the indexed package\n",
    );
    ok(&run(t, home, &["package", "evil/db", "-d", "evil"]));
    let evil_bytes = std::fs::read(evil.join("db-1.2.0.tgz")).unwrap();
    server.route("/charts/db-1.2.0.tgz", Route::File(evil_bytes.clone()));
    let expected = rudder::repo::sha256_hex(&std::fs::read(t.join("pkgs/db-1.2.0.tgz")).unwrap());
    let actual = rudder::repo::sha256_hex(&evil_bytes);
    std::fs::remove_file(app.join("charts/db-1.2.0.tgz")).unwrap();
    let before = snapshot(&app);
    for cmd in ["update", "build"] {
        let err = fails(&run(t, home, &["dependency", cmd, "app"]));
        assert!(
            err.contains("dependencies[0] (db):")
                && err.contains("db")
                && err.contains("1.2.0")
                && err.contains(&expected)
                && err.contains(&actual),
            "{err}"
        );
        assert!(snapshot(&app) == before, "{cmd}: a refused package changed the chart");
        let leftovers: Vec<String> = std::fs::read_dir(app.join("charts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            leftovers,
            vec!["cache-0.1.1.tgz"],
            "{cmd}: nothing staged is left behind"
        );
    }
}

#[test]
fn dependency_help() {
    use crate::support::help_text as help;
    insta::assert_snapshot!(help(&["dependency", "--help"]));
    insta::assert_snapshot!(help(&["dependency", "list", "--help"]));
}

/// Two aliases of one chart lock two entries and share one archive; `build` without a lock
/// file runs an update.
#[test]
fn aliases_share_one_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let app = tmp.path().join("app");
    chart(&tmp.path().join("sub"), "sub", "1.0.0", "");
    chart(
        &app,
        "app",
        "1.0.0",
        "dependencies:\n- {name: sub, version: ^1, repository: 'file://../sub', alias: one}\n\
         - {name: sub, version: ^1, repository: 'file://../sub', alias: two}\n",
    );
    // With no lock file, build is an update.
    ok(&run(tmp.path(), home, &["dependency", "build", "app"]));
    assert_eq!(names(&app.join("charts")), vec!["sub-1.0.0.tgz"]);
    let lock = read(&app.join("Chart.lock"));
    assert_eq!(
        lock.matches("- name: sub\n  repository: file://../sub\n  version: 1.0.0\n")
            .count(),
        2
    );
    ok(&run(tmp.path(), home, &["dependency", "build", "app"]));
}
