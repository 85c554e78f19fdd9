#!/usr/bin/env bash
# Turns proto/ into TypeScript (ts-proto, driven by buf; both pinned npm devDependencies, so this
# runs offline after `npm install`). `make generate` writes services/rpc/src/gen, which is
# committed; scripts/proto-check.sh writes a temp dir and compares.
# Usage: scripts/proto-generate.sh [OUT_DIR]   (default services/rpc/src/gen)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-services/rpc/src/gen}"
# buf finds the ts-proto plugin (protoc-gen-ts_proto) on PATH.
export PATH="$PWD/node_modules/.bin:$PATH"
# Refuse a .proto that breaks the house rules (proto/buf.yaml) before generating anything.
buf lint proto
# buf.gen.yaml has `clean: true`: OUT_DIR is emptied first, so a removed .proto leaves no file behind.
buf generate proto --template proto/buf.gen.yaml --output "$out"
