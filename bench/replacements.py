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
