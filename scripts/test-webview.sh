#!/usr/bin/env bash
# Webview tier: builds the bundles, then runs the table preview and report apps in headless Debian
# Chromium (playwright-core) and the pure preview/protocol/CSP tests. Screenshots go to test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x "${MEDSYNTH_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "webview tests need Chromium at ${MEDSYNTH_CHROMIUM:-/usr/bin/chromium} (scripts/install-system-deps.sh installs it)" >&2
  exit 2
fi
node esbuild.mjs
mkdir -p test-results
node --import tsx --test --test-concurrency=1 test/webview/*.test.ts
