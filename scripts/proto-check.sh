#!/usr/bin/env bash
# Fails when the committed generated code (services/rpc/src/gen) is not exactly what proto/
# generates, or when a .proto is not in buf's canonical format. Run by `make lint`, so by
# `make test` and CI (connect-es habit: generated code committed, drift caught).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
committed=services/rpc/src/gen
export PATH="$PWD/node_modules/.bin:$PATH"

if ! buf format --diff --exit-code proto; then
  echo "proto/ is not formatted: run 'npx buf format -w proto'" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash scripts/proto-generate.sh "$tmp/gen"

if ! diff -ru "$committed" "$tmp/gen"; then
  echo "generated code in $committed differs from proto/: run 'make generate' and commit the result" >&2
  exit 1
fi
echo "generated protobuf code is up to date"
