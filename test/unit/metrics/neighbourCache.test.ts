// The shared nearest-neighbour passes (neighbourCache.ts): the five distance-based privacy metrics on
// one evaluation input run one pass per (query set, reference set) pair, and give what each gives alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { authenticityMetric } from '../../../src/core/metrics/authenticity';
import { dcrMetric } from '../../../src/core/metrics/dcr';
import { identifiabilityMetric } from '../../../src/core/metrics/identifiability';
import { membershipInferenceMetric } from '../../../src/core/metrics/membershipInference';
import { neighbourPassCount, neighbourSpace, sharedNeighbours } from '../../../src/core/metrics/neighbourCache';
import { nndrMetric } from '../../../src/core/metrics/nndr';
import type { MetricResult, TableMetric, TableMetricInput } from '../../../src/core/metrics/types';

const metrics: TableMetric[] = [dcrMetric, nndrMetric, membershipInferenceMetric, identifiabilityMetric, authenticityMetric];

function table(rows: number, seed: number, empty = 0): Table {
  let s = seed;
  const uniform = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const columns: Column[] = Array.from({ length: 5 }, (_, c) => ({
    kind: 'numeric',
    name: `x${c}`,
    integer: true,
    values: Float64Array.from({ length: rows }, () => (uniform() < empty ? Number.NaN : Math.floor(uniform() * 6))),
  }));
  columns.push({
    kind: 'categorical',
    name: 'ward',
    categories: ['a', 'b', 'c'],
    codes: Int32Array.from({ length: rows }, () => Math.floor(uniform() * 3)),
  });
  return { rowCount: rows, columns };
}

const input = (): TableMetricInput => ({ real: table(300, 11, 0.05), synth: table(250, 22, 0.05), holdout: table(120, 33, 0.05) });
const strip = (r: MetricResult): unknown => ({ score: r.score, details: r.details });

describe('shared nearest-neighbour passes', () => {
  it('the whole privacy section on one input runs four passes (two of them two-way) for the six directions, with the results each metric gives alone', async () => {
    const shared = input();
    const before = neighbourPassCount();
    const together = [];
    for (const m of metrics) together.push(await m.compute(shared));
    // synth ↔ real and synth ↔ holdout two-way, holdout → real, real → real triangular.
    assert.equal(neighbourPassCount() - before, 4);
    for (const [k, m] of metrics.entries()) {
      const alone = await m.compute({ ...shared });
      assert.deepEqual(strip(together[k]), strip(alone), m.id);
      assert.equal(typeof together[k].score, 'number', m.id);
    }
  });

  it('the same metric asking again on the same input is a new evaluation and searches again', async () => {
    const shared = input();
    await dcrMetric.compute(shared);
    const before = neighbourPassCount();
    await dcrMetric.compute(shared);
    assert.equal(neighbourPassCount() - before, 3, 'synth ↔ real, synth ↔ holdout, holdout → real');
  });

  it('a cancelled pass is not kept: the next metric on the input computes it', async () => {
    const shared = input();
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(
      Promise.resolve(dcrMetric.compute(shared, abort.signal)),
      (e) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
    const after = await nndrMetric.compute(shared);
    assert.deepEqual(strip(after), strip(await nndrMetric.compute({ ...shared })));
  });

  it('asking for a holdout pass without a holdout, or before the space, is a typed error', async () => {
    const noHoldout: TableMetricInput = { real: table(20, 1), synth: table(20, 2) };
    await assert.rejects(sharedNeighbours(noHoldout, 'synth', 'real'), (e) => e instanceof MedSynthError && e.code === 'BAD_USAGE');
    await neighbourSpace(noHoldout, undefined, 'test');
    await assert.rejects(sharedNeighbours(noHoldout, 'synth', 'holdout'), (e) => e instanceof MedSynthError && e.code === 'BAD_USAGE');
  });
});
