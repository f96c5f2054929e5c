#!/usr/bin/env python3
"""Generate the compact schema bundle `k8s-<version>.json` from a Kubernetes OpenAPI v2 spec.

Usage: src/lint/schema/generate.py /work/shared/k8s-openapi/swagger-v1.32.0.json > src/lint/schema/k8s-1.32.json

Keeps only what validation needs (descriptions, patch and list metadata dropped). Format:
  {"version": "1.32.0",
   "kinds": [[group, version, kind, def], ...],
   "defs": {name: TYPE}}
TYPE is one of
  "s" string, "i" integer, "n" number, "b" boolean, "x" integer or string (IntOrString),
  "q" number or string (Quantity), "o" free-form object, "*" anything, "#name" another def,
  {"a": TYPE} a list, {"m": TYPE} a map with string keys,
  {"p": {field: TYPE}, "r": [required fields]} an object with known fields only.
Def names drop the common prefixes (io.k8s.api., io.k8s.apimachinery.pkg.apis., ...).
"""

import json
import sys

PREFIXES = [
    "io.k8s.api.",
    "io.k8s.apimachinery.pkg.apis.",
    "io.k8s.apimachinery.pkg.",
    "io.k8s.apiextensions-apiserver.pkg.apis.",
    "io.k8s.kube-aggregator.pkg.apis.",
]

# Types the API server accepts in more than one shape.
SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "q",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "x",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "*",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "*",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "*",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "*",
}


def short(name):
    for p in PREFIXES:
        if name.startswith(p):
            return name[len(p):]
    return name


def conv(s):
    if "$ref" in s:
        return "#" + short(s["$ref"].rsplit("/", 1)[1])
    t = s.get("type")
    if s.get("format") == "int-or-string":
        return "x"
    if t == "string":
        return "s"
    if t == "integer":
        return "i"
    if t == "number":
        return "n"
    if t == "boolean":
        return "b"
    if t == "array":
        return {"a": conv(s.get("items", {}))}
    if t == "object":
        if "properties" in s:
            out = {"p": {k: conv(v) for k, v in s["properties"].items()}}
            if s.get("required"):
                out["r"] = s["required"]
            return out
        if isinstance(s.get("additionalProperties"), dict):
            return {"m": conv(s["additionalProperties"])}
        return "o"
    return "*"


def main():
    spec = json.load(open(sys.argv[1]))
    defs = {}
    kinds = []
    for name, s in sorted(spec["definitions"].items()):
        defs[short(name)] = SPECIAL.get(name) or conv(s)
        gvks = s.get("x-kubernetes-group-version-kind", [])
        if len(gvks) == 1:
            g = gvks[0]
            kinds.append([g["group"], g["version"], g["kind"], short(name)])
    version = sys.argv[1].rsplit("swagger-v", 1)[-1].removesuffix(".json")
    out = {"version": version, "kinds": kinds, "defs": defs}
    json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
