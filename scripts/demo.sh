#!/usr/bin/env bash
# The README's main job: install, build, then fit -> generate -> evaluate on the bundled sample
# workspace through the real `medsynth` CLI (and its inference process). Each dataset gets a folder
# under samples/workspace/synthetic/<run-id>/ with the generator, the synthetic table, report.json
# and report.html; the summary table is printed. Source files are only read.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-install.sh
node esbuild.mjs --production >/dev/null
ws=samples/workspace
run_id="demo-$(date -u +%Y%m%d-%H%M%S)"
seed="${MEDSYNTH_DEMO_SEED:-42}"
run_dir="$ws/synthetic/$run_id"
mkdir -p "$run_dir"
cli=(node dist/cli.js)
for dataset in patients breast_cancer; do
  src="$ws/$dataset.csv"
  [ -f "$src" ] || { echo "demo: $src is missing" >&2; exit 2; }
  out="$run_dir/$dataset"
  rows=$(( $(wc -l < "$src") - 1 ))
  echo "== $dataset: fit a Gaussian copula on $src"
  "${cli[@]}" fit "$src" --generator copula --out "$out"
  echo "== $dataset: generate $rows rows (seed $seed)"
  "${cli[@]}" generate "$out" --n "$rows" --seed "$seed" --out "$out/synthetic.csv"
  echo "== $dataset: evaluate"
  "${cli[@]}" evaluate --real "$src" --synth "$out/synthetic.csv" --json "$out/report.json" --html "$out/report.html" --markdown "$out/report.md"
done
echo "== done: $run_dir (open */report.html in a browser)"
ls -1 "$run_dir"/*
