#!/usr/bin/env bash
# The README's main job: install, build, then split -> fit -> generate -> evaluate on the bundled
# sample workspace through the real `medsynth` CLI (and its inference process). Each dataset gets a
# folder under samples/workspace/synthetic/<run-id>/ with its train/holdout split (copies of real
# rows: 20% held out with a fixed seed), the generator fitted on train only, the synthetic table,
# report.json and report.html; the summary table, with the holdout-based privacy verdict, is printed.
# Source files are only read.
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
  echo "== $dataset: hold out 20% of $src (seed $seed)"
  "${cli[@]}" split "$src" --fraction 0.2 --seed "$seed" --train "$out/train.csv" --holdout "$out/holdout.csv"
  echo "== $dataset: fit a Gaussian copula on the training part"
  "${cli[@]}" fit "$out/train.csv" --generator copula --out "$out/generator"
  echo "== $dataset: generate $rows rows (seed $seed)"
  "${cli[@]}" generate "$out/generator" --n "$rows" --seed "$seed" --out "$out/synthetic.csv"
  echo "== $dataset: evaluate against the training part, with the holdout for the privacy verdict"
  "${cli[@]}" evaluate --real "$out/train.csv" --holdout "$out/holdout.csv" --synth "$out/synthetic.csv" --json "$out/report.json" --html "$out/report.html" --markdown "$out/report.md"
done
echo "== done: $run_dir (open */report.html in a browser)"
ls -1 "$run_dir"/*
