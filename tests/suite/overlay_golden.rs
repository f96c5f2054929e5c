//! Golden tests for `rudder build`: every case under fixtures/overlay/ holds a
//! kustomization and what `kubectl kustomize` (kustomize v5.5) printed for it
//! (`expected.yaml`), or, for inputs kustomize rejects, `expected-error.txt` with a
//! fact the one-line error must mention. Regenerate with fixtures/regen-overlay.sh.

use crate::support::{cases, first_difference, root, rudder};

#[test]
fn overlay_cases_match_kustomize() {
    let dir = root().join("fixtures/overlay");
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases(&dir) {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let build_dir = std::fs::read_to_string(case.join("build-dir"))
            .map(|s| s.trim().to_string())
            .unwrap_or(".".into());
        let extra = std::fs::read_to_string(case.join("args")).unwrap_or_default();
        let mut args = vec!["build", build_dir.as_str()];
        args.extend(extra.split_whitespace());
        let out = rudder(&case, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Ok(want) = std::fs::read_to_string(case.join("expected.yaml")) {
            count += 1;
            if !out.status.success() {
                failures.push(format!("{name}: failed: {}", stderr.trim()));
            } else if stdout != want {
                failures.push(format!(
                    "{name}: output differs from kustomize\n{}",
                    first_difference(&want, &stdout)
                ));
            }
        } else if let Ok(fact) = std::fs::read_to_string(case.join("expected-error.txt")) {
            count += 1;
            let fact = fact.trim().to_lowercase();
            if out.status.code() != Some(1) {
                failures.push(format!(
                    "{name}: expected exit 1, got {:?}; stdout: {}",
                    out.status.code(),
                    stdout.len()
                ));
            } else if !stdout.is_empty() {
                failures.push(format!("{name}: printed output despite the error"));
            } else if stderr.trim().lines().count() != 1 || !stderr.to_lowercase().contains(&fact) {
                failures.push(format!(
                    "{name}: error should be one line mentioning '{fact}', got: {}",
                    stderr.trim()
                ));
            }
        }
    }
    assert!(count > 0, "no cases found under {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {count} overlay cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{count} overlay cases match kustomize");
}

/// Every example overlay in overlays/ builds.
#[test]
fn example_overlays_build() {
    let dir = root().join("overlays");
    for case in cases(&dir) {
        let out = rudder(&root(), &["build", case.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{}: empty output", case.display());
    }
}
