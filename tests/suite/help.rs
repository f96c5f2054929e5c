//! `--help` texts, snapshotted so a change to the command surface shows in review.

use std::process::Command;

use crate::support::root;

fn help(args: &[&str]) -> String {
    // A fixed width: clap wraps help text to the terminal (or $COLUMNS).
    let out = Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(args)
        .current_dir(root())
        .env("COLUMNS", "100")
        .output()
        .expect("run rudder");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn top_level_help() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn build_help() {
    insta::assert_snapshot!(help(&["build", "--help"]));
}
