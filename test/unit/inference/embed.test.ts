// The embed request through the real inference client and child: a tiny embedder [-1, 1, 8, 8] ->
// [-1, 4] from test/reference/models_image_tiny.py, compared with numpy's tanh(flatten(img) E + f);
// batch sizes give the same features; bad shapes and names are typed errors; cancel is CANCELLED and
// the next request works.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InferenceClient } from '../../../src/engine/inferenceClient';
import { rejectsWith } from '../typedErrors';
import { assertClose, EXPECTED, IMAGE_TINY, testClient } from './imageTinyFixture';

const MODEL = join(IMAGE_TINY, 'embedder', 'model.onnx');
const e = EXPECTED.embedder;
const images = Float32Array.from(e.images);

describe('embed through the inference process', () => {
  let client: InferenceClient;
  before(() => (client = testClient()));
  after(() => client.dispose());

  it('gives [rows, dims] features matching numpy, whatever the batch size, with progress per batch', async () => {
    const progress: number[] = [];
    const res = await client.embed(MODEL, e.input, e.output, images, e.shape, { batch: 2, onProgress: (done) => progress.push(done) });
    assert.equal(res.rows, 5);
    assert.equal(res.dims, 4);
    assert.equal(res.executionProvider, 'cpu');
    assert.deepEqual(progress, [2, 4, 5]);
    assert.equal(res.msPerBatch.length, 3);
    assertClose(res.features, e.features, 1e-5);
    for (const batch of [1, 5, 64])
      assert.deepEqual((await client.embed(MODEL, e.input, e.output, images, e.shape, { batch })).features, res.features);
  });

  it('no images give no features', async () => {
    const res = await client.embed(MODEL, e.input, e.output, new Float32Array(0), [0, 1, 8, 8]);
    assert.equal(res.rows, 0);
    assert.equal(res.features.length, 0);
  });

  it('refuses images that do not fit their shape or the model, and names that are not the model’s', async () => {
    await rejectsWith(client.embed(MODEL, e.input, e.output, images, [5, 1, 8, 7]), 'BAD_USAGE');
    await rejectsWith(client.embed(MODEL, e.input, e.output, images, [5, 64]), 'MODEL_MISMATCH');
    await rejectsWith(client.embed(MODEL, e.input, e.output, new Float32Array(5 * 2 * 32), [5, 2, 4, 8]), 'MODEL_MISMATCH');
    assert.match(
      (await rejectsWith(client.embed(MODEL, 'pixels', e.output, images, e.shape), 'MODEL_MISMATCH')).message,
      /no input 'pixels'.*img/,
    );
    assert.match((await rejectsWith(client.embed(MODEL, e.input, 'z', images, e.shape), 'MODEL_MISMATCH')).message, /no output 'z'.*feat/);
    await rejectsWith(client.embed(MODEL, e.input, e.output, images, e.shape, { batch: 0 }), 'BAD_USAGE');
  });

  it('cancel is CANCELLED, and the next request works', async () => {
    const rows = 200_000;
    const many = new Float32Array(rows * 64);
    const controller = new AbortController();
    const run = client.embed(MODEL, e.input, e.output, many, [rows, 1, 8, 8], {
      batch: 16,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await rejectsWith(run, 'CANCELLED');
    assertClose((await client.embed(MODEL, e.input, e.output, images, e.shape)).features, e.features, 1e-5);
  });
});
