#!/usr/bin/env bash
# scripts/tools.sh — `make tools`: build the external binaries the tests need, from Go modules.
#
# What it builds (pinned below; they go together):
#   etcd                                      go.etcd.io/etcd/server/v3          (scripts/tools/etcd)
#   kube-apiserver, kube-controller-manager,  k8s.io/kubernetes/cmd/...          (scripts/tools/k8s)
#   kube-scheduler, kubectl
#   kwok, kwokctl                             sigs.k8s.io/kwok/cmd/...           (go install)
#   helm                                      helm.sh/helm/v3/cmd/helm           (go install)
#   kubeconform                               github.com/yannh/kubeconform/...   (go install)
# etcd + the kube-* binaries + kwok make a real Kubernetes control plane whose nodes and pods kwok
# fakes: `kwokctl create cluster --runtime binary` runs them as plain processes (no containers).
#
# Why from Go modules: the machines this project runs on (developers' and CI's) reach package
# registries only — no container registry, no release downloads — but they do reach the Go module
# proxy, and Go is installed. So everything is compiled from source here; kwokctl is told where the
# binaries are and never downloads anything.
#
# Where: a cache outside the checkout, kept between runs and fresh clones,
#   ${XDG_CACHE_HOME:-$HOME/.cache}/clusterchain/tools/<version key>/bin   (override: CLUSTERCHAIN_TOOLS_CACHE)
# and symlinks to it in <checkout>/.tools/bin (git-ignored). A binary already in the cache is not
# rebuilt, so a second run takes well under a second. The first run compiles everything: about 10
# minutes on 2 cores (measured with an empty Go build cache; the Kubernetes part is 6.5 of them).
# Changing a version changes the key, so the new set is built beside the old one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

KUBE_VERSION=v1.36.1        # must match scripts/tools/k8s/go.mod (kubernetes and the v0.36.1 staging replaces)
ETCD_VERSION=v3.6.10        # must match scripts/tools/etcd/go.mod; the etcd kwok v0.8.0 pairs with Kubernetes 1.36
KWOK_VERSION=v0.8.0         # its default Kubernetes is 1.36.1
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0

KEY="k8s-${KUBE_VERSION}-etcd-${ETCD_VERSION}-kwok-${KWOK_VERSION}-helm-${HELM_VERSION}-kubeconform-${KUBECONFORM_VERSION}"
CACHE_ROOT="${CLUSTERCHAIN_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterchain/tools}"
BIN="$CACHE_ROOT/$KEY/bin"
LINKS="$ROOT/.tools/bin"

# A Go toolchain download cannot work here: use the installed Go. Builds run niced, as they share
# the machine. Static binaries, no VCS stamping (the scratch modules sit inside this checkout),
# reproducible paths, no symbol tables.
export GOTOOLCHAIN=local CGO_ENABLED=0
NICE=(nice -n "${TOOLS_NICE:-10}")
GOFLAGS_BUILD=(-trimpath -buildvcs=false)

log() { printf 'tools: %s\n' "$*"; }
die() { printf 'tools: error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go is not installed (Go >= 1.26 is needed: kubernetes ${KUBE_VERSION} and kwok ${KWOK_VERSION} require it)"
log "go: $(go version)"

# The versions above and the scratch modules must agree, or the cache key would lie.
grep -qE "^require k8s.io/kubernetes ${KUBE_VERSION}\$" "$ROOT/scripts/tools/k8s/go.mod" \
  || die "scripts/tools/k8s/go.mod does not require k8s.io/kubernetes ${KUBE_VERSION}"
grep -qE "^require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}\$" "$ROOT/scripts/tools/etcd/go.mod" \
  || die "scripts/tools/etcd/go.mod does not require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}"

mkdir -p "$BIN" "$LINKS"
# One build at a time per version key (two `make tools` at once would both compile Kubernetes).
exec 9>"$CACHE_ROOT/$KEY.lock"
if command -v flock >/dev/null; then flock 9; fi
log "cache: $BIN"

# Each build writes into a fresh temporary directory in the cache and moves the binaries into place
# only when it succeeded, so an interrupted build never leaves a half-written binary that a later
# run would take for a built one.
TMP=""
cleanup() { if [[ -n "$TMP" ]]; then rm -rf "$TMP"; fi; }
trap cleanup EXIT
new_tmp() { cleanup; TMP="$(mktemp -d "$CACHE_ROOT/$KEY.tmp.XXXXXX")"; }
install_from_tmp() { for b in "$@"; do mv -f "$TMP/$b" "$BIN/$b"; done; cleanup; TMP=""; }

missing() { local b; for b in "$@"; do [[ -x "$BIN/$b" ]] || printf '%s\n' "$b"; done; }

timed() { # timed LABEL CMD...: run CMD, then print how long it took
  local label="$1" start=$SECONDS; shift
  "$@"
  log "$label: done in $((SECONDS - start))s"
}

# --- etcd ---------------------------------------------------------------------------------------
if [[ -n "$(missing etcd)" ]]; then
  log "building etcd ${ETCD_VERSION}"
  new_tmp
  (cd "$ROOT/scripts/tools/etcd" && timed "etcd" "${NICE[@]}" go build "${GOFLAGS_BUILD[@]}" -ldflags "-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3)
  install_from_tmp etcd
else
  log "etcd ${ETCD_VERSION}: cached"
fi

# --- go install of released modules: kwok, kwokctl, helm, kubeconform ---------------------------
go_install() { # go_install BINARY PACKAGE@VERSION [LDFLAGS]
  local bin="$1" pkg="$2" ldflags="-s -w ${3:-}"
  if [[ -n "$(missing "$bin")" ]]; then
    log "building $bin ($pkg)"
    new_tmp
    GOBIN="$TMP" timed "$bin" "${NICE[@]}" go install "${GOFLAGS_BUILD[@]}" -ldflags "$ldflags" "$pkg"
    install_from_tmp "$bin"
  else
    log "$bin ${pkg##*@}: cached"
  fi
}
go_install kwok        "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
go_install kwokctl     "sigs.k8s.io/kwok/cmd/kwokctl@${KWOK_VERSION}"
# helm and kubeconform take their version from ldflags, as their release builds set them (helm's
# Makefile; kubeconform's goreleaser). helm also takes from them the Kubernetes version it assumes in
# `helm template` / `helm lint` (.Capabilities.KubeVersion): its Makefile derives it from the
# k8s.io/client-go it is built with (v0.N -> 1.N); without it helm would assume 1.20.
if [[ -n "$(missing helm)" ]]; then
  helm_gomod="$(go mod download -json "helm.sh/helm/v3@${HELM_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  helm_kube_minor="$(sed -nE 's/^[[:space:]]*k8s\.io\/client-go v0\.([0-9]+)\..*/\1/p' "$helm_gomod")"
  [[ -n "$helm_kube_minor" ]] || die "could not read the k8s.io/client-go version from helm ${HELM_VERSION}'s go.mod"
  helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    helm_ldflags+=" -X ${pkg}.k8sVersionMajor=1 -X ${pkg}.k8sVersionMinor=${helm_kube_minor}"
  done
  log "building helm (helm.sh/helm/v3/cmd/helm@${HELM_VERSION}; assumes Kubernetes 1.${helm_kube_minor})"
  new_tmp
  GOBIN="$TMP" timed "helm" "${NICE[@]}" go install "${GOFLAGS_BUILD[@]}" -ldflags "$helm_ldflags" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
  install_from_tmp helm
else
  log "helm ${HELM_VERSION}: cached"
fi
go_install kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}" "-X main.version=${KUBECONFORM_VERSION}"

# --- Kubernetes: kube-apiserver, kube-controller-manager, kube-scheduler, kubectl ---------------
# One `go build` for all the missing ones, so they share the compile work. The version variables
# are those Kubernetes' own build sets (hack/lib/version.sh): without them the binaries report
# v0.0.0-master, and kwokctl picks each component's flags from the version the binary reports.
mapfile -t kube_missing < <(missing kube-apiserver kube-controller-manager kube-scheduler kubectl)
if ((${#kube_missing[@]})); then
  kube_minor="${KUBE_VERSION#v1.}"; kube_minor="${kube_minor%%.*}"
  kube_ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kube_ldflags+=" -X ${pkg}.gitVersion=${KUBE_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${kube_minor}"
    kube_ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
  done
  pkgs=()
  for b in "${kube_missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  log "building ${kube_missing[*]} (kubernetes ${KUBE_VERSION}); about 7 minutes on 2 cores"
  new_tmp
  (cd "$ROOT/scripts/tools/k8s" && timed "kubernetes" "${NICE[@]}" go build "${GOFLAGS_BUILD[@]}" -ldflags "$kube_ldflags" -o "$TMP/" "${pkgs[@]}")
  install_from_tmp "${kube_missing[@]}"
else
  log "kubernetes ${KUBE_VERSION}: cached"
fi

# --- link into the checkout ---------------------------------------------------------------------
ALL=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl helm kubeconform)
for b in "${ALL[@]}"; do
  ln -sfn "$BIN/$b" "$LINKS/$b"
done
log "linked into ${LINKS#"$ROOT"/}: ${ALL[*]}"
