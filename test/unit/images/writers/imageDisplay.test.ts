// displayPixels against pydicom's apply_windowing (DICOM's linear VOI function, PS3.3 C.11.2.1.2.1) at
// 8 and 16 bits: the first window, the min..max fallback, MONOCHROME1 inverted; RGB kept; NaN black.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isMedSynthError } from '../../../../src/core/errors';
import type { ImageVolume } from '../../../../src/core/data/imageSet';
import { displayPixels, displayWindow } from '../../../../src/core/data/imageDisplay';
import { floats, lcg, missing, reference, scratch } from './writersReference';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

function grey(frames: number, windows: ImageVolume['windows'], photometric: ImageVolume['photometric'] = 'MONOCHROME2'): ImageVolume {
  const next = lcg(11);
  const rows = 16;
  const columns = 20;
  const data = new Float32Array(frames * rows * columns).map(() => Math.round((next() * 1600 - 1100) * 4) / 4);
  data[0] = -1100; // min and max known to the test
  data[1] = 500;
  return { id: 'g', frames, rows, columns, channels: 1, data, photometric, windows, sourceFiles: [], metadata: {} };
}

/** pydicom's windowing of frame `frame` of v, through a raw float32 file. */
function pydicomWindow(v: ImageVolume, frame: number, center: number, width: number, bits: 8 | 16, name: string): Float32Array {
  const n = v.rows * v.columns;
  const raw = join(dir, `${name}.f32`);
  writeFileSync(raw, v.data.subarray(frame * n, (frame + 1) * n));
  return floats(reference('window', [`${raw}:${center}:${width}:${bits}`])[0].values);
}

describe('displayPixels (grey) against pydicom apply_windowing', () => {
  const why = missing('window');
  const skip = why ? `reference unavailable: ${why}` : false;
  const cases: [string, ImageVolume, number, { center: number; width: number }][] = [
    ['VOI window 40/400', grey(2, [{ center: 40, width: 400 }]), 1, { center: 40, width: 400 }],
    ['narrow window 0/1 (a threshold)', grey(1, [{ center: 0, width: 1 }]), 0, { center: 0, width: 1 }],
    ['no window: min..max of the volume', grey(3, []), 2, { center: -300, width: 1600 }],
    [
      "the readers' 'min-max' preset: min..max again",
      grey(1, [{ center: 1, width: 2, name: 'min-max' }]),
      0,
      { center: -300, width: 1600 },
    ],
    ['MONOCHROME1, inverted for display', grey(1, [{ center: -200, width: 700 }], 'MONOCHROME1'), 0, { center: -200, width: 700 }],
  ];
  for (const [name, v, frame, w] of cases) {
    for (const bits of [8, 16] as const) {
      it(`${name}, ${bits}-bit`, { skip }, () => {
        assert.deepEqual(displayWindow(v), w);
        const ref = pydicomWindow(v, frame, w.center, w.width, bits, `${name.replace(/\W+/g, '_')}${bits}`);
        const got = displayPixels(v, frame, bits);
        const top = bits === 8 ? 255 : 65535;
        assert.equal(got.length, ref.length);
        assert.ok(bits === 8 ? got instanceof Uint8Array : got instanceof Uint16Array);
        let levels = 0;
        for (let i = 0; i < got.length; i++) {
          const expected = v.photometric === 'MONOCHROME1' ? top - ref[i] : ref[i];
          assert.ok(Math.abs(got[i] - expected) <= 0.5 + 1e-6, `pixel ${i}: ${got[i]} vs ${expected}`);
          if (got[i] !== 0 && got[i] !== top) levels++;
        }
        if (w.width > 1) assert.ok(levels > 0, 'some pixels on the ramp');
      });
    }
  }
});

describe('displayPixels, other rules', () => {
  it('shows NaN as black and infinities at the ends', () => {
    const v = grey(1, [{ center: 0, width: 100 }]);
    v.data.set([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    assert.deepEqual(Array.from(displayPixels(v, 0, 8).subarray(0, 3)), [0, 255, 0]);
  });
  it('keeps RGB values, scales 16-bit RGB down for 8 bits and 8-bit RGB up for 16', () => {
    const rgb8: ImageVolume = {
      ...grey(1, []),
      channels: 3,
      photometric: 'RGB',
      rows: 1,
      columns: 2,
      data: Float32Array.of(0, 127.6, 255, 254.5, 1, Number.NaN),
    };
    assert.deepEqual(Array.from(displayPixels(rgb8, 0, 8)), [0, 128, 255, 255, 1, 0]);
    assert.deepEqual(Array.from(displayPixels(rgb8, 0, 16)), [0, 32793, 65535, 65407, 257, 0]);
    const rgb16: ImageVolume = { ...rgb8, data: Float32Array.of(0, 257, 65535, 1000, 33050, 65535) };
    assert.deepEqual(Array.from(displayPixels(rgb16, 0, 8)), [0, 1, 255, 4, 129, 255]);
    assert.deepEqual(Array.from(displayPixels(rgb16, 0, 16)), [0, 257, 65535, 1000, 33050, 65535]);
  });
  it('gives black for a volume without finite values', () => {
    const v = { ...grey(1, []), data: new Float32Array(16 * 20).fill(Number.NaN) };
    assert.equal(displayWindow(v), undefined);
    assert.ok(displayPixels(v, 0, 8).every((x) => x === 0));
  });
  it('refuses a frame out of range and a volume of the wrong size', () => {
    const v = grey(2, []);
    for (const f of [-1, 2, 0.5])
      assert.throws(
        () => displayPixels(v, f, 8),
        (e: unknown) => isMedSynthError(e) && e.code === 'BAD_INPUT' && /between 0 and 1/.test(e.message),
      );
    assert.throws(
      () => displayPixels({ ...v, frames: 3 }, 0, 8),
      (e: unknown) => isMedSynthError(e) && /holds 640 values/.test(e.message),
    );
  });
});
