// Image evaluation through the engine and the full loop on images: real slices (nibabel's
// anatomical.nii) against PPCA samples written as PNG, with the built-in embedder run by the real
// inference process. Known answers: a synthetic set that is a copy of the real frames is flagged as
// pixel-identical near-duplicates with coverage 1 and FID about 0; an embedder folder whose model has
// the wrong rank is refused naming the file; the full loop writes a run folder with a folder of
// synthetic images and an image report, and leaves the source untouched.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { fitGenerator } from '../../../src/engine/fit';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { generateSynthetic } from '../../../src/engine/generate';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { rejectsWith } from '../typedErrors';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const ANATOMICAL = join(ROOT, 'test', 'fixtures', 'images', 'anatomical.nii');
const EMBEDDER = join(ROOT, 'assets', 'embedder');

describe('image evaluation', () => {
  let work: string;
  let client: InferenceClient;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'medsynth-imageeval-'));
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
    await fitGenerator({ dataset: ANATOMICAL, outDir: join(work, 'gen') });
    await generateSynthetic({
      generatorPath: join(work, 'gen'),
      n: 30,
      seed: 2,
      client,
      executionProviders: ['cpu'],
      out: join(work, 'synth'),
    });
  });
  after(() => client.dispose());

  it('computes every image metric with the embedder named in the details and the report', async () => {
    const report = await evaluateSynthetic({ real: ANATOMICAL, synth: join(work, 'synth'), client, json: join(work, 'report.json') });
    assert.equal(report.modality, 'image');
    assert.deepEqual(
      report.metrics.map((m) => m.id),
      ['fidelity.fid', 'fidelity.prdc', 'fidelity.mmd', 'diversity.msssim', 'privacy.dcr', 'privacy.nndr', 'privacy.nearDuplicates'],
    );
    for (const m of report.metrics) assert.equal(m.error, undefined, `${m.id}: ${m.error}`);
    const embedderManifest = JSON.parse(readFileSync(join(EMBEDDER, 'medsynth.json'), 'utf8')) as { name: string };
    const fid = report.metrics.find((m) => m.id === 'fidelity.fid');
    assert.deepEqual((fid?.details.embedder as { name: string }).name, embedderManifest.name);
    assert.equal(report.images?.embedder.dims, 384);
    assert.equal(report.images?.realFrames, 25);
    assert.equal(report.images?.synthFrames, 30);
    assert.equal(report.real.file, ANATOMICAL);
    assert.match(report.real.sha256 ?? '', /^[0-9a-f]{64}$/);
    const saved = JSON.parse(readFileSync(join(work, 'report.json'), 'utf8')) as { images: { grid: { real: { pngBase64: string }[] } } };
    // Thumbnails are PNGs (signature 89 50 4E 47).
    assert.equal(Buffer.from(saved.images.grid.real[0].pngBase64, 'base64').subarray(0, 4).toString('hex'), '89504e47');
  });

  it('flags a synthetic set that copies the real frames: every image a pixel-identical near-duplicate, FID about 0', async () => {
    const copy = join(work, 'copy');
    mkdirSync(copy);
    copyFileSync(ANATOMICAL, join(copy, 'copy.nii'));
    const report = await evaluateSynthetic({ real: ANATOMICAL, synth: copy, client });
    const near = report.metrics.find((m) => m.id === 'privacy.nearDuplicates');
    assert.equal(near?.score, 1);
    assert.equal(near?.details.pixelIdentical, 25);
    assert.equal(report.metrics.find((m) => m.id === 'fidelity.prdc')?.details.coverage, 1);
    assert.ok(Math.abs(report.metrics.find((m) => m.id === 'fidelity.fid')?.score ?? 1) < 1e-6);
    assert.equal(report.images?.gallery.pairs[0].distance, 0);
  });

  it('refuses an embedder whose model has the wrong rank, naming the file', async () => {
    const bad = join(work, 'bad-embedder');
    mkdirSync(bad);
    // The tiny fixture GAN maps [-1, 8] to images: as an embedder its input has rank 2, not [-1, C, H, W].
    copyFileSync(join(ROOT, 'test', 'fixtures', 'models', 'image_tiny', 'gan', 'model.onnx'), join(bad, 'model.onnx'));
    writeFileSync(
      join(bad, 'medsynth.json'),
      JSON.stringify({
        schema: 'medsynth.embedder/1',
        name: 'wrong rank',
        model: 'model.onnx',
        input: { name: 'z', shape: [-1, 1, 8, 8] },
        valueRange: [-1, 1],
        output: { name: 'image' },
        doc: 'test',
        license: 'test',
      }),
    );
    const e = await rejectsWith(
      evaluateSynthetic({ real: ANATOMICAL, synth: join(work, 'synth'), client, embedder: bad }),
      'MODEL_MISMATCH',
    );
    assert.match(e.message, /model\.onnx/);
  });

  it('refuses to compare images with a table', async () => {
    await rejectsWith(
      evaluateSynthetic({ real: ANATOMICAL, synth: join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv'), client }),
      'BAD_USAGE',
    );
  });

  it('runs the full loop on a NIfTI volume: a folder of synthetic images, an image report, the source unchanged', async () => {
    const ws = join(work, 'ws');
    mkdirSync(ws);
    copyFileSync(ANATOMICAL, join(ws, 'brain.nii'));
    const before = readFileSync(join(ws, 'brain.nii'));
    const res = await runFullLoop({ dataset: join(ws, 'brain.nii'), workspaceRoot: ws, seed: 5, client, runId: 'img-run' });
    assert.deepEqual(readdirSync(res.runDir).sort(), [
      'medsynth.json',
      'model.onnx',
      'report.html',
      'report.json',
      'run.json',
      'synthetic',
    ]);
    assert.equal(readdirSync(join(res.runDir, 'synthetic')).length, 25);
    const report = JSON.parse(readFileSync(join(res.runDir, 'report.json'), 'utf8')) as {
      modality: string;
      holdout?: { rows: number };
      images?: unknown;
    };
    assert.equal(report.modality, 'image');
    assert.equal(report.holdout?.rows, 5);
    assert.ok(report.images);
    const run = JSON.parse(readFileSync(join(res.runDir, 'run.json'), 'utf8')) as {
      dataset: { frames: number };
      holdout: { trainRows: number };
    };
    assert.equal(run.dataset.frames, 25);
    assert.equal(run.holdout.trainRows, 20);
    assert.deepEqual(readFileSync(join(ws, 'brain.nii')), before);
  });
});
