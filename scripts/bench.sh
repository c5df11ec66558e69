#!/usr/bin/env bash
# `npm run bench`: builds, runs the generation bench (medsynth generate vs a bare onnxruntime-node loop)
# and the metrics helper's DCR bench when present, and writes bench/results.md with the figures, the
# commands and the machine. Benches report ratios side by side; nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-install.sh
node esbuild.mjs --production >/dev/null
mkdir -p bench/out
gen_args=(--n "${MEDSYNTH_BENCH_N:-262144}" --batch "${MEDSYNTH_BENCH_BATCH:-4096}" --ep "${MEDSYNTH_BENCH_EP:-cpu}" --reps "${MEDSYNTH_BENCH_REPS:-3}")
echo "== generation bench: node --import tsx bench/generation.ts ${gen_args[*]}"
node --import tsx bench/generation.ts "${gen_args[@]}" | tee bench/out/generation.md
# The DCR reference is scikit-learn from Debian's packages (Python is a bench reference, never a runtime need).
if ! /usr/bin/python3 -c 'import sklearn, numpy' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    flock /tmp/apt.lock apt-get update -qq && flock /tmp/apt.lock env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-numpy >/dev/null
  else
    echo "bench: the DCR reference needs Debian's python3-sklearn (run as root, or apt-get install python3-sklearn)" >&2
  fi
fi
if [ -f bench/dcr.ts ]; then
  echo "== DCR bench: node --import tsx bench/dcr.ts"
  node --import tsx bench/dcr.ts | tee bench/out/dcr.log
fi
# Table typing (CSV read + column inference) vs pandas.read_csv on the same file; writes bench/results-typing.md.
if [ -f bench/typing.ts ]; then echo "== typing bench: node --import tsx bench/typing.ts"; node --import tsx bench/typing.ts | tee bench/out/typing.log; fi
# Readers vs independent Python readers (pydicom+gdcm, nibabel, PIL, mne, numpy) on the same files; writes bench/results-readers.md.
if [ -f bench/readers.ts ]; then echo "== readers bench: node --import tsx bench/readers.ts"; node --import tsx bench/readers.ts | tee bench/out/readers.log; fi
# Images: diffusion sampling vs a bare ORT loop, DICOM decode vs dcmtk/pydicom, PPCA vs numpy/sklearn, FID vs scipy; writes bench/results-images.md.
if [ -f bench/images.ts ]; then echo "== images bench: node --import tsx bench/images.ts"; node --import tsx bench/images.ts | tee bench/out/images.log; fi
if [ -f bench/privacy.ts ]; then echo "== privacy bench: node --import tsx bench/privacy.ts"; node --import tsx bench/privacy.ts --sizes 10000,30000,100000 | tee bench/out/privacy.log; fi
{
  echo "# MedSynth benchmarks"
  echo
  echo "Run: \`npm run bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%dT%H:%MZ)."
  echo "Machine: $(nproc) CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), shared), $(free -g | awk '/Mem:/ {print $2}') GiB memory, node $(node --version), $(uname -sr)."
  echo "Ratios are measured side by side in one run; on a shared 2-core machine absolute figures move with load."
  echo
  cat bench/out/generation.md
  if [ -f bench/generation-device.md ]; then echo; cat bench/generation-device.md; fi
  if [ -f bench/results-dcr.md ]; then echo; cat bench/results-dcr.md; fi
  if [ -f bench/results-typing.md ]; then echo; cat bench/results-typing.md; fi
  if [ -f bench/results-readers.md ]; then echo; cat bench/results-readers.md; fi
  if [ -f bench/results-images.md ]; then echo; sed 's/^#/##/' bench/results-images.md; fi
  if [ -f bench/results-privacy.md ]; then echo; sed "s/^#/##/" bench/results-privacy.md; fi
  # The latest `npm run fuzz` campaign (inputs tried and failures per parser), demoted one heading level.
  if [ -f bench/results-fuzz.md ]; then echo; sed 's/^# /## /; s/^## \(Failures\|Typed\)/### \1/' bench/results-fuzz.md; fi
} > bench/results.md
echo "== wrote bench/results.md"
