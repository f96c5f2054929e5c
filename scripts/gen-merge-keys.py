#!/usr/bin/env python3
"""Generate src/overlay/config/merge_keys.json, the strategic-merge schema rudder embeds.

    python3 scripts/gen-merge-keys.py [SWAGGER] > src/overlay/config/merge_keys.json

SWAGGER defaults to /work/shared/k8s-openapi/swagger-v1.32.0.json (the Kubernetes OpenAPI v2
spec). The output keeps the spec's own shape (swagger `definitions`), so the same Rust reader
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
