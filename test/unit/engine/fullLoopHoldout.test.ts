// The full loop's holdout: the run folder holds train.csv and holdout.csv (disjoint, together the
// source rows as multisets, read back independently by line splitting), the generator is fitted on
// train only, privacy.dcr reports shareCloserToTrain, and run.json records fraction, seed, row counts,
// the source's SHA-256 (computed here with node:crypto) and that the copies are real rows. Small
// tables skip the holdout and say why; bad fractions, cancels and a changing source leave nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { splitTableFile } from '../../../src/engine/split';
import { reportVerdict } from '../../../src/core/report/verdict';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');

/** Data rows of a plain CSV (the sample has no quoted fields), numbers normalised by value ("35.0" = "35"). */
function csvRows(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map((c) => (c.trim() !== '' && Number.isFinite(Number(c)) ? String(Number(c)) : c)).join(','));
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const isCode = (code: string) => (e: unknown): boolean => e instanceof MedSynthError && e.code === code;

interface RunRecord {
  dataset: { sha256: string; rows: number };
  holdout: { fraction: number; seed?: number; sourceRows?: number; trainRows?: number; holdoutRows?: number; containsRealRows?: boolean; notice?: string; skipped?: string };
  generator: { trainedOn: string; trainingRows: number };
  outputs: string[];
}

describe('full loop with a holdout', () => {
  let workspace: string;
  let dataset: string;
  let client: InferenceClient;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'medsynth-holdout-'));
    mkdirSync(join(workspace, 'data'));
    dataset = join(workspace, 'data', 'patients.csv');
    copyFileSync(join(ROOT, 'samples', 'workspace', 'patients.csv'), dataset);
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  it('fits on train only, evaluates against the holdout and records the split in run.json', async () => {
    const sourceHash = sha256(dataset);
    const res = await runFullLoop({ dataset, workspaceRoot: workspace, n: 300, seed: 3, client, executionProviders: ['cpu'], runId: 'holdout-1' });
    assert.deepEqual(readdirSync(res.runDir).sort(), ['holdout.csv', 'medsynth.json', 'model.onnx', 'report.html', 'report.json', 'run.json', 'synthetic.csv', 'train.csv']);
    assert.deepEqual(readdirSync(join(workspace, 'synthetic')), ['holdout-1'], 'no hidden split or work folder left');
    assert.equal(sha256(dataset), sourceHash, 'the source is untouched');

    // 0.2 × 500 = 100 holdout rows; the parts are disjoint and together are the source's rows.
    const source = csvRows(dataset);
    const train = csvRows(join(res.runDir, 'train.csv'));
    const holdout = csvRows(join(res.runDir, 'holdout.csv'));
    assert.equal(train.length, 400);
    assert.equal(holdout.length, 100);
    assert.deepEqual([...train, ...holdout].sort(), [...source].sort());
    const trainIds = new Set(train.map((r) => r.split(',')[0]));
    assert.equal(holdout.filter((r) => trainIds.has(r.split(',')[0])).length, 0);

    const run = JSON.parse(readFileSync(res.files.run, 'utf8')) as RunRecord;
    assert.equal(run.dataset.sha256, sourceHash);
    assert.equal(run.dataset.rows, 500);
    assert.deepEqual(
      [run.holdout.fraction, run.holdout.seed, run.holdout.sourceRows, run.holdout.trainRows, run.holdout.holdoutRows, run.holdout.containsRealRows],
      [0.2, 3, 500, 400, 100, true],
    );
    assert.match(run.holdout.notice ?? '', /real rows/);
    assert.ok(run.outputs.includes('train.csv') && run.outputs.includes('holdout.csv'));
    assert.deepEqual(run.generator, { ...run.generator, trainedOn: 'train.csv', trainingRows: 400 });
    const manifest = JSON.parse(readFileSync(res.files.manifest, 'utf8')) as Record<string, unknown>;
    assert.ok(JSON.stringify(manifest).includes(sha256(join(res.runDir, 'train.csv'))), 'the manifest names the training part it was fitted on');

    // The report compares with train as "real" and the holdout as unseen rows.
    assert.equal(res.report.real.rows, 400);
    assert.equal(res.report.holdout?.rows, 100);
    assert.equal(res.report.synth.rows, 300);
    const dcr = res.report.metrics.find((m) => m.id === 'privacy.dcr');
    const share = dcr?.details.shareCloserToTrain;
    assert.equal(typeof share, 'number');
    assert.ok((share as number) >= 0 && (share as number) <= 1);
    const privacy = reportVerdict(res.report).filter((l) => l.topic === 'privacy');
    assert.ok(privacy.some((l) => /training/.test(l.text) && /50%/.test(l.text)), JSON.stringify(privacy));
    assert.equal(privacy.some((l) => /add a holdout/.test(l.text)), false);

    // `medsynth split` with the recorded fraction and seed reproduces the run's split byte for byte.
    const again = mkdtempSync(join(tmpdir(), 'medsynth-resplit-'));
    await splitTableFile({ input: dataset, train: join(again, 'train.csv'), holdout: join(again, 'holdout.csv'), holdoutFraction: 0.2, seed: 3 });
    assert.deepEqual(readFileSync(join(again, 'holdout.csv')), readFileSync(join(res.runDir, 'holdout.csv')));
    assert.deepEqual(readFileSync(join(again, 'train.csv')), readFileSync(join(res.runDir, 'train.csv')));
  });

  it('a table under 10 rows, or a holdout fraction of 0, runs without a holdout and run.json says why', async () => {
    const small = join(workspace, 'data', 'small.csv');
    writeFileSync(small, readFileSync(dataset, 'utf8').split('\n').slice(0, 9).join('\n') + '\n');
    const res = await runFullLoop({ dataset: small, workspaceRoot: workspace, n: 20, seed: 1, client, executionProviders: ['cpu'], runId: 'small', metrics: ['privacy.dcr'] });
    const run = JSON.parse(readFileSync(res.files.run, 'utf8')) as RunRecord;
    assert.match(run.holdout.skipped ?? '', /8 rows.*at least 10/);
    assert.equal(existsSync(join(res.runDir, 'train.csv')), false);
    assert.equal(res.report.metrics[0].details.shareCloserToTrain, undefined);
    assert.equal(res.files.train, undefined);

    const off = await runFullLoop({ dataset, workspaceRoot: workspace, n: 20, seed: 1, client, executionProviders: ['cpu'], runId: 'off', metrics: ['privacy.dcr'], holdoutFraction: 0 });
    const offRun = JSON.parse(readFileSync(off.files.run, 'utf8')) as RunRecord;
    assert.deepEqual(offRun.holdout, { fraction: 0, skipped: 'disabled (holdout fraction 0)' });
    assert.equal(offRun.generator.trainingRows, 500);
    assert.equal(existsSync(join(off.runDir, 'holdout.csv')), false);
  });

  it('a fraction outside [0, 0.9] is BAD_USAGE before anything is written', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-holdout-bad-'));
    for (const holdoutFraction of [0.95, 1, -0.1, Number.NaN]) {
      await assert.rejects(runFullLoop({ dataset, workspaceRoot: ws, n: 5, seed: 1, client, holdoutFraction }), isCode('BAD_USAGE'), String(holdoutFraction));
    }
    assert.deepEqual(readdirSync(ws), []);
  });

  it('cancelled while splitting: CANCELLED, no split or run folder left', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-holdout-cancel-'));
    const controller = new AbortController();
    let splits = 0;
    const run = runFullLoop({
      dataset,
      workspaceRoot: ws,
      n: 20,
      seed: 1,
      client,
      executionProviders: ['cpu'],
      signal: controller.signal,
      // The second 'split' event comes right before the parts are written.
      onProgress: (p) => p.phase === 'split' && ++splits === 2 && controller.abort(),
    });
    await assert.rejects(run, isCode('CANCELLED'));
    assert.equal(splits, 2);
    assert.deepEqual(readdirSync(join(ws, 'synthetic')), []);
  });

  it('a source that changes during the run fails naming it; nothing is left behind', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-holdout-changed-'));
    const moving = join(ws, 'moving.csv');
    copyFileSync(dataset, moving);
    const onProgress = (p: { phase: string }): void => {
      if (p.phase === 'fit') appendFileSync(moving, 'P99999,2024-01-01,50,F,COPD,120,25.0,false\n');
    };
    await assert.rejects(
      runFullLoop({ dataset: moving, workspaceRoot: ws, n: 20, seed: 1, client, executionProviders: ['cpu'], metrics: ['privacy.dcr'], onProgress }),
      (e: unknown) => isCode('BAD_INPUT')(e) && (e as Error).message.includes(moving) && /changed/.test((e as Error).message),
    );
    assert.deepEqual(readdirSync(join(ws, 'synthetic')), []);
  });
});
