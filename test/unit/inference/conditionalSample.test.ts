// Conditional single-pass generators through the real inference client and child: a one-hot "GAN" fed
// per-class counts (classes assigned by global index, so shards reproduce the single run), a translation
// model fed one source per output, and the typed errors for a condition the request does not match.
// Expected outputs are numpy's (test/reference/models_image_tiny.py) on latents from latent_reference.py.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GeneratorManifest } from '../../../src/core/generators/manifest';
import type { InferenceClient } from '../../../src/engine/inferenceClient';
import { classesOfRows, classOfSample } from '../../../src/protocol/inference';
import type { SampleCondition } from '../../../src/protocol/inference';
import { rejectsWith } from '../typedErrors';
import { assertClose, EXPECTED, sampleTiny, testClient, tinyGenerator } from './imageTinyFixture';
import type { TinySampleOptions } from './imageTinyFixture';

// Both sides compute z W + b on the same float32 latents; numpy in float64, onnxruntime in float32.
const TOLERANCE = 1e-5;

describe('class assignment by global sample index', () => {
  it('counts[0] samples of class 0 first, then class 1, ...; -1 past the total', () => {
    const counts = [2, 0, 3, 1];
    const all = Array.from({ length: 7 }, (_, g) => classOfSample(counts, g));
    assert.deepEqual(all, [0, 0, 2, 2, 2, 3, -1]);
    assert.deepEqual(Array.from(classesOfRows(counts, 0, 7)), all);
    for (let first = 0; first < 7; first++)
      for (let rows = 0; first + rows <= 7; rows++)
        assert.deepEqual(Array.from(classesOfRows(counts, first, rows)), all.slice(first, first + rows), `${first}+${rows}`);
    assert.deepEqual(Array.from(classesOfRows([0, 0, 2], 0, 3)), [2, 2, -1]);
    assert.deepEqual(Array.from(classesOfRows([], 0, 2)), [-1, -1]);
  });
});

describe('conditional single-pass generators through the inference process', () => {
  let client: InferenceClient;
  before(() => (client = testClient()));
  after(() => client.dispose());

  const sample = (gen: { modelPath: string; manifest: GeneratorManifest }, rows: number, extra: TinySampleOptions = {}) =>
    sampleTiny(client, gen, rows, extra);

  it('an unconditional image "GAN" [-1, 8] -> [-1, 1, 8, 8] matches numpy', async () => {
    const e = EXPECTED.gan;
    const res = await sample(tinyGenerator('gan'), e.rows, { seed: e.seed, firstRow: e.firstRow, batch: 2 });
    assert.equal(res.features, 64);
    assertClose(res.sample, e.sample, TOLERANCE);
  });

  it('a one-hot conditional generator: per-class counts, and shards make the same rows', async () => {
    const gen = tinyGenerator('gan_onehot');
    const e = EXPECTED.gan_onehot;
    const condition: SampleCondition = { kind: 'classes', counts: e.counts! };
    assert.deepEqual(Array.from(classesOfRows(e.counts!, 0, e.rows)), e.classes);
    const whole = await sample(gen, e.rows, { seed: e.seed, condition, batch: 4 });
    assertClose(whole.sample, e.sample, TOLERANCE);
    for (const [firstRow, rows] of [
      [0, 2],
      [2, 3],
      [5, 1],
    ]) {
      const shard = await sample(gen, rows, { seed: e.seed, firstRow, condition, batch: 1 });
      assert.deepEqual(shard.sample, whole.sample.slice(firstRow * 64, (firstRow + rows) * 64), `rows ${firstRow}+${rows}`);
    }
  });

  it('refuses class counts that do not fit the manifest or the rows (BAD_USAGE)', async () => {
    const gen = tinyGenerator('gan_onehot');
    assert.match((await rejectsWith(sample(gen, 2), 'BAD_USAGE')).message, /onehot condition 'y' but the request gives none/);
    assert.match(
      (await rejectsWith(sample(gen, 2, { condition: { kind: 'classes', counts: [1, 1] } }), 'BAD_USAGE')).message,
      /2 class counts.*3, one per class/,
    );
    assert.match(
      (await rejectsWith(sample(gen, 4, { firstRow: 1, condition: { kind: 'classes', counts: [1, 2, 1] } }), 'BAD_USAGE')).message,
      /rows 1\.\.4 go past the 4 samples/,
    );
    await rejectsWith(sample(gen, 1, { condition: { kind: 'classes', counts: [1, -1, 1] } }), 'BAD_USAGE');
    await rejectsWith(sample(gen, 1, { condition: { kind: 'vectors', data: new Float32Array(3) } }), 'BAD_USAGE');
    await rejectsWith(sample(tinyGenerator('gan'), 1, { condition: { kind: 'classes', counts: [1] } }), 'BAD_USAGE');
  });

  it('translation: one output per source, fed from the request', async () => {
    const gen = tinyGenerator('translate');
    const e = EXPECTED.translate;
    const res = await sample(gen, e.rows, {
      seed: e.seed,
      firstRow: e.firstRow,
      batch: 3,
      condition: { kind: 'sources', data: Float32Array.from(e.sources!) },
    });
    assert.equal(res.rows, e.rows);
    assertClose(res.sample, e.sample, TOLERANCE);
  });

  it('a source input with no sources, or the wrong number of them, is BAD_USAGE naming what it needs', async () => {
    const gen = tinyGenerator('translate');
    assert.match(
      (await rejectsWith(sample(gen, 2), 'BAD_USAGE')).message,
      /source condition 's' but the request gives none.*one source sample per row, \[rows, 1, 8, 8\]/,
    );
    assert.match(
      (await rejectsWith(sample(gen, 2, { condition: { kind: 'sources', data: new Float32Array(64) } }), 'BAD_USAGE')).message,
      /64 values for 2 rows/,
    );
  });
});
