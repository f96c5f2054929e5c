#!/usr/bin/env bash
# Runs one kubectl session (server-side and client-side apply, get, diff, label, conflicts, delete) against a kubeconfig and
# prints its output with run-specific values (ages, uids, times, temp paths) masked, so two servers'
# transcripts can be diffed:
#
#   tests/apiserver/scripts/kubectl-compare.sh REAL_KUBECONFIG > real.txt
#   tests/apiserver/scripts/kubectl-compare.sh TESTSERVER_KUBECONFIG > ours.txt
#   diff real.txt ours.txt
set -uo pipefail
kc=${1:?usage: kubectl-compare.sh KUBECONFIG}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
k() { echo "\$ kubectl $*"; kubectl --kubeconfig "$kc" "$@" 2>&1; echo "[exit $?]"; }
cat >"$dir/app.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: kc-compare
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kc-compare
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc-compare
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
          protocol: TCP
YAML
sed 's/nginx:1.25/nginx:1.26/; s/color: blue/color: red/' "$dir/app.yaml" >"$dir/changed.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: client\n  namespace: kc-compare\n  labels:\n    app: client\ndata:\n  k: v\n' >"$dir/client.yaml"
sed 's/k: v/k: w/' "$dir/client.yaml" >"$dir/client-changed.yaml"
{
    k apply --server-side -f "$dir/app.yaml"
    k apply --server-side -f "$dir/app.yaml"
    k get configmap settings -n kc-compare -o jsonpath='{.data}{"\n"}{.metadata.managedFields[*].manager}{"\n"}'
    k diff --server-side -f "$dir/app.yaml"
    k diff --server-side -f "$dir/changed.yaml"
    k apply --server-side --field-manager other -f "$dir/changed.yaml"
    k apply --server-side --field-manager other --force-conflicts -f "$dir/changed.yaml"
    k get deployment web -n kc-compare -o jsonpath='{.spec.template.spec.containers[0].image} {.metadata.generation}{"\n"}'
    k get configmap missing -n kc-compare
    k get configmaps -n kc-compare -l app=none
    k apply -f "$dir/client.yaml"
    k apply -f "$dir/client.yaml"
    k diff -f "$dir/client-changed.yaml"
    k label configmap client -n kc-compare extra=yes
    k get configmap client -n kc-compare -o jsonpath='{.metadata.labels}{"\n"}{.metadata.managedFields[*].manager}{"\n"}'
    k delete -f "$dir/app.yaml" --wait=false
    k delete configmap settings -n kc-compare
} | sed -E "s#$dir#TMP#g; s#/tmp/(LIVE|MERGED)-[0-9]+#/tmp/\1#g; s#[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+( \+0000)?Z?#TIME#g; s#resourceVersion: \"[0-9]+\"#resourceVersion: \"N\"#g"
