#!/usr/bin/env bash
# Makes sure Debian packages that ship tools we run in tests are installed, without leaving their
# daemons running:  bash scripts/debian-tools.sh PACKAGE:BINARY [...]
# (e.g. prometheus:promtool prometheus-alertmanager:prometheus-alertmanager). A package whose
# binary is already on PATH is left alone. Needs root or sudo (apt). A policy-rc.d keeps the
# packages' postinst from starting their services; any daemon of theirs that started anyway is
# stopped and disabled.
set -euo pipefail

missing=()
for spec in "$@"; do
  pkg="${spec%%:*}"
  bin="${spec#*:}"
  command -v "$bin" >/dev/null || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "installing ${missing[*]} needs root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
daemons=(prometheus prometheus-alertmanager)
before="$(pgrep -x "$(IFS='|'; echo "${daemons[*]}")" || true)"
echo "installing Debian's ${missing[*]}" >&2
# The lists may never have been fetched on a fresh image: one update, then the install.
if ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then "${sudo[@]}" apt-get update -qq; fi
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  made_policy=1
fi
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
((made_policy == 1)) && "${sudo[@]}" rm -f "$policy"
# Belt and braces: a daemon that started anyway is stopped, by its pid, and kept from coming back at boot.
for pid in $(pgrep -x "$(IFS='|'; echo "${daemons[*]}")" || true); do
  if ! grep -qx "$pid" <<<"$before"; then
    echo "stopping the daemon (pid $pid) a package started" >&2
    "${sudo[@]}" kill "$pid" || true
  fi
done
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  for d in "${daemons[@]}"; do "${sudo[@]}" systemctl disable --now "$d" >/dev/null 2>&1 || true; done
fi
