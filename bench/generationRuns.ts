// Measurements for the generation bench (bench/generation.ts): a bare onnxruntime-node loop, the
// engine's sampling path (InferenceClient: fork, session, batches, IPC), the real CLI, and where the
// CLI's remaining time goes (decode, format, write) measured on the same sample in this process.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { serializeTableChunks } from '../src/core/data/table/tableWriter';
import { fillLatent } from '../src/core/generators/latent';
import type { GeneratorManifest, TablePostprocess } from '../src/core/generators/manifest';
import { decodeTableSample } from '../src/core/generators/tableDecoding';
import { InferenceClient } from '../src/engine/inferenceClient';
import type { ExecutionProviderName } from '../src/protocol/inference';

export interface Job {
  readonly modelPath: string;
  readonly manifest: GeneratorManifest;
  readonly n: number;
  readonly batch: number;
  readonly ep: string;
  readonly seed: number;
}

export interface BareRun {
  readonly provider: string;
  readonly sessionMs: number;
  readonly loopMs: number;
}

export interface EngineRun {
  readonly provider: string;
  /** From the fork to the last batch in this process. */
  readonly totalMs: number;
  /** The child's own figures: session creation and its batch loop. */
  readonly sessionMs: number;
  readonly loopMs: number;
  /** The time until the child's first batch arrived. */
  readonly firstBatchMs: number;
  readonly sample: Float32Array;
}

export interface CliRun {
  readonly wallMs: number;
  readonly sampleMs: number;
  readonly sessionMs: number;
  readonly loopMs: number;
  readonly totalMs: number;
  readonly executionProvider: string;
}

export async function bareLoop(job: Job): Promise<BareRun> {
  const dims = job.manifest.inputs.latent.shape[1];
  const t0 = performance.now();
  let provider = job.ep;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(job.modelPath, { executionProviders: [job.ep], graphOptimizationLevel: 'all' });
  } catch {
    provider = 'cpu';
    session = await ort.InferenceSession.create(job.modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  }
  const sessionMs = performance.now() - t0;
  const t1 = performance.now();
  for (let done = 0; done < job.n; done += job.batch) {
    const rows = Math.min(job.batch, job.n - done);
    const z = fillLatent(job.seed, done, rows, dims, 'normal');
    const out = await session.run({ [job.manifest.inputs.latent.name]: new ort.Tensor('float32', z, [rows, dims]) });
    out[job.manifest.outputs.sample.name].dispose();
  }
  const loopMs = performance.now() - t1;
  await session.release();
  return { provider, sessionMs, loopMs };
}

function providers(ep: string): ExecutionProviderName[] {
  return (ep === 'cpu' ? ['cpu'] : [ep, 'cpu']) as ExecutionProviderName[];
}

/** What `medsynth generate` spends before decoding: a fresh child, its session, the batches, the IPC. */
export async function engineRun(job: Job, script: string): Promise<EngineRun> {
  const t0 = performance.now();
  const client = new InferenceClient({ script });
  let firstBatchMs = 0;
  // Batches are kept as they arrive, as generate's pipeline takes them; they are joined after timing.
  const blocks: Float32Array[] = [];
  try {
    const res = await client.sample(
      {
        modelPath: job.modelPath,
        manifest: job.manifest,
        rows: job.n,
        firstRow: 0,
        seed: job.seed,
        batch: job.batch,
        executionProviders: providers(job.ep),
      },
      {
        onBatch: (b) => {
          firstBatchMs ||= performance.now() - t0;
          blocks.push(b.data);
        },
      },
    );
    const totalMs = performance.now() - t0;
    const sample = new Float32Array(blocks.reduce((a, b) => a + b.length, 0));
    let at = 0;
    for (const b of blocks) {
      sample.set(b, at);
      at += b.length;
    }
    return { provider: res.executionProvider, totalMs, sessionMs: res.sessionMs, loopMs: res.loopMs, firstBatchMs, sample };
  } finally {
    client.dispose();
  }
}

export function cliGenerate(cli: string, genDir: string, job: Job, out: string): CliRun {
  const args = [
    cli,
    'generate',
    genDir,
    '--n',
    String(job.n),
    '--seed',
    String(job.seed),
    '--out',
    out,
    '--batch',
    String(job.batch),
    '--ep',
    providers(job.ep).join(','),
    '--json',
  ];
  const t = performance.now();
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - t;
  if (res.status !== 0) throw new Error(`medsynth generate failed (${res.status}): ${res.stderr}`);
  const r = JSON.parse(res.stdout) as Omit<CliRun, 'wallMs'>;
  rmSync(out, { force: true });
  return {
    wallMs,
    sampleMs: r.sampleMs,
    sessionMs: r.sessionMs,
    loopMs: r.loopMs,
    totalMs: r.totalMs,
    executionProvider: r.executionProvider,
  };
}

export interface OutputCost {
  readonly decodeMs: number;
  readonly formatMs: number;
  readonly writeMs: number;
  readonly bytes: number;
}

/** Decode, CSV formatting and file writes of `sample`, timed apart, one thread, as the CLI does them. */
export async function outputCost(
  post: TablePostprocess,
  sample: Float32Array,
  rows: number,
  file: string,
  chunkRows = 65_536,
): Promise<OutputCost> {
  let decodeMs = 0;
  let formatMs = 0;
  let writeMs = 0;
  let bytes = 0;
  const fd = openSync(file, 'w');
  try {
    for (let a = 0; a < rows; a += chunkRows) {
      const b = Math.min(rows, a + chunkRows);
      let t = performance.now();
      const table = decodeTableSample(post, sample.subarray(a * post.features, b * post.features), b - a, a);
      decodeMs += performance.now() - t;
      t = performance.now();
      const parts: Uint8Array[] = [];
      for await (const part of serializeTableChunks(table, 'csv', { header: a === 0 })) parts.push(part);
      formatMs += performance.now() - t;
      t = performance.now();
      for (const part of parts) {
        writeSync(fd, part);
        bytes += part.length;
      }
      writeMs += performance.now() - t;
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return { decodeMs, formatMs, writeMs, bytes };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
