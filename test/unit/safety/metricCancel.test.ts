// Cancel part-way through each long table metric, the way a cancel button or Ctrl-C does: the abort
// comes from a timer, so a loop that never gives the event loop a turn would only see it after
// finishing. Each metric first runs uncancelled on a table big enough to take about a second or more
// (time D); then the abort is due at D/4 and the metric must reject with CANCELLED well before it could
// have finished: within D/2 of the abort being due (a timer that fires late because the loop was
// blocked counts against the metric). The bound is a ratio to the metric's own duration on the same
// machine, not a wall-clock figure, so a loaded machine slows both runs alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { correlationSimilarityMetric } from '../../../src/core/metrics/correlationSimilarity';
import { dcrMetric } from '../../../src/core/metrics/dcr';
import { nearestRecords, rowsNeedingTerms } from '../../../src/core/metrics/distanceSearch';
import { buildDistanceSpace } from '../../../src/core/metrics/distanceSpace';
import { exactCopiesMetric } from '../../../src/core/metrics/exactCopies';
import { identifierCopiesMetric } from '../../../src/core/metrics/identifierCopies';
import { nndrMetric } from '../../../src/core/metrics/nndr';
import type { TableMetric, TableMetricInput } from '../../../src/core/metrics/types';
import { correlationMatricesYielding } from '../../../src/core/report/correlationMatrix';
import { mulberry32 } from '../../seededRandom';

/**
 * A patient-like table built in memory: an id, `numbers` numeric columns (5% empty; with `outliers`,
 * 1% of values three ranges out, which sends rows through the distance search's repair passes), sex
 * and a diagnosis.
 */
function table(rows: number, seed: number, numbers: number, outliers = false): Table {
  const next = mulberry32(seed);
  const columns: Column[] = [{ kind: 'identifier', name: 'patient_id', values: Array.from({ length: rows }, (_, r) => `P${seed}-${r}`) }];
  for (let c = 0; c < numbers; c++) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const u = next();
      values[r] = u < 0.05 ? NaN : 50 + 100 * next() + (outliers && u > 0.99 ? 300 : 0) + c * 0.1 * (r % 7);
    }
    columns.push({ kind: 'numeric', name: `lab_${c}`, values, integer: false });
  }
  const codes = (labels: number): Int32Array => Int32Array.from({ length: rows }, () => Math.floor(next() * labels));
  columns.push({ kind: 'categorical', name: 'sex', codes: codes(2), categories: ['F', 'M'] });
  columns.push({ kind: 'categorical', name: 'diagnosis', codes: codes(5), categories: ['COPD', 'asthma', 'stroke', 'diabetes', 'CKD'] });
  return { rowCount: rows, columns };
}

/** Runs `job` uncancelled (its duration D), then again with an abort due at D/4; returns both timings. */
async function cancelPartWay(job: (signal?: AbortSignal) => Promise<unknown>): Promise<{ fullMs: number; settleMs: number }> {
  const t0 = performance.now();
  await job();
  const fullMs = performance.now() - t0;
  const controller = new AbortController();
  const dueAt = performance.now() + fullMs / 4;
  setTimeout(() => controller.abort(), fullMs / 4);
  try {
    await job(controller.signal);
  } catch (e) {
    assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
    assert.equal(e.code, 'CANCELLED', e.message);
    return { fullMs, settleMs: performance.now() - dueAt };
  }
  assert.fail(`ran to completion although cancelled a quarter of the way in (uncancelled: ${fullMs.toFixed(0)} ms)`);
}

const assertStoppedEarly = (what: string, out: { fullMs: number; settleMs: number }): void => {
  assert.ok(
    out.settleMs < out.fullMs / 2,
    `${what}: settled ${out.settleMs.toFixed(0)} ms after the abort was due, uncancelled it takes ${out.fullMs.toFixed(0)} ms`,
  );
};

const runMetric = (metric: TableMetric, input: TableMetricInput) => (signal?: AbortSignal) =>
  Promise.resolve(metric.compute(input, signal));

describe('table metrics stop part-way when cancelled', { timeout: 240_000 }, () => {
  // Row-by-row metrics: linear in the rows, so they need many.
  const wide = { real: table(300_000, 1, 4), synth: table(300_000, 2, 4), holdout: table(75_000, 3, 4) };
  for (const metric of [exactCopiesMetric, identifierCopiesMetric]) {
    it(`${metric.id} on 300k rows`, async (t) => {
      const out = await cancelPartWay(runMetric(metric, wide));
      t.diagnostic(`${metric.id}: uncancelled ${out.fullMs.toFixed(0)} ms, settled ${out.settleMs.toFixed(0)} ms after the abort`);
      assertStoppedEarly(metric.id, out);
    });
  }

  // Distances: quadratic, and the synthetic and holdout rows carry empty cells and far-out values so
  // that the missing-aware repair passes run as well.
  const distances = { real: table(12_000, 4, 6), synth: table(12_000, 5, 6, true), holdout: table(3_000, 6, 6, true) };
  for (const metric of [dcrMetric, nndrMetric]) {
    it(`${metric.id} on 12k rows with a holdout`, async (t) => {
      const out = await cancelPartWay(runMetric(metric, distances));
      t.diagnostic(`${metric.id}: uncancelled ${out.fullMs.toFixed(0)} ms, settled ${out.settleMs.toFixed(0)} ms after the abort`);
      assertStoppedEarly(metric.id, out);
    });
  }

  it('the term-by-term repair: 60 rows with empty cells against 150k reference rows with far-out values', async (t) => {
    // Each of these query rows costs a pass over every reference row, so checking for an abort every
    // 64 rows (as before) let 60 of them run to the end uncancelled.
    const query = table(60, 9, 12);
    for (const column of query.columns) if (column.kind === 'numeric') column.values.fill(NaN, 0, 60);
    const space = buildDistanceSpace(table(2_000, 10, 12), query, table(150_000, 11, 12, true));
    const holdout = space.holdout;
    assert.ok(holdout);
    assert.equal(rowsNeedingTerms(space, space.synth, holdout).length, 60, 'every query row goes through the repair');
    const out = await cancelPartWay((signal) => nearestRecords(space, space.synth, holdout, signal));
    t.diagnostic(`repair search: uncancelled ${out.fullMs.toFixed(0)} ms, settled ${out.settleMs.toFixed(0)} ms after the abort`);
    assertStoppedEarly('nearestRecords', out);
  });

  // Correlations: quadratic in the columns; 40 numeric columns are 780 pairs per table.
  const many = { real: table(60_000, 7, 40), synth: table(60_000, 8, 40) };
  it('fidelity.correlationSimilarity on 40 numeric columns', async (t) => {
    const out = await cancelPartWay(runMetric(correlationSimilarityMetric, many));
    t.diagnostic(`correlationSimilarity: uncancelled ${out.fullMs.toFixed(0)} ms, settled ${out.settleMs.toFixed(0)} ms after the abort`);
    assertStoppedEarly('fidelity.correlationSimilarity', out);
  });

  it('the report’s correlation heatmaps on 40 numeric columns', async (t) => {
    const out = await cancelPartWay((signal) => correlationMatricesYielding(many.real, many.synth, signal));
    t.diagnostic(`correlationMatrices: uncancelled ${out.fullMs.toFixed(0)} ms, settled ${out.settleMs.toFixed(0)} ms after the abort`);
    assertStoppedEarly('correlationMatricesYielding', out);
  });
});
