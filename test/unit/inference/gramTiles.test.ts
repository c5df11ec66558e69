// The embedding distance tiles through ONNX Runtime (engine/gramTiles.ts → the inference process's
// float64 Gemm model): the product is a · bᵀ (hand-computed), bad requests are typed errors, and the
// image metrics computed with the tiles there give the numpy/scikit-learn reference values of
// test/fixtures/metrics/image/image_metrics.json (the same values the in-thread product is held to),
// with the neighbours identical to the in-thread ones, over uneven tiles.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nearestNeighbours } from '../../../src/core/metrics/image/featureNeighbours';
import { computeImageDcr } from '../../../src/core/metrics/image/imageDcr';
import { maximumMeanDiscrepancy } from '../../../src/core/metrics/image/mmd';
import { precisionRecallDensityCoverage } from '../../../src/core/metrics/image/prdc';
import { installGramTiles } from '../../../src/engine/gramTiles';
import type { InferenceClient } from '../../../src/engine/inferenceClient';
import { rejectsWith } from '../typedErrors';
import { fixtureFeatures, IMAGE_REF } from '../metrics/image/imageFixture';
import { testClient } from './imageTinyFixture';

const ref = IMAGE_REF;
const features = fixtureFeatures;
const real = features('real');
const synth = features('synth');
const holdout = features('holdout');

function close(got: number, want: number, rel: number, what: string): void {
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
}

describe('embedding distance tiles through ONNX Runtime', () => {
  let client: InferenceClient;
  before(() => (client = testClient()));
  after(() => client.dispose());

  it('multiplies a by b transposed in float64', async () => {
    // a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0, 1], [0, 1, 0], [2, 2, 2]]: by hand, [[4, 2, 12], [10, 5, 30]].
    const res = await client.gram(new Float64Array([1, 2, 3, 4, 5, 6]), 2, new Float64Array([1, 0, 1, 0, 1, 0, 2, 2, 2]), 3, 3);
    assert.deepEqual([...res.product], [4, 2, 12, 10, 5, 30]);
    assert.equal(res.executionProvider, 'cpu');
    // Digits a float32 product would lose: 1 + 2^-40 times 1.
    const fine = await client.gram(new Float64Array([1 + 2 ** -40]), 1, new Float64Array([1]), 1, 1);
    assert.equal(fine.product[0], 1 + 2 ** -40);
  });

  it('hands back the k nearest squared distances of a tile, ties to the lower index', async () => {
    // a = (0,0), (1,1); b = (1,1), (0,0), (0,0), (3,3); squared norms by hand. Row 0: distances 2, 0, 0, 18 → 0 (1), 0 (2), 2 (0);
    // row 1: 0, 2, 2, 8 → 0 (0), 2 (1), 2 (2).
    const res = await client.gram(new Float64Array([0, 0, 1, 1]), 2, new Float64Array([1, 1, 0, 0, 0, 0, 3, 3]), 4, 2, {
      nearest: { k: 3, normsA: new Float64Array([0, 2]), normsB: new Float64Array([2, 0, 0, 18]) },
    });
    assert.deepEqual([...res.product], [0, 0, 2, 0, 2, 2]);
    assert.deepEqual([...(res.indices ?? [])], [1, 2, 0, 0, 1, 2]);
    const norms = { normsA: new Float64Array(2), normsB: new Float64Array(4) };
    await rejectsWith(client.gram(new Float64Array(4), 2, new Float64Array(8), 4, 2, { nearest: { k: 5, ...norms } }), 'BAD_USAGE');
    await rejectsWith(
      client.gram(new Float64Array(4), 2, new Float64Array(8), 4, 2, {
        nearest: { k: 1, normsA: new Float64Array(1), normsB: norms.normsB },
      }),
      'BAD_USAGE',
    );
  });

  it('refuses a request whose arrays do not fit its shape, and still answers the next', async () => {
    assert.match((await rejectsWith(client.gram(new Float64Array(5), 2, new Float64Array(6), 2, 3), 'BAD_USAGE')).message, /a holds 5/);
    await rejectsWith(client.gram(new Float64Array(6), 2, new Float64Array(6), 2, 0), 'BAD_USAGE');
    assert.equal((await client.gram(new Float64Array([2]), 1, new Float64Array([3]), 1, 1)).product[0], 6);
  });

  it('gives the reference PRDC, MMD and DCR, and the in-thread neighbours, over uneven tiles', async () => {
    const local = await nearestNeighbours(real, synth, 3);
    const tiles = installGramTiles(client, ['cpu'], 7);
    try {
      const remote = await nearestNeighbours(real, synth, 3);
      assert.deepEqual(remote.indices, local.indices);
      assert.deepEqual(remote.distances, local.distances);
      const selfLocal = await (async () => {
        tiles.uninstall();
        try {
          return await nearestNeighbours(real, real, 2, { excludeSelf: true });
        } finally {
          installGramTiles(client, ['cpu'], 7);
        }
      })();
      assert.deepEqual((await nearestNeighbours(real, real, 2, { excludeSelf: true })).indices, selfLocal.indices);
      const prdc = await precisionRecallDensityCoverage(real, synth, 5);
      for (const key of ['precision', 'recall', 'density', 'coverage'] as const) close(prdc[key], ref.prdc.independent[key], 1e-12, key);
      const mmd = await maximumMeanDiscrepancy(real, synth);
      close(mmd.mmd2, ref.mmd.independent.mmd2, 1e-9, 'mmd2');
      const dcr = await computeImageDcr({ real, synth, holdout });
      for (const key of ['median', 'p05', 'mean', 'shareCloserToTrain'] as const)
        close(dcr.details[key] as number, ref.privacy.dcr[key], 1e-9, `dcr ${key}`);
      assert.equal(tiles.executionProvider(), 'cpu');
    } finally {
      tiles.uninstall();
    }
  });
});
