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
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def measure(cmd):
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {err.strip()}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def main():
    args = sys.argv[1:]
    rudder_only = "--rudder-only" in args
    sizes = [int(a) for a in args if a != "--rudder-only"] or [1000, 5000]
    peer_max = int(os.environ.get("PEER_MAX_N", "5000"))
    rudder = os.environ.get("RUDDER") or os.path.join(ROOT, "target", "release", "rudder")
    if not os.path.exists(rudder):
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    kubectl = None if rudder_only else shutil.which("kubectl")
    print(f"{'N':>6} {'rudder cpu s':>12} {'rudder MiB':>10} {'kustomize cpu s':>15} {'kustomize MiB':>13} {'cpu ratio':>9} {'mem ratio':>9}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as top:
            generate(top, n)
            r_cpu, r_mem = measure([rudder, "build", top])
            if kubectl and n <= peer_max:
                k_cpu, k_mem = measure([kubectl, "kustomize", top])
                print(f"{n:>6} {r_cpu:>12.3f} {r_mem:>10.1f} {k_cpu:>15.3f} {k_mem:>13.1f} {k_cpu / max(r_cpu, 1e-3):>8.1f}x {k_mem / max(r_mem, 1e-3):>8.1f}x")
            else:
                print(f"{n:>6} {r_cpu:>12.3f} {r_mem:>10.1f} {'(not run)':>15}")


if __name__ == "__main__":
    main()
