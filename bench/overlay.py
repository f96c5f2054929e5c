#!/usr/bin/env python3
"""Benchmark `rudder build` against `kubectl kustomize` on a generated overlay.

Generates a base of N resources (Deployments, Services, ConfigMaps) and an overlay with
namePrefix, commonLabels, images, a configMapGenerator and patches with each kind of
target selector (a JSON 6902 patch on every Deployment; strategic merge patches selected
by label, by annotation and by a name regex; one untargeted patch), then reports CPU time (user +
system) and peak resident memory of each tool, measured in one run with wait4(2), and the
ratios. kubectl is optional: without it only rudder's figures are printed.

Usage: bench/overlay.py [--rudder-only] [N ...]      (default: 1000 5000)
       RUDDER=path/to/rudder bench/overlay.py 5000
kustomize grows quadratically (about 12 CPU minutes at N = 5000 here), so it is run only
for N <= $PEER_MAX_N (default 5000) and never with --rudder-only.
"""

import os

import kustomize_compare


def generate(top, n):
    base = os.path.join(top, "base")
    os.makedirs(base)
    files = []
    for i in range(0, n, 3):
        name = f"app{i:05d}"
        with open(os.path.join(base, f"{name}.yaml"), "w") as f:
            f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
    tier: {("web", "api", "worker")[i // 3 % 3]}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: main
        image: registry.example.com/team/{name}:1.0.{i}
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: {name}-config
        - configMapRef:
            name: shared
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  annotations:
    example.com/owner: {("payments", "search")[i // 3 % 2]}
spec:
  selector:
    app: {name}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  ENDPOINT: "http://{name}.example.com:8080/api/v1"
""")
        files.append(f"{name}.yaml")
    with open(os.path.join(base, "kustomization.yaml"), "w") as f:
        f.write("resources:\n" + "".join(f"- {x}\n" for x in files))
    images = "".join(
        f"- name: registry.example.com/team/app{i:05d}\n  newTag: 2.0.{i}\n" for i in range(0, n, 3)
    )
    with open(os.path.join(top, "kustomization.yaml"), "w") as f:
        f.write(f"""resources:
- base
namePrefix: prod-
commonLabels:
  env: prod
  team: platform
images:
{images}configMapGenerator:
- name: shared
  literals:
  - REGION=eu-west-1
  - TIER=gold
patches:
- target:
    kind: Deployment
  patch: |-
    - op: add
      path: /metadata/annotations
      value:
        example.com/patched: json6902
    - op: replace
      path: /spec/replicas
      value: 3
- target:
    kind: Deployment
    labelSelector: tier=web
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            env:
            - name: TIER
              value: web
          - name: proxy
            image: envoy:1.30
- target:
    kind: Service
    annotationSelector: example.com/owner=payments
  patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: any
    spec:
      ports:
      - port: 443
        targetPort: 8443
        name: https
- target:
    kind: Deployment
    name: app[0-9]*5
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            resources:
              limits:
                memory: 256Mi
- patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: app00000-config
    data:
      PATCHED: "true"
""")


if __name__ == "__main__":
    kustomize_compare.main(generate)
