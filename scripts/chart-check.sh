#!/usr/bin/env bash
# scripts/chart-check.sh — the checks of charts/clusterchain that need no cluster.
#
#   bash scripts/chart-check.sh          check (make chart-check; part of make test)
#   bash scripts/chart-check.sh --sync   copy crds/*.yaml into the chart (make chart-crds), then check
#
# 1. charts/clusterchain/files-crds/*.yaml are exact copies of crds/*.yaml (which `make generate`
#    writes from the operator's zod schemas): the chart renders its CRDs from them
#    (templates/crds.yaml), so a drift fails here; --sync makes them copies again.
# 2. helm lint --strict and helm template --kube-version <the control plane's>, with the default
#    values and with each charts/clusterchain/ci/*-values.yaml. Needs .tools/bin/helm (make tools):
#    without it, these steps are skipped with a message (CHART_CHECK_REQUIRE_TOOLS=1: fail instead).
# 3. kubeconform -strict (.tools/bin/kubeconform), offline:
#    - the example chains (charts/clusterchain/examples, operator/examples) against the CRDs' own
#      schemas, made here from crds/ (scripts/kube-schemas.mjs crds);
#    - every rendered object against the core schemas of that Kubernetes version, which only a
#      running API server can give: `scripts/kube-schemas.mjs core` caches them in
#      ${XDG_CACHE_HOME:-~/.cache}/clusterchain/kube-schemas (make e2e does, in
#      e2e/operator/test/chart.e2e.test.ts). Not cached yet: skipped with a message
#      (CHART_CHECK_REQUIRE_SCHEMAS=1: fail instead, as the e2e test sets).
#    Prometheus Operator kinds (monitoring.coreos.com) have no kubeconform schema offline: kubeconform
#    skips them (unless KUBECONFORM_EXTRA_SCHEMA_LOCATION names a location that has them), and
#    scripts/validate-monitoring.mjs checks them against the upstream CRDs' schemas instead.
#
# Environment: KUBE_SCHEMAS_DIR (the schema cache), CHART_CHECK_OUT (keep the rendered manifests
# there; default: a temporary directory, removed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="$ROOT/charts/clusterchain"
BIN="$ROOT/.tools/bin"
# The control plane's version: the one make tools builds (scripts/tools.sh), one place for both.
KUBE_VERSION="$(sed -nE 's/^KUBE_VERSION=(v[0-9]+\.[0-9]+\.[0-9]+).*/\1/p' "$ROOT/scripts/tools.sh")"
SCHEMAS="${KUBE_SCHEMAS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterchain/kube-schemas}"

log() { printf 'chart-check: %s\n' "$*"; }
die() { printf 'chart-check: error: %s\n' "$*" >&2; exit 1; }
skip() { # skip WHAT HOW: a step that cannot run here
  if [[ "${2:-}" == schemas && "${CHART_CHECK_REQUIRE_SCHEMAS:-}" == 1 ]] || [[ "${2:-}" == tools && "${CHART_CHECK_REQUIRE_TOOLS:-}" == 1 ]]; then die "$1"; fi
  log "SKIPPED: $1"
}

[[ -n "$KUBE_VERSION" ]] || die "no KUBE_VERSION=vX.Y.Z in scripts/tools.sh"

# --- 1. the CRDs the chart renders are crds/ ------------------------------------------------------
sync=0
[[ "${1:-}" == --sync ]] && sync=1
[[ $# -le $sync ]] || die "usage: chart-check.sh [--sync]"
mkdir -p "$CHART/files-crds"
if ((sync)); then
  rm -f "$CHART"/files-crds/*.yaml
  cp "$ROOT"/crds/*.yaml "$CHART/files-crds/"
  log "copied crds/*.yaml into charts/clusterchain/files-crds/"
fi
drift=0
for f in "$ROOT"/crds/*.yaml; do
  copy="$CHART/files-crds/$(basename "$f")"
  if [[ ! -f "$copy" ]]; then log "missing: charts/clusterchain/files-crds/$(basename "$f")"; drift=1
  elif ! cmp -s "$f" "$copy"; then log "differs from crds/: charts/clusterchain/files-crds/$(basename "$f")"; drift=1; fi
done
for f in "$CHART"/files-crds/*.yaml; do
  [[ -f "$ROOT/crds/$(basename "$f")" ]] || { log "not in crds/: charts/clusterchain/files-crds/$(basename "$f")"; drift=1; }
done
((drift == 0)) || die "the chart's CRDs drifted from crds/: run 'make chart-crds' (bash scripts/chart-check.sh --sync)"
crd_files=("$ROOT"/crds/*.yaml)
log "files-crds/ = crds/ (${#crd_files[@]} CRDs)"

# --- 2. helm lint, helm template ------------------------------------------------------------------
if [[ ! -x "$BIN/helm" ]]; then
  skip "helm lint / helm template / kubeconform: .tools/bin/helm is missing (run 'make tools')" tools
  exit 0
fi
OUT="${CHART_CHECK_OUT:-}"
if [[ -z "$OUT" ]]; then
  OUT="$(mktemp -d)"
  trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"

values_sets=(default)
for f in "$CHART"/ci/*-values.yaml; do [[ -f "$f" ]] && values_sets+=("$f"); done
for v in "${values_sets[@]}"; do
  name="$(basename "$v" .yaml)"
  args=()
  [[ "$v" != default ]] && args=(-f "$v")
  "$BIN/helm" lint --strict --quiet "$CHART" "${args[@]}" --kube-version "${KUBE_VERSION#v}" >"$OUT/lint-$name.txt" 2>&1 \
    || { cat "$OUT/lint-$name.txt" >&2; die "helm lint failed ($name values)"; }
  "$BIN/helm" template clusterchain "$CHART" --namespace clusterchain-system "${args[@]}" --kube-version "$KUBE_VERSION" >"$OUT/$name.yaml" \
    || die "helm template failed ($name values)"
  log "helm lint + template ($name values): $(grep -c '^kind: ' "$OUT/$name.yaml") objects"
done

# The Prometheus Operator's kinds, against its CRDs' schemas (validators generated from them, an
# npm package): kubeconform has no offline schema for these.
node "$ROOT/scripts/validate-monitoring.mjs" "$OUT"/*.yaml || die "a rendered monitoring.coreos.com object does not pass its schema"

# --- 3. kubeconform -------------------------------------------------------------------------------
if [[ ! -x "$BIN/kubeconform" ]]; then
  skip "kubeconform: .tools/bin/kubeconform is missing (run 'make tools')" tools
  exit 0
fi
node "$ROOT/scripts/kube-schemas.mjs" crds --out "$OUT/crd-schemas" "$ROOT"/crds/*.yaml >/dev/null 2>"$OUT/kube-schemas.log" \
  || { cat "$OUT/kube-schemas.log" >&2; die "could not make the CRDs' schemas"; }
crd_location="$OUT/crd-schemas{{ .StrictSuffix }}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
kubeconform=("$BIN/kubeconform" -strict -summary -kubernetes-version "${KUBE_VERSION#v}")

examples=("$CHART"/examples/*.yaml "$ROOT"/operator/examples/*.yaml)
"${kubeconform[@]}" -schema-location "$crd_location" "${examples[@]}" || die "an example chain does not pass the CRDs' schemas"

if [[ ! -f "$SCHEMAS/$KUBE_VERSION-standalone-strict/.generator" ]]; then
  skip "kubeconform of the rendered chart: no core schemas of Kubernetes $KUBE_VERSION in $SCHEMAS (make e2e makes them; or: node scripts/kube-schemas.mjs core --kubeconfig FILE)" schemas
  exit 0
fi
monitoring_skip="monitoring.coreos.com/v1/ServiceMonitor,monitoring.coreos.com/v1/PodMonitor,monitoring.coreos.com/v1/PrometheusRule,monitoring.coreos.com/v1/Probe,monitoring.coreos.com/v1alpha1/AlertmanagerConfig"
extra=()
if [[ -n "${KUBECONFORM_EXTRA_SCHEMA_LOCATION:-}" ]]; then
  extra=(-schema-location "$KUBECONFORM_EXTRA_SCHEMA_LOCATION")
  monitoring_skip=""
elif grep -q '^apiVersion: monitoring.coreos.com/' "$OUT"/*.yaml; then
  log "monitoring.coreos.com kinds: checked by validate-monitoring.mjs above, skipped by kubeconform (KUBECONFORM_EXTRA_SCHEMA_LOCATION to check them here too)"
fi
"${kubeconform[@]}" -schema-location "$SCHEMAS" -schema-location "$crd_location" "${extra[@]}" ${monitoring_skip:+-skip "$monitoring_skip"} "$OUT"/*.yaml \
  || die "a rendered object does not pass its schema"
log "ok"
