// The seeded bootstrap intervals (src/core/metrics/bootstrap.ts, runMetrics.ts) and the metrics' resample
// closures. Expected values come from test/reference/bootstrap_reference.py (numpy.percentile, scipy
// ks_2samp, scikit-learn roc_auc_score, pandas Series.corr on row indices numpy drew, fed to the closures
// through a draw function that hands them out) or from hand reasoning (a copy has no copy-rate noise).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEvaluationSummary } from '../../../src/cli/summary';
import type { Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import {
  bootstrapDraw,
  drawCounts,
  percentileInterval,
  runBootstrap,
  shiftedInterval,
  withResample,
} from '../../../src/core/metrics/bootstrap';
import { drawnRows, pearsonPairwise, pearsonWeighted } from '../../../src/core/metrics/correlationSimilarity';
import { resampledAuc } from '../../../src/core/metrics/detection';
import { computeContingencySimilarity } from '../../../src/core/metrics/contingencySimilarity';
import { computeKsComplement } from '../../../src/core/metrics/ksComplement';
import { computeMissingValueSimilarity } from '../../../src/core/metrics/missingValueSimilarity';
import { computeTvComplement } from '../../../src/core/metrics/tvComplement';
import { evaluateTableMetrics, getTableMetric } from '../../../src/core/metrics/registry';
import type { MetricResult } from '../../../src/core/metrics/types';
import { renderReportHtml } from '../../../src/core/report/html';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import type { Report } from '../../../src/core/report/model';
import { scoreWithInterval } from '../../../src/core/report/reportText';
import { buildColumn, categoricalTable, loadReferenceJson, numericTable } from './csvTable';

interface Fixture {
  percentiles: { values: number[]; p2_5: number; p97_5: number }[];
  ks: {
    real: Record<string, (number | null)[]>;
    synth: Record<string, (number | null)[]>;
    score: number;
    resamples: { realRows: number[]; synthRows: number[]; score: number }[];
    ci95: [number, number];
  };
  auc: { positives: number[]; negatives: number[]; resamples: { positiveRows: number[]; negativeRows: number[]; auc: number }[] };
  pearson: { x: (number | null)[]; y: (number | null)[]; resamples: { rows: number[]; r: number }[] };
  categorical: {
    score: { tv: number; missing: number; contingency: number };
    real: Record<string, string[]>;
    synth: Record<string, string[]>;
    resamples: { realRows: number[]; synthRows: number[]; tv: number; missing: number; contingency: number }[];
  };
}

const ref = loadReferenceJson<Fixture>('bootstrap.json');
const nums = (v: readonly (number | null)[]): number[] => v.map((x) => x ?? Number.NaN);
const close = (actual: number, expected: number, what: string, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

/** A draw function that hands out the given index lists in turn, checking the row count asked for. */
function fixedDraws(...lists: number[][]): (n: number) => Uint32Array {
  let k = 0;
  return (n) => {
    const list = lists[k++] ?? assert.fail('more draws than lists');
    assert.equal(n, list.length, 'draw asked for the row count of its sample');
    return Uint32Array.from(list);
  };
}

/**
 * Seeded tables of numbers and categories. With `shifted`, the synthetic table differs from the real one
 * (ages shifted, the BMI–age link lost, other sex, ward and missing shares), so that every similarity
 * lies well inside (0, 1).
 */
function sampleTables(seed: number, rows: number, shifted = false): { real: Table; synth: Table } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const table = (shift: boolean): Table => {
    const age = Array.from({ length: rows }, () => Math.round((shift ? 30 : 20) + 60 * u()));
    const bmi = age.map((a) => (shift ? 22 + 10 * u() : 12 + 0.25 * a + 4 * u()));
    const t = numericTable({ age, bmi });
    const sex = buildColumn(
      'sex',
      'categorical',
      Array.from({ length: rows }, () => (u() < (shift ? 0.3 : 0.1) ? '' : u() < (shift ? 0.3 : 0.5) ? 'F' : 'M')),
    );
    const ward = buildColumn(
      'ward',
      'categorical',
      Array.from({ length: rows }, () => ['A', 'B', 'C'][Math.floor((shift ? 2 : 3) * u() ** (shift ? 2 : 1))]),
    );
    return { rowCount: rows, columns: [...t.columns, sex, ward] };
  };
  return { real: table(false), synth: table(shifted) };
}

describe('bootstrap percentiles and draws', () => {
  it('gives numpy.percentile [2.5, 97.5] (linear interpolation) on fixed arrays', () => {
    for (const c of ref.percentiles) {
      const [lo, hi] = percentileInterval(c.values) ?? assert.fail('no interval');
      close(lo, c.p2_5, `2.5th of ${c.values.length}`);
      close(hi, c.p97_5, `97.5th of ${c.values.length}`);
    }
    assert.equal(percentileInterval([]), undefined);
  });

  it('draws indices in range, the same for the same key and different for another', () => {
    const a = bootstrapDraw(7, 'fidelity.ksComplement', 3);
    const first = a(1000);
    const second = a(1000);
    assert.ok(first.every((i) => i < 1000));
    assert.deepEqual(bootstrapDraw(7, 'fidelity.ksComplement', 3)(1000), first);
    assert.notDeepEqual(second, first, 'the second draw call of a resample is a new sample');
    assert.notDeepEqual(bootstrapDraw(8, 'fidelity.ksComplement', 3)(1000), first);
    assert.notDeepEqual(bootstrapDraw(7, 'fidelity.tvComplement', 3)(1000), first);
    assert.notDeepEqual(bootstrapDraw(7, 'fidelity.ksComplement', 4)(1000), first);
    // With replacement: about 1 − 1/e of the rows appear in a draw of n from n.
    const distinct = new Set(bootstrapDraw(0, 'x', 0)(20_000)).size / 20_000;
    assert.ok(Math.abs(distinct - (1 - Math.exp(-1))) < 0.01, `distinct share ${distinct}`);
    const counts = drawCounts(bootstrapDraw(1, 'x', 0)(100_000), 10);
    assert.equal(counts.length, 10);
  });

  it('rejects bad settings with BAD_USAGE before any metric runs', async () => {
    const { real, synth } = sampleTables(1, 20);
    for (const options of [{ bootstrap: -1 }, { bootstrap: 1.5 }, { bootstrap: 10_001 }, { seed: -1 }, { seed: 0.5 }]) {
      await assert.rejects(
        evaluateTableMetrics({ real, synth, options }, ['fidelity.ksComplement']),
        (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
        JSON.stringify(options),
      );
    }
  });
});

describe('resample closures against the Python reference', () => {
  it('fidelity.ksComplement: 1 − scipy ks_2samp per column on the drawn rows, averaged', () => {
    const k = ref.ks;
    const real = numericTable({ a: nums(k.real.a), b: nums(k.real.b) });
    const synth = numericTable({ a: nums(k.synth.a), b: nums(k.synth.b) });
    const result = computeKsComplement({ real, synth });
    close(result.score ?? Number.NaN, k.score, 'score');
    const resample = result.resample ?? assert.fail('no resample closure');
    const scores = k.resamples.map((r, i) => {
      const s = resample(fixedDraws(r.realRows, r.synthRows)) ?? assert.fail('null resample');
      close(s, r.score, `resample ${i}`);
      return s;
    });
    const [lo, hi] = percentileInterval(scores) ?? assert.fail('no interval');
    close(lo, k.ci95[0], 'ci95 lo');
    close(hi, k.ci95[1], 'ci95 hi');
  });

  it('fidelity.tvComplement, missingValueSimilarity and contingencySimilarity: pandas on the drawn rows', () => {
    const c = ref.categorical;
    const input = { real: categoricalTable(c.real), synth: categoricalTable(c.synth) };
    const results = {
      tv: computeTvComplement(input),
      missing: computeMissingValueSimilarity(input),
      contingency: computeContingencySimilarity(input),
    };
    for (const [name, result] of Object.entries(results))
      close(result.score ?? Number.NaN, c.score[name as keyof typeof results], `${name} score`);
    const closures = {
      tv: results.tv.resample ?? assert.fail('tv'),
      missing: results.missing.resample ?? assert.fail('missing'),
      contingency: results.contingency.resample ?? assert.fail('contingency'),
    };
    c.resamples.forEach((r, i) => {
      for (const [name, resample] of Object.entries(closures)) {
        const expected = r[name as keyof typeof closures];
        close(resample(fixedDraws(r.realRows, r.synthRows)) ?? Number.NaN, expected, `${name} resample ${i}`);
      }
    });
  });

  it('the one-pass weighted Pearson keeps the digits of datetimes (shifted by the column mean)', () => {
    const n = 500;
    const x = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 86_400_000 + ((i * 7919) % 13) * 3.6e6);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 17) + i / 100);
    const all = drawnRows(new Uint32Array(n).fill(1));
    const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;
    close(pearsonWeighted(x, y, all, mean(x), mean(y)), pearsonPairwise(x, y), 'all rows once', 1e-12);
    const constant = new Float64Array(n).fill(1.7e12 + 0.5);
    assert.ok(Number.isNaN(pearsonWeighted(constant, y, all, 1.7e12, mean(y))), 'a constant column has no correlation');
  });

  it('fidelity.detection: the held-out AUC of drawn rows equals roc_auc_score (ties averaged)', () => {
    const aucOf = resampledAuc(Float64Array.from(ref.auc.positives), Float64Array.from(ref.auc.negatives));
    ref.auc.resamples.forEach((r, i) => close(aucOf(fixedDraws(r.positiveRows, r.negativeRows)), r.auc, `resample ${i}`));
  });

  it('fidelity.correlationSimilarity: the weighted Pearson of drawn rows equals pandas corr on them', () => {
    const x = Float64Array.from(nums(ref.pearson.x));
    const y = Float64Array.from(nums(ref.pearson.y));
    ref.pearson.resamples.forEach((r, i) =>
      close(pearsonWeighted(x, y, drawnRows(drawCounts(Uint32Array.from(r.rows), x.length)), 0.1, -0.2), r.r, `resample ${i}`, 1e-10),
    );
  });
});

describe('bootstrap intervals in runMetrics', () => {
  const ids = [
    'fidelity.ksComplement',
    'fidelity.tvComplement',
    'fidelity.missingValueSimilarity',
    'fidelity.correlationSimilarity',
    'fidelity.contingencySimilarity',
    'fidelity.detection',
    'privacy.exactCopies',
  ];

  it('gives every listed metric ci95 and details.bootstrap, stores no closure, and covers the score', async () => {
    // Tables that differ: for two samples of one distribution the resampled 1 − distance scores sit below
    // the score (each resample adds its own noise to the distance), and the percentile interval may end
    // below it (see bootstrap.ts).
    const { real, synth } = sampleTables(3, 400, true);
    const results = await evaluateTableMetrics({ real, synth, options: { bootstrap: 100, seed: 5 } }, ids);
    for (const r of results) {
      assert.equal(r.error, undefined, `${r.id}: ${r.error}`);
      assert.equal('resample' in r, false, `${r.id} keeps its closure`);
      const ci = r.details.ci95 as [number, number];
      assert.ok(Array.isArray(ci) && ci[0] <= ci[1], `${r.id} has no interval`);
      const { bias, ...record } = r.details.bootstrap as { bias: number };
      assert.deepEqual(record, { resamples: 100, seed: 5, method: 'shifted percentile', completed: 100, skipped: 0 });
      assert.ok(Number.isFinite(bias), r.id);
      assert.deepEqual(JSON.parse(JSON.stringify(r)), r, `${r.id} is plain JSON`);
      assert.ok(ci[0] <= r.score! && r.score! <= ci[1], `${r.id}: ${r.score} outside [${ci[0]}, ${ci[1]}]`);
      if (r.id !== 'privacy.exactCopies') assert.ok(r.score! > 0 && r.score! < 1, `${r.id}: ${r.score} is not inside (0, 1)`);
      else assert.deepEqual([r.score, ci], [0, [0, 0]], 'no copies in any resample');
    }
  });

  it('is reproducible by seed, differs across seeds, and does not depend on the order of the metrics', async () => {
    const { real, synth } = sampleTables(4, 300);
    const run = async (seed: number, order: string[]): Promise<Record<string, unknown>> =>
      Object.fromEntries(
        (await evaluateTableMetrics({ real, synth, options: { bootstrap: 60, seed } }, order)).map((r) => [r.id, r.details.ci95]),
      );
    const a = await run(11, ids);
    assert.deepEqual(await run(11, ids), a);
    assert.deepEqual(await run(11, [...ids].reverse()), a);
    const b = await run(12, ids);
    assert.notDeepEqual(b['fidelity.ksComplement'], a['fidelity.ksComplement']);
    assert.notDeepEqual(b['fidelity.tvComplement'], a['fidelity.tvComplement']);
  });

  it('has no ci95 and no details.bootstrap with bootstrap 0, and the scores are the same as with it', async () => {
    const { real, synth } = sampleTables(5, 200);
    const off = await evaluateTableMetrics({ real, synth, options: { bootstrap: 0 } }, ids);
    const on = await evaluateTableMetrics({ real, synth, options: { bootstrap: 30 } }, ids);
    off.forEach((r, i) => {
      assert.equal(r.details.ci95, undefined, r.id);
      assert.equal(r.details.bootstrap, undefined, r.id);
      assert.equal('resample' in r, false, r.id);
      assert.equal(on[i].score, r.score, `${r.id}: the score does not move with the bootstrap`);
    });
  });

  it('gives an exact copy a zero-width interval at 1 (exact copies) and identifier copies at 0 when every id is real', async () => {
    const { real } = sampleTables(6, 150);
    const ids150 = buildColumn(
      'patient_id',
      'identifier',
      Array.from({ length: 150 }, (_, i) => `P${i}`),
    );
    const withIds: Table = { rowCount: 150, columns: [ids150, ...real.columns] };
    const [copies, idCopies] = await evaluateTableMetrics({ real: withIds, synth: withIds, options: { bootstrap: 50 } }, [
      'privacy.exactCopies',
      'privacy.identifierCopies',
    ]);
    assert.equal(copies.score, 1);
    assert.deepEqual(copies.details.ci95, [1, 1]);
    assert.equal(idCopies.score, 0);
    assert.deepEqual(idCopies.details.ci95, [0, 0]);
  });

  it('is CANCELLED when the signal aborts between resamples', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = withResample({ id: 'x', score: 0.5, details: {} }, () => {
      if (++calls === 3) controller.abort();
      return 0.5;
    });
    await assert.rejects(
      runBootstrap(result, { resamples: 200, seed: 0 }, controller.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
    assert.ok(calls >= 3 && calls < 200, `stopped after ${calls} resamples`);
  });

  it('lets a cancel land during a long bootstrap of a real metric (CANCELLED, well before the resamples end)', async () => {
    const { real, synth } = sampleTables(8, 5000, true);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      evaluateTableMetrics({ real, synth, options: { bootstrap: 10_000 } }, ['fidelity.ksComplement'], controller.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `cancelled after ${ms.toFixed(0)} ms`);
  });

  it('keeps the score when a closure fails, skips null resamples, and stops at the time limit', async () => {
    const failing = await runBootstrap(
      withResample({ id: 'x', score: 0.5, details: { a: 1 } }, () => {
        throw new Error('boom');
      }),
      { resamples: 10, seed: 0 },
    );
    assert.equal(failing.score, 0.5);
    assert.equal(failing.details.ci95, undefined);
    assert.match(String((failing.details.bootstrap as { error: string }).error), /boom/);
    let k = 0;
    const halfNull = await runBootstrap(
      withResample({ id: 'x', score: 0.5, details: {} }, () => (k++ % 2 === 0 ? null : k)),
      { resamples: 40, seed: 0 },
    );
    // Kept: 2, 4, …, 40 (mean 21), so the bias is 21 − 0.5.
    assert.deepEqual(halfNull.details.bootstrap, {
      resamples: 40,
      seed: 0,
      method: 'shifted percentile',
      completed: 20,
      skipped: 20,
      bias: 20.5,
    });
    const cut = await runBootstrap(
      withResample({ id: 'x', score: 0.5, details: {} }, () => 0.5),
      { resamples: 50, seed: 0 },
      undefined,
      0,
    );
    assert.equal(cut.details.ci95, undefined);
    assert.equal((cut.details.bootstrap as { stoppedEarly?: boolean }).stoppedEarly, true);
  });
});

describe('the interval in the CLI summary and the reports', () => {
  const metric: MetricResult = {
    id: 'fidelity.ksComplement',
    score: 0.9731,
    details: { ci95: [0.9612, 0.9823], bootstrap: { resamples: 200, seed: 0, method: 'shifted percentile', completed: 200, skipped: 0 } },
  };
  const report = (metrics: MetricResult[]): Report => ({
    schema: 'medsynth.report/1',
    modality: 'table',
    createdAt: '2026-12-02T07:00:00Z',
    real: { file: 'real.csv', rows: 10 },
    synth: { file: 'synth.csv', rows: 10 },
    metrics: metrics.map((m) => ({ ...m, descriptor: getTableMetric(m.id) ?? assert.fail(m.id) })),
    columns: [],
  });

  it('writes "0.9731 (95% CI 0.9612–0.9823)" in the summary, HTML and Markdown, and the score alone without one', () => {
    const text = '0.9731 (95% CI 0.9612–0.9823)';
    assert.equal(scoreWithInterval(metric), text);
    const r = report([metric]);
    assert.ok(formatEvaluationSummary(r).includes(text));
    assert.ok(renderReportHtml(r).includes(text));
    assert.ok(renderReportMarkdown(r).includes(text));
    const plain = { ...metric, details: {} };
    assert.equal(scoreWithInterval(plain), '0.9731');
    assert.doesNotMatch(formatEvaluationSummary(report([plain])), /95% CI/);
    assert.equal(scoreWithInterval({ score: null, details: metric.details }), '');
  });
});

describe('the shifted percentile interval', () => {
  it('is the percentile interval less the bias, clamped to the range (hand computed)', () => {
    // Percentiles [0.8706, 0.919], resampled mean 0.038 below the score: [0.9086, 0.957].
    const [lo, hi] = shiftedInterval([0.8706, 0.919], -0.038, [0, 1]) ?? assert.fail('no interval');
    assert.ok(Math.abs(lo - 0.9086) < 1e-12 && Math.abs(hi - 0.957) < 1e-12, `${lo} ${hi}`);
    assert.deepEqual(shiftedInterval([0.97, 0.99], -0.02, [0, 1]), [0.99, 1]);
    assert.deepEqual(shiftedInterval([-3, 2], 0, [-Infinity, Infinity]), [-3, 2]);
    assert.equal(shiftedInterval(undefined, 0.1, [0, 1]), undefined);
  });

  it('covers the score for two samples of one distribution, where the plain percentile interval does not', async () => {
    const { real, synth } = sampleTables(11, 400);
    const [ks] = await evaluateTableMetrics({ real, synth, options: { bootstrap: 100, seed: 3 } }, ['fidelity.ksComplement']);
    const ci = ks.details.ci95 as [number, number];
    const bias = (ks.details.bootstrap as { bias: number }).bias;
    assert.ok(bias < 0, `resampled KS complements lie below the score (bias ${bias})`);
    assert.ok(ci[0] <= ks.score! && ks.score! <= ci[1], `${ks.score} outside [${ci[0]}, ${ci[1]}]`);
    assert.ok(ci[1] <= 1);
  });
});
