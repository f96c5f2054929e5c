//! Strict schema validation: built-in kinds against the bundled Kubernetes OpenAPI schemas,
//! custom resources against the `openAPIV3Schema` of CRDs in the input or given with `--crd`.
//!
//! A purpose-built validator over [`crate::yaml::Value`] rather than a JSON-Schema crate:
//! documents are already `Value` trees, so validating them needs no conversion to
//! `serde_json`, and the few constructs Kubernetes schemas use (typed fields, closed
//! objects, maps, lists, int-or-string) are a small walk. Schemas are compiled once.

mod builtin;
mod crd;
mod node;

use std::borrow::Cow;
use std::sync::OnceLock;

pub use builtin::SCHEMA_VERSION;
pub use node::Violation;

use builtin::{Builtin, KindTable};
use node::{Id, Nodes};

#[cfg(test)]
use crate::resource::Gvk;
use crate::yaml::Value;

fn builtin() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
    BUILTIN.get_or_init(builtin::compile)
}

/// The outcome of checking one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A schema is known; these are its violations (empty when valid).
    Checked(Vec<Violation>),
    /// No schema for this group/version/kind.
    Unknown,
}

/// The schemas one lint run validates against: the built-in ones plus those of CRDs.
#[derive(Debug, Clone)]
pub struct Schemas {
    nodes: Cow<'static, Nodes>,
    crds: KindTable,
}

impl Default for Schemas {
    fn default() -> Self {
        Schemas::new()
    }
}

impl Schemas {
    /// The built-in schemas alone.
    pub fn new() -> Self {
        Schemas {
            nodes: Cow::Borrowed(&builtin().nodes),
            crds: KindTable::default(),
        }
    }

    /// Adds the schemas of a CustomResourceDefinition; returns how many versions it added.
    pub fn add_crd(&mut self, crd: &Value) -> usize {
        let versions = crd::compile(crd, self.nodes.to_mut(), builtin().object_meta);
        let n = versions.len();
        for v in versions {
            self.crds.insert(&v.group, &v.version, &v.kind, v.root);
        }
        n
    }

    fn lookup(&self, api_version: &str, kind: &str) -> Option<Id> {
        builtin()
            .kinds
            .get(api_version, kind)
            .or_else(|| self.crds.get(api_version, kind))
    }

    /// Whether a schema is known for this kind.
    #[cfg(test)]
    pub fn knows(&self, gvk: &Gvk) -> bool {
        self.lookup(&gvk.api_version(), &gvk.kind).is_some()
    }

    /// Validates one object against the schema of its apiVersion and kind.
    pub fn validate(&self, object: &Value) -> Verdict {
        let field = |k| object.get(k).and_then(Value::as_str).unwrap_or_default();
        match self.lookup(field("apiVersion"), field("kind")) {
            Some(id) => Verdict::Checked(self.nodes.validate(id, object)),
            None => Verdict::Unknown,
        }
    }
}

/// Whether `v` is a CustomResourceDefinition.
pub fn is_crd(v: &Value) -> bool {
    v.str_at(&["kind"]) == Some("CustomResourceDefinition")
        && v.str_at(&["apiVersion"])
            .is_some_and(|a| a.starts_with("apiextensions.k8s.io/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        crate::yaml::first_document(text)
    }

    fn problems(s: &Schemas, text: &str) -> Vec<String> {
        match s.validate(&doc(text)) {
            Verdict::Checked(v) => v.into_iter().map(|v| format!("{}: {}", v.path, v.message)).collect(),
            Verdict::Unknown => vec!["unknown".into()],
        }
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n        resources:\n          requests: {cpu: 0.5, memory: 64Mi}\n";

    #[test]
    fn valid_deployment_passes() {
        assert_eq!(problems(&Schemas::new(), DEPLOY), Vec::<String>::new());
    }

    #[test]
    fn unknown_fields_types_and_required_fields_are_reported() {
        let bad = DEPLOY
            .replace("replicas: 2", "replicas: two")
            .replace("        image: nginx:1.27\n", "        imagee: nginx:1.27\n")
            .replace("- name: web\n", "- nam: web\n")
            .replace(
                "labels: {app: web}\nspec:\n  replicas",
                "labels: {app: web, v: 1.5}\nspec:\n  replicas",
            );
        assert_eq!(
            problems(&Schemas::new(), &bad),
            [
                "metadata.labels.v: expected a string, found a number",
                "spec.replicas: expected an integer, found a string",
                "spec.template.spec.containers[0].nam: unknown field",
                "spec.template.spec.containers[0].imagee: unknown field",
                "spec.template.spec.containers[0].name: required field is missing",
            ]
        );
    }

    #[test]
    fn int_or_string_and_nulls() {
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  creationTimestamp: null\nspec:\n  ports:\n  - port: 80\n    targetPort: http\n  - port: 81\n    targetPort: 8081\n  - port: 82\n    targetPort: 1.5\n";
        assert_eq!(
            problems(&Schemas::new(), svc),
            ["spec.ports[2].targetPort: expected an integer or a string, found a number"]
        );
    }

    #[test]
    fn unknown_kind_then_crd() {
        let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n  color: blue\n  extra: 1\n";
        let mut s = Schemas::new();
        assert_eq!(problems(&s, cr), ["unknown"]);
        let crd = doc(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            required: [size]\n            properties:\n              size: {type: integer, minimum: 5}\n              color: {type: string, enum: [red, green]}\n              free: {type: object, x-kubernetes-preserve-unknown-fields: true}\n",
        );
        assert!(is_crd(&crd));
        assert_eq!(s.add_crd(&crd), 1);
        assert_eq!(
            problems(&s, cr),
            [
                "spec.size: 3 is not at least 5",
                "spec.color: \"blue\" is not one of \"red\", \"green\"",
                "spec.extra: unknown field",
            ]
        );
        assert_eq!(
            problems(
                &s,
                &cr.replace("  extra: 1\n", "  free: {a: 1}\n")
                    .replace("blue", "red")
                    .replace("3", "5")
            ),
            Vec::<String>::new()
        );
        // The built-in schemas stay untouched for other runs.
        assert_eq!(problems(&Schemas::new(), cr), ["unknown"]);
    }

    #[test]
    fn bundle_knows_core_kinds() {
        let s = Schemas::new();
        for (g, v, k) in [
            ("", "v1", "ConfigMap"),
            ("apps", "v1", "DaemonSet"),
            ("batch", "v1", "CronJob"),
            ("networking.k8s.io", "v1", "Ingress"),
        ] {
            assert!(s.knows(&Gvk::new(g, v, k)), "{k}");
        }
        assert!(!s.knows(&Gvk::new("extensions", "v1beta1", "Deployment")));
    }
}
