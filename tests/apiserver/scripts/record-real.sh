#!/usr/bin/env bash
# Records the real API server's answers to the requests in fixtures/probes.json into
# fixtures/real-1.20.json, for tests/suite/testserver.rs to compare the test server against.
#
#   tests/apiserver/scripts/record-real.sh KUBECONFIG
#
# KUBECONFIG must point at a real cluster (scripts/cluster.sh up prints one) whose user has a
# bearer token and whose cluster has a certificate-authority file. The probes create and delete
# the namespace `probe` (the cluster needs its namespace controller to finalize it).
set -euo pipefail
kc=${1:?usage: record-real.sh KUBECONFIG}
here="$(cd "$(dirname "$0")/.." && pwd)"
view() { kubectl --kubeconfig "$kc" config view --raw --minify -o jsonpath="$1"; }
server=$(view '{.clusters[0].cluster.server}')
ca=$(view '{.clusters[0].cluster.certificate-authority}')
token=$(view '{.users[0].user.token}')
version=$(curl -sS --cacert "$ca" -H "Authorization: Bearer $token" "$server/version" | jq -r .gitVersion)
# A previous run's namespace must be gone (the namespace controller finalizes it).
for _ in $(seq 120); do
    code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $token" "$server/api/v1/namespaces/probe")
    [ "$code" = 404 ] && break
    sleep 0.5
done
[ "$code" = 404 ] || { echo "record-real.sh: namespace probe still exists" >&2; exit 1; }
out="$here/fixtures/real-1.20.json"
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.body" "$tmp.json" "$tmp.next"' EXIT
echo '[]' >"$tmp"
n=$(jq length "$here/fixtures/probes.json")
for i in $(seq 0 $((n - 1))); do
    probe=$(jq -c ".[$i]" "$here/fixtures/probes.json")
    name=$(jq -r .name <<<"$probe")
    method=$(jq -r .method <<<"$probe")
    path=$(jq -r .path <<<"$probe")
    want=$(jq -r '.retryUntil // 0' <<<"$probe")
    args=(-sS -o "$tmp.body" -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $token" -X "$method")
    if jq -e 'has("body")' <<<"$probe" >/dev/null; then
        args+=(-H "Content-Type: $(jq -r .contentType <<<"$probe")" --data-binary "$(jq -c .body <<<"$probe")")
    fi
    for _ in $(seq 50); do
        code=$(curl "${args[@]}" "$server$path")
        [ "$want" = 0 ] || [ "$code" = "$want" ] && break
        sleep 0.2
    done
    # A body that is not JSON (the real server answers unknown paths in plain text) is kept as a string.
    jq . "$tmp.body" >/dev/null 2>&1 || jq -Rs . "$tmp.body" >"$tmp.json" && mv "$tmp.json" "$tmp.body" 2>/dev/null || true
    jq --arg name "$name" --argjson code "$code" --slurpfile body "$tmp.body" \
        '. + [{name: $name, code: $code, body: $body[0]}]' "$tmp" >"$tmp.next"
    mv "$tmp.next" "$tmp"
    echo "$name: $code" >&2
done
jq --arg v "$version" '{server: $v, answers: .}' "$tmp" >"$out"
echo "wrote $out ($n answers from $version)" >&2
