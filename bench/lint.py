#!/usr/bin/env python3
"""Benchmark `rudder lint` on a generated stream of realistic manifests.

Generates N documents (default 12,000; Deployments, Services, ConfigMaps, ServiceAccounts,
Secrets, Ingresses, HorizontalPodAutoscalers, CronJobs, ~1 KB on average) into one stream
file, then runs `rudder lint FILE -o json` pinned to one core (`taskset -c 0`) and reports
documents per second of CPU time (user + system, from wait4(2)), bytes per second and peak
resident memory. The best of --runs runs is reported. Target: >= 50,000 documents/s.

Peers: kubeconform (-strict -summary) is run on the same file when it is on PATH; none is
installed here, so only rudder's figures are printed otherwise.

Usage: bench/lint.py [--runs R] [N]
       RUDDER=path/to/rudder bench/lint.py 20000
"""

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def meta(name, i, extra=""):
    """Metadata as release tooling writes it: standard labels and a few annotations."""
    return f"""metadata:
  name: {name}
  namespace: team-{i % 7}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/instance: {name}-prod
    app.kubernetes.io/version: "1.{i % 40}.{i % 9}"
    app.kubernetes.io/component: backend
    app.kubernetes.io/part-of: shop
    app.kubernetes.io/managed-by: rudder
  annotations:
    team.example.com/owner: team-{i % 7}@example.com
    team.example.com/runbook: https://runbooks.example.com/shop/{name}
{extra}"""


def deployment(i):
    name = f"app{i:05d}"
    return f"""apiVersion: apps/v1
kind: Deployment
{meta(name, i)}spec:
  replicas: {1 + i % 3}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/part-of: shop
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: {name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
      - name: main
        image: registry.example.com/shop/{name}:1.{i % 40}.{i % 9}
        args: ["--port=8080", "--log-level=info"]
        ports:
        - name: http
          containerPort: 8080
        envFrom:
        - configMapRef:
            name: {name}-config
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: GOMAXPROCS
          value: "2"
        readinessProbe:
          httpGet:
            path: /ready
            port: http
        livenessProbe:
          httpGet:
            path: /live
            port: http
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
"""


def service(i):
    name = f"app{i:05d}"
    return f"""apiVersion: v1
kind: Service
{meta(name, i)}spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: {name}
  ports:
  - name: http
    port: 80
    targetPort: http
    protocol: TCP
"""


def configmap(i):
    name = f"app{i:05d}"
    return f"""apiVersion: v1
kind: ConfigMap
{meta(name + "-config", i)}data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout,recommendations"
  DATABASE_URL: postgres://db.team-{i % 7}.svc:5432/{name}
  CACHE_TTL: "300"
  settings.yaml: |
    server:
      port: 8080
      timeout: 30s
    tracing:
      enabled: true
      sampleRate: 0.1
"""


def serviceaccount(i):
    return f"""apiVersion: v1
kind: ServiceAccount
{meta(f"app{i:05d}", i, "    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/app" + f"{i:05d}" + chr(10))}automountServiceAccountToken: false
"""


def ingress(i):
    name = f"app{i:05d}"
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
{meta(name, i, "    cert-manager.io/cluster-issuer: letsencrypt" + chr(10))}spec:
  ingressClassName: nginx
  tls:
  - hosts: [{name}.example.com]
    secretName: {name}-tls
  rules:
  - host: {name}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {name}
            port:
              name: http
"""


def hpa(i):
    name = f"app{i:05d}"
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{meta(name, i)}spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
"""


def cronjob(i):
    name = f"app{i:05d}"
    return f"""apiVersion: batch/v1
kind: CronJob
{meta(name + "-cleanup", i)}spec:
  schedule: "{i % 60} 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
          containers:
          - name: cleanup
            image: registry.example.com/shop/cleanup:2.{i % 5}.0
            args: ["--older-than=7d"]
            resources:
              requests: {{cpu: 10m, memory: 32Mi}}
              limits: {{memory: 64Mi}}
"""


KINDS = [deployment, service, configmap, serviceaccount, ingress, hpa, cronjob]


def generate(path, n):
    size = 0
    with open(path, "w") as f:
        for k in range(n):
            doc = KINDS[k % len(KINDS)](k // len(KINDS))
            if k:
                f.write("---\n")
            f.write(doc)
            size += len(doc) + 4
    return size


def measure(cmd):
    """CPU seconds (user + system) and peak RSS in MB of one run, its exit status."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main():
    args = sys.argv[1:]
    runs = 3
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i : i + 2]
    n = int(args[0]) if args else 12000
    rudder = os.environ.get("RUDDER") or os.path.join(ROOT, "target/release/rudder")
    if not os.path.exists(rudder):
        sys.exit(f"{rudder} not found: build with `cargo build --release` or set RUDDER")
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stream.yaml")
        size = generate(path, n)
        print(f"{n} documents, {size / 1e6:.1f} MB ({size / n:.0f} bytes each on average)")
        best = None
        for _ in range(runs):
            cpu, rss, code = measure(pin + [rudder, "lint", path, "-o", "json"])
            if code not in (0, 1):
                sys.exit(f"rudder lint exited {code}")
            best = min(best or (cpu, rss), (cpu, rss))
        cpu, rss = best
        print(
            f"rudder lint: {cpu * 1000:.0f} ms CPU, {n / cpu:,.0f} documents/s, "
            f"{size / cpu / 1e6:.1f} MB/s, peak RSS {rss:.0f} MB (one core, best of {runs})"
        )
        print(f"target 50,000 documents/s: {n / cpu / 50000:.2f}x")
        peer = shutil.which("kubeconform")
        if peer:
            pcpu, prss, _ = measure(pin + [peer, "-strict", "-summary", path])
            print(f"kubeconform -strict: {pcpu * 1000:.0f} ms CPU, {n / pcpu:,.0f} documents/s, peak RSS {prss:.0f} MB")
            print(f"ratio rudder/kubeconform (speed): {pcpu / cpu:.2f}x")
        else:
            print("kubeconform not on PATH: no peer figures")


if __name__ == "__main__":
    main()
