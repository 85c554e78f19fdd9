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

PROMTOOL="${PROMTOOL:-$(command -v promtool || true)}"
if [[ -z $PROMTOOL ]]; then
  bash "$ROOT/scripts/debian-tools.sh" prometheus:promtool
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
