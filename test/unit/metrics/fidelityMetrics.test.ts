// Fidelity metrics: best score on identical data, worst on disjoint data, one hand-computed value
// each, and bad input reported as a typed error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { computeCorrelationSimilarity } from '../../../src/core/metrics/correlationSimilarity';
import { computeKsComplement, ksStatistic } from '../../../src/core/metrics/ksComplement';
import { computeTvComplement } from '../../../src/core/metrics/tvComplement';
import { categoricalTable, numericTable } from './csvTable';

const badInput = (e: unknown): boolean => e instanceof MedSynthError && e.code === 'BAD_INPUT';

describe('fidelity.ksComplement', () => {
  it('is 1 for identical columns and 0 for non-overlapping ones', () => {
    const real = numericTable({ a: [1, 2, 3, 4], b: [10, 20, 30, 40] });
    assert.equal(computeKsComplement({ real, synth: real }).score, 1);
    const far = numericTable({ a: [100, 200, 300, 400], b: [-1, -2, -3, -4] });
    assert.equal(computeKsComplement({ real, synth: far }).score, 0);
  });

  it('matches a hand-computed KS statistic and drops empty cells', () => {
    // ECDFs of {1,2,3,4} and {3,4,5,6} differ most at x = 2 and x = 3: |0.5 − 0| = |0.75 − 0.25| = 0.5.
    const real = numericTable({ a: [1, 2, 3, 4, Number.NaN] });
    const synth = numericTable({ a: [3, Number.NaN, 4, 5, 6] });
    const result = computeKsComplement({ real, synth });
    assert.equal(result.score, 0.5);
    assert.deepEqual(result.details.perColumn, { a: 0.5 });
  });

  it('handles ties like scipy (all copies of a value at once)', () => {
    assert.equal(ksStatistic(Float64Array.of(1, 1, 1, 2), Float64Array.of(1, 2, 2, 2)), 0.5);
  });

  it('is not applicable (no error) without numeric columns', () => {
    const cats = categoricalTable({ c: ['a', 'b'] });
    const result = computeKsComplement({ real: cats, synth: cats });
    assert.equal(result.score, null);
    assert.equal(result.error, undefined);
    assert.match(result.notApplicable ?? '', /no numeric or datetime columns/);
  });

  it('reports an empty table and a missing column as BAD_INPUT', () => {
    assert.throws(() => computeKsComplement({ real: numericTable({ a: [] }), synth: numericTable({ a: [1] }) }), badInput);
    assert.throws(() => computeKsComplement({ real: numericTable({ a: [1], b: [2] }), synth: numericTable({ a: [1] }) }), /no column "b"/);
  });

  it('rejects a column whose length disagrees with the row count', () => {
    const ragged = { rowCount: 3, columns: [{ kind: 'numeric' as const, name: 'a', integer: false, values: Float64Array.of(1, 2) }] };
    assert.throws(() => computeKsComplement({ real: ragged, synth: ragged }), /2 cells for 3 rows/);
  });
});

describe('fidelity.tvComplement', () => {
  it('is 1 for identical frequencies and 0 for disjoint categories', () => {
    const real = categoricalTable({ c: ['a', 'b', 'b', 'c'] });
    assert.equal(computeTvComplement({ real, synth: categoricalTable({ c: ['c', 'b', 'a', 'b'] }) }).score, 1);
    assert.equal(computeTvComplement({ real, synth: categoricalTable({ c: ['x', 'y', 'y', 'z'] }) }).score, 0);
  });

  it('matches hand-computed values, dropping missing cells as SDMetrics does', () => {
    // c: shares (0.5, 0.5) vs (0.75, 0.25): TVD = (0.25 + 0.25) / 2 = 0.25.
    // m: the present cells are all "a" on both sides, so TVD = 0 although half the real cells are empty.
    // n: present real cells a, b (1/2 each) vs synthetic a, a, a, b (3/4, 1/4): TVD = 1/4.
    const real = categoricalTable({ c: ['a', 'a', 'b', 'b'], m: ['a', 'a', '', ''], n: ['a', '', 'b', ''] });
    const synth = categoricalTable({ c: ['a', 'a', 'a', 'b'], m: ['a', 'a', 'a', 'a'], n: ['a', 'a', 'a', 'b'] });
    const result = computeTvComplement({ real, synth });
    assert.deepEqual(result.details.perColumn, { c: 0.75, m: 1, n: 0.75 });
    assert.equal(result.score, 2.5 / 3);
    assert.deepEqual(result.details.skippedColumns, []);
    assert.deepEqual(result.leftOut, [{ count: 4, unit: 'cells', reason: result.leftOut?.[0]?.reason }]);
    assert.match(result.leftOut?.[0]?.reason ?? '', /missing-value similarity/);
  });

  it('leaves out a column that is empty in either table, and is BAD_INPUT when every column is', () => {
    const real = categoricalTable({ c: ['a', 'b'], e: ['', ''], f: ['x', 'y'] });
    const synth = categoricalTable({ c: ['a', 'a'], e: ['p', 'q'], f: ['', ''] });
    const result = computeTvComplement({ real, synth });
    assert.deepEqual(result.details.perColumn, { c: 0.5 });
    assert.equal(result.score, 0.5);
    assert.deepEqual(result.details.skippedColumns, ['e', 'f']);
    assert.equal(result.leftOut?.[0]?.count, 2);
    assert.deepEqual(result.leftOut?.[0]?.names, ['e', 'f']);
    assert.equal(result.leftOut?.[0]?.unit, 'columns');
    assert.deepEqual(result.leftOut?.[1] && { count: result.leftOut[1].count, unit: result.leftOut[1].unit }, { count: 4, unit: 'cells' });
    assert.throws(
      () => computeTvComplement({ real: categoricalTable({ e: ['', ''] }), synth: categoricalTable({ e: ['a', 'b'] }) }),
      (e: unknown) => badInput(e) && /every categorical column is empty/.test((e as Error).message),
    );
  });

  it('matches categories by label, not by code', () => {
    const real = categoricalTable({ c: ['a', 'b'] });
    const synth = categoricalTable({ c: ['b', 'a'] });
    assert.equal(computeTvComplement({ real, synth }).score, 1);
  });

  it('is not applicable (no error) without categorical columns, and BAD_INPUT for an empty table', () => {
    const nums = numericTable({ a: [1, 2] });
    const result = computeTvComplement({ real: nums, synth: nums });
    assert.equal(result.score, null);
    assert.equal(result.error, undefined);
    assert.match(result.notApplicable ?? '', /no categorical or boolean columns/);
    assert.throws(() => computeTvComplement({ real: categoricalTable({ c: ['a'] }), synth: categoricalTable({ c: [] }) }), badInput);
  });
});

describe('fidelity.correlationSimilarity', () => {
  const x = [1, 2, 3, 4, 5, 6];
  it('is 1 for identical tables and 0 when every correlation flips sign', () => {
    const real = numericTable({ x, y: x.map((v) => 2 * v + 1) });
    assert.equal(computeCorrelationSimilarity({ real, synth: real }).score, 1);
    const flipped = numericTable({ x, y: x.map((v) => -v) });
    assert.equal(computeCorrelationSimilarity({ real, synth: flipped }).score, 0);
  });

  it('matches a hand-computed value on pairwise-complete rows', () => {
    // Real r = +1. Synthetic y is symmetric around x's mean (r = 0); the NaN row is skipped.
    const real = numericTable({ x, y: x });
    const synth = numericTable({ x: [1, 2, 3, 4, 5, Number.NaN], y: [1, 2, 3, 2, 1, 7] });
    const result = computeCorrelationSimilarity({ real, synth });
    assert.ok(Math.abs((result.score ?? -1) - 0.5) < 1e-12, String(result.score));
    assert.deepEqual(Object.keys(result.details.perPair as object), ['x|y']);
  });

  it('is not applicable with fewer than two numeric columns, and reports constant columns as BAD_INPUT', () => {
    const single = computeCorrelationSimilarity({ real: numericTable({ x }), synth: numericTable({ x }) });
    assert.equal(single.score, null);
    assert.equal(single.error, undefined);
    assert.match(single.notApplicable ?? '', /at least two numeric/);
    const constant = numericTable({ x, y: x.map(() => 3) });
    assert.throws(
      () => computeCorrelationSimilarity({ real: constant, synth: constant }),
      (e: unknown) => badInput(e) && /no pair/.test((e as Error).message),
    );
  });
});
