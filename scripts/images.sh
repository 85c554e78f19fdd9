#!/usr/bin/env bash
# scripts/images.sh — `make images`: build the container images with podman (images/README.md).
#
#   bash scripts/images.sh            build clusterchain/node and clusterchain/operator, tagged with
#                                     package.json's version and `latest`; print their ids and sizes
#   bash scripts/images.sh clean      remove those images and every layer these builds cached (the
#                                     base image and its cached root filesystem are kept)
#
# Each image is a final stage (`--target node|operator`) of images/Dockerfile, built from the
# repository root with `podman build --isolation chroot --format docker` (docker format keeps
# HEALTHCHECK) and images/containerignore as the ignore file. The stages before those are shared, so
# the second build takes the first one's layers from the cache. Measured on 2 cores: about 2.5 minutes
# from nothing (3 with the base), 20 s again with nothing changed. The base image they name is made first where it is missing (scripts/images/base.sh: no
# container registry is reachable from this project's machines).
#
# Environment: IMAGES_PREFIX (default clusterchain), IMAGES_NICE (default 10), IMAGES_PULL=0 (do not
# try to pull the base), IMAGES_VERBOSE=1 (stream the build output instead of logging it to a file).
# Where a TLS-intercepting proxy stands between this machine and the npm registry, its CA bundle
# (NODE_EXTRA_CA_CERTS, as on this project's machines) is handed to the npm steps as a build secret.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PREFIX="${IMAGES_PREFIX:-clusterchain}"
IMAGES=(node operator)
NICE=(nice -n "${IMAGES_NICE:-10}")
LOGS="${TMPDIR:-/tmp}/clusterchain-images"
# What podman needs where there is no systemd: runc rather than crun, and no healthcheck timers
# (the smoke test runs the HEALTHCHECK itself with `podman healthcheck run`).
export DISABLE_HC_SYSTEMD=true

log() { printf 'images: %s\n' "$*"; }
die() { printf 'images: error: %s\n' "$*" >&2; exit 1; }

ensure_podman() {
  command -v podman >/dev/null && return
  [[ $(id -u) == 0 ]] || die "podman is not installed (apt-get install podman buildah runc, as root)"
  log "installing podman, buildah and runc from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman buildah runc >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman buildah runc >/dev/null; } \
    || die "apt-get install podman buildah runc failed"
}

clean() {
  ensure_podman
  local name ids
  for name in "${IMAGES[@]}"; do
    mapfile -t ids < <(podman images --noheading --format '{{.Id}}' --filter "reference=$PREFIX/$name" | sort -u)
    ((${#ids[@]} == 0)) || podman rmi -f "${ids[@]}" >/dev/null || true
  done
  # The intermediate layers of every stage carry the label (images/Dockerfile); removing the
  # youngest first frees their parents, so repeat until none is left.
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    mapfile -t ids < <(podman images -a --noheading --format '{{.Id}}' --filter label=org.clusterchain.build=images | sort -u)
    ((${#ids[@]} == 0)) && break
    podman rmi "${ids[@]}" >/dev/null 2>&1 || true
  done
  ((${#ids[@]} == 0)) || log "could not remove ${#ids[@]} cached layer image(s): a container may still use them (podman ps -a)"
  # The npm download cache of the builds' RUN --mount=type=cache,id=clusterchain-npm (buildah keeps it here).
  rm -rf /var/tmp/buildah-cache/clusterchain-npm /var/tmp/buildah-cache-"$(id -u)"/clusterchain-npm
  log "removed the $PREFIX/{${IMAGES[*]}} images and their cached layers (kept: the base image and its root filesystem cache)"
}

if [[ ${1:-} == clean ]]; then clean; exit 0; fi
[[ $# == 0 ]] || die "usage: scripts/images.sh [clean]"

ensure_podman
VERSION=$(node -p 'require("./package.json").version' 2>/dev/null || sed -n 's/^  "version": "\([^"]*\)",$/\1/p' package.json | head -1)
[[ -n $VERSION ]] || die "no version in package.json"

bash scripts/images/base.sh

secret=()
if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -r ${NODE_EXTRA_CA_CERTS} ]]; then
  secret=(--secret "id=npm_ca,src=$NODE_EXTRA_CA_CERTS")
  log "npm steps trust the CA bundle $NODE_EXTRA_CA_CERTS (build secret, in no layer)"
fi

mkdir -p "$LOGS"
for name in "${IMAGES[@]}"; do
  logfile="$LOGS/$name.log"
  args=(build --isolation chroot --format docker --layers
        --ignorefile images/containerignore "${secret[@]}"
        --build-arg "VERSION=$VERSION"
        -f images/Dockerfile --target "$name" -t "$PREFIX/$name:$VERSION" -t "$PREFIX/$name:latest" .)
  start=$SECONDS
  log "building $PREFIX/$name:$VERSION (log: $logfile)"
  if [[ ${IMAGES_VERBOSE:-0} == 1 ]]; then
    "${NICE[@]}" podman "${args[@]}" 2>&1 | tee "$logfile"
    status=${PIPESTATUS[0]}
  else
    status=0
    "${NICE[@]}" podman "${args[@]}" >"$logfile" 2>&1 || status=$?
  fi
  if ((status != 0)); then
    tail -40 "$logfile" >&2
    die "podman build of images/Dockerfile --target $name failed (exit $status); the whole log: $logfile"
  fi
  log "built $PREFIX/$name:$VERSION in $((SECONDS - start)) s ($(grep -c -- '--> Using cache' "$logfile" || true) steps from the cache)"
done

printf '\n%-40s %-14s %s\n' IMAGE ID SIZE
for name in "${IMAGES[@]}"; do
  for tag in "$VERSION" latest; do
    podman image inspect --format "{{.Id}} {{.Size}}" "$PREFIX/$name:$tag" | {
      read -r id size
      printf '%-40s %-14s %s\n' "$PREFIX/$name:$tag" "${id:0:12}" "$(numfmt --to=si --suffix=B "$size")"
    }
  done
done
