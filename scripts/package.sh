#!/usr/bin/env bash
# Builds the production bundles and packages a linux-x64 VSIX. `.vscodeignore` is an allowlist, and
# vsce walks the production dependencies and the allowlist keeps only what runs: the one runtime module the VSIX needs is
# onnxruntime-node (native, kept external by esbuild) with onnxruntime-common, listed file by file there.
# The VSIX's README is the users' one (docs/MARKETPLACE.md), not the developers' README.md. vsce needs
# an absolute address for its screenshots (docs/images/): set MEDSYNTH_DOCS_URL to where docs/ is
# published (e.g. https://raw.githubusercontent.com/<owner>/<repo>/main/docs) to keep them; without it
# (no repository is declared yet) the packaged README leaves the screenshot lines out. Before packaging, THIRD_PARTY_NOTICES.md must list what ships (it is
# derived from the bundles and the allowlist); after, the VSIX is checked for dependencies' test and
# example folders and for the licence files.
# Prints the VSIX path and size; MEDSYNTH_VSIX overrides the output path.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${MEDSYNTH_VSIX:-$PWD/out/medsynth-linux-x64.vsix}
mkdir -p "$(dirname "$out")"
node scripts/thirdPartyNotices.mjs --check
rm -rf dist
node esbuild.mjs --production
for f in dist/extension.js dist/inference.js; do
  [ -f "$f" ] || { echo "package: $f was not built" >&2; exit 1; }
done
readme_args=(--readme-path docs/MARKETPLACE.md)
if [ -n "${MEDSYNTH_DOCS_URL:-}" ]; then
  readme_args+=(--baseContentUrl "$MEDSYNTH_DOCS_URL" --baseImagesUrl "$MEDSYNTH_DOCS_URL")
else
  mkdir -p out
  grep -v '^!\[' docs/MARKETPLACE.md >out/MARKETPLACE.md
  readme_args=(--readme-path out/MARKETPLACE.md)
fi
npx --no-install vsce package --target linux-x64 --allow-missing-repository "${readme_args[@]}" \
  --out "$out" >/dev/null
listing=$(unzip -Z1 "$out")
if grep -E '^extension/node_modules/.*/(test|tests|__tests__|example|examples)/' <<<"$listing"; then
  echo "package: the VSIX above carries dependencies' test or example folders; narrow .vscodeignore" >&2
  exit 1
fi
for f in extension/LICENSE.txt extension/THIRD_PARTY_NOTICES.md extension/media/icon.png; do
  grep -qx "$f" <<<"$listing" || { echo "package: $f is missing from the VSIX" >&2; exit 1; }
done
bytes=$(stat -c %s "$out")
files=$(wc -l <<<"$listing")
echo "package: $out ($((bytes / 1024)) KiB, $files files)"
