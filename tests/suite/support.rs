//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the rudder binary with `args` in `dir`.
pub fn rudder(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run rudder")
}

/// `rudder ARGS` (a `--help`) run from the project root at a fixed width (clap wraps help
/// text to the terminal, or $COLUMNS): its standard output, the command having succeeded.
pub fn help_text(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(root())
        .env("COLUMNS", "100")
        .output()
        .expect("run rudder");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Case directories directly under `dir`, sorted.
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// A short unified-ish diff: the first differing line with context.
pub fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let n = w.len().max(g.len());
    for i in 0..n {
        if w.get(i) != g.get(i) {
            let from = i.saturating_sub(2);
            let mut s = format!("first difference at line {}:\n", i + 1);
            for j in from..(i + 3).min(n) {
                s.push_str(&format!("  want {:>4}: {}\n", j + 1, w.get(j).unwrap_or(&"<eof>")));
                s.push_str(&format!("  got  {:>4}: {}\n", j + 1, g.get(j).unwrap_or(&"<eof>")));
            }
            return s;
        }
    }
    if want.ends_with('\n') != got.ends_with('\n') {
        return "final newline differs".into();
    }
    "identical".into()
}
