#!/usr/bin/env bash
# Unit tier: core, storage, engine and CLI under plain Node (node:test through tsx).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
files=(test/unit/**/*.test.ts)
node --import tsx --test --test-concurrency=2 "${files[@]}"
