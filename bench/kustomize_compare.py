"""Shared runner for the benchmarks that compare `rudder build` with `kubectl kustomize`.

Each script supplies `generate(top, n)`, which writes a kustomization at `top` for N
resources; `main(generate)` parses `[--rudder-only] [N ...]` (default: 1000 5000), runs both
tools on each generated tree and prints CPU time (user + system) and peak resident memory,
measured in one run with wait4(2), and the ratios. kustomize is run only for
N <= $PEER_MAX_N (default 5000), never with --rudder-only, and only when kubectl is on PATH.
"""

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(cmd):
    """CPU seconds (user + system) and peak RSS in MiB of one successful run of `cmd`."""
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {err.strip()}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def main(generate):
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
