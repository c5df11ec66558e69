// Generation bench: samples/s of `medsynth generate` (the real CLI, its inference child process and the
// protocol) against a bare onnxruntime-node loop on the same model, batch and provider, in one run.
// Run: node --import tsx bench/generation.ts [--n 262144] [--batch 4096] [--ep cpu] [--reps 3]
// Writes bench/out/generation.json and prints a Markdown section for bench/results.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { fillLatent } from '../src/core/generators/latent';
import type { GeneratorManifest } from '../src/core/generators/manifest';

// MEDSYNTH_ROOT lets a bundled copy of this bench run from elsewhere (e.g. on a device machine).
const ROOT = process.env.MEDSYNTH_ROOT ?? join(__dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const CLI = join(ROOT, 'dist', 'cli.js');
const DATASET = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');

const { values } = parseArgs({ options: { n: { type: 'string', default: '262144' }, batch: { type: 'string', default: '4096' }, ep: { type: 'string', default: 'cpu' }, reps: { type: 'string', default: '3' } } });
const n = Number(values.n);
const batch = Number(values.batch);
const ep = String(values.ep);
const reps = Number(values.reps);
const seed = 1;

interface CliGenerate {
  readonly rows: number;
  readonly executionProvider: string;
  readonly sampleMs: number;
  readonly sessionMs: number;
  readonly loopMs: number;
  readonly totalMs: number;
}

function cli(args: readonly string[]): string {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`medsynth ${args[0]} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

async function bareLoop(modelPath: string, manifest: GeneratorManifest): Promise<{ provider: string; sessionMs: number; loopMs: number }> {
  const dims = manifest.inputs.latent.shape[1];
  const t0 = performance.now();
  let provider = ep;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, { executionProviders: [ep], graphOptimizationLevel: 'all' });
  } catch {
    provider = 'cpu';
    session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  }
  const sessionMs = performance.now() - t0;
  const t1 = performance.now();
  for (let done = 0; done < n; done += batch) {
    const rows = Math.min(batch, n - done);
    const z = fillLatent(seed, done, rows, dims, 'normal');
    const out = await session.run({ [manifest.inputs.latent.name]: new ort.Tensor('float32', z, [rows, dims]) });
    out[manifest.outputs.sample.name].dispose();
  }
  const loopMs = performance.now() - t1;
  await session.release();
  return { provider, sessionMs, loopMs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const genDir = join(OUT, 'copula-breast-cancer');
  rmSync(genDir, { recursive: true, force: true });
  cli(['fit', DATASET, '--generator', 'copula', '--out', genDir]);
  const manifest = JSON.parse(readFileSync(join(genDir, 'medsynth.json'), 'utf8')) as GeneratorManifest;
  const modelPath = join(genDir, manifest.model);
  const csv = join(OUT, 'generated.csv');

  const runs: { bare: Awaited<ReturnType<typeof bareLoop>>; cli: CliGenerate; cliWallMs: number }[] = [];
  await bareLoop(modelPath, manifest); // warm the page cache and the CPU's clocks once
  for (let r = 0; r < reps; r++) {
    const bare = await bareLoop(modelPath, manifest);
    const t = performance.now();
    const res = JSON.parse(cli(['generate', genDir, '--n', String(n), '--seed', String(seed), '--out', csv, '--batch', String(batch), '--ep', ep === 'cpu' ? 'cpu' : `${ep},cpu`, '--json'])) as CliGenerate;
    runs.push({ bare, cli: res, cliWallMs: performance.now() - t });
  }
  rmSync(csv, { force: true });

  const sps = (ms: number): number => (n * 1000) / ms;
  const figures = {
    bareWarm: median(runs.map((r) => sps(r.bare.loopMs))),
    bareCold: median(runs.map((r) => sps(r.bare.sessionMs + r.bare.loopMs))),
    childLoop: median(runs.map((r) => sps(r.cli.loopMs))),
    engineSample: median(runs.map((r) => sps(r.cli.sampleMs))),
    cliEndToEnd: median(runs.map((r) => sps(r.cliWallMs))),
  };
  const result = {
    n,
    batch,
    requestedProvider: ep,
    bareProvider: runs[0].bare.provider,
    medsynthProvider: runs[0].cli.executionProvider,
    features: (manifest.postprocess as { features?: number } | undefined)?.features,
    reps,
    samplesPerSecond: figures,
    ratios: { engineVsBareCold: figures.engineSample / figures.bareCold, childLoopVsBareWarm: figures.childLoop / figures.bareWarm, cliEndToEndVsBareCold: figures.cliEndToEnd / figures.bareCold },
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, ort: ort.env.versions.common },
    runs,
  };
  writeFileSync(join(OUT, 'generation.json'), `${JSON.stringify(result, null, 2)}\n`);
  const f = (x: number): string => Math.round(x).toLocaleString('en-US');
  const r = (x: number): string => x.toFixed(3);
  process.stdout.write(
    [
      '## Generation: `medsynth generate` vs a bare onnxruntime-node loop',
      '',
      `Model: Gaussian copula fitted on breast_cancer.csv (${result.features} output features), n = ${n.toLocaleString('en-US')} rows, batch ${batch}, provider ${result.medsynthProvider} (bare loop: ${result.bareProvider}), median of ${reps} runs. Goal: ratio ≥ 0.95.`,
      '',
      '| path | samples/s | ratio |',
      '| --- | ---: | ---: |',
      `| bare loop, session creation + fillLatent + session.run | ${f(figures.bareCold)} | 1 |`,
      `| medsynth engine: fork child + session + batches + transfer (Float32Array over IPC) | ${f(figures.engineSample)} | **${r(result.ratios.engineVsBareCold)}** |`,
      `| bare loop, batches only (warm session) | ${f(figures.bareWarm)} | 1 |`,
      `| medsynth child batch loop only (warm) | ${f(figures.childLoop)} | ${r(result.ratios.childLoopVsBareWarm)} |`,
      `| medsynth CLI end to end (node start, load, sample, decode, write CSV) | ${f(figures.cliEndToEnd)} | ${r(result.ratios.cliEndToEndVsBareCold)} |`,
      '',
      `Command: \`node --import tsx bench/generation.ts --n ${n} --batch ${batch} --ep ${ep} --reps ${reps}\``,
      '',
    ].join('\n'),
  );
}

void main();
