//! `rudder lint`: strict schema validation (built-in kinds and CRDs in the stream),
//! deprecated and removed APIs for a target Kubernetes version, best-practice rules and
//! the CI report formats (text, JSON, SARIF, JUnit).
//!
//! Lint reads documents and never mutates them. It must not import `chart` or `overlay`:
//! built overlays arrive as documents, charts as a [`RenderedChart`], both supplied by the
//! caller.

mod catalogue;
mod chart;
mod config;
mod deprecation;
mod engine;
mod finding;
mod input;
mod locate;
mod report;
mod rules;
mod schema;
mod version;

pub use catalogue::{RULES, Rule, rule_by_id};
pub use chart::{ChartProblem, RenderedChart, RenderedTemplate};
pub use config::{CONFIG_FILE, ConfigError, FileConfig, IGNORE_ANNOTATION, ensure_rule, find_config, load_config};
pub use deprecation::{DEPRECATIONS, Deprecation};
pub use engine::{Options, Report, lint};
pub use finding::{Finding, ObjectRef, Severity};
pub use input::{Input, InputError, KUSTOMIZATION_FILES, MAX_INPUT_BYTES, Target, targets};
pub use report::{Format, render};
pub use schema::SCHEMA_VERSION;
pub use version::KubeVersion;
