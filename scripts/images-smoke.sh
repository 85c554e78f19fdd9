#!/usr/bin/env bash
# scripts/images-smoke.sh — run the images built by scripts/images.sh with podman and check them.
#
#   bash scripts/images-smoke.sh        (IMAGES_TAG=0.1.0 to check another tag than latest)
#
# Every container runs as Kubernetes runs the operator's Pods: read-only root filesystem, all
# capabilities dropped, no privilege escalation, writable directories on tmpfs, the image's own
# user (tmpfs mounts with U: owned by it, as fsGroup makes an emptyDir). Ports are published on
# 127.0.0.1 only. What is checked:
#   both images   user 10001:10001, tini as entrypoint, a HEALTHCHECK, MALLOC_ARENA_MAX=2; the
#                 native bindings load (secp256k1/bindings — never the ~40x slower JS fallback —,
#                 RocksDB, classic-level, the native hasher); no dev dependency is in the image
#   node image    the launcher: no argument or an unknown process -> usage and exit 2; `reception`
#                 with an unknown flag or without its flags -> non-zero exit and a clear message;
#                 then a logic node (key and genesis made by scripts/images/smoke-fixtures.mjs)
#                 and a reception node in its network namespace, pointed at it: /healthz answers
#                 200 on the published port, `podman healthcheck run` passes, tini is PID 1, no
#                 process runs as root, / is not writable, and SIGTERM stops each with exit 0
#   operator      an invalid setting -> exit 2 and "invalid configuration"; a missing kubeconfig ->
#                 exit 2 naming it; neither a kubeconfig nor a cluster -> exit 2 saying so; with a kubeconfig whose API server does not answer it
#                 keeps running (its webhook and metrics serve, leader election retries and says
#                 so), /healthz answers 200, and the same process checks as above
# Prints one line per check and ends with "N passed, N failed"; exits 1 when any failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${IMAGES_PREFIX:-clusterchain}"
TAG="${IMAGES_TAG:-latest}"
NODE="$PREFIX/node:$TAG"
OPERATOR="$PREFIX/operator:$TAG"
export DISABLE_HC_SYSTEMD=true # no systemd here: podman must not try to make healthcheck timers

RUN=(podman run --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024
     --read-only --cap-drop ALL --security-opt no-new-privileges)

suffix="$$"
LN="cc-smoke-logic-$suffix"
RN="cc-smoke-reception-$suffix"
OP="cc-smoke-operator-$suffix"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/clusterchain-images-smoke.XXXXXX")"
passed=0
failed=0
started=$SECONDS

cleanup() {
  local c
  for c in "$RN" "$OP" "$LN"; do # one at a time: the reception node lives in the logic node's network namespace
    podman rm -f -t 0 "$c" >/dev/null 2>&1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
not_ok() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [[ -z ${2:-} ]] || printf '%s\n' "$2" | sed 's/^/       /' | tail -25; }
# check DESCRIPTION COMMAND...: passes when COMMAND exits 0; its output is shown when it does not.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what" "$out"; fi
}
# expect_exit DESCRIPTION CODE PATTERN COMMAND...: CODE is a number or "nonzero"; PATTERN (grep -E) must be in the output.
expect_exit() {
  local what=$1 want=$2 pattern=$3 out code
  shift 3
  out=$("$@" 2>&1)
  code=$?
  if { [[ $want == nonzero && $code != 0 ]] || [[ $code == "$want" ]]; } && grep -qE -- "$pattern" <<<"$out"; then
    ok "$what (exit $code: $(grep -m1 -oE -- "$pattern" <<<"$out"))"
  else
    not_ok "$what: exit $code, wanted $want and /$pattern/" "$out"
  fi
}
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    [[ -z $(ss -Hltn "sport = :$p") ]] && { echo "$p"; return; }
  done
  echo "no free port found" >&2
  return 1
}
# wait_http URL SECONDS CONTAINER: until URL answers 200; fails early when the container has exited.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) container=$3
  while ((SECONDS < deadline)); do
    [[ $(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url") == 200 ]] && return 0
    [[ $(podman inspect --format '{{.State.Running}}' "$container" 2>/dev/null) == true ]] || { echo "$container is not running"; podman logs --tail 20 "$container" 2>&1; return 1; }
    sleep 0.5
  done
  echo "$url did not answer 200 within $2 s"
  podman logs --tail 20 "$container" 2>&1
  return 1
}
status_of() { curl -s -m 5 -o /dev/null -w '%{http_code}' "$1"; }

# The checks every running container gets: tini is PID 1, nothing runs as root, the HEALTHCHECK passes, / is read-only.
process_checks() {
  local c=$1 what=$2 pid1 users
  pid1=$(podman exec "$c" cat /proc/1/cmdline | tr '\0' ' ')
  if [[ $pid1 == /usr/bin/tini\ --* ]]; then ok "$what: PID 1 is tini ($pid1)"; else not_ok "$what: PID 1 is not tini" "$pid1"; fi
  check "$what: podman exec id -u is 10001" test "$(podman exec "$c" id -u)" = 10001
  users=$(podman top "$c" huser user pid args 2>&1)
  if [[ $(awk 'NR > 1 { print $1 }' <<<"$users" | sort -u | tr '\n' ' ') == '10001 ' ]]; then
    ok "$what: every process runs as host uid 10001 (podman top: $(awk 'NR > 1 { print $3 ":" $4 }' <<<"$users" | tr '\n' ' '))"
  else
    not_ok "$what: a process runs as another user than 10001" "$users"
  fi
  check "$what: the image's HEALTHCHECK passes (podman healthcheck run)" podman healthcheck run "$c"
  expect_exit "$what: the root filesystem is read-only" nonzero 'Read-only file system' podman exec "$c" touch /app/written
  check "$what: /tmp is writable" podman exec "$c" touch /tmp/written
}
# stop_checks CONTAINER WHAT: SIGTERM through tini stops the process cleanly (exit 0) within the grace period.
stop_checks() {
  local c=$1 what=$2 t0=$SECONDS code
  podman stop -t 25 "$c" >/dev/null 2>&1
  code=$(podman inspect --format '{{.State.ExitCode}}' "$c")
  if [[ $code == 0 ]] && podman logs "$c" 2>&1 | grep -q '"msg":"stopping"'; then
    ok "$what: SIGTERM stops it cleanly through tini (exit 0 in $((SECONDS - t0)) s)"
  else
    not_ok "$what: podman stop gave exit code $code" "$(podman logs --tail 15 "$c" 2>&1)"
  fi
}

command -v podman >/dev/null || { echo "images-smoke: podman is not installed (scripts/images.sh installs it)" >&2; exit 1; }
for image in "$NODE" "$OPERATOR"; do
  podman image exists "$image" || { echo "images-smoke: $image is missing: run scripts/images.sh (make images) first" >&2; exit 1; }
done

echo "== image configuration"
for image in "$NODE" "$OPERATOR"; do
  cfg=$(podman image inspect --format '{{.Config.User}}|{{index .Config.Entrypoint 0}}|{{json .Config.Healthcheck}}|{{.Config.WorkingDir}}|{{json .Config.Env}}' "$image")
  IFS='|' read -r user entry health workdir env <<<"$cfg"
  check "$image: USER is 10001:10001" test "$user" = 10001:10001
  check "$image: entrypoint is tini" test "$entry" = /usr/bin/tini
  check "$image: has a HEALTHCHECK (docker format)" grep -q healthcheck.cjs <<<"$health"
  check "$image: WORKDIR is /app" test "$workdir" = /app
  check "$image: MALLOC_ARENA_MAX=2 in its environment" grep -q '"MALLOC_ARENA_MAX=2"' <<<"$env"
done

echo "== native bindings and dependencies"
for image in "$NODE" "$OPERATOR"; do
  check "$image: secp256k1/bindings, @nxtedition/rocksdb, classic-level and the native hasher load" \
    "${RUN[@]}" --rm --network none --entrypoint node "$image" -e "
      require('secp256k1/bindings'); require('@nxtedition/rocksdb'); require('classic-level');
      const h = require('@clusterchain/native').implementation(); if (!h) process.exit(1); console.log(h);"
  check "$image: no dev dependency (typescript, jest, eslint) and no npm" \
    "${RUN[@]}" --rm --network none --entrypoint sh "$image" -c "
      for m in typescript jest eslint ts-jest fast-check; do node -e \"require.resolve('\$m')\" 2>/dev/null && { echo \"\$m is installed\"; exit 1; }; done
      ! command -v npm"
done

echo "== node image: the launcher"
expect_exit "no argument: usage on stderr" 2 'usage: clusterchain-node reception.logic' "${RUN[@]}" --rm --network none "$NODE"
expect_exit "an unknown process: usage" 2 'unknown process "frobnicate"' "${RUN[@]}" --rm --network none "$NODE" frobnicate
expect_exit "reception with an unknown flag" nonzero "Unknown option '--frobnicate'" "${RUN[@]}" --rm --network none "$NODE" reception --frobnicate
expect_exit "reception without its flags" 2 '--key is required' "${RUN[@]}" --rm --network none "$NODE" reception
expect_exit "reception with a malformed leader key" 2 '--leader-pubkey must be a 33-byte compressed key in hex' \
  "${RUN[@]}" --rm --network none "$NODE" reception --key /tmp/k --generate-key --logic 127.0.0.1:7100 --leader-pubkey 02ab --listen 0.0.0.0:7200 --http 0.0.0.0:9200
expect_exit "logic without its flags" 2 '--(data|key|genesis) is required' "${RUN[@]}" --rm --network none "$NODE" logic

echo "== node image: a logic node and a reception node"
mkdir -p "$WORK/config"
chown 10001:10001 "$WORK/config"
leader=$("${RUN[@]}" --rm --network none -v "$WORK/config:/config" -v "$ROOT/scripts/images:/smoke:ro" \
  --entrypoint node "$NODE" /smoke/smoke-fixtures.mjs /config 2>&1)
if [[ $leader =~ ^0[23][0-9a-f]{64}$ ]]; then ok "a logic node's key and genesis made with the image's code (leader $leader)"; else not_ok "making the logic node's files" "$leader"; fi

p_logic=$(free_port) && p_reception=$(free_port) && p_operator=$(free_port) || exit 1
t0=$SECONDS
"${RUN[@]}" -d --name "$LN" \
  -p "127.0.0.1:$p_logic:9100" -p "127.0.0.1:$p_reception:9200" \
  -v "$WORK/config:/etc/clusterchain/config:ro" --tmpfs /var/lib/clusterchain:rw,size=256m,mode=0750,U \
  "$NODE" logic --data /var/lib/clusterchain --key /etc/clusterchain/config/logic.key \
  --genesis /etc/clusterchain/config/genesis.json --listen 0.0.0.0:7100 --http 0.0.0.0:9100 --slot-ms 1000 --name logic-smoke >/dev/null
if out=$(wait_http "http://127.0.0.1:$p_logic/healthz" 60 "$LN"); then
  ok "logic node: /healthz answers 200 on 127.0.0.1:$p_logic after $((SECONDS - t0)) s (/readyz: $(status_of "http://127.0.0.1:$p_logic/readyz"))"
  process_checks "$LN" "logic node"
  expect_exit "logic node: the HEALTHCHECK fails when /healthz does not answer" 1 'healthcheck: .*ECONNREFUSED' \
    podman exec -e CLUSTERCHAIN_HEALTH_URL=http://127.0.0.1:1/healthz "$LN" node /usr/local/lib/clusterchain/healthcheck.cjs node
  check "logic node: RocksDB wrote its files in the data volume" podman exec "$LN" sh -c 'ls /var/lib/clusterchain | grep -q .'
  check "logic node: /metrics serves clusterchain_ metrics" sh -c "curl -s -m 5 http://127.0.0.1:$p_logic/metrics | grep -q '^clusterchain_'"

  # The reception node shares the logic node's network namespace, as two processes on one host:
  # it reaches the logic node on 127.0.0.1:7100, its HTTP port is the one published above.
  t0=$SECONDS
  "${RUN[@]}" -d --name "$RN" --network "container:$LN" --tmpfs /var/lib/clusterchain:rw,size=16m,mode=0750,U \
    "$NODE" reception --key /var/lib/clusterchain/key --generate-key --logic 127.0.0.1:7100 --leader-pubkey "$leader" \
    --listen 0.0.0.0:7200 --http 0.0.0.0:9200 --advertise 127.0.0.1:7200 --name reception-smoke >/dev/null
  if out=$(wait_http "http://127.0.0.1:$p_reception/healthz" 60 "$RN"); then
    ok "reception node: /healthz answers 200 on 127.0.0.1:$p_reception after $((SECONDS - t0)) s (/readyz: $(status_of "http://127.0.0.1:$p_reception/readyz"))"
    process_checks "$RN" "reception node"
    check "reception node: --generate-key made its key in the tmpfs and /identity tells its public key" \
      sh -c "podman exec $RN test -s /var/lib/clusterchain/key && curl -s -m 5 http://127.0.0.1:$p_reception/identity | grep -qE '0[23][0-9a-f]{64}'"
    stop_checks "$RN" "reception node"
  else
    not_ok "reception node: /healthz" "$out"
  fi
  stop_checks "$LN" "logic node"
else
  not_ok "logic node: /healthz" "$out"
fi

echo "== operator image"
expect_exit "an invalid setting: exit 2 and the issue" 2 'CLUSTERCHAIN_LEASE_SECONDS: [^"]*".*"msg":"invalid configuration"' \
  "${RUN[@]}" --rm --network none -e CLUSTERCHAIN_LEASE_SECONDS=1 "$OPERATOR"
expect_exit "a kubeconfig that does not exist: exit 2 naming it" 2 '"KUBECONFIG":"/etc/clusterchain/missing".*"msg":"KUBECONFIG names a file that does not exist"' \
  "${RUN[@]}" --rm --network none -e KUBECONFIG=/etc/clusterchain/missing "$OPERATOR"
expect_exit "no kubeconfig and not in a cluster: exit 2 saying so" 2 '"msg":"no Kubernetes API to talk to' \
  "${RUN[@]}" --rm --network none "$OPERATOR"
# A kubeconfig whose API server is the container's own loopback, where nothing listens: the
# operator starts, serves /healthz, and its leader election keeps failing (and says so).
mkdir -p "$WORK/kube"
cat >"$WORK/kube/config" <<'EOF'
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]
users: [{name: smoke, user: {token: smoke-test-token}}]
contexts: [{name: smoke, context: {cluster: none, user: smoke, namespace: clusterchain-system}}]
current-context: smoke
EOF
chmod 0644 "$WORK/kube/config"
t0=$SECONDS
"${RUN[@]}" -d --name "$OP" -p "127.0.0.1:$p_operator:8080" -v "$WORK/kube:/etc/clusterchain/kube:ro" \
  -e KUBECONFIG=/etc/clusterchain/kube/config -e CLUSTERCHAIN_OPERATOR_IDENTITY=smoke "$OPERATOR" >/dev/null
if out=$(wait_http "http://127.0.0.1:$p_operator/healthz" 60 "$OP"); then
  ok "operator: /healthz answers 200 on 127.0.0.1:$p_operator after $((SECONDS - t0)) s (/readyz: $(status_of "http://127.0.0.1:$p_operator/readyz"))"
  process_checks "$OP" "operator"
  sleep 1
  check "operator: with no API server it keeps retrying the leader election and logs why" \
    sh -c "podman logs $OP 2>&1 | grep 'leader election round failed' | grep -q ECONNREFUSED"
  stop_checks "$OP" "operator"
else
  not_ok "operator: /healthz" "$out"
fi

echo "== done in $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
((failed == 0))
