// Privacy metrics: copies and distances on identical, disjoint and hand-computed tables, the
// float32 SIMD kernel against the scalar path, and bad input as typed errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table';
import { MedSynthError } from '../../../src/core/errors';
import { computeDcr, distanceHistogram, shareCloserToTrain } from '../../../src/core/metrics/dcr';
import { nearestTwo, paddedWidth, simdKernelAvailable } from '../../../src/core/metrics/distanceKernel';
import { computeExactCopies } from '../../../src/core/metrics/exactCopies';
import { computeNndr } from '../../../src/core/metrics/nndr';
import { buildColumn, numericTable } from './csvTable';

function mixed(x: number[], c: string[], id?: string[]): Table {
  const columns = [buildColumn('x', 'numeric', x.map((v) => (Number.isNaN(v) ? '' : String(v)))), buildColumn('c', 'categorical', c)];
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

  it('matches a hand-computed mixed-type distance, leaving out rows with empty cells', async () => {
    // Synthetic (5, a) vs real (0, a): (5/10 + 0) / 2 = 0.25; vs real (10, b): (5/10 + 1) / 2 = 0.75.
    const real = mixed([0, 10, Number.NaN], ['a', 'b', 'a']);
    const synth = mixed([5, 7], ['a', '']);
    const result = await computeDcr({ real, synth });
    assert.equal(result.score, 0.25);
    assert.equal(result.details.excludedRealRows, 1);
    assert.equal(result.details.excludedSynthRows, 1);
    const nndr = await computeNndr({ real, synth });
    assert.ok(Math.abs((nndr.score ?? -1) - 1 / 3) < 1e-7, String(nndr.score));
  });

  it('lets a zero-range column contribute nothing and ignores text columns', async () => {
    const real: Table = { rowCount: 2, columns: [buildColumn('k', 'numeric', ['5', '5']), buildColumn('x', 'numeric', ['0', '4']), buildColumn('n', 'text', ['p', 'q'])] };
    const synth: Table = { rowCount: 1, columns: [buildColumn('k', 'numeric', ['9']), buildColumn('x', 'numeric', ['1']), buildColumn('n', 'text', ['z'])] };
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

  it('reports tables where every row has an empty cell as BAD_INPUT', async () => {
    const real = numericTable({ a: [Number.NaN, Number.NaN] });
    await assert.rejects(computeDcr({ real, synth: numericTable({ a: [1] }) }), (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT');
    await assert.rejects(computeNndr({ real: numericTable({ a: [1] }), synth: numericTable({ a: [1] }) }), /at least two complete real rows/);
  });

  it('stops with CANCELLED when aborted between query blocks', async () => {
    const rows = 4000;
    const big = numericTable({ a: Array.from({ length: rows }, (_, i) => i), b: Array.from({ length: rows }, (_, i) => (i * 7) % 13) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    await assert.rejects(computeDcr({ real: big, synth: big }, controller.signal), (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED');
  });
});

describe('distance kernel', () => {
  it('validates as WebAssembly SIMD here and agrees with the scalar path', async () => {
    assert.equal(simdKernelAvailable(), true);
    const stride = paddedWidth(19);
    assert.equal(stride, 24);
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
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
