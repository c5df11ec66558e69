// The k-NN worker pool (src/engine/knnPool.ts): the same results as the in-thread kernel to the bit,
// indices included; cancellable; falls back to the in-thread kernel when no worker can start.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { dcrMetric } from '../../../src/core/metrics/dcr';
import { nearestNeighbours } from '../../../src/core/metrics/distanceKernel';
import { authenticityMetric } from '../../../src/core/metrics/authenticity';
import { identifiabilityMetric } from '../../../src/core/metrics/identifiability';
import { membershipInferenceMetric } from '../../../src/core/metrics/membershipInference';
import { neighbourSearch } from '../../../src/core/metrics/neighbourCache';
import { nndrMetric } from '../../../src/core/metrics/nndr';
import type { TableMetricInput } from '../../../src/core/metrics/types';
import { KnnPool, installKnnWorkers } from '../../../src/engine/knnPool';

const script = join(__dirname, '..', '..', '..', 'src', 'engine', 'knnWorkerMain.ts');

function rows(n: number, stride: number, seed: number): Float32Array {
  let s = seed;
  // Quarter-grid values: many exact ties, so the lowest-index rule is exercised across worker ranges.
  return Float32Array.from({ length: n * stride }, (_, k) =>
    k % stride < 12 ? Math.floor(((s = (s * 48271) % 2147483647) / 2147483647) * 4) / 4 : 0,
  );
}

function table(n: number, seed: number): Table {
  let s = seed;
  const columns: Column[] = Array.from({ length: 6 }, (_, c) => ({
    kind: 'numeric',
    name: `x${c}`,
    integer: false,
    values: Float64Array.from({ length: n }, () => (s = (s * 48271) % 2147483647) / 2147483647),
  }));
  return { rowCount: n, columns };
}

describe('k-NN worker pool', () => {
  it('splits the query rows across workers with results identical to the in-thread kernel', async () => {
    const pool = new KnnPool({ script, size: 2, minPairs: 0 });
    try {
      const q = rows(700, 16, 7);
      const r = rows(900, 16, 8);
      const inThread = await nearestNeighbours(q, r, 16);
      const parallel = await pool.search(q, r, 16, { refBlockRows: 100 });
      assert.equal(pool.fallenBack, false);
      assert.deepEqual(parallel, inThread);
      // Two-way and triangular passes: each worker's half of the reverse direction merged in order.
      assert.deepEqual(
        await pool.search(q, r, 16, { reverse: true, refBlockRows: 100 }),
        await nearestNeighbours(q, r, 16, { reverse: true }),
      );
      assert.deepEqual(await pool.search(q, q, 16, { triangular: true }), await nearestNeighbours(q, q, 16));
      // A second search reuses the threads.
      assert.deepEqual(await pool.search(r, q, 16), await nearestNeighbours(r, q, 16));
    } finally {
      await pool.close();
    }
  });

  it('an abort ends the search with CANCELLED and the next search starts new workers', async () => {
    const pool = new KnnPool({ script, size: 2, minPairs: 0 });
    try {
      const q = rows(3000, 16, 1);
      const r = rows(3000, 16, 2);
      const abort = new AbortController();
      const search = pool.search(q, r, 16, { signal: abort.signal, refBlockRows: 50 });
      setTimeout(() => abort.abort(), 5);
      await assert.rejects(search, (e) => e instanceof MedSynthError && e.code === 'CANCELLED');
      const small = rows(50, 16, 3);
      assert.deepEqual(await pool.search(small, r, 16), await nearestNeighbours(small, r, 16));
    } finally {
      await pool.close();
    }
  });

  it('a worker script that cannot load falls back to the in-thread kernel', async () => {
    const pool = new KnnPool({ script: join(__dirname, 'no-such-worker.js'), size: 2, minPairs: 0 });
    const q = rows(40, 8, 5);
    assert.deepEqual(await pool.search(q, q, 8), await nearestNeighbours(q, q, 8));
    assert.equal(pool.fallenBack, true);
    await pool.close();
  });

  it('installed, the five privacy metrics give the in-thread results; without a bundled worker it installs nothing', async () => {
    const input = (): TableMetricInput => ({ real: table(400, 1), synth: table(300, 2), holdout: table(200, 3) });
    const metrics = [dcrMetric, nndrMetric, membershipInferenceMetric, identifiabilityMetric, authenticityMetric];
    const alone = [];
    const one = input();
    for (const m of metrics) alone.push((await m.compute(one)).details);
    const before = neighbourSearch();
    const uninstall = installKnnWorkers({ script, size: 2, minPairs: 0 });
    try {
      assert.notEqual(neighbourSearch(), before);
      const two = input();
      for (const [k, m] of metrics.entries()) assert.deepEqual((await m.compute(two)).details, alone[k], m.id);
    } finally {
      await uninstall();
    }
    assert.equal(neighbourSearch(), before);
    // Under tsx there is no dist/knnWorker.js beside the module: the in-thread kernel stays.
    await installKnnWorkers()();
    assert.equal(neighbourSearch(), before);
  });
});
