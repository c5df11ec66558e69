#!/usr/bin/env bash
# Builds the production bundles and packages a linux-x64 VSIX. `.vscodeignore` is an allowlist, and
# vsce walks the production dependencies and the allowlist keeps only what runs: the one runtime module the VSIX needs is
# onnxruntime-node (native, kept external by esbuild) with onnxruntime-common, listed file by file there.
# Prints the VSIX path and size; MEDSYNTH_VSIX overrides the output path.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${MEDSYNTH_VSIX:-$PWD/out/medsynth-linux-x64.vsix}
mkdir -p "$(dirname "$out")"
rm -rf dist
node esbuild.mjs --production
for f in dist/extension.js dist/inference.js; do
  [ -f "$f" ] || { echo "package: $f was not built" >&2; exit 1; }
done
npx --no-install vsce package --target linux-x64 --allow-missing-repository --skip-license \
  --out "$out" >/dev/null
bytes=$(stat -c %s "$out")
files=$(unzip -Z1 "$out" | wc -l)
echo "package: $out ($((bytes / 1024)) KiB, $files files)"
