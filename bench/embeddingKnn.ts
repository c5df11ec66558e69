// Embedding k-NN bench: the two nearest real embeddings of every synthetic one (the search behind the
// image DCR/NNDR; core/metrics/image/featureNeighbours.ts), with the tile products in this thread and
// as ONNX Runtime matrix products in the inference process (engine/gramTiles.ts, what `medsynth
// evaluate` uses for images), against scikit-learn NearestNeighbors(brute, euclidean, n_jobs=-1) on the
// same float64 data (bench/embeddingKnn.py). The inference process is started before the clock, as in
// an evaluation (it has just embedded the images). Writes bench/results-embedding-knn.md.
// Run: npm run build && node --import tsx bench/embeddingKnn.ts [--sizes 5000,20000] [--dims 64]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nearestNeighbours } from '../src/core/metrics/image/featureNeighbours';
import type { FeatureMatrix } from '../src/core/metrics/image/imageMetric';
import { installGramTiles } from '../src/engine/gramTiles';
import { InferenceClient } from '../src/engine/inferenceClient';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const sizes = option('sizes', '5000,20000').split(',').map(Number);
const dims = Number(option('dims', '64'));

function embeddings(n: number, seed: number): FeatureMatrix {
  let s = seed;
  const uniform = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  return { data: Float32Array.from({ length: n * dims }, uniform), rows: n, dims };
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await run();
  return [(performance.now() - t0) / 1000, out];
}

async function main(): Promise<void> {
  const client = new InferenceClient({ script: join(__dirname, '..', 'dist', 'inference.js') });
  await client.gram(new Float64Array([1]), 1, new Float64Array([1]), 1, 1); // start the process and load the session
  const rows: string[] = [];
  for (const n of sizes) {
    const real = embeddings(n, 7);
    const synth = embeddings(n, 11);
    const [local, a] = await timed(() => nearestNeighbours(synth, real, 2));
    const tiles = installGramTiles(client);
    const [onnx, b] = await timed(() => nearestNeighbours(synth, real, 2)).finally(() => tiles.uninstall());
    const same = a.indices.every((v, i) => v === b.indices[i]) && a.distances.every((v, i) => v === b.distances[i]);
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-eknn-'));
    let sk: { seconds: number; first: number[] };
    try {
      writeFileSync(join(dir, 'real.f32'), real.data);
      writeFileSync(join(dir, 'synth.f32'), synth.data);
      sk = JSON.parse(
        execFileSync('/usr/bin/python3', [join(__dirname, 'embeddingKnn.py'), dir, String(n), String(dims), '1'], { encoding: 'utf8' }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const agrees = sk.first.every((v, i) => v === a.indices[i * 2]);
    const line = `| ${n} × ${n} × ${dims} | ${local.toFixed(2)} | ${onnx.toFixed(2)} (${tiles.executionProvider()}) | ${sk.seconds.toFixed(2)} | ${(onnx / local).toFixed(2)}× | ${(onnx / sk.seconds).toFixed(2)}× | ${same ? 'identical' : 'DIFFER'}; first indices ${agrees ? '= sklearn' : '≠ sklearn'} |`;
    console.log(line);
    rows.push(line);
  }
  client.dispose();
  const md = [
    '# Embedding k-NN: in-thread tiles vs ONNX Runtime tiles vs scikit-learn',
    '',
    `Run: \`npm run build && node --import tsx bench/embeddingKnn.ts --sizes ${sizes.join(',')} --dims ${dims}\` on ${new Date().toISOString().slice(0, 16)}Z,`,
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), shared. Two nearest real embeddings of every synthetic one, float64.`,
    'ONNX: the tile products a·bᵀ (2048 × 2048 per call) in the inference process on the cpu provider; norms, clamp and exact',
    'recomputation of the candidates stay in TypeScript, so the neighbours are the same. sklearn: NearestNeighbors(brute, euclidean, n_jobs=-1).',
    '',
    '| size | in-thread s | ONNX tiles s | sklearn s | ONNX / in-thread | ONNX / sklearn | results |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(__dirname, 'results-embedding-knn.md'), md);
}

void main();
