#!/usr/bin/env python3
"""Benchmark `rudder build` against `kubectl kustomize` on replacements, vars and plugin
configs over a generated base.

The base holds N resources (Deployments, Services, ConfigMaps, a third each). The overlay
adds a namePrefix, five replacements (list selectors, a wildcard with `create`, a
delimiter, a label-selected target set), three vars used in every Deployment, and two
built-in plugin transformers from `transformers:`. Reports CPU time (user + system) and peak
resident memory of each tool, measured in one run with wait4(2), and the ratios.

Usage: bench/replacements.py [--rudder-only] [N ...]      (default: 1000 5000)
       RUDDER=path/to/rudder bench/replacements.py 5000
kustomize is run only for N <= $PEER_MAX_N (default 5000) and never with --rudder-only.
"""

import os

import kustomize_compare


def generate(top, n):
    base = os.path.join(top, "base")
    os.makedirs(base)
    files = []
    for i in range(0, n, 3):
        name = f"app{i:05d}"
        tier = "front" if i % 2 == 0 else "back"
        with open(os.path.join(base, f"{name}.yaml"), "w") as f:
            f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
    tier: {tier}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: main
        image: registry.example.com/team/{name}:1.0.{i}
        args: ["--db=$(DB_HOST)", "--port=$(DB_PORT)"]
        env:
        - name: LOG_LEVEL
          value: info
        - name: REGION
          value: unset
        - name: CONFIG
          value: $(SETTINGS)
      - name: sidecar
        image: registry.example.com/team/proxy:1.0
        env:
        - name: LOG_LEVEL
          value: info
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
data:
  ENDPOINT: "http://{name}.example.com:8080/api/v1"
""")
        files.append(f"{name}.yaml")
    with open(os.path.join(base, "shared.yaml"), "w") as f:
        f.write("""apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
data:
  LOG_LEVEL: debug
  REGION: eu-west-1
  PROXY: registry.example.com/team/proxy:2.3
  REPLICAS: "4"
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - port: 5432
""")
    files.append("shared.yaml")
    with open(os.path.join(base, "kustomization.yaml"), "w") as f:
        f.write("resources:\n" + "".join(f"- {x}\n" for x in files))
    with open(os.path.join(top, "kustomization.yaml"), "w") as f:
        f.write("""resources:
- base
namePrefix: prod-
configMapGenerator:
- name: settings
  literals:
  - MODE=fast
replacements:
- source: {kind: ConfigMap, name: shared, fieldPath: data.LOG_LEVEL}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.*.env.[name=LOG_LEVEL].value
- source: {kind: ConfigMap, name: shared, fieldPath: data.REGION}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.*.env.[name=REGION].value
    options: {create: true}
- source: {kind: ConfigMap, name: shared, fieldPath: data.PROXY, options: {delimiter: ":", index: 1}}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=sidecar].image
    options: {delimiter: ":", index: 1}
- source: {kind: ConfigMap, name: shared, fieldPath: data.REPLICAS}
  targets:
  - select: {kind: Deployment, labelSelector: tier=front}
    fieldPaths: [spec.replicas]
- source: {kind: Service, name: db}
  targets:
  - select: {kind: Deployment}
    reject: [{labelSelector: tier=back}]
    fieldPaths: [metadata.annotations.db]
    options: {create: true}
vars:
- name: DB_HOST
  objref: {apiVersion: v1, kind: Service, name: db}
- name: DB_PORT
  objref: {apiVersion: v1, kind: Service, name: db}
  fieldref: {fieldpath: "spec.ports[0].port"}
- name: SETTINGS
  objref: {apiVersion: v1, kind: ConfigMap, name: settings}
transformers:
- |-
  apiVersion: builtin
  kind: LabelTransformer
  metadata:
    name: team
  labels:
    team: platform
  fieldSpecs:
  - path: metadata/labels
    create: true
- |-
  apiVersion: builtin
  kind: AnnotationsTransformer
  metadata:
    name: owner
  annotations:
    owner: platform
  fieldSpecs:
  - path: metadata/annotations
    kind: Deployment
    create: true
""")


if __name__ == "__main__":
    kustomize_compare.main(generate)
