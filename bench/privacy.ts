// Privacy bench: privacy.dcr and the whole distance-based privacy section (dcr, nndr,
// membershipInference, identifiability, authenticity on one input, sharing the k-NN passes) at
// 10k, 30k (and 100k) rows × 32 numeric columns, against scikit-learn NearestNeighbors(brute, manhattan,
// n_jobs=-1) fit + query on the same range-scaled data (bench/privacy.py). Every measurement runs in its
// own child process so the peak resident memory (worker threads included) is that run's alone.
// Goals (issue 9): DCR ≤ 0.2 × scikit-learn's time, peak < 1 GB, the whole section < 1.5 × the DCR time.
// Run: node --import tsx bench/privacy.ts [--sizes 10000,30000,100000] [--cols 32] [--repeats 1] [--workers N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column, Table } from '../src/core/data/table/table';
import { authenticityMetric } from '../src/core/metrics/authenticity';
import { dcrMetric } from '../src/core/metrics/dcr';
import { simdKernelAvailable } from '../src/core/metrics/distanceKernel';
import { identifiabilityMetric } from '../src/core/metrics/identifiability';
import { membershipInferenceMetric } from '../src/core/metrics/membershipInference';
import { nndrMetric } from '../src/core/metrics/nndr';
import type { TableMetricInput } from '../src/core/metrics/types';
import { installKnnWorkers } from '../src/engine/knnPool';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const cols = Number(option('cols', '32'));
const repeats = Number(option('repeats', '1'));
const workers = Number(option('workers', String(availableParallelism())));
const holdoutShare = 0.25;

/** Seeded correlated data, so the numbers are the same on every run. */
function makeData(n: number, seed: number): Float64Array {
  let s = seed;
  const uniform = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const out = new Float64Array(n * cols);
  for (let r = 0; r < n; r++) {
    const shared = uniform();
    for (let c = 0; c < cols; c++) out[r * cols + c] = (c + 1) * (0.5 * shared + uniform()) + 10 * c;
  }
  return out;
}

function readTable(file: string): Table {
  const data = new Float64Array(readFileSync(file).buffer.slice(0));
  const n = data.length / cols;
  const columns: Column[] = Array.from({ length: cols }, (_, c) => ({
    kind: 'numeric',
    name: `x${c}`,
    integer: false,
    values: Float64Array.from({ length: n }, (_, r) => data[r * cols + c]),
  }));
  return { rowCount: n, columns };
}

interface ChildResult {
  readonly seconds: number;
  readonly peakMb: number;
  readonly median?: number;
  readonly perMetric?: Record<string, number>;
}

/** One measurement in this (child) process: 'dcr' = privacy.dcr on real + synthetic; 'section' = the five metrics with a holdout. */
async function child(mode: string, dir: string): Promise<void> {
  const uninstall =
    workers > 1 ? installKnnWorkers({ script: join(__dirname, '..', 'src', 'engine', 'knnWorkerMain.ts'), size: workers }) : undefined;
  const real = readTable(join(dir, 'real.f64'));
  const synth = readTable(join(dir, 'synth.f64'));
  const holdout = mode === 'section' ? readTable(join(dir, 'holdout.f64')) : undefined;
  const times: number[] = [];
  let median = Number.NaN;
  const perMetric: Record<string, number> = {};
  for (let k = 0; k < repeats; k++) {
    // A fresh input object per repeat: the shared passes are memoised per input.
    const input: TableMetricInput = holdout ? { real, synth, holdout } : { real, synth };
    const start = performance.now();
    const metrics =
      mode === 'section' ? [dcrMetric, nndrMetric, membershipInferenceMetric, identifiabilityMetric, authenticityMetric] : [dcrMetric];
    for (const m of metrics) {
      const t = performance.now();
      const result = await m.compute(input);
      perMetric[m.id] = Math.min(perMetric[m.id] ?? Infinity, (performance.now() - t) / 1000);
      if (m === dcrMetric) median = result.score ?? Number.NaN;
      if (result.score === null) throw new Error(`${m.id}: ${result.error ?? result.notApplicable ?? 'no score'}`);
    }
    times.push((performance.now() - start) / 1000);
  }
  await uninstall?.();
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds: Math.min(...times), peakMb, median, perMetric } satisfies ChildResult)}\n`);
}

function runChild(mode: string, dir: string): ChildResult {
  const args = [
    '--import',
    'tsx',
    __filename,
    '--child',
    mode,
    '--dir',
    dir,
    '--cols',
    String(cols),
    '--repeats',
    String(repeats),
    '--workers',
    String(workers),
  ];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildResult;
}

async function main(): Promise<void> {
  const mode = option('child', '');
  if (mode) return child(mode, option('dir', ''));
  const sizes = option('sizes', '10000,30000').split(',').map(Number);
  const rows: string[] = [];
  const notes: string[] = [];
  let sklearnVersion = '';
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-privacy-bench-'));
    try {
      writeFileSync(join(dir, 'real.f64'), makeData(n, 12345));
      writeFileSync(join(dir, 'synth.f64'), makeData(n, 67890));
      writeFileSync(join(dir, 'holdout.f64'), makeData(Math.round(n * holdoutShare), 24680));
      const sk = JSON.parse(
        execFileSync('/usr/bin/python3', [join(__dirname, 'privacy.py'), dir, String(n), String(cols), String(repeats)], {
          encoding: 'utf8',
        }),
      ) as ChildResult & { sklearn: string };
      sklearnVersion = sk.sklearn;
      const dcr = runChild('dcr', dir);
      const section = runChild('section', dir);
      const dcrInSection = section.perMetric?.['privacy.dcr'] ?? Number.NaN;
      rows.push(
        `| ${n} | ${sk.seconds.toFixed(2)} | ${sk.peakMb.toFixed(0)} | ${dcr.seconds.toFixed(2)} | ${(dcr.seconds / sk.seconds).toFixed(2)} | ` +
          `${dcr.peakMb.toFixed(0)} | ${dcrInSection.toFixed(2)} | ${section.seconds.toFixed(2)} | ${(section.seconds / dcrInSection).toFixed(2)} | ${section.peakMb.toFixed(0)} |`,
      );
      notes.push(
        `- ${n} rows: median DCR ${dcr.median?.toPrecision(7)} (sklearn ${sk.median?.toPrecision(7)}); section per metric (s): ` +
          Object.entries(section.perMetric ?? {})
            .map(([id, s]) => `${id.replace('privacy.', '')} ${s.toFixed(2)}`)
            .join(', '),
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const lines = [
    '## Privacy section: k-NN passes vs scikit-learn NearestNeighbors (brute, manhattan, n_jobs=-1)',
    '',
    `Data: n real × n synthetic rows × ${cols} numeric columns (seeded, correlated), range-scaled; the section adds a holdout of ` +
      `${holdoutShare} n rows. Best of ${repeats} run(s); each measurement in its own process, peak = that process's max RSS ` +
      '(node: tsx, data, worker threads; python: numpy, data, sklearn).',
    `Machine: ${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}, shared), node ${process.version}, scikit-learn ${sklearnVersion}; ` +
      `MedSynth kernel: ${simdKernelAvailable() ? 'WebAssembly SIMD f32x4' : 'scalar JS'} on ${workers} worker thread(s).`,
    '',
    '| rows n | sklearn fit+query s | sklearn peak MB | privacy.dcr s | ratio to sklearn | dcr peak MB | dcr with holdout s | section s | section / dcr (same input) | section peak MB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...notes,
    '',
    'Goals (issue 9): privacy.dcr ≤ 0.2 × sklearn, peak < 1 GB, section < 1.5 × DCR. "section / dcr" divides the five metrics on one ' +
      'input with a holdout by privacy.dcr on that input (synthetic ↔ real and synthetic ↔ holdout as two-way passes, which give ' +
      'membership and identifiability their real → synthetic and holdout → synthetic too, and holdout → real); the section adds one ' +
      'triangular real → real pass (each pair once).',
    '',
    `Command: \`node --import tsx bench/privacy.ts --sizes ${sizes.join(',')} --cols ${cols} --repeats ${repeats} --workers ${workers}\``,
    '',
  ];
  writeFileSync(join(__dirname, 'results-privacy.md'), lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
