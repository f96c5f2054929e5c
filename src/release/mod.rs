//! The release manager: release records and revisions, install/upgrade/rollback/uninstall as plans
//! over `cluster`, locking, recovery of pending releases, and chart hooks.
//!
//! Imports `pipeline`, `cluster`, `chart`, `resource` and `yaml`; never renders templates directly.

pub mod hooks;
