//! `--help` texts, snapshotted so a change to the command surface shows in review.

use crate::support::help_text as help;

#[test]
fn top_level_help() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn build_help() {
    insta::assert_snapshot!(help(&["build", "--help"]));
}
