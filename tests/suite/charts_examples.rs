//! The example charts under `charts/`, rendered by `rudder template` and compared with the golden
//! outputs in `fixtures/charts-examples/<case>/`: `args` (one argument per line, run from the
//! project root), `stdout`, `stderr` and `code`. `UPDATE=1` rewrites them; read the diff.

use std::collections::BTreeMap;
use std::path::Path;

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

/// Every chart under `charts/` renders with its defaults and its output parses as YAML objects.
#[test]
fn every_example_chart_renders_with_defaults() {
    for chart in cases(&root().join("charts")) {
        let name = chart.file_name().unwrap().to_string_lossy().into_owned();
        let path = format!("charts/{name}");
        let out = rudder(&root(), &["template", "example", &path]);
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
