#!/usr/bin/env bash
# `npm run fuzz [-- seconds-per-target [--seed S] [--targets csv,parquet,...]]`: fuzzes every table,
# manifest and ONNX-metadata parser in a bounded worker process (2 s and 768 MiB heap per input),
# keeps each distinct failing input under test/fixtures/fuzz/<target>/ (replayed by
# test/unit/security/fuzzRegressions.test.ts) and writes the counts to bench/results-fuzz.md.
# The short bounded run inside the test command is test/unit/security/fuzzShort.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
[ $# -gt 0 ] && shift
exec node --import tsx test/fuzz/main.ts --seconds "$seconds" --report bench/results-fuzz.md "$@"
