// The k-NN engine's nearest two with indices (distanceKernel.ts nearestNeighbours, distanceSearch.ts
// nearestRecords) against test/reference/knn_reference.py: a numpy brute force on the defined distance
// (scipy cdist cityblock for the complete numeric case). Indices identical, ties to the lowest index.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { nearestNeighbours, simdKernelAvailable } from '../../../src/core/metrics/distanceKernel';
import type { NearestNeighbours } from '../../../src/core/metrics/distanceKernel';
import { nearestRecords, nearestRecordsBothWays, rowsNeedingTerms } from '../../../src/core/metrics/distanceSearch';
import { buildDistanceSpace } from '../../../src/core/metrics/distanceSpace';
import type { DistanceSpace, PackedRows } from '../../../src/core/metrics/distanceSpace';
import { loadReferenceJson } from './csvTable';

type Cells = Record<string, (number | string | null)[]>;
interface Near {
  i1: number[];
  i2: number[];
  d1: number[];
  d2: number[];
}
interface Case {
  kinds: Record<string, 'numeric' | 'categorical'>;
  tables: Record<'real' | 'synth' | 'holdout', Cells>;
  pairs: Record<string, Near>;
  minGap?: number;
}
const reference = loadReferenceJson<{ ties: Case; numeric: Case }>('knn.json');

function tableFrom(kinds: Case['kinds'], cells: Cells): Table {
  const columns: Column[] = Object.entries(kinds).map(([name, kind]): Column => {
    const raw = cells[name];
    if (kind === 'numeric')
      return { kind, name, integer: false, values: Float64Array.from(raw, (v) => (v === null ? Number.NaN : Number(v))) };
    const categories: string[] = [];
    const codes = Int32Array.from(raw, (v) => {
      if (v === null) return -1;
      if (!categories.includes(String(v))) categories.push(String(v));
      return categories.indexOf(String(v));
    });
    return { kind: 'categorical', name, codes, categories };
  });
  return { rowCount: cells[Object.keys(kinds)[0]].length, columns };
}

function spaceOf(c: Case): DistanceSpace {
  const t = (k: 'real' | 'synth' | 'holdout'): Table => tableFrom(c.kinds, c.tables[k]);
  return buildDistanceSpace(t('real'), t('synth'), t('holdout'));
}

function rowsOf(space: DistanceSpace, name: string): PackedRows {
  const rows = name === 'real' ? space.real : name === 'synth' ? space.synth : space.holdout;
  assert.ok(rows);
  return rows;
}

function compare(pair: string, got: NearestNeighbours, want: Near, tolerance: number): void {
  assert.deepEqual(Array.from(got.i1), want.i1, `${pair} i1`);
  assert.deepEqual(Array.from(got.i2), want.i2, `${pair} i2`);
  want.d1.forEach((d, i) => assert.ok(Math.abs(got.d1[i] - d) <= tolerance, `${pair} d1[${i}] ${got.d1[i]} vs ${d}`));
  want.d2.forEach((d, i) => assert.ok(Math.abs(got.d2[i] - d) <= tolerance, `${pair} d2[${i}] ${got.d2[i]} vs ${d}`));
}

async function checkCase(c: Case, tolerance: number): Promise<void> {
  const space = spaceOf(c);
  // One two-way pass per pair of sets, repaired in each direction.
  for (const [q, r] of [
    ['synth', 'real'],
    ['holdout', 'synth'],
  ]) {
    const both = await nearestRecordsBothWays(space, rowsOf(space, q), rowsOf(space, r));
    compare(`${q}<->${r}`, both.forward, c.pairs[`${q}->${r}`], tolerance);
    compare(`${r}<->${q}`, both.backward, c.pairs[`${r}->${q}`], tolerance);
  }
  for (const [pair, want] of Object.entries(c.pairs)) {
    const [q, r] = pair.split('->');
    compare(pair, await nearestRecords(space, rowsOf(space, q), rowsOf(space, r)), want, tolerance);
  }
}

describe('k-NN with indices against the numpy brute force', () => {
  it('ties, empty cells and out-of-band values: identical indices, exact distances', async () => {
    const space = spaceOf(reference.ties);
    // Both repair paths of nearestRecords are exercised.
    assert.ok(rowsNeedingTerms(space, space.synth, space.real).length > 0);
    assert.ok(rowsNeedingTerms(space, space.synth, rowsOf(space, 'holdout')).length > 0);
    const ties = Object.values(reference.ties.pairs).reduce((n, p) => n + p.d1.filter((d, i) => d === p.d2[i]).length, 0);
    assert.ok(ties > 20, `the fixture has ${ties} tied rows`);
    await checkCase(reference.ties, 1e-9);
  });

  it('complete numeric data: identical indices, distances within float32 rounding', async () => {
    assert.ok((reference.numeric.minGap ?? 0) > 1e-5);
    await checkCase(reference.numeric, 2e-6);
  });
});

describe('nearestNeighbours kernel', () => {
  it('SIMD (with and without early abandoning), scalar and small reference blocks agree exactly, indices included', async () => {
    const space = spaceOf(reference.ties);
    const { stride } = space;
    const runs = [
      await nearestNeighbours(space.synth.rows, space.real.rows, stride),
      await nearestNeighbours(space.synth.rows, space.real.rows, stride, { forceScalar: true }),
      await nearestNeighbours(space.synth.rows, space.real.rows, stride, { refBlockRows: 7 }),
      await nearestNeighbours(space.synth.rows, space.real.rows, stride, { refBlockRows: 3, forceScalar: true }),
      await nearestNeighbours(space.synth.rows, space.real.rows, stride, { abandon: true }),
    ];
    if (!simdKernelAvailable()) assert.fail('the SIMD kernel should validate on node 20+');
    for (const run of runs.slice(1)) {
      assert.deepEqual(run.i1, runs[0].i1);
      assert.deepEqual(run.i2, runs[0].i2);
      assert.deepEqual(run.d1, runs[0].d1);
      assert.deepEqual(run.d2, runs[0].d2);
    }
  });

  it('one pass for both directions, and the triangle of one set, equal the separate searches exactly', async () => {
    const space = spaceOf(reference.ties);
    const { stride } = space;
    const forward = await nearestNeighbours(space.synth.rows, space.real.rows, stride);
    const backward = await nearestNeighbours(space.real.rows, space.synth.rows, stride);
    const self = await nearestNeighbours(space.real.rows, space.real.rows, stride);
    const strip = (n: NearestNeighbours): NearestNeighbours => ({ d1: n.d1, d2: n.d2, i1: n.i1, i2: n.i2 });
    for (const opts of [{}, { forceScalar: true }, { refBlockRows: 7 }, { refBlockRows: 5, forceScalar: true }, { abandon: true }]) {
      const both = await nearestNeighbours(space.synth.rows, space.real.rows, stride, { ...opts, reverse: true });
      assert.deepEqual(strip(both), forward);
      assert.ok(both.reverse);
      assert.deepEqual(both.reverse, backward);
      const tri = await nearestNeighbours(space.real.rows, space.real.rows, stride, { ...opts, triangular: true });
      assert.deepEqual(tri, self);
    }
  });

  it('one reference row: the second is -1 at Infinity; no reference rows: both', async () => {
    const one = await nearestNeighbours(new Float32Array(16).fill(1), new Float32Array(8), 8);
    assert.deepEqual(Array.from(one.i1), [0, 0]);
    assert.deepEqual(Array.from(one.i2), [-1, -1]);
    assert.deepEqual(Array.from(one.d2), [Infinity, Infinity]);
    const none = await nearestNeighbours(new Float32Array(8), new Float32Array(0), 8);
    assert.deepEqual([none.i1[0], none.i2[0], none.d1[0]], [-1, -1, Infinity]);
  });

  it('bad strides and aborted signals are typed errors', async () => {
    await assert.rejects(
      nearestNeighbours(new Float32Array(12), new Float32Array(8), 8),
      (e) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
    );
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(
      nearestNeighbours(new Float32Array(8), new Float32Array(8), 8, { signal: abort.signal }),
      (e) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});
