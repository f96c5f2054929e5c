//! The example charts under `charts/`, rendered by `rudder template` and compared with the golden
//! outputs in `fixtures/charts-examples/<case>/`: `args` (one argument per line, run from the
//! project root), `stdout`, `stderr` and `code`. `UPDATE=1` rewrites them; read the diff.

use std::collections::BTreeMap;
use std::path::Path;

use rudder::chart::render::{Release, RenderOptions};
use rudder::chart::values::ValueOptions;
use rudder::yaml::{Dialect, Value, parse_stream};

use crate::support::{cases, first_difference, root, rudder};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn example_charts_render_as_their_goldens() {
    let dir = root().join("fixtures/charts-examples");
    let update = std::env::var_os("UPDATE").is_some();
    let mut failures = Vec::new();
    let all = cases(&dir);
    assert!(all.len() >= 9, "expected the example cases in {}", dir.display());
    for case in all {
        let args: Vec<String> = read(&case.join("args")).lines().map(String::from).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = rudder(&root(), &args);
        let got = [
            ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
            ("stderr", String::from_utf8_lossy(&out.stderr).into_owned()),
            ("code", format!("{}\n", out.status.code().unwrap_or(-1))),
        ];
        for (file, text) in got {
            let path = case.join(file);
            if update {
                if text.is_empty() {
                    let _ = std::fs::remove_file(&path);
                } else {
                    std::fs::write(&path, &text).unwrap();
                }
            } else if read(&path) != text {
                failures.push(format!(
                    "{}/{file}: {}",
                    case.file_name().unwrap().to_string_lossy(),
                    first_difference(&read(&path), &text)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The example charts: every `charts/NAME` with a Chart.yaml, with no extra arguments, and
/// every part of an umbrella kept in `charts/NAME-parts/PART` (the sources its
/// `file://../NAME-parts/PART` dependencies are packaged from), with the umbrella's values
/// file, whose `global` block they read (the database passwords are `required`).
fn example_charts() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for dir in cases(&root().join("charts")) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if dir.join("Chart.yaml").is_file() {
            out.push((format!("charts/{name}"), Vec::new()));
            continue;
        }
        let umbrella = name
            .strip_suffix("-parts")
            .unwrap_or_else(|| panic!("charts/{name}: not a chart"));
        let values = format!("charts/{umbrella}/values.yaml");
        assert!(root().join(&values).is_file(), "charts/{name}: no {values}");
        for part in cases(&dir) {
            let part = part.file_name().unwrap().to_string_lossy().into_owned();
            out.push((format!("charts/{name}/{part}"), vec!["-f".into(), values.clone()]));
        }
    }
    assert!(out.len() >= 10, "{out:?}");
    out
}

/// Every example chart renders with its defaults and its output parses as YAML objects.
#[test]
fn every_example_chart_renders_with_defaults() {
    for (path, extra) in example_charts() {
        let mut args = vec!["template", "example", &path];
        args.extend(extra.iter().map(String::as_str));
        let out = rudder(&root(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{path}: {stderr}");
        let docs = parse_stream(&String::from_utf8_lossy(&out.stdout), Dialect::Kustomize, &path).unwrap();
        assert!(!docs.is_empty(), "{path}: no documents");
        for doc in docs {
            let v = &doc.value;
            for field in ["apiVersion", "kind"] {
                assert!(v.get(field).is_some(), "{path}: a document without {field}");
            }
        }
    }
}

/// Objects by "kind/name", without the fields rendering order or sorting could change.
fn objects(stream: &[u8], source: &str) -> BTreeMap<String, Value> {
    parse_stream(&String::from_utf8_lossy(stream), Dialect::Kustomize, source)
        .unwrap()
        .into_iter()
        .map(|d| {
            let v = d.value;
            let kind = v.get("kind").and_then(Value::as_str).unwrap_or("").to_owned();
            let name = v
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            (format!("{kind}/{name}"), v)
        })
        .collect()
}

/// The metallb chart with the seed's flags gives the same objects as the seed's kustomize overlay
/// (`overlays/metallb`), except the Namespace, which a chart leaves to `--create-namespace`.
#[test]
fn metallb_chart_matches_the_seed_overlay() {
    let chart = rudder(
        &root(),
        &[
            "template",
            "metallb",
            "charts/metallb",
            "--namespace",
            "metallb-system",
            "--set",
            "controller.tag=v0.8.3",
            "--set",
            "speaker.tag=v0.8.3",
            "--set",
            "configmap.ipRange=192.168.1.11-192.168.1.29",
        ],
    );
    assert!(chart.status.success(), "{}", String::from_utf8_lossy(&chart.stderr));
    let overlay = rudder(&root(), &["build", "overlays/metallb"]);
    assert!(overlay.status.success(), "{}", String::from_utf8_lossy(&overlay.stderr));
    let mut want = objects(&overlay.stdout, "overlays/metallb");
    want.remove("Namespace/metallb-system")
        .expect("the overlay's Namespace");
    let got = objects(&chart.stdout, "charts/metallb");
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    for (id, w) in &want {
        assert_eq!(
            rudder::yaml::to_string(&got[id]),
            rudder::yaml::to_string(w),
            "{id} differs"
        );
    }
}

/// The seed commands, typed into a shell as they are written in the issue, give the goldens.
#[test]
fn seed_commands_work_verbatim_in_a_shell() {
    if std::env::var_os("UPDATE").is_some() {
        return; // the goldens it reads are being rewritten by another test
    }
    let bin = env!("CARGO_BIN_EXE_rudder");
    for (case, command) in [
        (
            "metallb-seed",
            "rudder template metallb charts/metallb --namespace metallb-system --set controller.tag=v0.8.3 \
             --set speaker.tag=v0.8.3 --set configmap.ipRange=192.168.1.11-192.168.1.29",
        ),
        (
            "jenkins-seed",
            "rudder template jenkins charts/jenkins --set persistence.existingClaim=jenkins \
             --set master.adminPassword=admin --set master.nodeSelector.\"kubernetes\\.io/hostname\"=m-k8s \
             --set master.tolerations[0].key=node-role.kubernetes.io/master \
             --set master.tolerations[0].effect=NoSchedule --set master.tolerations[0].operator=Exists \
             --set master.runAsUser=1000 --set master.runAsGroup=1000 --set master.tag=2.249.3-lts-centos7 \
             --set master.serviceType=LoadBalancer --set master.servicePort=80 \
             --set master.jenkinsOpts=\"--prefix=/jenkins\"",
        ),
    ] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("rudder() {{ \"{bin}\" \"$@\"; }}; {command}"))
            .current_dir(root())
            .output()
            .unwrap();
        assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stderr));
        let want = read(&root().join("fixtures/charts-examples").join(case).join("stdout"));
        let got = String::from_utf8_lossy(&out.stdout);
        assert!(want == got, "{case}: {}", first_difference(&want, &got));
    }
}

/// The values flags of a case's `args`, for rendering through the library.
fn value_options(args: &[String]) -> (ValueOptions, Release) {
    let mut opts = ValueOptions::default();
    let mut release = Release::default();
    let mut names = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let mut next = || it.next().cloned().unwrap();
        match a.as_str() {
            "--set" => opts.set.push(next()),
            "--set-string" => opts.set_string.push(next()),
            "--set-json" => opts.set_json.push(next()),
            "-n" | "--namespace" => release.namespace = next(),
            "--kube-version" => drop(next()),
            name => names.push(name.to_string()),
        }
    }
    release.name = names[0].clone();
    (opts, release)
}

/// `NOTES.txt` of each case that renders, compared with `notes` in the case (the command line
/// prints notes only on install, so they are rendered through the library here).
#[test]
fn example_chart_notes_render_as_their_goldens() {
    let update = std::env::var_os("UPDATE").is_some();
    let mut checked = 0;
    for case in cases(&root().join("fixtures/charts-examples")) {
        let args: Vec<String> = read(&case.join("args")).lines().map(String::from).collect();
        if args[0] != "template" {
            continue;
        }
        let (values, release) = value_options(&args);
        let chart = root().join(&args[2]);
        let opts = RenderOptions {
            release,
            ..Default::default()
        };
        let Ok(out) = rudder::pipeline::render_chart(&chart, &values, &opts) else {
            continue;
        };
        let notes = out.rendered.notes.unwrap_or_default();
        let path = case.join("notes");
        if update {
            std::fs::write(&path, &notes).unwrap();
        }
        let want = read(&path);
        assert!(want == notes, "{}: {}", path.display(), first_difference(&want, &notes));
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} cases rendered notes");
    let metallb = read(&root().join("fixtures/charts-examples/metallb-seed/notes"));
    assert!(
        metallb.contains("The IP range 192.168.1.11-192.168.1.29 is available"),
        "{metallb}"
    );
}

/// Every example chart (umbrella parts included) lints clean.
#[test]
fn every_example_chart_lints_clean() {
    for (path, extra) in example_charts() {
        let mut args = vec!["lint", &path];
        args.extend(extra.iter().map(String::as_str));
        let out = rudder(&root(), &args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{path}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("[ERROR]"), "{path}: {text}");
    }
}

/// `rudder values` agrees with Helm on every rendering case: `values.json` in each case was
/// written by Helm itself (`fixtures/charts-examples/regen-values.py`, through the oracle, on a
/// copy of the chart without its Jinja templates).
#[test]
fn example_chart_values_agree_with_helm() {
    let mut checked = 0;
    for case in cases(&root().join("fixtures/charts-examples")) {
        let Ok(want) = std::fs::read_to_string(case.join("values.json")) else {
            continue;
        };
        let args: Vec<String> = read(&case.join("args")).lines().map(String::from).collect();
        let mut cmd = vec!["values".to_string(), args[2].clone(), "-o".into(), "json".into()];
        let mut rest = args[3..].iter();
        while let Some(flag) = rest.next() {
            let value = rest.next().expect("a flag's value").clone();
            if flag.starts_with("--set") {
                cmd.extend([flag.clone(), value]);
            }
        }
        let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
        let out = rudder(&root(), &cmd);
        assert!(
            out.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let want: serde_json::Value = serde_json::from_str(&want).unwrap();
        assert_eq!(got, want, "{}", case.display());
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} cases have values.json");
}
