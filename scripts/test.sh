#!/usr/bin/env bash
# The README's test command: installs everything the tests need, then runs every tier.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/npm-install.sh
echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint"; npm run --silent lint
echo "== build"; node esbuild.mjs
echo "== references"; bash scripts/check-references.sh
echo "== unit"; bash scripts/test-unit.sh
echo "== cluster (Slurm)"; bash test/cluster/slurm.sh
echo "== webview"; bash scripts/test-webview.sh
echo "== integration"; bash scripts/test-integration.sh
echo "== all tiers passed"
