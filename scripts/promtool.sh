#!/usr/bin/env bash
# Checks the chart's Prometheus rules with promtool (issue 5 §2):
#   promtool check rules  charts/clusterchain/files/rules/*.rules.yaml
#   promtool test rules   charts/clusterchain/files/rules/tests/*.yaml   (a fires/stays-quiet case per alert)
#   promtool check rules  on every Grafana dashboard query (scripts/metrics-check.mjs --dashboard-rules)
# promtool comes from Debian's `prometheus` package; when it is not on PATH this installs it
# (root or sudo, apt) and stops the Prometheus daemon the package's postinst may have started,
# so nothing is left listening. PROMTOOL=/path/to/promtool uses another binary instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RULES_DIR="$ROOT/charts/clusterchain/files/rules"

install_promtool() {
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "promtool is missing and installing it needs root: apt-get install prometheus" >&2; exit 1; }
    sudo=(sudo)
  fi
  # Prometheus daemons running before the install are not ours to touch.
  local before after pid
  before="$(pgrep -x prometheus || true)"
  echo "promtool not found: installing Debian's prometheus package (provides promtool)" >&2
  # The lists may never have been fetched on a fresh image; one update, then the install.
  if ! apt-cache show prometheus >/dev/null 2>&1; then "${sudo[@]}" apt-get update -qq; fi
  # policy-rc.d (exit 101) keeps the postinst from starting the service where it honours it.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [[ $made_policy -eq 1 ]]; then "${sudo[@]}" rm -f "$policy"; fi
  # Belt and braces: a daemon that started anyway is stopped, by its pid, and kept from coming back at boot.
  after="$(pgrep -x prometheus || true)"
  for pid in $after; do
    if ! grep -qx "$pid" <<<"$before"; then
      echo "stopping the prometheus daemon (pid $pid) the package started" >&2
      "${sudo[@]}" kill "$pid" || true
    fi
  done
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
}

PROMTOOL="${PROMTOOL:-$(command -v promtool || true)}"
if [[ -z $PROMTOOL ]]; then
  install_promtool
  PROMTOOL="$(command -v promtool)"
fi
echo "$("$PROMTOOL" --version 2>&1 | head -1)"

shopt -s nullglob
rules=("$RULES_DIR"/*.rules.yaml)
tests=("$RULES_DIR"/tests/*.yaml)
[[ ${#rules[@]} -gt 0 ]] || { echo "no rules under $RULES_DIR" >&2; exit 1; }
[[ ${#tests[@]} -gt 0 ]] || { echo "no rule tests under $RULES_DIR/tests" >&2; exit 1; }

"$PROMTOOL" check rules "${rules[@]}"
# Tests name their rule files relative to themselves (../clusterchain.rules.yaml).
"$PROMTOOL" test rules "${tests[@]}"

# The dashboards' queries parse too: each one as a recording rule, Grafana variables replaced.
queries="$(mktemp --suffix=.dashboard-queries.yaml)"
trap 'rm -f "$queries"' EXIT
node "$ROOT/scripts/metrics-check.mjs" --dashboard-rules >"$queries"
echo "Dashboard queries ($(grep -c '"record"' "$queries")) parsed as PromQL:"
"$PROMTOOL" check rules "$queries" | sed 's#^Checking .*#  charts/clusterchain/files/dashboards/*.json#'
