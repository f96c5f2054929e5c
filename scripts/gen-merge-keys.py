#!/usr/bin/env python3
"""Generate src/overlay/config/merge_keys.json, the strategic-merge schema rudder embeds.

    python3 scripts/gen-merge-keys.py [SWAGGER] > src/overlay/config/merge_keys.json

SWAGGER defaults to /work/shared/k8s-openapi/swagger-v1.32.0.json (the Kubernetes OpenAPI v2
spec), trimmed to what kustomize 5.5's built-in v1.21.2 schema knows (see NOT_IN_1_21). The output keeps the spec's own shape (swagger `definitions`), so the same Rust reader
serves it and a user's `openapi: path:` file, but only what a strategic merge needs:

- `x-kubernetes-group-version-kind` of each top-level kind;
- per definition, the properties that carry `x-kubernetes-patch-strategy`,
  `x-kubernetes-patch-merge-key` or `x-kubernetes-list-map-keys`, or that lead (through
  `$ref` or array `items.$ref`) to a definition that does. Everything else (descriptions,
  scalar fields, definitions without lists to merge) is dropped.
"""
import json
import sys

EXT = ("x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key", "x-kubernetes-list-map-keys")

# kustomize 5.5 merges with the Kubernetes v1.21.2 schema it embeds, not with this spec.
# Fields that carry a strategy here but did not exist in v1.21 are therefore dropped (their
# lists are replaced by kustomize), and kinds that v1.21 served under older group-versions
# get those versions as aliases (a `batch/v1beta1` CronJob still merges its containers).
NOT_IN_1_21 = {
    ("io.k8s.api.core.v1.PodSpec", "resourceClaims"),
    ("io.k8s.api.core.v1.PodSpec", "schedulingGates"),
    ("io.k8s.api.core.v1.PodStatus", "hostIPs"),
    ("io.k8s.api.core.v1.PodStatus", "resourceClaimStatuses"),
    ("io.k8s.api.core.v1.ContainerStatus", "allocatedResourcesStatus"),
    ("io.k8s.api.admissionregistration.v1.MutatingWebhook", "matchConditions"),
    ("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "matchConditions"),
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "x-kubernetes-validations"),
}
# Whole kinds v1.21 did not have (their merge keys would otherwise apply).
KINDS_NOT_IN_1_21 = ("ValidatingAdmissionPolicy", "MutatingAdmissionPolicy")
ALIASES = {
    "io.k8s.api.batch.v1.CronJob": [{"group": "batch", "version": "v1beta1", "kind": "CronJob"}],
    "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration": [
        {"group": "admissionregistration.k8s.io", "version": "v1beta1", "kind": "MutatingWebhookConfiguration"}
    ],
    "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration": [
        {"group": "admissionregistration.k8s.io", "version": "v1beta1", "kind": "ValidatingWebhookConfiguration"}
    ],
    "io.k8s.api.policy.v1.PodDisruptionBudget": [{"group": "policy", "version": "v1beta1", "kind": "PodDisruptionBudget"}],
}


def ref_of(prop):
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    items = prop.get("items") or {}
    if "$ref" in items:
        return items["$ref"].rsplit("/", 1)[-1]
    return None


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/k8s-openapi/swagger-v1.32.0.json"
    with open(path) as f:
        defs = json.load(f)["definitions"]
    for n, d in defs.items():
        for f in list((d.get("properties") or {})):
            if (n, f) in NOT_IN_1_21 or any(k in n for k in KINDS_NOT_IN_1_21):
                d["properties"][f] = {k: v for k, v in d["properties"][f].items() if k not in EXT}
        if n in ALIASES:
            d["x-kubernetes-group-version-kind"] = d.get("x-kubernetes-group-version-kind", []) + ALIASES[n]

    # A definition is useful when one of its properties has a strategy or leads to a useful one.
    useful = {n for n, d in defs.items() if any(k in p for p in (d.get("properties") or {}).values() for k in EXT)}
    changed = True
    while changed:
        changed = False
        for n, d in defs.items():
            if n in useful:
                continue
            if any(ref_of(p) in useful for p in (d.get("properties") or {}).values()):
                useful.add(n)
                changed = True

    out = {}
    for n in sorted(defs):
        d = defs[n]
        gvk = d.get("x-kubernetes-group-version-kind")
        if n not in useful and not gvk:
            continue
        props = {}
        for f, p in sorted((d.get("properties") or {}).items()):
            q = {k: p[k] for k in EXT if k in p}
            r = ref_of(p)
            if r in useful:
                if "$ref" in p:
                    q["$ref"] = "#/definitions/" + r
                else:
                    q["items"] = {"$ref": "#/definitions/" + r}
            if q:
                if p.get("type") == "array" and "items" not in q:
                    q["type"] = "array"
                props[f] = q
        if not props and not gvk:
            continue
        entry = {}
        if gvk:
            entry["x-kubernetes-group-version-kind"] = gvk
        if props:
            entry["properties"] = props
        out[n] = entry

    json.dump({"definitions": out}, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
