// Engine jobs in-process (the inference child still forks for real): the full loop's run folder,
// cancellation leaving nothing behind, shard arithmetic, and refusing to overwrite sources.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { enableCudaAcceleration, installerFailure } from '../../../src/engine/cuda';
import { fitGenerator } from '../../../src/engine/fit';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { generateSynthetic, parseShard, shardRange } from '../../../src/engine/generate';
import { tablePostprocess } from '../../../src/core/modalities/table/tableModality';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { writeSampleTable } from './wholeSampleWriter';
import { loadGenerator } from '../../../src/storage/generatorFolder';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof MedSynthError && e.code === code);
}

describe('shards', () => {
  it('split n rows into [floor(i*n/k), floor((i+1)*n/k))', () => {
    assert.deepEqual(shardRange(10, { index: 0, count: 3 }), { firstRow: 0, rows: 3 });
    assert.deepEqual(shardRange(10, { index: 1, count: 3 }), { firstRow: 3, rows: 3 });
    assert.deepEqual(shardRange(10, { index: 2, count: 3 }), { firstRow: 6, rows: 4 });
    assert.deepEqual(shardRange(2, { index: 0, count: 4 }), { firstRow: 0, rows: 0 });
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
    for (const bad of ['5/5', '1/0', 'a/b', '-1/3', '1']) assert.throws(() => parseShard(bad), /--shard/);
  });
});

describe('engine jobs', () => {
  let workspace: string;
  let client: InferenceClient;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'medsynth-engine-'));
    mkdirSync(join(workspace, 'data'));
    copyFileSync(PATIENTS, join(workspace, 'data', 'patients.csv'));
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  it('runFullLoop writes synthetic/<run-id>/ with model, manifest, data, report and run record', async () => {
    const dataset = join(workspace, 'data', 'patients.csv');
    const before = readFileSync(dataset);
    const phases = new Set<string>();
    const res = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      n: 200,
      seed: 42,
      client,
      executionProviders: ['cpu'],
      onProgress: (p) => phases.add(p.phase),
      runId: 'run-1',
    });
    assert.equal(res.runDir, join(workspace, 'synthetic', 'run-1'));
    // The default 0.2 holdout is split in memory: no part of it (no real row) is written to the run.
    assert.deepEqual(readdirSync(res.runDir).sort(), [
      'medsynth.json',
      'model.onnx',
      'report.html',
      'report.json',
      'run.json',
      'synthetic.csv',
    ]);
    assert.deepEqual(readdirSync(join(workspace, 'synthetic')), ['run-1']);
    const run = JSON.parse(readFileSync(res.files.run, 'utf8')) as { generate: { seed: number; executionProvider: string } };
    assert.equal(run.generate.seed, 42);
    assert.equal(run.generate.executionProvider, 'cpu');
    assert.equal(res.report.generator?.executionProvider, 'cpu');
    assert.equal(res.report.synth.rows, 200);
    assert.ok(res.report.metrics.length >= 5);
    assert.ok(
      ['split', 'read', 'fit', 'generate', 'evaluate', 'write'].every((p) => phases.has(p)),
      [...phases].join(','),
    );
    assert.deepEqual(readFileSync(dataset), before);
    // Identifiers are regenerated, never copied from the source.
    const sourceIds = new Set(
      before
        .toString('utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    );
    const synthIds = readFileSync(res.files.synthetic, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    assert.equal(synthIds.filter((id) => sourceIds.has(id)).length, 0);
  });

  it('a cancelled full loop leaves no run folder and no temp folder; the next run works', async () => {
    const controller = new AbortController();
    const run = runFullLoop({
      dataset: join(workspace, 'data', 'patients.csv'),
      workspaceRoot: workspace,
      n: 3_000_000,
      seed: 1,
      batch: 2000,
      client,
      executionProviders: ['cpu'],
      signal: controller.signal,
      runId: 'run-cancelled',
      onProgress: (p) => p.phase === 'generate' && controller.abort(),
    });
    await rejectsWith(run, 'CANCELLED');
    assert.deepEqual(readdirSync(join(workspace, 'synthetic')), ['run-1']);
    const res = await runFullLoop({
      dataset: join(workspace, 'data', 'patients.csv'),
      workspaceRoot: workspace,
      n: 20,
      seed: 2,
      client,
      executionProviders: ['cpu'],
      runId: 'run-2',
    });
    assert.ok(existsSync(res.files.reportHtml));
  });

  it('cancelling generate leaves no partial output file', async () => {
    const gen = join(workspace, 'gen');
    await fitGenerator({ dataset: join(workspace, 'data', 'patients.csv'), generator: 'copula', outDir: gen });
    const out = join(workspace, 'cancelled.csv');
    const controller = new AbortController();
    const job = generateSynthetic({
      generatorPath: gen,
      n: 3_000_000,
      seed: 1,
      out,
      batch: 2000,
      client,
      executionProviders: ['cpu'],
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await rejectsWith(job, 'CANCELLED');
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(workspace).filter((f) => f.includes('cancelled')),
      [],
    );
  });

  it('refuses to overwrite sources: fit into the dataset folder, generate over the model', async () => {
    await rejectsWith(
      fitGenerator({ dataset: join(workspace, 'data', 'patients.csv'), generator: 'copula', outDir: join(workspace, 'data') }),
      'BAD_USAGE',
    );
    await rejectsWith(
      generateSynthetic({ generatorPath: join(workspace, 'gen'), n: 5, seed: 1, out: join(workspace, 'gen', 'medsynth.json'), client }),
      'BAD_USAGE',
    );
    await rejectsWith(
      generateSynthetic({ generatorPath: join(workspace, 'gen'), n: 5, seed: 1, out: join(workspace, 'x.txt'), client }),
      'BAD_USAGE',
    );
  });

  it('enableCudaAcceleration explains why it cannot run here instead of failing obscurely', async () => {
    const mac = await enableCudaAcceleration({ platform: 'darwin', arch: 'arm64' });
    assert.equal(mac.ok, false);
    assert.match(mac.message, /coreml/);
    const here = await enableCudaAcceleration({ ortRoot: join(workspace, 'no-ort'), skipDriverCheck: false });
    assert.equal(here.ok, false);
    assert.match(here.message, /NVIDIA driver|installer is missing/);
  });
});

describe('CUDA installer failures', () => {
  it('say plainly that the NuGet feed cannot be reached (output captured on an offline H200 machine)', () => {
    const offline = [
      'node:internal/process/promises:391',
      'Error: getaddrinfo EAI_AGAIN api.nuget.org',
      "  hostname: 'api.nuget.org'",
      'Node.js v20.20.2',
    ];
    assert.match(installerFailure(offline, 1), /network access to api\.nuget\.org/);
    assert.equal(
      installerFailure(['Error: Invalid installation: cuda11 for platform: linux/x64', 'Node.js v20.20.2'], 1),
      'Error: Invalid installation: cuda11 for platform: linux/x64',
    );
    assert.equal(installerFailure([], 3), 'exit code 3');
  });
});

describe('chunked output', () => {
  it('writes the same CSV and JSONL bytes in row chunks as in one piece (identifiers keep global numbers)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-chunks-'));
    const gen = join(dir, 'gen');
    await fitGenerator({ dataset: PATIENTS, generator: 'copula', outDir: gen });
    const loaded = await loadGenerator(gen);
    const post = tablePostprocess(loaded.manifest, gen);
    const client = new InferenceClient({ script: INFERENCE_SCRIPT });
    try {
      const res = await client.sample({
        modelPath: loaded.modelPath,
        manifest: loaded.manifest,
        rows: 50,
        firstRow: 1000,
        seed: 9,
        batch: 16,
        executionProviders: ['cpu'],
      });
      for (const ext of ['csv', 'jsonl']) {
        const whole = join(dir, `whole.${ext}`);
        const chunked = join(dir, `chunked.${ext}`);
        await writeSampleTable(whole, post, res.sample, 50, res.features, 1000);
        await writeSampleTable(chunked, post, res.sample, 50, res.features, 1000, undefined, 7);
        assert.deepEqual(readFileSync(chunked), readFileSync(whole));
      }
      assert.match(readFileSync(join(dir, 'whole.csv'), 'utf8').split('\n')[50], /1049/);
    } finally {
      client.dispose();
    }
  });
});
