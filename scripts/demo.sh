#!/usr/bin/env bash
# The README's main job: install, build, then run the whole loop on each table and the MRI volume of the bundled sample
# workspace through the real `medsynth` CLI (and its inference process) — exactly what VS Code's
# "Run Full Loop" does: 20% of the rows are held out in memory (seeded), the built-in Gaussian copula is
# fitted on the rest and written out as an ONNX graph, synthetic rows are sampled through onnxruntime-node
# and evaluated for fidelity and privacy against the training part and the holdout. Each run lands in
# samples/workspace/synthetic/<run-id>/ (model.onnx, medsynth.json, synthetic.csv, report.json,
# report.html, run.json); no file with real rows is written and the sources are only read.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-install.sh
node esbuild.mjs --production >/dev/null
ws=samples/workspace
seed="${MEDSYNTH_DEMO_SEED:-42}"
for dataset in patients breast_cancer; do
  src="$ws/$dataset.csv"
  [ -f "$src" ] || { echo "demo: $src is missing" >&2; exit 2; }
  echo
  echo "== $dataset.csv: hold out 20%, fit, generate, evaluate (seed $seed)"
  node dist/cli.js run "$src" --workspace "$ws" --seed "$seed"
done
# Images: the same loop on 25 MRI slices; the built-in generator is probabilistic PCA, the synthetic
# images land in synthetic/<run-id>/synthetic/ as PNGs and the report compares them through the
# built-in embedder (assets/embedder).
src="$ws/images/anatomical.nii"
[ -f "$src" ] || { echo "demo: $src is missing" >&2; exit 2; }
echo
echo "== images/anatomical.nii: hold out 20% of the frames, fit PPCA, generate PNGs, evaluate (seed $seed)"
node dist/cli.js run "$src" --workspace "$ws" --seed "$seed"
echo
echo "== done: open samples/workspace/synthetic/<run-id>/report.html in a browser, or run 'npm start' to see it in VS Code"
