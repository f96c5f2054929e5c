//! rudder: charts, overlays, repositories, apply and releases in one library.
//!
//! Imports run downward only: `yaml` → {`resource`, `archive`, `constraint`} → the middle
//! modules (`chart`, `overlay`, `repo`, `cluster`, `lint`) → `pipeline` and `dependency`
//! (side by side, neither importing the other) → `release`. The binary's `cli` sits on top.

pub mod archive;
pub mod chart;
pub mod cluster;
pub mod constraint;
pub mod dependency;
pub mod lint;
pub mod overlay;
pub mod pipeline;
pub mod release;
pub mod repo;
pub mod resource;
pub mod yaml;
