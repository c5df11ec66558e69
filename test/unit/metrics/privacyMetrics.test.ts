// Privacy metrics: copies and distances on identical, disjoint and hand-computed tables, the
// float32 SIMD kernel against the scalar path, and bad input as typed errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { computeDcr, distanceHistogram, shareCloserToTrain } from '../../../src/core/metrics/dcr';
import { nearestTwo, paddedWidth, simdKernelAvailable } from '../../../src/core/metrics/distanceKernel';
import { nearestRecords, rowsNeedingTerms, termDistance } from '../../../src/core/metrics/distanceSearch';
import { buildDistanceSpace } from '../../../src/core/metrics/distanceSpace';
import { computeExactCopies } from '../../../src/core/metrics/exactCopies';
import { computeNndr } from '../../../src/core/metrics/nndr';
import { buildColumn, numericTable } from './csvTable';

function mixed(x: number[], c: string[], id?: string[]): Table {
  const columns = [
    buildColumn(
      'x',
      'numeric',
      x.map((v) => (Number.isNaN(v) ? '' : String(v))),
    ),
    buildColumn('c', 'categorical', c),
  ];
  if (id) columns.push(buildColumn('id', 'identifier', id));
  return { rowCount: x.length, columns };
}

describe('privacy.exactCopies', () => {
  it('is 1 for identical tables and 0 for disjoint ones', () => {
    const real = mixed([1, 2, 3], ['a', 'b', 'c']);
    assert.equal(computeExactCopies({ real, synth: real }).score, 1);
    assert.equal(computeExactCopies({ real, synth: mixed([4, 5], ['a', 'b']) }).score, 0);
  });

  it('treats missing as equal to missing, compares numbers exactly and ignores identifiers', () => {
    const real = mixed([1, Number.NaN, 0.1], ['a', '', 'b'], ['r1', 'r2', 'r3']);
    const synth = mixed([Number.NaN, 1, 0.1000000001, 1], ['', 'a', 'b', 'b'], ['s1', 's2', 's3', 's4']);
    const result = computeExactCopies({ real, synth });
    assert.equal(result.score, 0.5);
    assert.deepEqual(result.details.excludedColumns, ['id']);
    assert.deepEqual(
      result.leftOut?.map((l) => [l.count, l.unit, l.names]),
      [[1, 'columns', ['id']]],
    );
  });

  it('gives its base rate: holdout rows equal to a training row, or without a holdout real rows equal to another', () => {
    // Real rows (1, a) twice and (2, b): the two (1, a) rows each equal another real row, so 2 of 3.
    const real = mixed([1, 1, 2], ['a', 'a', 'b']);
    const synth = mixed([3], ['c']);
    assert.deepEqual(computeExactCopies({ real, synth }).details.baseRate, { source: 'real', matches: 2, rows: 3, share: 2 / 3 });
    // Holdout (2, b) equals a real row, (5, b) does not: 1 of 2.
    const holdout = mixed([2, 5], ['b', 'b']);
    assert.deepEqual(computeExactCopies({ real, synth, holdout }).details.baseRate, { source: 'holdout', matches: 1, rows: 2, share: 0.5 });
  });

  it('refuses a column whose kind differs in the synthetic table', () => {
    const real: Table = { rowCount: 1, columns: [buildColumn('v', 'numeric', ['1'])] };
    const synth: Table = { rowCount: 1, columns: [buildColumn('v', 'text', ['1'])] };
    assert.throws(() => computeExactCopies({ real, synth }), /numeric in the real table but text/);
  });
});

describe('privacy.dcr', () => {
  it('gives 0 for copies of the real data and the full distance for far-away rows', async () => {
    const real = numericTable({ a: [0, 1, 2, 3], b: [0, 10, 20, 30] });
    const same = await computeDcr({ real, synth: real });
    assert.equal(same.score, 0);
    const far = await computeDcr({ real, synth: numericTable({ a: [6, 6], b: [60, 60] }) });
    // Both columns sit one full range above the largest real value: mean of 1 and 1.
    assert.equal(far.score, 1);
  });

  it('matches a hand-computed mixed-type distance with empty cells, dropping no row', async () => {
    // Range of x over the real non-empty values: 0..10. An empty cell against a filled one costs 1.
    // Synthetic (5, a): vs (0, a) (0.5 + 0) / 2 = 0.25; vs (10, b) (0.5 + 1) / 2 = 0.75; vs (empty, a) (1 + 0) / 2 = 0.5.
    // Synthetic (7, empty): vs (0, a) (0.7 + 1) / 2 = 0.85; vs (10, b) (0.3 + 1) / 2 = 0.65; vs (empty, a) (1 + 1) / 2 = 1.
    const real = mixed([0, 10, Number.NaN], ['a', 'b', 'a']);
    const synth = mixed([5, 7], ['a', '']);
    const result = await computeDcr({ real, synth });
    assert.ok(Math.abs((result.score ?? -1) - (0.25 + 0.65) / 2) < 1e-7, String(result.score));
    for (const gone of ['excludedRealRows', 'excludedSynthRows']) assert.equal(gone in result.details, false, gone);
    assert.deepEqual(result.leftOut, []);
    // d1 / d2: 0.25 / 0.5 and 0.65 / 0.85; the median of two is their mean.
    const nndr = await computeNndr({ real, synth });
    assert.ok(Math.abs((nndr.score ?? -1) - (0.5 + 0.65 / 0.85) / 2) < 1e-7, String(nndr.score));
  });

  it('counts an empty cell against a value far outside the real range as exactly 1, two empty cells as 0', async () => {
    // x normalised by the real range 0..10: 50 -> 5. Synthetic 50: vs 0 -> 5, vs 10 -> 4, vs empty -> 1.
    // Synthetic empty: vs 0 -> 1, vs 10 -> 1, vs empty -> 0. The packed space alone would give 50 vs empty 4.5.
    const real = numericTable({ x: [0, 10, Number.NaN] });
    const synth = numericTable({ x: [50, Number.NaN] });
    const space = buildDistanceSpace(real, synth);
    assert.deepEqual(rowsNeedingTerms(space, space.synth, space.real), [0]);
    const near = await nearestRecords(space, space.synth, space.real);
    assert.deepEqual([...near.d1], [1, 0]);
    assert.deepEqual([...near.d2], [4, 1]);
    const result = await computeDcr({ real, synth });
    assert.equal(result.score, 0.5);
    // The same holds the other way round: a holdout value far out against an empty synthetic cell.
    const holdout = numericTable({ x: [-40, 5] });
    const withHoldout = buildDistanceSpace(real, synth, holdout);
    const toHoldout = await nearestRecords(withHoldout, withHoldout.synth, withHoldout.holdout ?? withHoldout.real);
    // Synthetic 50 (5): vs -40 (-4) -> 9, vs 5 (0.5) -> 4.5. Synthetic empty: vs either -> 1.
    assert.deepEqual([...toHoldout.d1], [4.5, 1]);
    assert.deepEqual([...toHoldout.d2], [9, 1]);
  });

  it('agrees with the term-by-term definition on random tables with gaps and far-out values on both sides', async () => {
    let seed = 99;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // Values spread over three times the real range and 20% empty cells, in query and reference alike.
    const column = (n: number, spread: number): number[] =>
      Array.from({ length: n }, () => (random() < 0.2 ? Number.NaN : (random() - 0.5) * spread));
    const real = numericTable({ a: column(60, 10), b: column(60, 10), c: column(60, 10) });
    const real2 = numericTable({ a: [-5, 5, ...column(58, 10)], b: [-5, 5, ...column(58, 10)], c: [-5, 5, ...column(58, 10)] });
    const synth = numericTable({ a: column(40, 30), b: column(40, 30), c: column(40, 30) });
    const holdout = numericTable({ a: column(30, 30), b: column(30, 30), c: column(30, 30) });
    for (const r of [real, real2]) {
      const space = buildDistanceSpace(r, synth, holdout);
      assert.ok(space.holdout);
      for (const [query, ref] of [
        [space.synth, space.real],
        [space.synth, space.holdout],
        [space.holdout, space.real],
      ]) {
        const near = await nearestRecords(space, query, ref);
        for (let q = 0; q < query.count; q++) {
          const all = Array.from({ length: ref.count }, (_, k) => termDistance(space, query, q, ref, k)).sort((x, y) => x - y);
          assert.ok(
            Math.abs(near.d1[q] - all[0]) < 1e-5 && Math.abs(near.d2[q] - all[1]) < 1e-5,
            `row ${q}: ${near.d1[q]}, ${near.d2[q]} vs ${all[0]}, ${all[1]}`,
          );
        }
      }
    }
  });

  it('measures a column the real table has no value in as 1 against any value, and needs two real rows for NNDR', async () => {
    const real = numericTable({ a: [Number.NaN, Number.NaN], b: [1, 2] });
    // a: empty vs 5 -> 1 for both real rows; b (range 1): 0 vs the first, 1 vs the second.
    const result = await computeDcr({ real, synth: numericTable({ a: [5], b: [1] }) });
    assert.equal(result.score, 0.5);
    await assert.rejects(computeNndr({ real: numericTable({ a: [1] }), synth: numericTable({ a: [1] }) }), /at least two real rows/);
  });

  it('lets a zero-range column contribute nothing and ignores text columns', async () => {
    const real: Table = {
      rowCount: 2,
      columns: [buildColumn('k', 'numeric', ['5', '5']), buildColumn('x', 'numeric', ['0', '4']), buildColumn('n', 'text', ['p', 'q'])],
    };
    const synth: Table = {
      rowCount: 1,
      columns: [buildColumn('k', 'numeric', ['9']), buildColumn('x', 'numeric', ['1']), buildColumn('n', 'text', ['z'])],
    };
    const result = await computeDcr({ real, synth });
    assert.equal(result.score, 0.125);
    assert.deepEqual(result.details.ignoredColumns, ['n']);
  });

  it('reports shareCloserToTrain with ties counting half', async () => {
    const real = numericTable({ a: [0, 1, 2, 3] });
    const tie = await computeDcr({ real, synth: real, holdout: real });
    assert.equal(tie.details.shareCloserToTrain, 0.5);
    const away = await computeDcr({ real, synth: real, holdout: numericTable({ a: [50, 60] }) });
    assert.equal(away.details.shareCloserToTrain, 1);
    assert.equal(shareCloserToTrain(Float64Array.of(0.1, 0.3, 0.2), Float64Array.of(0.2, 0.1, 0.2)), 0.5);
  });

  it('bins distances from 0 to the largest, the last bin including its edge', () => {
    const hist = distanceHistogram(Float64Array.of(0, 0.5, 1, 1), 4);
    assert.deepEqual(hist.edges, [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(hist.counts, [1, 0, 1, 2]);
  });

  it("with a holdout, records the holdout rows' distances to the training rows as the baseline", async () => {
    // Real 0..3 (range 3); holdout 0.5 and 2.5 lie 0.5 / 3 = 1/6 from their closest real row.
    const real = numericTable({ a: [0, 1, 2, 3] });
    const result = await computeDcr({ real, synth: real, holdout: numericTable({ a: [0.5, 2.5] }) });
    const base = result.details.baseline as { median: number; p05: number; rows: number };
    assert.ok(Math.abs(base.median - 1 / 6) < 1e-7 && Math.abs(base.p05 - 1 / 6) < 1e-7, JSON.stringify(base));
    assert.equal(base.rows, 2);
    const hist = result.details.histogram as { edges: number[]; counts: number[] };
    const holdoutHist = result.details.holdoutHistogram as { edges: number[]; counts: number[] };
    // Every synthetic distance is 0, so the edges run 0..1 and both holdout rows fall in bin 3 (0.15..0.2).
    assert.deepEqual(holdoutHist.edges, hist.edges);
    assert.deepEqual(
      holdoutHist.counts,
      hist.counts.map((_, k) => (k === 3 ? 2 : 0)),
    );
  });

  it('lists the identifier and text columns it leaves out, with a count', async () => {
    const result = await computeDcr({ real: mixed([1, 2], ['a', 'b'], ['r1', 'r2']), synth: mixed([1, 2], ['a', 'b'], ['s1', 's2']) });
    assert.deepEqual(
      result.leftOut?.map((l) => [l.count, l.unit, l.names]),
      [[1, 'columns', ['id']]],
    );
  });

  it('stops with CANCELLED when aborted between query blocks', async () => {
    const rows = 4000;
    const big = numericTable({ a: Array.from({ length: rows }, (_, i) => i), b: Array.from({ length: rows }, (_, i) => (i * 7) % 13) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    await assert.rejects(
      computeDcr({ real: big, synth: big }, controller.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});

describe('distance kernel', () => {
  it('validates as WebAssembly SIMD here and agrees with the scalar path', async () => {
    assert.equal(simdKernelAvailable(), true);
    const stride = paddedWidth(19);
    assert.equal(stride, 24);
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const q = Float32Array.from({ length: 37 * stride }, (_, i) => (i % stride < 19 ? random() : 0));
    const r = Float32Array.from({ length: 101 * stride }, (_, i) => (i % stride < 19 ? random() : 0));
    const simd = await nearestTwo(q, r, stride);
    const scalar = await nearestTwo(q, r, stride, undefined, true);
    for (let i = 0; i < 37; i++) {
      // Summation order differs (lanes vs sequential); 19 terms below 1 round within 19 * 2^-24 * 19.
      assert.ok(Math.abs(simd.d1[i] - scalar.d1[i]) < 3e-5 && Math.abs(simd.d2[i] - scalar.d2[i]) < 3e-5);
      assert.ok(simd.d1[i] <= simd.d2[i]);
    }
  });

  it('returns Infinity as second distance when there is a single reference row', async () => {
    const out = await nearestTwo(new Float32Array(8).fill(1), new Float32Array(8), 8);
    assert.equal(out.d1[0], 8);
    assert.equal(out.d2[0], Infinity);
  });
});
