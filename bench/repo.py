#!/usr/bin/env python3
"""Benchmark: add a repository whose index.yaml is several MB, with rudder and with Helm (the
oracle, /work/shared/helm-oracle, Helm 4 as a library), in one run; print both times and the
ratio. Both download the index from the same loopback server, parse it (Helm strictly, rudder
with its hardened reader) and write it to their cache.

Also times `rudder search repo KEYWORD` on the cached index (a full parse of it; Helm's search
is not in the oracle library, so no ratio).

Usage: python3 bench/repo.py [--rudder target/release/rudder] [--charts 2000] [--versions 10] [--runs 5]
Helm's side needs HELM_SDKPY_DIR (see the oracle README); without it only rudder is timed.
"""
import argparse
import ctypes
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def make_index(charts, versions):
    out = ["apiVersion: v1", "entries:"]
    for c in range(charts):
        out.append("  chart-%d:" % c)
        for v in range(versions):
            out.append("""  - apiVersion: v2
    appVersion: 1.%d.0
    created: "2026-01-01T00:00:00.123456789Z"
    description: Chart number %d, a chart with a fairly ordinary description line
    digest: %s
    home: https://example.org/chart-%d
    keywords:
    - k%d
    - web
    maintainers:
    - email: team@example.org
      name: team
    name: chart-%d
    sources:
    - https://github.com/example/chart-%d
    urls:
    - https://example.org/charts/chart-%d-0.%d.0.tgz
    version: 0.%d.0""" % (v, c, "0f" * 32, c, c, c, c, c, v, v))
    out.append('generated: "2026-01-01T00:00:00Z"')
    return "\n".join(out) + "\n"


def serve(directory):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    handler = functools.partial(Quiet, directory=directory)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


def time_rudder(binary, url, runs, keyword):
    adds, searches = [], []
    for i in range(runs):
        home = tempfile.mkdtemp(prefix="rudder-bench-")
        env = dict(os.environ, RUDDER_CONFIG_HOME=home + "/c", RUDDER_CACHE_HOME=home + "/k")
        t = time.perf_counter()
        subprocess.run([binary, "repo", "add", "big", url], check=True, env=env, stdout=subprocess.DEVNULL)
        adds.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([binary, "search", "repo", keyword], check=True, env=env, stdout=subprocess.DEVNULL)
        searches.append(time.perf_counter() - t)
    return statistics.median(adds), statistics.median(searches)


def time_helm(url, runs):
    sys.path.insert(0, "/work/shared/helm-oracle")
    import oracle

    helm = oracle.Helm()
    L = helm.L
    c, u64 = ctypes.c_char_p, ctypes.c_ulonglong
    L.helm_sdkpy_repo_add.argtypes = [u64, c, c, c, c, c]
    h = helm.config()
    for d in (os.path.join(helm.tmp, ".config", "helm"), os.environ["HELM_CONFIG_HOME"]):
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "repositories.yaml"), "w") as f:
            f.write('apiVersion: ""\nrepositories: []\n')
    times = []
    for i in range(runs):
        t = time.perf_counter()
        if L.helm_sdkpy_repo_add(h, ("big%d" % i).encode(), url.encode(), None, None, b"") != 0:
            raise SystemExit("helm repo add failed: " + helm._err())
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rudder", default="target/release/rudder")
    ap.add_argument("--charts", type=int, default=2000)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="repo-bench-")
    text = make_index(a.charts, a.versions)
    with open(os.path.join(d, "index.yaml"), "w") as f:
        f.write(text)
    srv, url = serve(d)
    print("index: %d charts x %d versions, %.1f MB" % (a.charts, a.versions, len(text) / 1e6))
    add, search = time_rudder(os.path.abspath(a.rudder), url, a.runs, "chart-%d" % (a.charts - 1))
    print("rudder repo add:    %.3f s (median of %d)" % (add, a.runs))
    print("rudder search repo: %.3f s" % search)
    if os.environ.get("HELM_SDKPY_DIR"):
        helm = time_helm(url, a.runs)
        print("helm repo add:      %.3f s" % helm)
        print("ratio helm/rudder:  %.1fx" % (helm / add))
    srv.shutdown()


if __name__ == "__main__":
    main()
