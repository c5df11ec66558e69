// What the Studio says about a run folder (dataset, modality, date, headline verdict) and what Compare
// Runs shows (scores side by side, B − A, better/worse for the metric's goal). The reports are written
// by hand; the verdict levels and deltas below are worked out by hand from the verdict rules
// (src/core/report/verdict.ts: average fidelity >= 0.9 good, >= 0.75 fair; any exact copy poor; a
// holdout share balanced to equal set sizes <= 0.55 good) and plain subtraction.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Report, ReportMetric } from '../../../src/core/report/model';
import { compareRunsMarkdown, deltaMark, metricDelta } from '../../../src/host/runCompare';
import { describeRun, overallLevel, readRunSummary, stampOf } from '../../../src/host/runSummary';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medsynth-runs-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function metric(
  id: string,
  title: string,
  goal: 'maximize' | 'minimize',
  score: number,
  details: Record<string, unknown> = {},
): ReportMetric {
  return { id, score, details, descriptor: { id, title, modality: 'table', goal, range: [0, 1], doc: '', reference: '' } } as ReportMetric;
}

function report(ks: number, tv: number, copies: number, share: number, createdAt: string): Report {
  return {
    schema: 'medsynth.report/1',
    modality: 'table',
    createdAt,
    real: { file: 'patients.csv (training part: 400 of 500 rows, seed 7)', rows: 400, sha256: 'a'.repeat(64) },
    synth: { file: 'synthetic.csv', rows: 500 },
    holdout: { file: 'patients.csv (holdout part: 100 of 500 rows, seed 7)', rows: 100 },
    generator: { name: 'copula', family: 'copula', seed: 7, executionProvider: 'cpu' },
    metrics: [
      metric('fidelity.ksComplement', 'KS complement', 'maximize', ks),
      metric('fidelity.tvComplement', 'TV complement', 'maximize', tv),
      metric('privacy.exactCopies', 'Exact copies', 'minimize', copies),
      metric('privacy.dcr', 'Distance to closest record', 'maximize', 0.4, { shareCloserToTrain: share }),
    ],
    columns: [],
  };
}

function runFolder(id: string, files: Record<string, unknown>): string {
  const dir = path.join(tmp, id);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

describe('run summaries for the Studio', () => {
  it('reads dataset, modality, date and a good/good verdict from run.json and report.json', async () => {
    // Fidelity (0.95 + 0.93) / 2 = 0.94 >= 0.9: good. No exact copy: good. Share 0.5 with 400 vs 100
    // rows balances to 0.5·100 / (0.5·100 + 0.5·400) = 0.2 <= 0.55: good.
    const dir = runFolder('20261202-063107-ab12', {
      'run.json': { schema: 'medsynth.run/1', createdAt: '2026-12-02T06:31:09.123Z', dataset: { file: 'patients.csv' } },
      'report.json': report(0.95, 0.93, 0, 0.5, '2026-12-02T06:31:08.000Z'),
    });
    const s = await readRunSummary(dir);
    assert.deepEqual(
      [s.id, s.dataset, s.modality, s.createdAt, s.contents],
      ['20261202-063107-ab12', 'patients.csv', 'table', '2026-12-02T06:31:09.123Z', 'full loop'],
    );
    assert.deepEqual(s.verdict, { fidelity: 'good', privacy: 'good' });
    assert.equal(describeRun(s), 'fidelity good, privacy good · 2026-12-02 06:31 · table');
    assert.equal(overallLevel(s), 'good');
  });

  it('takes the worst privacy line: one exact copy makes privacy poor', async () => {
    // Fidelity (0.8 + 0.76) / 2 = 0.78: fair. 2% exact copies: poor, whatever the holdout line says.
    const dir = runFolder('20261202-070000-cd34', { 'report.json': report(0.8, 0.76, 0.02, 0.5, '2026-12-02T07:00:01.000Z') });
    const s = await readRunSummary(dir);
    assert.equal(s.dataset, 'patients.csv', 'the part name in the report is cut to the file');
    assert.equal(s.contents, 'report');
    assert.deepEqual(s.verdict, { fidelity: 'fair', privacy: 'poor' });
    assert.equal(overallLevel(s), 'poor');
  });

  it('describes a fitted generator without a report, dated by its run id', async () => {
    const dir = runFolder('20261130-235959-0000', {
      'medsynth.json': { schema: 'medsynth.generator/1', modality: 'table', provenance: { trainedOn: 'visits.parquet' } },
    });
    const s = await readRunSummary(dir);
    assert.deepEqual(
      [s.dataset, s.modality, s.createdAt, s.contents, s.verdict],
      ['visits.parquet', 'table', '2026-11-30T23:59:59Z', 'generator', undefined],
    );
    assert.equal(describeRun(s), 'generator, no report · 2026-11-30 23:59 · table');
  });

  it('names a table recorded by its absolute path by its file name, and dates a bare generate run', async () => {
    const abs = report(0.95, 0.93, 0, 0.5, '2026-12-02T08:00:00.000Z');
    const dir = runFolder('20261202-080000-ef56', {
      'report.json': { ...abs, real: { ...abs.real, file: path.join(tmp, 'data', 'visits.csv') } },
    });
    assert.equal((await readRunSummary(dir)).dataset, 'visits.csv');
    const bare = await readRunSummary(runFolder('20261202-081500-aa00', { 'synthetic.csv': 'a\n1\n' }));
    assert.deepEqual([bare.modality, bare.contents, bare.createdAt], ['table', 'synthetic data', '2026-12-02T08:15:00Z']);
  });

  it('never throws on a folder with broken or no records', async () => {
    const dir = runFolder('not-a-stamp', { 'report.json': '{ broken', 'run.json': '[]' });
    const s = await readRunSummary(dir);
    assert.equal(s.contents, 'incomplete');
    assert.equal(s.createdAt, undefined);
    assert.equal(stampOf('20261202-063107-ab12'), '2026-12-02T06:31:07Z');
    assert.equal(stampOf('run-1'), undefined);
  });
});

describe('Compare Runs', () => {
  it('shows both scores, B − A and whether B is better for the metric', async () => {
    const a = await readRunSummary(path.join(tmp, '20261202-063107-ab12'));
    const b = await readRunSummary(path.join(tmp, '20261202-070000-cd34'));
    const md = compareRunsMarkdown(a, b);
    // 0.80 − 0.95 = −0.150 on a maximised metric: worse; 0.02 − 0 = +0.020 on a minimised one: worse.
    assert.ok(md.includes('| KS complement | 0.950 | 0.800 | -0.150 | ▼ worse |'), md);
    assert.ok(md.includes('| TV complement | 0.930 | 0.760 | -0.170 | ▼ worse |'), md);
    assert.ok(md.includes('| Exact copies | 0.000 | 0.020 | +0.020 | ▼ worse |'), md);
    assert.ok(md.includes('| Distance to closest record | 0.400 | 0.400 | 0.000 | = |'), md);
    assert.ok(md.includes('| Holdout rows | 100 | 100 |'), md);
    assert.ok(!md.includes('not directly comparable'), 'same real data on both sides');
  });

  it('says so when a run has no report, instead of inventing scores', async () => {
    const a = await readRunSummary(path.join(tmp, '20261202-063107-ab12'));
    const g = await readRunSummary(path.join(tmp, '20261130-235959-0000'));
    assert.match(compareRunsMarkdown(a, g), /No scores to compare: 20261130-235959-0000 has no report\.json/);
  });

  it('computes deltas and marks them by goal', () => {
    assert.equal(metricDelta(0.25, 0.75), 0.5);
    assert.equal(metricDelta(null, 0.75), undefined);
    assert.equal(metricDelta(0.1, Number.NaN), undefined);
    assert.equal(deltaMark(0.1, 'maximize'), '▲ better');
    assert.equal(deltaMark(0.1, 'minimize'), '▼ worse');
    assert.equal(deltaMark(-0.1, 'minimize'), '▲ better');
    assert.equal(deltaMark(0.0001, 'maximize'), '=');
  });
});
