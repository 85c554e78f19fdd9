#!/usr/bin/env bash
# scripts/tools/kwok-smoke.sh — prove that the binaries `make tools` built make a working cluster.
#
# Starts a kwok cluster from .tools/bin only (kwokctl's binary runtime: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and the kwok controller run as local processes; nothing
# is downloaded), adds one fake Node, checks that it turns Ready, that a Pod bound to it and a Pod
# placed by the scheduler both turn Running, then deletes the cluster. Exit 0 only if all of that
# held. Usage: bash scripts/tools/kwok-smoke.sh [cluster-name]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
B="$ROOT/.tools/bin"
NAME="${1:-cc-tools-check}"
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
  [[ -x "$B/$b" ]] || { echo "smoke: $B/$b is missing: run 'make tools' first" >&2; exit 1; }
done

# `kwokctl kubectl` runs the first kubectl on PATH, else KWOK_KUBECTL_BINARY (there is no
# --kubectl-binary flag), else it downloads one. Put ours first so the client matches the server.
export PATH="$B:$PATH" KWOK_KUBECTL_BINARY="$B/kubectl"
KWOKCTL=("$B/kwokctl" --name "$NAME")
kubectl() { "${KWOKCTL[@]}" kubectl "$@"; }

cleanup() { "${KWOKCTL[@]}" delete cluster >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup # a cluster of that name left over from an interrupted run

step() { printf 'smoke: %s\n' "$*"; }
start=$SECONDS
step "creating cluster $NAME"
# Every component binary comes from .tools/bin. bindAddress (there is no flag for it) keeps etcd,
# the apiserver and the rest on loopback; kwokctl's default is 0.0.0.0. The component binaries can
# be given as flags instead (--etcd-binary, --kube-apiserver-binary, --kube-controller-manager-binary,
# --kube-scheduler-binary, --kwok-controller-binary); kubectl only here or in KWOK_KUBECTL_BINARY.
CONFIG="$(mktemp "${TMPDIR:-/tmp}/kwokctl-$NAME.XXXXXX")"
trap 'cleanup; rm -f "$CONFIG"' EXIT
cat > "$CONFIG" <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  etcdBinary: $B/etcd
  kubeApiserverBinary: $B/kube-apiserver
  kubeControllerManagerBinary: $B/kube-controller-manager
  kubeSchedulerBinary: $B/kube-scheduler
  kwokControllerBinary: $B/kwok
  kubectlBinary: $B/kubectl
YAML
# --kubeconfig "": do not add the cluster to ~/.kube/config (kwokctl's default does, and makes it
# the current context). --wait: return only once the cluster is ready.
"${KWOKCTL[@]}" --config "$CONFIG" create cluster --kubeconfig "" --wait 120s
step "cluster up in $((SECONDS - start))s"
# `kwokctl get kubeconfig` prints a kubeconfig for the cluster (kwokctl keeps its own copy under
# ${KWOK_WORKDIR:-~/.kwok}/clusters/NAME/kubeconfig.yaml).
"${KWOKCTL[@]}" get kubeconfig > "${TMPDIR:-/tmp}/$NAME.kubeconfig"
step "kubeconfig written to ${TMPDIR:-/tmp}/$NAME.kubeconfig"

kubectl version
kubectl get ns

step "creating a fake Node"
kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
kubectl wait --for=condition=Ready node/kwok-node-0 --timeout=60s

# kwokctl enables admission by default: a Pod needs its namespace's "default" ServiceAccount,
# which kube-controller-manager creates shortly after start.
kubectl wait --for=create serviceaccount/default -n default --timeout=60s
step "creating a Pod bound to it (spec.nodeName) and one the scheduler places (nodeSelector)"
kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: bound
  namespace: default
spec:
  nodeName: kwok-node-0
  containers:
  - name: app
    image: fake-image
---
apiVersion: v1
kind: Pod
metadata:
  name: scheduled
  namespace: default
spec:
  nodeSelector:
    type: kwok
  containers:
  - name: app
    image: fake-image
EOF
kubectl wait --for=jsonpath='{.status.phase}'=Running pod/bound pod/scheduled --timeout=60s
kubectl get nodes,pods -o wide

step "deleting cluster $NAME"
"${KWOKCTL[@]}" delete cluster
trap - EXIT
rm -f "$CONFIG"
step "ok in $((SECONDS - start))s"
