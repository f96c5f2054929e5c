//! The hook record kept in a release revision: what the chart declared (events, weight, delete
//! policies, manifest) and how its last run went.

use std::fmt;
use std::str::FromStr;

use k8s_openapi::jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// When a hook runs. Helm's legacy `test-success` reads as [`HookEvent::Test`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookEvent {
    PreInstall,
    PostInstall,
    PreDelete,
    PostDelete,
    PreUpgrade,
    PostUpgrade,
    PreRollback,
    PostRollback,
    Test,
}

impl HookEvent {
    /// The annotation spelling, e.g. `pre-install`.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }
}

impl fmt::Display for HookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HookEvent {
    type Err = ();

    /// Case-insensitive, surrounding spaces ignored (as Helm reads the annotation).
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            "test" | "test-success" => HookEvent::Test,
            _ => return Err(()),
        })
    }
}

/// When a hook's object is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeletePolicy {
    /// Before the hook is created again (Helm's default when no policy is given).
    BeforeHookCreation,
    /// Once every hook of the event has succeeded.
    HookSucceeded,
    /// As soon as the hook fails.
    HookFailed,
}

impl DeletePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletePolicy::BeforeHookCreation => "before-hook-creation",
            DeletePolicy::HookSucceeded => "hook-succeeded",
            DeletePolicy::HookFailed => "hook-failed",
        }
    }
}

impl fmt::Display for DeletePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeletePolicy {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "before-hook-creation" => DeletePolicy::BeforeHookCreation,
            "hook-succeeded" => DeletePolicy::HookSucceeded,
            "hook-failed" => DeletePolicy::HookFailed,
            _ => return Err(()),
        })
    }
}

/// How a hook's last run ended (Helm's phases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HookPhase {
    /// Never run, or the outcome is not known.
    #[default]
    Unknown,
    Running,
    Succeeded,
    Failed,
}

impl fmt::Display for HookPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HookPhase::Unknown => "Unknown",
            HookPhase::Running => "Running",
            HookPhase::Succeeded => "Succeeded",
            HookPhase::Failed => "Failed",
        })
    }
}

/// The last run of a hook.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HookRun {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    #[serde(default)]
    pub phase: HookPhase,
}

/// One hook of a release: a document of the chart set apart by its hook annotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hook {
    /// `metadata.name` of its object.
    pub name: String,
    /// Its `kind`, e.g. `Job`.
    pub kind: String,
    /// The template it came from, e.g. `mychart/templates/tests/test-connection.yaml`.
    pub path: String,
    /// The document as rendered (YAML text).
    pub manifest: String,
    /// The events it runs on, in annotation order, without duplicates.
    pub events: Vec<HookEvent>,
    /// Lower weights run first; ties go by kind install order, then name.
    #[serde(default)]
    pub weight: i64,
    /// When its object is deleted; `[before-hook-creation]` when the chart gives none.
    pub delete_policies: Vec<DeletePolicy>,
    #[serde(default)]
    pub last_run: HookRun,
}

impl Hook {
    /// Whether the hook runs on `event`.
    pub fn runs_on(&self, event: HookEvent) -> bool {
        self.events.contains(&event)
    }

    /// Whether the hook has `policy`.
    pub fn has_policy(&self, policy: DeletePolicy) -> bool {
        self.delete_policies.contains(&policy)
    }

    /// `job/db-migrate`: lowercase kind and name, for messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.to_lowercase(), self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_case_insensitively_and_test_success_is_test() {
        assert_eq!(" Pre-Install ".parse::<HookEvent>(), Ok(HookEvent::PreInstall));
        assert_eq!("test-success".parse::<HookEvent>(), Ok(HookEvent::Test));
        assert_eq!("pre-instal".parse::<HookEvent>(), Err(()));
        for e in [HookEvent::PostRollback, HookEvent::PreDelete, HookEvent::Test] {
            assert_eq!(e.as_str().parse::<HookEvent>(), Ok(e));
        }
    }

    #[test]
    fn record_round_trips_through_json() {
        let hook = Hook {
            name: "db-migrate".into(),
            kind: "Job".into(),
            path: "c/templates/job.yaml".into(),
            manifest: "kind: Job\n".into(),
            events: vec![HookEvent::PreUpgrade, HookEvent::PreInstall],
            weight: -5,
            delete_policies: vec![DeletePolicy::HookSucceeded],
            last_run: HookRun {
                started_at: Some("2026-11-22T08:00:00Z".parse().unwrap()),
                completed_at: None,
                phase: HookPhase::Running,
            },
        };
        let json = serde_json::to_string(&hook).unwrap();
        assert!(json.contains("\"events\":[\"pre-upgrade\",\"pre-install\"]"), "{json}");
        assert!(json.contains("\"delete_policies\":[\"hook-succeeded\"]"), "{json}");
        assert_eq!(serde_json::from_str::<Hook>(&json).unwrap(), hook);
        assert_eq!(hook.label(), "job/db-migrate");
    }
}
