# ClusterChain — every entry point a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_ESM := NODE_OPTIONS=--experimental-vm-modules

.PHONY: help install build generate check-generated lint typecheck test unit bench devnet e2e tools tools-check observability-tools rules chart-crds chart-check images images-smoke clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Install only when the lockfile changed since the last install (or there is none yet).
# `npm install`, not `npm ci`: npm 11 leaves out of the lockfile the platform bindings of
# unrs-resolver (a jest dependency) that it could not resolve here, and `npm ci` then refuses
# the lockfile on every machine. With the lockfile committed, `npm install` installs exactly
# the locked versions.
node_modules/.install-stamp: package-lock.json
	npm install --no-audit --no-fund
	@node -e "require('secp256k1/bindings')" || { echo "secp256k1 native binding did not load: refusing the ~40x slower JS fallback"; exit 1; }
	@touch $@

# The native hasher (services/native): npm's install script builds it; rebuilt here when its source changes.
NATIVE := services/native/build/sha256.node
$(NATIVE): services/native/src/sha256.c services/native/build.mjs node_modules/.install-stamp
	node services/native/build.mjs
	@node -e "console.log('native sha256:', require('./services/native/index.cjs').implementation())"

install: node_modules/.install-stamp $(NATIVE) ## Install dependencies and build the native hasher when their sources changed

build: install ## Compile TypeScript to dist/
	npx tsc -p tsconfig.build.json
	@chmod +x dist/services/client/src/bin/clusterchain.js # tsc drops the bit; npx runs the file itself

# protobuf: proto/ -> services/rpc/src/gen (ts-proto driven by buf, both from npm; offline).
# CRDs: the operator's zod schemas (operator/src/api/v1alpha1) -> crds/*.yaml.
generate: build ## Regenerate generated sources from their schemas (protobuf code, CRDs and the chart's copy of them)
	bash scripts/proto-generate.sh
	node dist/operator/src/bin/generateCrds.js --dir crds
	bash scripts/chart-check.sh --sync

check-generated: build ## Fail when committed generated code or CRDs differ from a fresh regeneration
	bash scripts/proto-check.sh
	node dist/operator/src/bin/generateCrds.js --dir crds --check

lint: install check-generated ## ESLint, the dependency-direction check and the generated-code drift check
	npx eslint .
	npx depcruise --config .dependency-cruiser.cjs services operator bench

typecheck: install ## Type-check everything, tests included
	npx tsc -p tsconfig.json --noEmit

unit: build ## Run jest only (after building)
	$(NODE_ESM) npx jest $(JEST_ARGS)

# The devnet's end-to-end suite runs after the others and alone: it starts a whole devnet of real
# processes, and sharing the two cores with other suites would measure the machine, not the code.
# The operator's (e2e/operator) need `make tools` and run in `make e2e`.
test: build lint typecheck rules chart-check ## Install, build, lint, type-check and run every test, end to end included
	$(NODE_ESM) npx jest --ci $(JEST_ARGS)
	$(NODE_ESM) npx jest --ci --roots e2e/devnet --runInBand --passWithNoTests $(JEST_ARGS)

bench: build ## Run the benchmarks; writes bench/results/*.json
	node --expose-gc dist/bench/src/run.js $(BENCH_ARGS)

devnet: build ## Run a one-cluster chain locally: 1 logic node, 8 reception nodes (DEVNET_ARGS="--reset --reception-nodes 8 --slot-ms 1000")
	node dist/services/devnet/src/bin/devnet.js $(DEVNET_ARGS)

# The operator's suites need a real control plane: make tools builds it once (cached outside the checkout).
e2e: build tools observability-tools ## The end-to-end suites: the devnet, the operator on a kwok control plane, the chart, DoS scaling with Prometheus and Alertmanager (e2e/)
	$(NODE_ESM) npx jest --ci --roots e2e --runInBand $(JEST_ARGS)

# Built from Go modules into ~/.cache/clusterchain/tools/<versions>/bin (kept across clones; the
# first build compiles Kubernetes: about 10 minutes on 2 cores) and linked into .tools/bin.
tools: ## Build etcd, kube-apiserver/-controller-manager/-scheduler, kubectl, kwok(ctl), helm, kubeconform into .tools/bin
	bash scripts/tools.sh

tools-check: tools ## Start a throwaway kwok cluster from .tools/bin: a fake Node turns Ready, two Pods run, then it is deleted
	bash scripts/tools/kwok-smoke.sh

observability-tools: ## Debian's Prometheus and Alertmanager for the DoS end-to-end suite (installed when missing; daemons never left running)
	bash scripts/debian-tools.sh prometheus:prometheus prometheus:promtool prometheus-alertmanager:prometheus-alertmanager

rules: ## promtool: check and unit-test the chart's Prometheus rules, parse every dashboard query (installs Debian's prometheus for promtool if missing)
	bash scripts/promtool.sh

chart-crds: ## Copy crds/ into the chart (charts/clusterchain/files-crds), which renders them
	bash scripts/chart-check.sh --sync

chart-check: install ## The chart: its CRD copies equal crds/, helm lint + template, kubeconform (every object once make e2e cached the schemas)
	bash scripts/chart-check.sh

images: ## Build the container images clusterchain/node and clusterchain/operator with podman (images/README.md)
	bash scripts/images.sh

images-smoke: images ## Run both images with podman: /healthz, non-root user, tini as PID 1, read-only root, bad flags
	bash scripts/images-smoke.sh

clean: ## Remove build output
	rm -rf dist
