// Inspect Dataset's worker thread: the summary comes back, typed errors cross the thread, and cancel
// ends the worker at once even when it is stuck in a loop that never yields (as a spinning codec would).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { inspectInWorker } from '../../../src/engine/datasetInspection';
import { rejectsWith } from '../typedErrors';

const ROOT = join(__dirname, '..', '..', '..');
// The worker entry bundled as esbuild.mjs bundles it (a worker thread cannot load TypeScript itself).
const BUNDLE_DIR = join(ROOT, '.cache', `dataset-worker-test-${process.pid}`);
mkdirSync(BUNDLE_DIR, { recursive: true });
const SCRIPT = join(BUNDLE_DIR, 'datasetWorker.js');
buildSync({
  entryPoints: [join(ROOT, 'src', 'engine', 'datasetWorkerMain.ts')],
  outfile: SCRIPT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
});
after(() => rmSync(BUNDLE_DIR, { recursive: true, force: true }));
const CT = join(ROOT, 'samples', 'workspace', 'images', 'CT_small.dcm');

describe('inspectInWorker', () => {
  it('returns the summary of a DICOM image read in the worker (pydicom: 128 x 128, -896..1167 HU)', async () => {
    const d = await inspectInWorker(CT, { script: SCRIPT });
    const [im] = d.images as { shape: number[]; values: { min: number; max: number } }[];
    assert.deepEqual(im.shape, [1, 128, 128, 1]);
    assert.deepEqual([im.values.min, im.values.max], [-896, 1167]);
  });

  it('passes typed errors back: a cap names its setting, a broken file names itself', async () => {
    const e = await rejectsWith(inspectInWorker(CT, { script: SCRIPT, limits: { maxPixels: 100 } }), 'LIMIT_EXCEEDED');
    assert.match(e.message, /medsynth\.maxPixels/);
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-worker-'));
    const bad = join(dir, 'bad.nii');
    writeFileSync(bad, new Uint8Array(100));
    const b = await rejectsWith(inspectInWorker(bad, { script: SCRIPT }), 'BAD_INPUT');
    assert.match(b.message, /bad\.nii/);
  });

  it('cancels a worker stuck in a loop that never yields, within a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-worker-'));
    const spin = join(dir, 'spin.js');
    writeFileSync(spin, 'for (;;) {}\n');
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    await rejectsWith(inspectInWorker(CT, { script: spin, signal: controller.signal }), 'CANCELLED');
    assert.ok(Date.now() - started < 1300, `settled after ${Date.now() - started} ms`);
  });

  it('turns a worker that dies without answering into a typed error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsynth-worker-'));
    const die = join(dir, 'die.js');
    writeFileSync(die, 'throw new Error("boom");\n');
    const e = await rejectsWith(inspectInWorker(CT, { script: die }), 'IO');
    assert.match(e.message, /boom/);
  });
});
