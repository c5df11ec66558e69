// The full loop's holdout: the split is made in memory and never written (the run folder holds no
// train.csv or holdout.csv), the generator is fitted on the training part only, privacy.dcr reports
// shareCloserToTrain, and run.json records fraction, seed, row counts, the source's SHA-256 (computed
// here with node:crypto) and the `medsynth split` command that re-derives the parts, which `medsynth
// split` (read back independently by line splitting) confirms. Small tables skip the holdout and say
// why; bad fractions, cancels and a changing source leave nothing.
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
import { dropUnusedCategories } from '../../../src/core/data/table/split';
import { reportVerdict } from '../../../src/core/report/verdict';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');

/** Data rows of a plain CSV (the sample has no quoted fields), numbers normalised by value ("35.0" = "35"). */
function csvRows(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) =>
      l
        .split(',')
        .map((c) => (c.trim() !== '' && Number.isFinite(Number(c)) ? String(Number(c)) : c))
        .join(','),
    );
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const isCode =
  (code: string) =>
  (e: unknown): boolean =>
    e instanceof MedSynthError && e.code === code;

interface RunRecord {
  dataset: { sha256: string; rows: number };
  holdout: {
    fraction: number;
    seed?: number;
    sourceRows?: number;
    trainRows?: number;
    holdoutRows?: number;
    reproduce?: string;
    skipped?: string;
    [key: string]: unknown;
  };
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

  it('fits on the training part only, evaluates against the holdout and records the split in run.json', async () => {
    const sourceHash = sha256(dataset);
    const res = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      n: 300,
      seed: 3,
      client,
      executionProviders: ['cpu'],
      runId: 'holdout-1',
    });
    // The parts stay in memory: the run folder holds only generated data and records.
    assert.deepEqual(readdirSync(res.runDir).sort(), [
      'medsynth.json',
      'model.onnx',
      'report.html',
      'report.json',
      'run.json',
      'synthetic.csv',
    ]);
    assert.deepEqual(readdirSync(join(workspace, 'synthetic')), ['holdout-1'], 'no hidden split or work folder left');
    assert.deepEqual(readdirSync(join(workspace, 'data')), ['patients.csv'], 'nothing written beside the source');
    assert.equal(sha256(dataset), sourceHash, 'the source is untouched');
    assert.deepEqual(Object.keys(res.files).sort(), ['manifest', 'model', 'reportHtml', 'reportJson', 'run', 'synthetic']);

    const run = JSON.parse(readFileSync(res.files.run, 'utf8')) as RunRecord;
    assert.equal(run.dataset.sha256, sourceHash);
    assert.equal(run.dataset.rows, 500);
    // 0.2 × 500 = 100 holdout rows.
    assert.deepEqual(
      [run.holdout.fraction, run.holdout.seed, run.holdout.sourceRows, run.holdout.trainRows, run.holdout.holdoutRows],
      [0.2, 3, 500, 400, 100],
    );
    assert.equal(
      run.holdout.reproduce,
      'medsynth split data/patients.csv --seed 3 --fraction 0.2 --train <train-file> --holdout <holdout-file>',
    );
    for (const gone of ['files', 'containsRealRows', 'notice']) assert.equal(gone in run.holdout, false, gone);
    assert.deepEqual(run.outputs, ['model.onnx', 'medsynth.json', 'synthetic.csv', 'report.json', 'report.html']);
    assert.deepEqual(run.generator, {
      ...run.generator,
      trainedOn: 'data/patients.csv (training part: 400 of 500 rows, seed 3)',
      trainingRows: 400,
    });
    assert.deepEqual(res.holdout, run.holdout);
    // The manifest's provenance names the source file's part and the source file's hash.
    const manifest = JSON.parse(readFileSync(res.files.manifest, 'utf8')) as {
      provenance: { trainedOn: string; trainingDataSha256: string };
    };
    assert.equal(manifest.provenance.trainedOn, 'patients.csv (training part: 400 of 500 rows, seed 3)');
    assert.equal(manifest.provenance.trainingDataSha256, sourceHash);

    // The report compares with the training part as "real" and the holdout as unseen rows.
    assert.equal(res.report.real.rows, 400);
    assert.equal(res.report.holdout?.rows, 100);
    assert.equal(res.report.synth.rows, 300);
    assert.equal(res.report.real.file, 'data/patients.csv (training part: 400 of 500 rows, seed 3)');
    assert.equal(res.report.holdout?.file, 'data/patients.csv (holdout part: 100 of 500 rows, seed 3)');
    // The parts are recorded structured, both with the source file's hash; the synthetic table with
    // the hash of synthetic.csv; the run id and the version from package.json (read here directly).
    assert.deepEqual(res.report.real.part, { source: 'data/patients.csv', role: 'training', sourceRows: 500, seed: 3 });
    assert.deepEqual(res.report.holdout?.part, { source: 'data/patients.csv', role: 'holdout', sourceRows: 500, seed: 3 });
    assert.equal(res.report.real.sha256, sourceHash);
    assert.equal(res.report.holdout?.sha256, sourceHash);
    assert.equal(res.report.synth.sha256, sha256(res.files.synthetic));
    assert.equal(res.report.runId, 'holdout-1');
    assert.equal(res.report.medsynthVersion, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const saved = JSON.parse(readFileSync(res.files.reportJson, 'utf8')) as { runId?: string; medsynthVersion?: string };
    assert.deepEqual([saved.runId, saved.medsynthVersion], [res.report.runId, res.report.medsynthVersion]);
    const dcr = res.report.metrics.find((m) => m.id === 'privacy.dcr');
    const share = dcr?.details.shareCloserToTrain;
    assert.equal(typeof share, 'number');
    assert.ok((share as number) >= 0 && (share as number) <= 1);
    const privacy = reportVerdict(res.report).filter((l) => l.topic === 'privacy');
    assert.ok(
      privacy.some((l) => /training/.test(l.text) && /50%/.test(l.text)),
      JSON.stringify(privacy),
    );
    assert.equal(
      privacy.some((l) => /add a holdout/.test(l.text)),
      false,
    );

    // `medsynth split` with the recorded fraction and seed re-derives parts of the recorded sizes that
    // are disjoint and together are the source's rows (read back by line splitting, not by the parser).
    const again = mkdtempSync(join(tmpdir(), 'medsynth-resplit-'));
    await splitTableFile({
      input: dataset,
      train: join(again, 'train.csv'),
      holdout: join(again, 'holdout.csv'),
      holdoutFraction: run.holdout.fraction,
      seed: run.holdout.seed ?? -1,
    });
    const source = csvRows(dataset);
    const train = csvRows(join(again, 'train.csv'));
    const holdout = csvRows(join(again, 'holdout.csv'));
    assert.deepEqual([train.length, holdout.length], [run.holdout.trainRows, run.holdout.holdoutRows]);
    assert.deepEqual([...train, ...holdout].sort(), [...source].sort());
    const trainIds = new Set(train.map((r) => r.split(',')[0]));
    assert.equal(holdout.filter((r) => trainIds.has(r.split(',')[0])).length, 0);
  });

  it('a table under 10 rows, or a holdout fraction of 0, runs without a holdout and run.json says why', async () => {
    const small = join(workspace, 'data', 'small.csv');
    writeFileSync(small, readFileSync(dataset, 'utf8').split('\n').slice(0, 9).join('\n') + '\n');
    const res = await runFullLoop({
      dataset: small,
      workspaceRoot: workspace,
      n: 20,
      seed: 1,
      client,
      executionProviders: ['cpu'],
      runId: 'small',
      metrics: ['privacy.dcr'],
    });
    const run = JSON.parse(readFileSync(res.files.run, 'utf8')) as RunRecord;
    assert.match(run.holdout.skipped ?? '', /8 rows.*at least 10/);
    assert.equal(existsSync(join(res.runDir, 'train.csv')), false);
    assert.equal(res.report.metrics[0].details.shareCloserToTrain, undefined);
    assert.equal(res.report.holdout, undefined);
    assert.equal(res.report.real.file, 'data/small.csv');

    const off = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      n: 20,
      seed: 1,
      client,
      executionProviders: ['cpu'],
      runId: 'off',
      metrics: ['privacy.dcr'],
      holdoutFraction: 0,
    });
    const offRun = JSON.parse(readFileSync(off.files.run, 'utf8')) as RunRecord;
    assert.deepEqual(offRun.holdout, { fraction: 0, skipped: 'disabled (holdout fraction 0)' });
    assert.equal(offRun.generator.trainingRows, 500);
    assert.equal(existsSync(join(off.runDir, 'holdout.csv')), false);
  });

  it('a fraction outside [0, 0.9] is BAD_USAGE before anything is written', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-holdout-bad-'));
    for (const holdoutFraction of [0.95, 1, -0.1, Number.NaN]) {
      await assert.rejects(
        runFullLoop({ dataset, workspaceRoot: ws, n: 5, seed: 1, client, holdoutFraction }),
        isCode('BAD_USAGE'),
        String(holdoutFraction),
      );
    }
    assert.deepEqual(readdirSync(ws), []);
  });

  it('cancelled while splitting: CANCELLED, no run folder left', async () => {
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
      // The 'split' event comes right before the source table is split in memory.
      onProgress: (p) => p.phase === 'split' && ++splits === 1 && controller.abort(),
    });
    await assert.rejects(run, isCode('CANCELLED'));
    assert.equal(splits, 1);
    // The run created the output root, so a failed run removes it too.
    assert.equal(existsSync(join(ws, 'synthetic')), false);
  });

  it('a source that changes during the run fails naming it; nothing is left behind', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'medsynth-holdout-changed-'));
    const moving = join(ws, 'moving.csv');
    copyFileSync(dataset, moving);
    const onProgress = (p: { phase: string }): void => {
      if (p.phase === 'fit') appendFileSync(moving, 'P99999,2024-01-01,50,F,COPD,120,25.0,false\n');
    };
    await assert.rejects(
      runFullLoop({
        dataset: moving,
        workspaceRoot: ws,
        n: 20,
        seed: 1,
        client,
        executionProviders: ['cpu'],
        metrics: ['privacy.dcr'],
        onProgress,
      }),
      (e: unknown) => isCode('BAD_INPUT')(e) && (e as Error).message.includes(moving) && /changed/.test((e as Error).message),
    );
    // The run created the output root, so a failed run removes it too.
    assert.equal(existsSync(join(ws, 'synthetic')), false);
  });

  it('the training part keeps only the categories its rows use, so a holdout-only label never reaches the manifest', () => {
    // Codes [2, 0, -1, 2] use "c" and "a" of ["a", "b", "c"]; "b" goes and "c" becomes code 1.
    const table = {
      rowCount: 4,
      columns: [{ kind: 'categorical' as const, name: 'dx', codes: Int32Array.from([2, 0, -1, 2]), categories: ['a', 'b', 'c'] }],
    };
    const [dx] = dropUnusedCategories(table).columns;
    assert.equal(dx.kind, 'categorical');
    if (dx.kind !== 'categorical') return;
    assert.deepEqual(dx.categories, ['a', 'c']);
    assert.deepEqual([...dx.codes], [1, 0, -1, 1]);
  });
});
