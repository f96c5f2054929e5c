#!/usr/bin/env bash
# A real Kubernetes 1.20 API server on loopback, for rudder's end-to-end tests.
#
#   scripts/cluster.sh up [--no-kubelet]   build on first use, start, print the kubeconfig path (last line)
#   scripts/cluster.sh down                stop everything `up` started (by PID files)
#
# The binaries (kube-apiserver and kube-controller-manager built from Debian's `kubernetes` 1.20.2 source
# package, etcd from Debian's etcd-server) are cached in $RUDDER_K8S_CACHE (default
# ~/.cache/rudder/k8s-1.20.2). A running cluster keeps its state, logs and kubeconfig in
# $RUDDER_CLUSTER_DIR (default: one directory per checkout under ~/.cache/rudder/clusters/).
# The build needs root (apt-get) and about 2.2 GB of scratch disk, removed once the binaries are cached.
# Pods never run: a fake kubelet loop marks pending Pods ready so Deployments become available, and
# runs Job and test Pods to completion (see kubelet_loop); `up --no-kubelet` leaves them pending
# (for timeout tests).
set -euo pipefail

K8S_VERSION=1.20.2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${RUDDER_K8S_CACHE:-$HOME/.cache/rudder/k8s-$K8S_VERSION}"
STATE="${RUDDER_CLUSTER_DIR:-$HOME/.cache/rudder/clusters/$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)}"
BIN="$CACHE/bin"
TOKEN=rudder-e2e-token

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

usage() {
    echo "usage: scripts/cluster.sh up [--no-kubelet] | down" >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------- build

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "building the cluster needs root for apt-get (run as root or install sudo)"; fi
}

apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }

build() {
    mkdir -p "$CACHE"
    if built; then return 0; fi
    # One build at a time; the lock's descriptor is closed again so the daemons never inherit it.
    exec 9>"$CACHE/.build.lock"
    flock 9
    if ! built; then
        local blog="$CACHE/build.log"
        log "building Kubernetes $K8S_VERSION into $CACHE (first use, a few minutes; log: $blog)"
        if ! (build_steps) >"$blog" 2>&1; then
            exec 9>&-
            tail -n 25 "$blog" >&2
            die "building the cluster failed; full log: $blog"
        fi
        log "build done"
    fi
    exec 9>&-
}

built() { [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ] && [ -x "$BIN/etcd" ]; }

build_steps() {
    set -x
    local pkgs="dpkg-dev golang-go rsync jq openssl curl golang-github-modern-go-reflect2-dev"
    local missing=""
    for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    if [ -n "$missing" ]; then
        apt_get update
        # shellcheck disable=SC2086
        apt_get install -y --no-install-recommends $missing
    fi
    # deb-src entries are not enabled on Debian images: derive them from the binary entries.
    if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
            | as_root tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
        apt_get update
    fi
    local work="$CACHE/work"
    rm -rf "$work" && mkdir -p "$work"
    (cd "$work" && apt-get source --download-only kubernetes)
    ls "$work"/kubernetes_*"$K8S_VERSION"*.dsc >/dev/null || { echo "Debian's kubernetes source is not $K8S_VERSION"; exit 1; }
    (cd "$work" && dpkg-source -x --no-check ./kubernetes_*.dsc src)
    local src="$work/src"
    # The vendored reflect2 1.0.1 crashes (SIGSEGV) with Go >= 1.18: use Debian's 1.0.2.
    local r2=/usr/share/gocode/src/github.com/modern-go/reflect2
    rm -rf "$src/vendor/github.com/modern-go/reflect2"
    mkdir -p "$src/vendor/github.com/modern-go/reflect2"
    cp "$r2"/*.go "$r2"/*.s "$src/vendor/github.com/modern-go/reflect2/"
    rm -f "$src"/vendor/github.com/modern-go/reflect2/*_test.go
    (cd "$src" && GOPROXY=off nice make WHAT="cmd/kube-apiserver cmd/kube-controller-manager")
    (cd "$work" && apt-get download etcd-server && dpkg -x etcd-server_*.deb etcd)
    mkdir -p "$BIN.tmp"
    cp "$src/_output/bin/kube-apiserver" "$src/_output/bin/kube-controller-manager" "$work/etcd/usr/bin/etcd" "$BIN.tmp/"
    rm -rf "$BIN" && mv "$BIN.tmp" "$BIN"
    rm -rf "$work" "$HOME/.cache/go-build"
}

# ---------------------------------------------------------------------------------------------- run

free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 40000))
        if ! ss -Htln "sport = :$p" | grep -q .; then echo "$p"; return 0; fi
    done
    die "no free TCP port found on 127.0.0.1"
}

alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

start() { # name command...
    local name=$1; shift
    setsid "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null 9>&- &
    echo $! >"$STATE/$name.pid"
}

stop() { # name
    local name=$1 pid
    [ -f "$STATE/$name.pid" ] || return 0
    pid=$(cat "$STATE/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/$name.pid"
}

api() { # path [curl args...]
    local path=$1; shift
    curl -sS --fail --max-time 10 --cacert "$STATE/certs/apiserver.crt" -H "Authorization: Bearer $TOKEN" \
        "$(cat "$STATE/server")$path" "$@"
}

ready() { alive etcd && alive kube-apiserver && alive kube-controller-manager && [ "$(api /readyz 2>/dev/null)" = ok ]; }

wait_for() { # what seconds command...
    local what=$1 secs=$2; shift 2
    for _ in $(seq $((secs * 4))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.25
    done
    for f in "$STATE"/logs/*.log; do
        [ -s "$f" ] && { echo "--- last lines of $f" >&2; tail -n 5 "$f" >&2; }
    done
    die "$what not ready after ${secs}s; logs in $STATE/logs/"
}

write_kubeconfig() {
    cat >"$STATE/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: rudder-e2e
  cluster:
    server: $(cat "$STATE/server")
    certificate-authority: $STATE/certs/apiserver.crt
users:
- name: admin
  user:
    token: $TOKEN
contexts:
- name: rudder-e2e
  context:
    cluster: rudder-e2e
    user: admin
current-context: rudder-e2e
EOF
}

# The fake kubelet, once a second, for every Pending pod:
# - restartPolicy Always (Deployments, StatefulSets...): marked Running and Ready;
# - restartPolicy Never or OnFailure (test pods, a Job's pods): run to completion at once, every
#   container terminated with exit code 0, phase Succeeded. Test-only convention: a pod annotated
#   `rudder.dev/test-fail: "true"` (put it in a Job's pod template to fail the Job) ends Failed
#   instead, its containers terminated with reason Error and exit code 1. The API test server
#   (tests/apiserver/src/workload.rs) follows the same convention.
kubelet_loop() {
    local filter='.items[]? | . as $p
        | ($p.metadata.annotations["rudder.dev/test-fail"] == "true") as $fail
        | (if ($p.spec.restartPolicy // "Always") == "Always" then
              {status: {phase: "Running", conditions: [
                  {type: "Initialized", status: "True"}, {type: "Ready", status: "True"},
                  {type: "ContainersReady", status: "True"}, {type: "PodScheduled", status: "True"}]}}
           else
              {status: {phase: (if $fail then "Failed" else "Succeeded" end),
                  conditions: [{type: "Initialized", status: "True"},
                      {type: "Ready", status: "False", reason: "PodCompleted"},
                      {type: "ContainersReady", status: "False", reason: "PodCompleted"},
                      {type: "PodScheduled", status: "True"}],
                  containerStatuses: [$p.spec.containers[] | {name, image, imageID: "", ready: false,
                      restartCount: 0, started: false,
                      state: {terminated: {exitCode: (if $fail then 1 else 0 end),
                          reason: (if $fail then "Error" else "Completed" end),
                          startedAt: $now, finishedAt: $now}}}]}}
           end) as $patch
        | "\($p.metadata.namespace)\t\($p.metadata.name)\t\($patch | tojson)"'
    while kill -0 "$(cat "$STATE/kube-apiserver.pid" 2>/dev/null)" 2>/dev/null; do
        api "/api/v1/pods?fieldSelector=status.phase%3DPending" 2>/dev/null \
            | jq -r --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$filter" 2>/dev/null \
            | while IFS=$'\t' read -r ns name patch; do
                api "/api/v1/namespaces/$ns/pods/$name/status" -X PATCH \
                    -H 'Content-Type: application/merge-patch+json' -d "$patch" -o /dev/null || true
            done
        sleep 1
    done
}

up() {
    local kubelet=1
    for a in "$@"; do
        case $a in
            --no-kubelet) kubelet=0 ;;
            *) usage ;;
        esac
    done
    build
    for tool in curl jq openssl ss setsid; do
        command -v "$tool" >/dev/null || die "$tool is needed to run the cluster"
    done
    mkdir -p "$STATE/logs"
    if ! ready; then
        stop_all
        # A start that fails half-way stops what it started.
        trap 'if [ $? != 0 ]; then stop_all; fi' EXIT
        rm -rf "$STATE/etcd" "$STATE/certs"
        mkdir -p "$STATE/logs" "$STATE/certs"
        local client peer apiport
        client=$(free_port); peer=$(free_port); apiport=$(free_port)
        while [ "$peer" = "$client" ]; do peer=$(free_port); done
        while [ "$apiport" = "$client" ] || [ "$apiport" = "$peer" ]; do apiport=$(free_port); done
        echo "https://127.0.0.1:$apiport" >"$STATE/server"
        openssl genrsa -out "$STATE/sa.key" 2048 2>/dev/null
        openssl rsa -in "$STATE/sa.key" -pubout -out "$STATE/sa.pub" 2>/dev/null
        echo "$TOKEN,admin,admin,system:masters" >"$STATE/tokens.csv"
        start etcd "$BIN/etcd" --data-dir "$STATE/etcd" --name default \
            --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
            --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
            --initial-cluster "default=http://127.0.0.1:$peer"
        wait_for etcd 30 curl -sf "http://127.0.0.1:$client/health"
        start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$client" \
            --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$apiport" --insecure-port 0 \
            --cert-dir "$STATE/certs" --token-auth-file "$STATE/tokens.csv" --authorization-mode AlwaysAllow \
            --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$STATE/sa.pub" \
            --service-account-signing-key-file "$STATE/sa.key" --service-cluster-ip-range 10.0.0.0/24 \
            --disable-admission-plugins ServiceAccount
        wait_for kube-apiserver 90 test -s "$STATE/certs/apiserver.crt"
        wait_for kube-apiserver 90 ready_apiserver
        write_kubeconfig
        start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$STATE/kubeconfig" \
            --bind-address 127.0.0.1 --secure-port 0 --port 0 --leader-elect=false \
            --controllers namespace,garbagecollector,deployment,replicaset,daemonset,statefulset,job,serviceaccount,serviceaccount-token \
            --service-account-private-key-file "$STATE/sa.key" --root-ca-file "$STATE/certs/apiserver.crt" \
            --use-service-account-credentials=false
        wait_for "the default namespace" 60 api /api/v1/namespaces/default
        wait_for "the default service account" 60 api /api/v1/namespaces/default/serviceaccounts/default
        ready || die "the cluster did not come up; logs in $STATE/logs/"
        trap - EXIT
    fi
    stop kubelet
    if [ "$kubelet" = 1 ]; then
        export STATE TOKEN
        start kubelet bash -c "$(declare -f alive api kubelet_loop); kubelet_loop"
    fi
    echo "$STATE/kubeconfig"
}

ready_apiserver() { [ "$(api /readyz 2>/dev/null)" = ok ]; }

stop_all() {
    stop kubelet
    stop kube-controller-manager
    stop kube-apiserver
    stop etcd
}

down() {
    [ $# = 0 ] || usage
    [ -d "$STATE" ] || return 0
    stop_all
    rm -rf "$STATE/etcd"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) shift; down "$@" ;;
    build) build ;;
    *) usage ;;
esac
