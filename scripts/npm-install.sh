#!/usr/bin/env bash
# Installs the npm dependencies offline-safe: onnxruntime-node's postinstall would fetch CUDA files
# from outside the npm registry, so it is told to skip; GPU providers are enabled at run time instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip npm_config_onnxruntime_node_install=skip
stamp=node_modules/.medsynth-install-stamp
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ]; then exit 0; fi
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
touch "$stamp"
