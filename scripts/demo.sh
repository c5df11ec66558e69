#!/usr/bin/env bash
# The README's main job: install, build, then split -> fit -> generate -> evaluate on the bundled
# sample workspace through the real `medsynth` CLI (and its inference process). Each dataset gets a
# folder under samples/workspace/synthetic/<run-id>/ with the generator fitted on the training part
# only, the synthetic table, report.json and report.html; the summary table, with the holdout-based
# privacy verdict, is printed. The train/holdout split (20% held out with a fixed seed) is a copy of
# real rows, so it goes to a temporary folder that is removed on exit and never sits beside the
# synthetic outputs. Source files are only read.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-install.sh
node esbuild.mjs --production >/dev/null
ws=samples/workspace
run_id="demo-$(date -u +%Y%m%d-%H%M%S)"
seed="${MEDSYNTH_DEMO_SEED:-42}"
run_dir="$ws/synthetic/$run_id"
mkdir -p "$run_dir"
split_dir="$(mktemp -d "${TMPDIR:-/tmp}/medsynth-demo-split.XXXXXX")"
trap 'rm -rf "$split_dir"' EXIT
cli=(node dist/cli.js)
for dataset in patients breast_cancer; do
  src="$ws/$dataset.csv"
  [ -f "$src" ] || { echo "demo: $src is missing" >&2; exit 2; }
  out="$run_dir/$dataset"
  train="$split_dir/$dataset/train.csv"
  holdout="$split_dir/$dataset/holdout.csv"
  mkdir -p "$split_dir/$dataset"
  rows=$(( $(wc -l < "$src") - 1 ))
  echo "== $dataset: hold out 20% of $src (seed $seed)"
  "${cli[@]}" split "$src" --fraction 0.2 --seed "$seed" --train "$train" --holdout "$holdout"
  echo "== $dataset: fit a Gaussian copula on the training part"
  "${cli[@]}" fit "$train" --generator copula --out "$out/generator"
  echo "== $dataset: generate $rows rows (seed $seed)"
  "${cli[@]}" generate "$out/generator" --n "$rows" --seed "$seed" --out "$out/synthetic.csv"
  echo "== $dataset: evaluate against the training part, with the holdout for the privacy verdict"
  "${cli[@]}" evaluate --real "$train" --holdout "$holdout" --synth "$out/synthetic.csv" --json "$out/report.json" --html "$out/report.html" --markdown "$out/report.md"
done
echo "== done: $run_dir (open */report.html in a browser)"
ls -1 "$run_dir"/*
