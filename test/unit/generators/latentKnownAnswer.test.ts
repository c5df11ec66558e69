// Known-answer vectors for the latent noise: test/reference/latent_reference.py computes them from the
// generator's documented definition (MurmurHash3's fmix32 chained over the seed and row words, 53-bit
// uniforms, Box-Muller) with Python integers, and stores each value's float32 bits. A change of the
// (seed, row) -> noise mapping changes every synthetic table made from a model, so it must be noticed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fillLatent } from '../../../src/core/generators/latent';

interface Vector {
  readonly seed: number;
  readonly row: number;
  readonly distribution: 'uniform' | 'normal';
  readonly float32Hex: readonly string[];
}
const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'latent', 'known_answers.json'), 'utf8')) as {
  dims: number;
  vectors: Vector[];
};

const hexOf = (values: Float32Array): string[] =>
  Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length), (b) => b.toString(16).padStart(8, '0'));

describe('latent noise known answers (test/reference/latent_reference.py)', () => {
  it('covers seeds and rows past 2^32 and up to 2^53 - 1, both distributions', () => {
    assert.ok(doc.vectors.some((v) => v.seed > 2 ** 32) && doc.vectors.some((v) => v.row > 2 ** 32));
    assert.ok(doc.vectors.some((v) => v.seed === 2 ** 53 - 1) && doc.vectors.some((v) => v.row === 2 ** 53 - 1));
    assert.deepEqual([...new Set(doc.vectors.map((v) => v.distribution))].sort(), ['normal', 'uniform']);
  });

  for (const v of doc.vectors) {
    it(`seed ${v.seed}, row ${v.row}, ${v.distribution}: the float32 bits match`, () => {
      assert.deepEqual(hexOf(fillLatent(v.seed, v.row, 1, doc.dims, v.distribution)), v.float32Hex);
      // The same row inside a block that starts one row earlier gives the same values.
      if (v.row > 0) assert.deepEqual(hexOf(fillLatent(v.seed, v.row - 1, 2, doc.dims, v.distribution).subarray(doc.dims)), v.float32Hex);
    });
  }
});
