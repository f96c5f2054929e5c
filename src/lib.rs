//! rudder: charts, overlays, repositories, apply and releases in one library.
//!
//! Imports run downward only: `yaml` → `resource` → `overlay` (and, later, the other
//! middle modules) → `pipeline` → `release`. The binary's `cli` sits on top.

pub mod chart;
pub mod cluster;
pub mod lint;
pub mod overlay;
pub mod pipeline;
pub mod resource;
pub mod yaml;
