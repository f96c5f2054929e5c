//! `rudder package`: Helm's layout, byte-reproducible, readable by Helm (checked when the
//! fixtures were generated: fixtures/chart-load/generate.py has Helm read every package).

use sha2::{Digest, Sha256};

use crate::support::{root, rudder};

fn package(chart: &str, extra: &[&str]) -> (String, Vec<u8>) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("out/dir").to_string_lossy().into_owned();
    let mut args = vec!["package", chart, "-d", &dest];
    args.extend_from_slice(extra);
    let out = rudder(&root().join("fixtures/chart-load"), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entry = std::fs::read_dir(tmp.path().join("out/dir"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    (
        entry.file_name().to_string_lossy().into_owned(),
        std::fs::read(entry.path()).unwrap(),
    )
}

#[test]
fn same_input_same_sha256() {
    let (name_a, a) = package("full-metadata/chart", &[]);
    // Touch every file's mtime: the package must not change.
    let dir = root().join("fixtures/chart-load/full-metadata/chart");
    for f in ["Chart.yaml", "values.yaml", "templates/x.yaml"] {
        let file = std::fs::File::options().append(true).open(dir.join(f)).unwrap();
        file.set_modified(std::time::SystemTime::now()).unwrap();
    }
    let (name_b, b) = package("full-metadata/chart", &[]);
    assert_eq!(name_a, "full-1.2.3-rc.1+build.5.tgz");
    assert_eq!(name_a, name_b);
    assert_eq!(Sha256::digest(&a).to_vec(), Sha256::digest(&b).to_vec());
}

/// The package is created 0666 less the umask, as Helm's `os.WriteFile` does: 0644 under the
/// usual umask 022, 0640 under 027 (a temporary file's 0600 would hide it from a web server).
#[cfg(unix)]
#[test]
fn package_mode_follows_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    for (umask, want) in [("022", 0o644), ("027", 0o640)] {
        let tmp = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" package minimal/chart -d \"$1\""))
            .arg(env!("CARGO_BIN_EXE_rudder"))
            .arg(tmp.path())
            .current_dir(root().join("fixtures/chart-load"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mode = std::fs::metadata(tmp.path().join("tiny-0.0.1.tgz"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, want, "umask {umask}");
    }
}

#[test]
fn version_and_app_version_overrides() {
    let (name, bytes) = package("minimal/chart", &["--version", "2.0.0", "--app-version", "v9"]);
    assert_eq!(name, "tiny-2.0.0.tgz");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(&name), bytes).unwrap();
    let out = rudder(tmp.path(), &["show", "chart", &name]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("version: 2.0.0") && text.contains("appVersion: v9"),
        "{text}"
    );
    let tmp2 = tempfile::tempdir().unwrap();
    let dest = tmp2.path().to_string_lossy().into_owned();
    let out = rudder(
        &root().join("fixtures/chart-load"),
        &["package", "minimal/chart", "-d", &dest, "--version", "x"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        std::fs::read_dir(tmp2.path()).unwrap().next().is_none(),
        "nothing half-written"
    );
}

#[test]
fn package_help() {
    insta::assert_snapshot!(crate::support::help_text(&["package", "--help"]));
}
