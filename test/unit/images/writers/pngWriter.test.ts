// encodePng: round trips through MedSynth's PNG reader, and the files read by PIL and by a decoder
// written from the PNG specification (test/reference/image_writers_reference.py: CRCs, filters,
// 16-bit big-endian samples), against the samples the test gave the writer. Bad input: typed errors.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isMedSynthError } from '../../../../src/core/errors';
import { encodePng } from '../../../../src/core/data/raster/pngWriter';
import type { PngImage } from '../../../../src/core/data/raster/pngWriter';
import { readRaster } from '../../../../src/core/data/raster/rasterReader';
import { floats, lcg, missing, reference, scratch } from './writersReference';

function image(rows: number, columns: number, channels: 1 | 3, bitDepth: 8 | 16, seed: number, smooth = false): PngImage {
  const next = lcg(seed);
  const n = rows * columns * channels;
  const data = bitDepth === 8 ? new Uint8Array(n) : new Uint16Array(n);
  const top = bitDepth === 8 ? 255 : 65535;
  for (let i = 0; i < n; i++) {
    const p = Math.floor(i / channels);
    // smooth images make Sub/Up/Average/Paeth win; noisy ones None
    data[i] = smooth
      ? Math.round((((p % columns) + Math.floor(p / columns)) / (rows + columns)) * top * 0.9 + next() * 3)
      : Math.floor(next() * (top + 1));
  }
  return { rows, columns, channels, bitDepth, data };
}

const CASES: [string, PngImage][] = [
  ['grey 8-bit noise 17x23', image(17, 23, 1, 8, 1)],
  ['grey 8-bit ramp 64x48', image(64, 48, 1, 8, 2, true)],
  ['grey 16-bit ramp 40x33', image(40, 33, 1, 16, 3, true)],
  ['grey 16-bit noise 5x7', image(5, 7, 1, 16, 4)],
  ['RGB 8-bit ramp 31x29', image(31, 29, 3, 8, 5, true)],
  ['RGB 16-bit ramp 12x19', image(12, 19, 3, 16, 6, true)],
  ['1x1 grey', image(1, 1, 1, 8, 7)],
  ['1 row RGB 16-bit', image(1, 50, 3, 16, 8, true)],
];

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('encodePng round trips through readRaster', () => {
  for (const [name, img] of CASES) {
    it(name, async () => {
      const v = (await readRaster(encodePng(img), { fileName: 'x.png' })).images[0];
      assert.deepEqual([v.frames, v.rows, v.columns, v.channels], [1, img.rows, img.columns, img.channels]);
      assert.deepEqual(Array.from(v.data), Array.from(img.data));
      assert.equal(v.metadata.bitDepth, img.bitDepth);
    });
  }
  it('is deterministic', () => {
    const img = CASES[1][1];
    assert.deepEqual(encodePng(img), encodePng(img));
  });
});

describe('encodePng against PIL and a decoder written from the PNG specification', () => {
  const why = missing('png');
  it('every case', { skip: why ? `reference unavailable: ${why}` : false }, () => {
    const files = CASES.map(([, img], i) => {
      const path = join(dir, `case${i}.png`);
      writeFileSync(path, encodePng(img));
      return path;
    });
    const refs = reference('png', files);
    const filterTypes = new Set<number>();
    CASES.forEach(([name, img], i) => {
      const { pil, spec } = refs[i];
      assert.equal(spec.crcOk, true, `${name}: chunk CRCs`);
      assert.deepEqual(
        [spec.width, spec.height, spec.depth, spec.colorType, spec.interlace],
        [img.columns, img.rows, img.bitDepth, img.channels === 1 ? 0 : 2, 0],
      );
      assert.equal(spec.chunks[0], 'IHDR');
      assert.equal(spec.chunks.at(-1), 'IEND');
      for (const t of spec.filterTypes as number[]) filterTypes.add(t);
      assert.deepEqual(Array.from(floats(spec.values)), Array.from(img.data), `${name}: specification decoder`);
      assert.deepEqual(pil.size, [img.columns, img.rows]);
      if (img.bitDepth === 8 || img.channels === 1) {
        // PIL keeps 8-bit samples and 16-bit grey (mode 'I' in PIL 9.4); it reduces 16-bit RGB to 8 bits.
        assert.ok(
          (img.channels === 3 ? ['RGB'] : img.bitDepth === 16 ? ['I', 'I;16'] : ['L']).includes(pil.mode),
          `${name}: PIL mode ${pil.mode}`,
        );
        assert.deepEqual(Array.from(floats(pil.values)), Array.from(img.data), `${name}: PIL`);
      }
    });
    assert.deepEqual([...filterTypes].sort(), [0, 1, 2, 3, 4], 'the cases exercise every filter type');
  });
});

describe('encodePng refuses bad input', () => {
  const bad: [string, PngImage, string, RegExp][] = [
    [
      'wrong sample count',
      { rows: 2, columns: 2, channels: 1, bitDepth: 8, data: new Uint8Array(3) },
      'BAD_INPUT',
      /holds 3 samples.*expected 4/,
    ],
    ['zero rows', { rows: 0, columns: 2, channels: 1, bitDepth: 8, data: new Uint8Array(0) }, 'BAD_INPUT', /rows is 0/],
    ['fractional columns', { rows: 1, columns: 1.5, channels: 1, bitDepth: 8, data: new Uint8Array(1) }, 'BAD_INPUT', /columns is 1.5/],
    ['16-bit depth with bytes', { rows: 1, columns: 1, channels: 1, bitDepth: 16, data: new Uint8Array(1) }, 'BAD_INPUT', /Uint16Array/],
    ['channels 2', { rows: 1, columns: 1, channels: 2 as 1, bitDepth: 8, data: new Uint8Array(2) }, 'BAD_INPUT', /channels is 2/],
    ['huge', { rows: 70000, columns: 70000, channels: 3, bitDepth: 16, data: new Uint16Array(1) }, 'LIMIT_EXCEEDED', /bytes of scanlines/],
  ];
  for (const [name, img, code, message] of bad) {
    it(name, () => {
      assert.throws(
        () => encodePng(img),
        (e: unknown) => isMedSynthError(e) && e.code === code && message.test(e.message),
      );
    });
  }
});
