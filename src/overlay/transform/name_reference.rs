//! Name-reference fixing: after renames (prefix, suffix, hash) and namespace moves, every
//! field that names another object of the build is rewritten to that object's current name
//! (and, for `{name, namespace}` references, its namespace).
//!
//! Rules (kustomize v5.5's name-reference transformer and filter):
//! - the table of [`config::name_reference`], plus entries from `crds:` definitions, lists
//!   for each kind (the referral) the fields of other kinds (the referrers) that name it;
//!   a referrer is selected by its original kind;
//! - a field holds a name (any scalar), a list of names, a mapping with `name` (and maybe
//!   `namespace`), or a list of such mappings; null fields are skipped, a scalar met before
//!   the path ends is an error, a mapping without `name` is an error;
//! - candidates are objects that had the referenced name before some rename or namespace
//!   move (objects never renamed or moved are not candidates, as in kustomize), whose kind
//!   at that time matches the referral, and that the referrer can see: cluster-scoped
//!   objects, objects of its namespace, ServiceAccounts in namespaces its `RoleBinding`
//!   subjects name; a referrer that is cluster-scoped sees everything;
//! - for `roleRef/name`, the candidate must also match `roleRef.apiGroup`/`roleRef.kind`;
//! - for a mapping with `namespace`, candidates are those originally in that namespace, or
//!   else those now in it;
//! - several candidates are narrowed by the outer ends of their prefix/suffix lists: first
//!   letting an empty list match anything, then exactly; still several with one current name
//!   (and namespace, for mappings) take the first, else it is an error;
//! - a mapping gets the referral's namespace when it has one.

use std::collections::HashMap;

use crate::overlay::config;
use crate::overlay::error::Error;
use crate::overlay::fieldspec::{FieldSpec, split_path};
use crate::overlay::resmap::{ResMap, Resource};
use crate::resource::Gvk;
use crate::yaml::Value;

/// Rewrites references to renamed objects, using the name-reference `table` (the default
/// one plus what `configurations:` and `crds:` add, see
/// [`config::FieldTables::name_reference_with_crds`]).
///
/// # Errors
/// A reference field of the wrong shape, or a reference that matches several objects
/// equally well.
pub fn fix(rm: &mut ResMap, table: &[config::NameReference]) -> Result<(), Error> {
    let specs: Vec<Vec<PreparedSpec>> = table
        .iter()
        .map(|e| {
            e.referrers
                .iter()
                .map(|fs| PreparedSpec {
                    spec: fs.clone(),
                    segs: split_path(&fs.path),
                })
                .collect()
        })
        .collect();
    let cands: Vec<Candidate> = rm.iter().map(Candidate::of).collect();
    let mut by_prev_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cands.iter().enumerate() {
        let mut names: Vec<&str> = c.prev_names.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        for n in names {
            by_prev_name.entry(n).or_default().push(i);
        }
    }
    let mut by_org_ns: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cands.iter().enumerate() {
        by_org_ns.entry(c.org_eff_ns.as_str()).or_default().push(i);
    }
    let index = Index {
        cands: &cands,
        by_prev_name,
        by_org_ns,
    };
    // Which (entry, spec) pairs select a given original kind, in table order.
    let mut plans: HashMap<Gvk, Vec<(usize, usize)>> = HashMap::new();
    for (i, r) in rm.iter_mut().enumerate() {
        let org = cands[i].org_gvk.clone();
        let plan = plans.entry(org.clone()).or_insert_with(|| {
            let mut p = Vec::new();
            for (e, entry) in specs.iter().enumerate() {
                for (s, ps) in entry.iter().enumerate() {
                    if ps.spec.gvk.selects(&org) {
                        p.push((e, s));
                    }
                }
            }
            p
        });
        if plan.is_empty() {
            continue;
        }
        let rb_namespaces = role_binding_namespaces(r).map_err(|m| referrer_error(r, "subjects", &m))?;
        let referrer = Referrer {
            me: &cands[i],
            rb_namespaces,
        };
        for &(e, s) in plan.iter() {
            let ps = &specs[e][s];
            let job = Job {
                index: &index,
                referrer: &referrer,
                target: &table[e].referral,
            };
            let role_ref = if ps.spec.path.ends_with("roleRef/name") {
                role_ref_gvk(r.value())
            } else {
                None
            };
            walk(r.value_mut(), &ps.segs, &job, role_ref.as_ref()).map_err(|m| referrer_error(r, &ps.spec.path, &m))?;
        }
    }
    Ok(())
}

fn referrer_error(r: &Resource, path: &str, message: &str) -> Error {
    Error::field(
        &r.doc.source,
        format!("{} {}", r.kind(), r.name()),
        format!("{path}: {message}"),
    )
}

struct PreparedSpec {
    spec: FieldSpec,
    segs: Vec<String>,
}

/// What name-reference fixing needs to know about one object, fixed before any rewrite.
struct Candidate {
    kind: String,
    name: String,
    /// Namespace as written (empty when unset).
    namespace: String,
    /// kustomize's effective namespace now and originally.
    eff_ns: String,
    org_eff_ns: String,
    cluster: bool,
    /// Original group/version/kind (current group and version, first kind).
    org_gvk: Gvk,
    /// Earlier names and kinds (with the current group and version).
    prev_names: Vec<String>,
    prev_gvks: Vec<Gvk>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl Candidate {
    fn of(r: &Resource) -> Self {
        let gvk = r.gvk();
        let with_kind = |kind: &str| Gvk::new(&gvk.group, &gvk.version, kind);
        let org_eff_ns = match r.prev_ids.first() {
            Some(p) => config::effective_namespace(&p.gvk, &p.namespace).to_string(),
            None => config::effective_namespace(&gvk, r.namespace()).to_string(),
        };
        Candidate {
            kind: gvk.kind.clone(),
            name: r.name().to_string(),
            namespace: r.namespace().to_string(),
            eff_ns: config::effective_namespace(&gvk, r.namespace()).to_string(),
            org_eff_ns,
            cluster: config::cluster_scoped(&gvk),
            org_gvk: with_kind(r.prev_ids.first().map_or(gvk.kind.as_str(), |p| p.gvk.kind.as_str())),
            prev_names: r.prev_ids.iter().map(|p| p.name.clone()).collect(),
            prev_gvks: r.prev_ids.iter().map(|p| with_kind(&p.gvk.kind)).collect(),
            prefixes: r.prefixes.iter().filter(|p| !p.is_empty()).cloned().collect(),
            suffixes: r.suffixes.iter().filter(|s| !s.is_empty()).cloned().collect(),
        }
    }

    fn id_string(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

struct Index<'a> {
    cands: &'a [Candidate],
    by_prev_name: HashMap<&'a str, Vec<usize>>,
    /// Objects by original effective namespace.
    by_org_ns: HashMap<&'a str, Vec<usize>>,
}

struct Referrer<'a> {
    me: &'a Candidate,
    /// Namespaces of the ServiceAccount subjects of a RoleBinding referrer.
    rb_namespaces: Vec<String>,
}

impl Referrer<'_> {
    /// kustomize's "subset that could be referenced by" the referrer.
    fn can_see(&self, c: &Candidate) -> bool {
        self.me.cluster || c.cluster || c.eff_ns == self.me.eff_ns || self.rb_namespaces.contains(&c.namespace)
    }

    /// kustomize's "same current namespace as referrer" sieve.
    fn same_namespace(&self, c: &Candidate) -> bool {
        self.me.cluster || c.cluster || c.kind == "ServiceAccount" || c.eff_ns == self.me.eff_ns
    }
}

/// One field spec applied to one referrer.
struct Job<'a> {
    index: &'a Index<'a>,
    referrer: &'a Referrer<'a>,
    target: &'a Gvk,
}

/// Follows the path; at its end rewrites the name(s) found.
fn walk(node: &mut Value, segs: &[String], job: &Job, role_ref: Option<&Gvk>) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        return set(node, job, role_ref);
    };
    match node {
        Value::Seq(items) => {
            for item in items {
                walk(item, segs, job, role_ref)?;
            }
            Ok(())
        }
        Value::Map(map) => {
            let key = first.strip_suffix("[]").unwrap_or(first);
            match map.get_mut(key) {
                None | Some(Value::Null) => Ok(()),
                Some(child) => walk(child, rest, job, role_ref),
            }
        }
        _ => Err("expected sequence or mapping node".into()),
    }
}

fn set(node: &mut Value, job: &Job, role_ref: Option<&Gvk>) -> Result<(), String> {
    match node {
        Value::Null => Ok(()),
        Value::Map(_) => set_mapping(node, job, role_ref),
        Value::Seq(items) => {
            for item in items {
                match item {
                    Value::Map(_) => set_mapping(item, job, role_ref)?,
                    Value::Seq(_) | Value::Null => {}
                    _ => set_scalar(item, job, role_ref)?,
                }
            }
            Ok(())
        }
        _ => set_scalar(node, job, role_ref),
    }
}

fn set_scalar(node: &mut Value, job: &Job, role_ref: Option<&Gvk>) -> Result<(), String> {
    let Some(old) = node.scalar_text() else {
        return Ok(());
    };
    let cands = job.candidates(&old, |_| true);
    let Some(i) = job.select(&old, cands, role_ref, false)? else {
        return Ok(());
    };
    let referral = &job.index.cands[i];
    if referral.name != old {
        *node = Value::String(referral.name.clone());
    }
    Ok(())
}

fn set_mapping(node: &mut Value, job: &Job, role_ref: Option<&Gvk>) -> Result<(), String> {
    let map = node.as_map_mut().expect("a mapping");
    let Some(name) = map.get("name") else {
        return Err("path config error; no 'name' field in node".into());
    };
    let old = name.scalar_text().unwrap_or_default();
    let index = job.index;
    let cands = match map.get("namespace") {
        None => job.candidates(&old, |_| true),
        Some(ns) => {
            let ns = ns.scalar_text().unwrap_or_default();
            // Visible objects originally in that namespace, or else those now in it.
            let originally_there = index
                .by_org_ns
                .get(ns.as_str())
                .is_some_and(|list| list.iter().any(|&i| job.referrer.can_see(&index.cands[i])));
            if ns == config::NOT_A_NAMESPACE {
                Vec::new()
            } else if originally_there {
                job.candidates(&old, |c| c.org_eff_ns == ns)
            } else {
                job.candidates(&old, |c| c.eff_ns == ns)
            }
        }
    };
    let Some(i) = job.select(&old, cands, role_ref, true)? else {
        return Ok(());
    };
    let referral = &index.cands[i];
    if referral.name == old && referral.namespace.is_empty() {
        return Ok(());
    }
    map.insert("name".into(), Value::String(referral.name.clone()));
    if !referral.namespace.is_empty() {
        map.insert("namespace".into(), Value::String(referral.namespace.clone()));
    }
    Ok(())
}

impl Job<'_> {
    /// Visible objects that once had the name `old`, in build order, kept by `keep`.
    fn candidates(&self, old: &str, keep: impl Fn(&Candidate) -> bool) -> Vec<usize> {
        let Some(list) = self.index.by_prev_name.get(old) else {
            return Vec::new();
        };
        list.iter()
            .copied()
            .filter(|&i| {
                let c = &self.index.cands[i];
                self.referrer.can_see(c) && keep(c)
            })
            .collect()
    }

    /// kustomize's choice among candidates; `None` leaves the field as it is.
    fn select(
        &self,
        old: &str,
        cands: Vec<usize>,
        role_ref: Option<&Gvk>,
        with_namespace: bool,
    ) -> Result<Option<usize>, String> {
        let all = self.index.cands;
        let mut cands: Vec<usize> = cands
            .into_iter()
            .filter(|&i| {
                let c = &all[i];
                c.prev_gvks.iter().any(|g| self.target.selects(g))
                    && role_ref.is_none_or(|rr| c.prev_gvks.iter().any(|g| rr.selects(g)))
                    && self.referrer.same_namespace(c)
            })
            .collect();
        if cands.len() == 1 {
            return Ok(Some(cands[0]));
        }
        let me = self.referrer.me;
        cands.retain(|&i| affixes_match(&all[i], me, true));
        if cands.len() == 1 {
            return Ok(Some(cands[0]));
        }
        cands.retain(|&i| affixes_match(&all[i], me, false));
        match cands.len() {
            0 => Ok(None),
            1 => Ok(Some(cands[0])),
            _ => {
                let first = &all[cands[0]];
                let identical = cands
                    .iter()
                    .all(|&i| all[i].name == first.name && (!with_namespace || all[i].namespace == first.namespace));
                if identical {
                    Ok(Some(cands[0]))
                } else {
                    let ids: Vec<String> = cands.iter().map(|&i| all[i].id_string()).collect();
                    Err(format!(
                        "found multiple possible referrals for '{old}' (a {}): {}",
                        self.target.kind,
                        ids.join(", ")
                    ))
                }
            }
        }
    }
}

/// Whether two objects were renamed alike by the outer levels: their prefix lists end the
/// same way, and so do their suffix lists. With `allow_empty`, an empty list matches any.
fn affixes_match(a: &Candidate, b: &Candidate, allow_empty: bool) -> bool {
    let ok = |x: &[String], y: &[String]| (allow_empty && (x.is_empty() || y.is_empty())) || same_ending(x, y);
    ok(&a.prefixes, &b.prefixes) && ok(&a.suffixes, &b.suffixes)
}

/// Whether the shorter list is the tail of the longer; an empty list matches only an empty one.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

/// `roleRef.apiGroup` and `roleRef.kind` of a binding, when both are present.
fn role_ref_gvk(v: &Value) -> Option<Gvk> {
    let rr = v.get("roleRef")?;
    let group = rr.get("apiGroup").filter(|g| !g.is_null())?.scalar_text()?;
    let kind = rr.get("kind").filter(|k| !k.is_null())?.scalar_text()?;
    Some(Gvk::new(&group, "", &kind))
}

/// For a `RoleBinding`: the namespaces its ServiceAccount subjects name.
fn role_binding_namespaces(r: &Resource) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    if r.kind() != "RoleBinding" {
        return Ok(out);
    }
    let Some(Value::Seq(subjects)) = r.value().get("subjects") else {
        return Ok(out);
    };
    for s in subjects {
        let (Some(ns), Some(kind)) = (s.get("namespace"), s.get("kind")) else {
            continue;
        };
        if kind.as_str() == Some("ServiceAccount") {
            match ns.as_str() {
                Some(n) => out.push(n.to_string()),
                None => return Err("a ServiceAccount subject's namespace must be a string".into()),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlay::kustomization::Kustomization;
    use crate::overlay::target::resources_from_bytes;
    use crate::overlay::transform::{namespace, prefix_suffix};

    /// Objects of `yaml`, after one level with `namespace`, `prefix` and `suffix`.
    fn level(yaml: &str, ns: &str, prefix: &str, suffix: &str) -> ResMap {
        let mut rm = ResMap::new();
        for r in resources_from_bytes(yaml.as_bytes(), "r.yaml").unwrap() {
            rm.append(r).unwrap();
        }
        let k = Kustomization {
            namespace: ns.into(),
            name_prefix: prefix.into(),
            name_suffix: suffix.into(),
            ..Default::default()
        };
        namespace::apply(&mut rm, &k).unwrap();
        prefix_suffix::apply(&mut rm, &k).unwrap();
        rm
    }

    fn find<'a>(rm: &'a ResMap, kind: &str, name: &str) -> &'a Value {
        rm.iter()
            .find(|r| r.kind() == kind && r.name() == name)
            .map(Resource::value)
            .expect("object present")
    }

    const CM_AND_DEPLOY: &str = "
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: c
        envFrom: [{configMapRef: {name: cm}}, {configMapRef: {name: elsewhere}}]
";

    #[test]
    fn rewrites_renamed_and_keeps_unknown() {
        let mut rm = level(CM_AND_DEPLOY, "", "p-", "");
        fix(&mut rm, config::name_reference()).unwrap();
        let env = find(&rm, "Deployment", "p-web")
            .pointer(&["spec", "template", "spec", "containers"])
            .unwrap();
        let names: Vec<&str> = env.as_seq().unwrap()[0]
            .get("envFrom")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(|e| e.str_at(&["configMapRef", "name"]).unwrap())
            .collect();
        assert_eq!(names, ["p-cm", "elsewhere"]);
    }

    #[test]
    fn objects_never_renamed_are_not_candidates() {
        // kustomize picks the renamed `a-cm` even though a `cm` is in the build.
        let mut rm = level("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n", "", "a-", "");
        let top = level(
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm}}\n---\n{}",
                CM_AND_DEPLOY.split("---").nth(1).unwrap()
            ),
            "",
            "",
            "",
        );
        rm.append_all(top).unwrap();
        fix(&mut rm, config::name_reference()).unwrap();
        let d = find(&rm, "Deployment", "web");
        let first = &d
            .pointer(&["spec", "template", "spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(
            first.get("envFrom").unwrap().as_seq().unwrap()[0].str_at(&["configMapRef", "name"]),
            Some("a-cm")
        );
    }

    #[test]
    fn role_ref_kind_decides_between_role_and_cluster_role() {
        let yaml = "
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-cluster-role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
";
        let mut rm = level(yaml, "ns", "", "");
        // Rename the two roles differently to see which one each binding follows.
        for r in rm.iter_mut() {
            match r.kind() {
                "Role" => r.set_name("role-x"),
                "ClusterRole" => r.set_name("cluster-role-x"),
                _ => {}
            }
        }
        fix(&mut rm, config::name_reference()).unwrap();
        assert_eq!(
            find(&rm, "RoleBinding", "to-role").str_at(&["roleRef", "name"]),
            Some("role-x")
        );
        assert_eq!(
            find(&rm, "RoleBinding", "to-cluster-role").str_at(&["roleRef", "name"]),
            Some("cluster-role-x")
        );
    }

    #[test]
    fn subjects_get_name_and_namespace() {
        let yaml = "
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: sa}
- {kind: ServiceAccount, name: sa, namespace: default}
- {kind: ServiceAccount, name: sa, namespace: other}
";
        let mut rm = level(yaml, "prod", "p-", "");
        fix(&mut rm, config::name_reference()).unwrap();
        let subjects = find(&rm, "ClusterRoleBinding", "p-crb")
            .get("subjects")
            .unwrap()
            .as_seq()
            .unwrap();
        let got: Vec<(Option<&str>, Option<&str>)> = subjects
            .iter()
            .map(|s| (s.str_at(&["name"]), s.str_at(&["namespace"])))
            .collect();
        assert_eq!(
            got,
            [
                (Some("p-sa"), Some("prod")),
                (Some("p-sa"), Some("prod")),
                (Some("sa"), Some("other"))
            ]
        );
    }

    #[test]
    fn several_equal_candidates_are_an_error() {
        let a = level(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
            "x",
            "p-",
            "-a",
        );
        let mut rm = level(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
            "y",
            "p-",
            "-b",
        );
        rm.append_all(a).unwrap();
        let cr = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr}\nrules:\n- resourceNames: [cm]\n";
        let mut both = level(cr, "", "p-", "-a");
        // The ClusterRole's suffix matches only the first ConfigMap: no error.
        both.append_all(rm.clone()).unwrap();
        fix(&mut both, config::name_reference()).unwrap();
        assert_eq!(
            find(&both, "ClusterRole", "p-cr-a")
                .pointer(&["rules"])
                .unwrap()
                .as_seq()
                .unwrap()[0]
                .get("resourceNames")
                .unwrap()
                .as_seq()
                .unwrap()[0]
                .as_str(),
            Some("p-cm-a")
        );
        // Without a suffix of its own, both match as well as each other.
        let mut plain = level(cr, "", "p-", "");
        for r in rm.iter_mut() {
            r.suffixes.clear();
        }
        plain.append_all(rm).unwrap();
        let e = fix(&mut plain, config::name_reference()).unwrap_err();
        assert!(e.to_string().contains("multiple possible referrals"), "{e}");
    }

    #[test]
    fn escaped_slash_in_annotation_paths() {
        assert_eq!(
            split_path(r"metadata/annotations/a.io\/auth-secret"),
            ["metadata", "annotations", "a.io/auth-secret"]
        );
        let yaml = "
apiVersion: v1
kind: Secret
metadata: {name: s}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  annotations: {nginx.ingress.kubernetes.io/auth-secret: s}
";
        let mut rm = level(yaml, "", "p-", "");
        fix(&mut rm, config::name_reference()).unwrap();
        let ing = find(&rm, "Ingress", "p-ing");
        assert_eq!(
            ing.str_at(&["metadata", "annotations", "nginx.ingress.kubernetes.io/auth-secret"]),
            Some("p-s")
        );
    }

    #[test]
    fn crd_definitions_add_reference_fields() {
        let defs = "
example.com/v1.Widget:
  Schema:
    properties:
      apiVersion: {type: string}
      kind: {type: string}
      metadata: {type: object}
      spec: {$ref: example.com/v1.WidgetSpec}
example.com/v1.WidgetSpec:
  Schema:
    properties:
      configRef:
        x-kubernetes-object-ref-api-version: v1
        x-kubernetes-object-ref-kind: ConfigMap
";
        let crds: Vec<Value> = crate::yaml::parse_bytes(defs.as_bytes(), crate::yaml::Dialect::Kustomize, "defs.yaml")
            .unwrap()
            .into_iter()
            .map(|d| d.value)
            .collect();
        let yaml = "
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  configRef: {name: cm}
";
        let mut rm = level(yaml, "", "p-", "");
        fix(&mut rm, &config::name_reference_with_crds(&crds).unwrap()).unwrap();
        assert_eq!(
            find(&rm, "Widget", "p-w").str_at(&["spec", "configRef", "name"]),
            Some("p-cm")
        );
    }

    #[test]
    fn scalar_in_the_way_is_an_error() {
        let yaml = "
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      volumes: abc
";
        let mut rm = level(yaml, "", "p-", "");
        let e = fix(&mut rm, config::name_reference()).unwrap_err();
        assert!(e.to_string().contains("expected sequence or mapping node"), "{e}");
    }
}
