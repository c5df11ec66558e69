// Bilinear resampling against skimage.transform.resize(order=1, mode='edge', anti_aliasing=False,
// preserve_range=True) (test/reference/ppca_reference.py): real frames (PNG grey and RGB, a CT slice
// in HU) read by MedSynth's readers and seeded float frames, down- and upsampled by non-integer
// factors, to 1x1 and from a single row; plus the common size of a set, its frames and its channels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonImageSize, frameCount, framesOf, resizeFrame, setChannels } from '../../../src/core/data/imageResample';
import type { ImageSet } from '../../../src/core/data/imageSet';
import { MedSynthError } from '../../../src/core/errors';
import { sha256Float32 } from '../float32Hash';
import { RESAMPLE_CASES, readFixtureImage, volume } from '../generators/ppcaFixtures';

function set(...images: ReturnType<typeof volume>[]): ImageSet {
  return { modality: 'image', images };
}

function isCode(code: string, includes: readonly string[] = []) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MedSynthError, `expected a MedSynthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const s of includes) assert.ok(e.message.includes(s), `message '${e.message}' should name ${s}`);
    return true;
  };
}

describe('resizeFrame against skimage', () => {
  it('has real and seeded cases, up and down, grey and RGB', () => {
    assert.ok(RESAMPLE_CASES.length >= 10);
    assert.ok(RESAMPLE_CASES.some((c) => c.channels === 3));
    assert.ok(RESAMPLE_CASES.some((c) => c.outRows > c.rows));
    assert.ok(RESAMPLE_CASES.some((c) => c.outRows < c.rows));
  });
  for (const c of RESAMPLE_CASES) {
    it(c.label, async () => {
      let data: Float32Array;
      if (c.source !== undefined) {
        const v = (await readFixtureImage(c.source)).images[0];
        assert.deepEqual([v.rows, v.columns, v.channels], [c.rows, c.columns, c.channels]);
        data = v.data.subarray(0, c.rows * c.columns * c.channels);
        assert.equal(sha256Float32(data), c.sha256, 'the reader gave the reference its input');
      } else {
        data = Float32Array.from(c.input ?? []);
      }
      const out = resizeFrame(data, c.rows, c.columns, c.channels, c.outRows, c.outColumns);
      assert.equal(out.length, c.expected.length);
      let worst = 0;
      for (let i = 0; i < out.length; i++) {
        const err = Math.abs(out[i] - c.expected[i]) / Math.max(1, Math.abs(c.expected[i]));
        if (err > worst) worst = err;
      }
      assert.ok(worst <= 1e-9, `largest relative difference ${worst}`);
    });
  }

  it('returns the same values when the size already matches', () => {
    const data = Float32Array.of(0.1, -3, 7.25, 1e6, 5, 6);
    const out = resizeFrame(data, 2, 3, 1, 2, 3);
    assert.deepEqual(Array.from(out), Array.from(data));
    assert.ok(out instanceof Float64Array && (out as unknown) !== data);
  });

  it('stays within the input range and keeps a constant frame constant', () => {
    const data = Float32Array.from({ length: 7 * 11 * 3 }, (_, i) => Math.sin(i * 1.7) * 50);
    const out = resizeFrame(data, 7, 11, 3, 13, 4);
    const lo = Math.min(...data);
    const hi = Math.max(...data);
    for (const v of out) assert.ok(v >= lo - 1e-12 && v <= hi + 1e-12);
    for (const v of resizeFrame(new Float32Array(20).fill(-1024), 4, 5, 1, 9, 2)) assert.equal(v, -1024);
  });

  it('refuses sizes that are not positive integers and data of the wrong length (BAD_USAGE)', () => {
    assert.throws(() => resizeFrame(new Float32Array(4), 2, 2, 1, 0, 2), isCode('BAD_USAGE', ['outRows']));
    assert.throws(() => resizeFrame(new Float32Array(4), 2, 2, 1, 2.5, 2), isCode('BAD_USAGE', ['outRows']));
    assert.throws(() => resizeFrame(new Float32Array(5), 2, 2, 1, 3, 3), isCode('BAD_USAGE', ['4 values']));
  });
});

describe('commonImageSize', () => {
  const grey = (id: string, frames: number, rows: number, columns: number) =>
    volume(id, frames, rows, columns, 1, new Float32Array(frames * rows * columns));

  it('takes the size most frames have, counting every frame of a volume', () => {
    const s = set(grey('a', 1, 20, 30), grey('b', 1, 20, 30), grey('c', 3, 10, 12));
    assert.deepEqual(commonImageSize(s), { rows: 10, columns: 12 });
    assert.deepEqual(commonImageSize(set(grey('a', 1, 20, 30), grey('b', 1, 20, 30), grey('c', 1, 10, 12))), { rows: 20, columns: 30 });
  });

  it('breaks ties by the larger pixel count, then the larger row count, whatever the order', () => {
    const a = grey('a', 2, 8, 8);
    const b = grey('b', 2, 6, 12);
    const c = grey('c', 2, 12, 6);
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ])
      assert.deepEqual(commonImageSize(set(...order)), { rows: 12, columns: 6 });
    assert.deepEqual(commonImageSize(set(grey('x', 1, 5, 9), grey('y', 1, 9, 4))), { rows: 5, columns: 9 });
  });

  it('caps the longer side at cap and scales the other, rounding half up', () => {
    assert.deepEqual(commonImageSize(set(grey('a', 1, 512, 512))), { rows: 128, columns: 128 });
    assert.deepEqual(commonImageSize(set(grey('a', 1, 41, 33)), 24), { rows: 24, columns: 19 }); // 33 * 24 / 41 = 19.3
    assert.deepEqual(commonImageSize(set(grey('a', 1, 240, 320)), 16), { rows: 12, columns: 16 });
    assert.deepEqual(commonImageSize(set(grey('a', 1, 100, 30)), 20), { rows: 20, columns: 6 }); // 6.0
    assert.deepEqual(commonImageSize(set(grey('a', 1, 8, 3)), 4), { rows: 4, columns: 2 }); // 1.5 rounds up
    assert.deepEqual(commonImageSize(set(grey('a', 1, 1, 1000)), 64), { rows: 1, columns: 64 }); // at least 1
    assert.deepEqual(commonImageSize(set(grey('a', 1, 100, 90))), { rows: 100, columns: 90 });
  });

  it('refuses an empty set (BAD_INPUT) and a bad cap (BAD_USAGE)', () => {
    assert.throws(() => commonImageSize(set()), isCode('BAD_INPUT'));
    assert.throws(() => commonImageSize(set(grey('a', 1, 4, 4)), 0), isCode('BAD_USAGE', ['cap']));
  });
});

describe('framesOf and setChannels', () => {
  it('yields every frame of every volume in order, as views', () => {
    const v1 = volume(
      'v1',
      3,
      2,
      2,
      1,
      Float32Array.from({ length: 12 }, (_, i) => i),
    );
    const v2 = volume('v2', 1, 1, 2, 3, Float32Array.of(100, 101, 102, 103, 104, 105), { photometric: 'RGB' });
    const s = set(v1, v2);
    const frames = [...framesOf(s)];
    assert.equal(frames.length, 4);
    assert.equal(frameCount(s), 4);
    assert.deepEqual(
      frames.map((f) => [f.image, f.frame, f.rows, f.columns, f.channels, Array.from(f.data)]),
      [
        [0, 0, 2, 2, 1, [0, 1, 2, 3]],
        [0, 1, 2, 2, 1, [4, 5, 6, 7]],
        [0, 2, 2, 2, 1, [8, 9, 10, 11]],
        [1, 0, 1, 2, 3, [100, 101, 102, 103, 104, 105]],
      ],
    );
    assert.equal(frames[1].data.buffer, v1.data.buffer);
  });

  it('gives the shared channel count and refuses grey mixed with colour, naming the files', () => {
    const g = volume('g', 1, 2, 2, 1, new Float32Array(4), { sourceFiles: ['scans/grey.png'] });
    const c = volume('c', 1, 2, 2, 3, new Float32Array(12), { sourceFiles: ['photos/colour.jpg'] });
    assert.equal(setChannels(set(g, g)), 1);
    assert.equal(setChannels(set(c)), 3);
    assert.throws(() => setChannels(set(g, c), 'the training set'), isCode('BAD_INPUT', ['scans/grey.png', 'photos/colour.jpg']));
    assert.throws(() => setChannels(set()), isCode('BAD_INPUT'));
  });
});
