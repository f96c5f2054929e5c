//! Reading hooks from documents and putting them in running order.
//!
//! Annotation rules:
//! - `rudder.dev/hook` and Helm's `helm.sh/hook` both declare a hook (comma-separated events,
//!   case-insensitive, spaces ignored; `test-success` is `test`). The same goes for
//!   `…/hook-weight` (an integer string, default 0) and `…/hook-delete-policy` (comma-separated).
//! - When both spellings of one annotation are present they must say the same thing (compared
//!   after reading, so `pre-install, post-install` equals `pre-install,post-install`).
//! - An unknown event or policy, or a weight that is not an integer, is an error naming the file
//!   and the annotation (Helm skips unknown events and reads a bad weight as 0).
//! - No delete policy means `before-hook-creation`, as in Helm.
//!
//! Running order (Helm's): weight, then Helm's install order of kinds (unknown kinds after the
//! known ones, alphabetically), then name.

use std::cmp::Ordering;

use crate::chart::render::Manifest;
use crate::resource::{Document, helm_install_index};
use crate::yaml::{self, Dialect, Value};

use super::error::HookError;
use super::model::{DeletePolicy, Hook, HookEvent, HookRun};

/// Our annotation prefix and Helm's.
const OURS: &str = "rudder.dev/";
const HELM: &str = "helm.sh/";

/// The hooks among a chart's rendered hook documents (the chart engine's `Rendered::hooks`), in
/// running order.
///
/// # Errors
/// A document that is not a YAML mapping, lacks a kind or name, or has a bad hook annotation.
pub fn from_manifests(manifests: &[Manifest]) -> Result<Vec<Hook>, HookError> {
    let mut hooks = Vec::new();
    for m in manifests {
        let docs = yaml::parse_stream(&m.content, Dialect::Helm, &m.source).map_err(|e| HookError::Parse {
            file: m.source.clone(),
            message: e.to_string(),
        })?;
        for doc in docs {
            if let Some(hook) = from_value(&doc.value, &m.content, &m.source)? {
                hooks.push(hook);
            }
        }
    }
    sort(&mut hooks);
    Ok(hooks)
}

/// The hook one rendered document declares (`text`, from template `file`), `None` when it
/// declares none: how a release record's stored hook documents are read back.
///
/// # Errors
/// As [`from_manifests`]; text holding more than one document.
pub fn from_text(file: &str, text: &str) -> Result<Option<Hook>, HookError> {
    let docs = yaml::parse_stream(text, Dialect::Helm, file).map_err(|e| HookError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut docs = docs.into_iter().filter(|d| !d.value.is_null());
    match (docs.next(), docs.next()) {
        (None, _) => Ok(None),
        (Some(d), None) => from_value(&d.value, text, file),
        (Some(_), Some(_)) => Err(HookError::Parse {
            file: file.to_string(),
            message: "a hook must be one document".into(),
        }),
    }
}

/// Sets the hooks of a document stream apart: the documents without a hook annotation (in their
/// order) and the hooks (in running order), each hook's manifest emitted from its document.
///
/// # Errors
/// As [`from_manifests`].
pub fn split(docs: Vec<Document>) -> Result<(Vec<Document>, Vec<Hook>), HookError> {
    let mut plain = Vec::new();
    let mut hooks = Vec::new();
    for doc in docs {
        if hook_annotation(&doc.value).is_none() {
            plain.push(doc);
            continue;
        }
        let text = yaml::to_string(&doc.value);
        match from_value(&doc.value, &text, &doc.source)? {
            Some(hook) => hooks.push(hook),
            None => plain.push(doc),
        }
    }
    sort(&mut hooks);
    Ok((plain, hooks))
}

/// Whether a document carries either hook annotation.
fn hook_annotation(v: &Value) -> Option<&Value> {
    let annotations = v.pointer(&["metadata", "annotations"])?;
    annotations
        .get("rudder.dev/hook")
        .or_else(|| annotations.get("helm.sh/hook"))
}

/// The hook a document declares, `None` when it declares none.
///
/// # Errors
/// As [`from_manifests`].
pub fn from_value(value: &Value, manifest: &str, file: &str) -> Result<Option<Hook>, HookError> {
    let Some(events) = read(value, file, "hook", parse_events)? else {
        return Ok(None);
    };
    let weight = read(value, file, "hook-weight", parse_weight)?.unwrap_or(0);
    let mut delete_policies = read(value, file, "hook-delete-policy", parse_policies)?.unwrap_or_default();
    if delete_policies.is_empty() {
        delete_policies.push(DeletePolicy::BeforeHookCreation);
    }
    let kind = match value.get("kind") {
        Some(Value::String(k)) if !k.is_empty() => k.clone(),
        _ => {
            return Err(HookError::Annotation {
                file: file.to_string(),
                field: "kind".into(),
                message: "a hook needs a kind".into(),
            });
        }
    };
    let name = match value.str_at(&["metadata", "name"]) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => {
            return Err(HookError::Annotation {
                file: file.to_string(),
                field: "metadata.name".into(),
                message: "a hook needs a name (generateName is not supported)".into(),
            });
        }
    };
    Ok(Some(Hook {
        name,
        kind,
        path: file.to_string(),
        manifest: manifest.to_string(),
        events,
        weight,
        delete_policies,
        last_run: HookRun::default(),
    }))
}

/// Reads `rudder.dev/<suffix>` and `helm.sh/<suffix>` with `parse`, insisting they agree.
fn read<T: PartialEq>(
    value: &Value,
    file: &str,
    suffix: &str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, HookError> {
    let ours_key = format!("{OURS}{suffix}");
    let helm_key = format!("{HELM}{suffix}");
    let get = |key: &str| -> Result<Option<(String, T)>, HookError> {
        let field = format!("metadata.annotations.{key}");
        let Some(v) = value.pointer(&["metadata", "annotations", key]) else {
            return Ok(None);
        };
        let text = match v {
            Value::String(s) => s.clone(),
            other => {
                return Err(HookError::Annotation {
                    file: file.to_string(),
                    field,
                    message: format!("expected a string, found {}", other.type_name()),
                });
            }
        };
        let parsed = parse(&text).map_err(|message| HookError::Annotation {
            file: file.to_string(),
            field,
            message,
        })?;
        Ok(Some((text, parsed)))
    };
    match (get(&ours_key)?, get(&helm_key)?) {
        (Some((ours_text, ours)), Some((helm_text, helm))) => {
            if ours != helm {
                return Err(HookError::Disagree {
                    file: file.to_string(),
                    ours: ours_key,
                    ours_value: ours_text,
                    helm: helm_key,
                    helm_value: helm_text,
                });
            }
            Ok(Some(ours))
        }
        (Some((_, v)), None) | (None, Some((_, v))) => Ok(Some(v)),
        (None, None) => Ok(None),
    }
}

fn parse_events(text: &str) -> Result<Vec<HookEvent>, String> {
    let mut events = Vec::new();
    for part in text.split(',') {
        let event: HookEvent = part
            .parse()
            .map_err(|()| format!("unknown hook event {:?}", part.trim()))?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    Ok(events)
}

fn parse_weight(text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| format!("expected an integer weight, found {text:?}"))
}

fn parse_policies(text: &str) -> Result<Vec<DeletePolicy>, String> {
    let mut policies = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let policy: DeletePolicy = part.parse().map_err(|()| {
            format!(
                "unknown delete policy {:?} (expected before-hook-creation, hook-succeeded or hook-failed)",
                part.trim()
            )
        })?;
        if !policies.contains(&policy) {
            policies.push(policy);
        }
    }
    Ok(policies)
}

/// Puts hooks in running order (see the module docs). Stable.
pub fn sort(hooks: &mut [Hook]) {
    hooks.sort_by(running_order);
}

/// Indices of the hooks of `event`, in running order.
pub(super) fn sort_indices(hooks: &[Hook], event: HookEvent) -> Vec<usize> {
    let mut order: Vec<usize> = (0..hooks.len()).filter(|&i| hooks[i].runs_on(event)).collect();
    order.sort_by(|&a, &b| running_order(&hooks[a], &hooks[b]));
    order
}

fn running_order(a: &Hook, b: &Hook) -> Ordering {
    let unknown = helm_install_index("\u{0}unknown");
    let rank = |k: &str| {
        let i = helm_install_index(k);
        (i == unknown, i)
    };
    a.weight
        .cmp(&b.weight)
        .then_with(|| {
            let (ra, rb) = (rank(&a.kind), rank(&b.kind));
            match (ra.0, rb.0) {
                (true, true) => a.kind.cmp(&b.kind),
                _ => ra.cmp(&rb),
            }
        })
        .then_with(|| a.name.cmp(&b.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: &str, name: &str, annotations: &[(&str, &str)]) -> Value {
        let mut text = format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n");
        if !annotations.is_empty() {
            text.push_str("  annotations:\n");
            for (k, v) in annotations {
                text.push_str(&format!("    {k}: {v:?}\n"));
            }
        }
        yaml::first_document(&text)
    }

    fn hook(kind: &str, name: &str, annotations: &[(&str, &str)]) -> Result<Option<Hook>, HookError> {
        from_value(&doc(kind, name, annotations), "m", "c/templates/h.yaml")
    }

    #[test]
    fn either_annotation_declares_a_hook_with_helm_defaults() {
        let h = hook("Job", "migrate", &[("rudder.dev/hook", "pre-install, Pre-Upgrade")])
            .unwrap()
            .unwrap();
        assert_eq!(h.events, vec![HookEvent::PreInstall, HookEvent::PreUpgrade]);
        assert_eq!(h.weight, 0);
        assert_eq!(h.delete_policies, vec![DeletePolicy::BeforeHookCreation]);
        let h = hook(
            "Pod",
            "t",
            &[
                ("helm.sh/hook", "test-success"),
                ("helm.sh/hook-weight", "-3"),
                ("helm.sh/hook-delete-policy", "hook-succeeded,hook-failed"),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(h.events, vec![HookEvent::Test]);
        assert_eq!(h.weight, -3);
        assert_eq!(
            h.delete_policies,
            vec![DeletePolicy::HookSucceeded, DeletePolicy::HookFailed]
        );
        assert_eq!(hook("ConfigMap", "plain", &[]).unwrap(), None);
    }

    #[test]
    fn both_spellings_must_agree() {
        let ok = hook(
            "Job",
            "j",
            &[
                ("rudder.dev/hook", "post-install,post-upgrade"),
                ("helm.sh/hook", "post-install, post-upgrade"),
            ],
        );
        assert!(ok.unwrap().is_some());
        let err = hook(
            "Job",
            "j",
            &[
                ("rudder.dev/hook-weight", "1"),
                ("helm.sh/hook-weight", "2"),
                ("helm.sh/hook", "test"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "c/templates/h.yaml: metadata.annotations: rudder.dev/hook-weight \"1\" and helm.sh/hook-weight \"2\" disagree"
        );
    }

    #[test]
    fn bad_values_name_file_and_annotation() {
        let err = |a: &[(&str, &str)]| hook("Job", "j", a).unwrap_err().to_string();
        assert_eq!(
            err(&[("rudder.dev/hook", "pre-instal")]),
            "c/templates/h.yaml: metadata.annotations.rudder.dev/hook: unknown hook event \"pre-instal\""
        );
        assert_eq!(
            err(&[("helm.sh/hook", "test"), ("rudder.dev/hook-weight", "heavy")]),
            "c/templates/h.yaml: metadata.annotations.rudder.dev/hook-weight: expected an integer weight, found \"heavy\""
        );
        assert!(
            err(&[("helm.sh/hook", "test"), ("helm.sh/hook-delete-policy", "never")])
                .contains("unknown delete policy \"never\"")
        );
        let v = yaml::first_document("kind: Job\nmetadata:\n  annotations:\n    rudder.dev/hook: test\n");
        assert_eq!(
            from_value(&v, "", "f.yaml").unwrap_err().to_string(),
            "f.yaml: metadata.name: a hook needs a name (generateName is not supported)"
        );
    }

    #[test]
    fn running_order_is_weight_then_kind_then_name() {
        let mk = |kind: &str, name: &str, w: &str| {
            hook(
                kind,
                name,
                &[("rudder.dev/hook", "pre-install"), ("rudder.dev/hook-weight", w)],
            )
            .unwrap()
            .unwrap()
        };
        let mut hooks = vec![
            mk("Job", "b", "0"),
            mk("Widget", "a", "0"),
            mk("Job", "a", "0"),
            mk("ConfigMap", "z", "0"),
            mk("Gadget", "a", "0"),
            mk("Pod", "late", "5"),
            mk("Secret", "early", "-1"),
        ];
        sort(&mut hooks);
        let order: Vec<String> = hooks.iter().map(Hook::label).collect();
        assert_eq!(
            order,
            [
                "secret/early",
                "configmap/z",
                "job/a",
                "job/b",
                "gadget/a",
                "widget/a",
                "pod/late"
            ]
        );
    }

    #[test]
    fn stored_text_reads_back_as_the_same_hook() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n";
        let h = from_text("c/templates/t.yaml", text).unwrap().unwrap();
        assert_eq!((h.label(), h.manifest.as_str()), ("pod/t".to_string(), text));
        assert_eq!(
            from_text("f", "kind: A\n---\nkind: B\n").unwrap_err().to_string(),
            "f: a hook must be one document"
        );
    }

    #[test]
    fn split_sets_hooks_apart_and_keeps_plain_documents_in_order() {
        let docs: Vec<Document> = [
            doc("ConfigMap", "one", &[]),
            doc("Pod", "t", &[("rudder.dev/hook", "test")]),
            doc("Secret", "two", &[("other", "x")]),
        ]
        .into_iter()
        .map(|v| Document::new(v, "s.yaml", 1))
        .collect();
        let (plain, hooks) = split(docs).unwrap();
        let names: Vec<&str> = plain.iter().filter_map(Document::name).collect();
        assert_eq!(names, ["one", "two"]);
        assert_eq!(hooks.len(), 1);
        assert!(
            hooks[0].manifest.contains("rudder.dev/hook: test"),
            "{}",
            hooks[0].manifest
        );
    }
}
