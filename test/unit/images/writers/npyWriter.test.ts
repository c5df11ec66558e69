// encodeNpy: numpy.load reads the shape, dtype and every value the test gave, and numpy.save writes
// the very same bytes for that array (test/reference/image_writers_reference.py). Bad shapes: typed errors.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isMedSynthError } from '../../../../src/core/errors';
import { encodeNpy } from '../../../../src/core/data/npy/npyWriter';
import { floats, lcg, missing, reference, scratch } from './writersReference';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

function values(n: number, seed: number): Float32Array {
  const next = lcg(seed);
  const out = new Float32Array(n).map(() => (next() - 0.5) * 4000);
  if (n > 3) {
    out[1] = Number.NaN;
    out[2] = -0;
    out[3] = Number.POSITIVE_INFINITY;
  }
  return out;
}

const SHAPES: number[][] = [[7], [1, 4, 5], [2, 3, 4, 3], [3, 128, 128], [1], [0], [2, 0, 3], [1, 1, 1, 1, 1, 1]];

describe('encodeNpy', () => {
  it('writes the header numpy writes', () => {
    const b = encodeNpy(new Float32Array(6), [2, 3]);
    const len = b[8] | (b[9] << 8);
    assert.equal((10 + len) % 64, 0);
    assert.equal(
      Buffer.from(b.subarray(0, 10 + len))
        .toString('latin1')
        .slice(10)
        .trimEnd(),
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
    );
    assert.equal(b.length, 10 + len + 24);
  });

  const why = missing('npy');
  it('numpy.load reads every value; numpy.save writes the same bytes', { skip: why ? `reference unavailable: ${why}` : false }, () => {
    const inputs = SHAPES.map((shape, i) =>
      values(
        shape.reduce((n, d) => n * d, 1),
        i + 1,
      ),
    );
    const files = SHAPES.map((shape, i) => {
      const path = join(dir, `a${i}.npy`);
      writeFileSync(path, encodeNpy(inputs[i], shape));
      return path;
    });
    const refs = reference('npy', files);
    SHAPES.forEach((shape, i) => {
      const r = refs[i];
      assert.equal(r.dtype, '<f4');
      assert.equal(r.fortran, false);
      assert.deepEqual(r.shape, shape);
      const got = floats(r.values);
      assert.equal(got.length, inputs[i].length);
      for (let k = 0; k < got.length; k++) assert.ok(Object.is(got[k], inputs[i][k]), `shape ${shape}: value ${k}`);
      assert.equal(r.sameBytesAsNumpySave, true, `shape (${shape.join(', ')}): numpy.save's bytes`);
    });
  });

  for (const [name, data, shape, re] of [
    ['a shape of the wrong size', new Float32Array(6), [2, 4], /holds 8 values but the data has 6/],
    ['a negative dimension', new Float32Array(0), [-1], /whole, non-negative/],
    ['a fractional dimension', new Float32Array(3), [1.5, 2], /whole, non-negative/],
    ['too many dimensions', new Float32Array(1), new Array(33).fill(1), /33 dimensions/],
  ] as const) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => encodeNpy(data, shape as number[]),
        (e: unknown) => isMedSynthError(e) && e.code === 'BAD_INPUT' && re.test(e.message),
      );
    });
  }
});
