#!/usr/bin/env bash
# Re-runs the Python reference scripts whose tools are installed, each in a scratch copy of the tree,
# and fails when a committed fixture is not what its script makes, or no longer has the sha256 that
# test/fixtures/provenance.json recorded; scripts whose modules or programs are missing are skipped
# by name. `--record` rewrites provenance.json (script, arguments, sha256, tool versions per fixture).
# Debian's /usr/bin/python3 runs the scripts (the python3 on PATH cannot see numpy and friends).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/python3 ]; then
  echo "check-references: skip all (no /usr/bin/python3)"
  exit 0
fi
exec /usr/bin/python3 scripts/check_references.py "$@"
