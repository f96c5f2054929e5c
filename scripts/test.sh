#!/usr/bin/env bash
# The test suite, end-to-end tests included: starts the real Kubernetes 1.20 API server of
# scripts/cluster.sh (built on first use), runs `cargo test --locked` against it, then runs the
# no-kubelet scenario with the fake kubelet stopped, and always stops the cluster.
# Extra arguments go to the main `cargo test` run (e.g. scripts/test.sh --test suite e2e_).
set -euo pipefail
cd "$(dirname "$0")/.."

started=0
cleanup() { if [ "$started" = 1 ]; then scripts/cluster.sh down || true; fi; }
trap cleanup EXIT INT TERM

t0=$(date +%s)
started=1
kubeconfig=$(scripts/cluster.sh up | tail -n 1)
echo "test.sh: cluster up in $(( $(date +%s) - t0 ))s: $kubeconfig" >&2

export RUDDER_E2E_KUBECONFIG="$kubeconfig"
# The whole workspace in one build (rudder and the API test server's own unit tests), so
# dependencies are compiled once with one feature set.
if [ "$#" -eq 0 ]; then
  cargo test --locked --workspace
else
  cargo test --locked "$@"
fi

# Pods never become ready without the fake kubelet: `apply --wait` must time out, naming the object.
scripts/cluster.sh up --no-kubelet >/dev/null
RUDDER_E2E_NO_KUBELET_KUBECONFIG="$kubeconfig" cargo test --locked --workspace --test suite e2e_no_kubelet
echo "test.sh: done in $(( $(date +%s) - t0 ))s" >&2
