// encodeNifti1: readNifti(encodeNifti1(v)) returns v's values exactly (same order: x = column, y = row,
// z = frame, no flips), and nibabel reads the header (datatype, dims, zooms, units, cal, descrip,
// q/sform codes, vox_offset) and the same values (test/reference/image_writers_reference.py).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { isMedSynthError } from '../../../../src/core/errors';
import type { ImageVolume } from '../../../../src/core/data/imageSet';
import { encodeNifti1 } from '../../../../src/core/data/nifti/niftiWriter';
import { readNifti } from '../../../../src/core/data/nifti/niftiReader';
import { floats, missing, reference, scratch, seededVolume } from './writersReference';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));

function volume(
  frames: number,
  rows: number,
  columns: number,
  channels: 1 | 3,
  seed: number,
  extra: Partial<ImageVolume> = {},
): ImageVolume {
  // Grey values around CT's range with a fractional part, or RGB bytes.
  const fill = (i: number, next: () => number): number => (channels === 3 ? Math.floor(next() * 256) : (next() - 0.3) * 3000 + (i % 7) / 8);
  return seededVolume(`v${seed}`, [frames, rows, columns, channels], seed, fill, extra);
}

const CASES: [string, ImageVolume][] = [
  ['grey 3 frames, anisotropic spacing', volume(3, 5, 7, 1, 1, { spacing: { row: 0.5, column: 0.75, slice: 2.5 } })],
  ['grey one frame, no spacing', volume(1, 9, 4, 1, 2, { windows: [] })],
  ['RGB 2 frames', volume(2, 3, 6, 3, 3, { spacing: { row: 1, column: 1 } })],
];

describe('encodeNifti1 round trips through readNifti', () => {
  for (const [name, v] of CASES) {
    for (const gzip of [false, true]) {
      it(`${name}${gzip ? ' (.nii.gz)' : ''}`, async () => {
        const bytes = encodeNifti1(v, { gzip });
        const r = (await readNifti(bytes, { fileName: gzip ? 'x.nii.gz' : 'x.nii' })).images[0];
        assert.deepEqual([r.frames, r.rows, r.columns, r.channels], [v.frames, v.rows, v.columns, v.channels]);
        assert.deepEqual(r.data, v.data);
        assert.equal(r.photometric, v.photometric);
        assert.equal(r.metadata.voxOffset, 352);
        if (v.spacing) {
          assert.ok(Math.abs(r.spacing!.row - v.spacing.row) < 1e-6 && Math.abs(r.spacing!.column - v.spacing.column) < 1e-6);
        }
        if (v.channels === 1 && v.windows[0]) assert.deepEqual(r.windows[0], { center: 40, width: 400, name: 'cal_min..cal_max' });
        assert.equal(r.metadata.description, 'MedSynth');
        if (gzip) assert.deepEqual(gunzipSync(bytes), Buffer.from(encodeNifti1(v)));
      });
    }
  }
  it('keeps NaN and infinities of a float volume', async () => {
    const v = volume(1, 2, 2, 1, 9);
    v.data.set([Number.NaN, Number.POSITIVE_INFINITY, -0, Number.NEGATIVE_INFINITY]);
    const r = (await readNifti(encodeNifti1(v))).images[0];
    assert.ok(Number.isNaN(r.data[0]) && r.data[1] === Infinity && Object.is(r.data[2], -0) && r.data[3] === -Infinity);
  });
});

describe('encodeNifti1 against nibabel', () => {
  const why = missing('nifti');
  it('header and values', { skip: why ? `reference unavailable: ${why}` : false }, () => {
    const files = CASES.flatMap(([, v], i) => {
      const a = join(dir, `v${i}.nii`);
      const b = join(dir, `v${i}.nii.gz`);
      writeFileSync(a, encodeNifti1(v, { description: `MedSynth test ${i}` }));
      writeFileSync(b, encodeNifti1(v, { gzip: true }));
      return [a, b];
    });
    const refs = reference('nifti', files);
    CASES.forEach(([name, v], i) => {
      for (const r of [refs[2 * i], refs[2 * i + 1]]) {
        assert.equal(r.sizeof_hdr, 348);
        assert.equal(r.magic, 'n+1');
        assert.equal(r.vox_offset, 352);
        assert.deepEqual(r.shape, [v.columns, v.rows, v.frames]);
        assert.deepEqual(r.dim.slice(0, 4), [3, v.columns, v.rows, v.frames]);
        assert.equal(r.datatype, v.channels === 3 ? 128 : 16);
        assert.equal(r.bitpix, v.channels === 3 ? 24 : 32);
        const s = v.spacing;
        assert.deepEqual(
          r.zooms.map((z: number) => Math.fround(z)),
          [s?.column ?? 1, s?.row ?? 1, s?.slice ?? 1].map(Math.fround),
          name,
        );
        assert.deepEqual(r.xyzt_units, [s ? 'mm' : 'unknown', 'unknown']);
        assert.equal(r.qform_code, 0);
        assert.equal(r.sform_code, 0);
        if (v.channels === 1) assert.deepEqual(r.cal, v.windows[0] ? [-160, 240] : [0, 0]);
        assert.deepEqual(floats(r.values), v.data, `${name}: nibabel's values in (frame, row, column) order`);
      }
      assert.equal(refs[2 * i].descrip, `MedSynth test ${i}`);
      assert.equal(refs[2 * i + 1].descrip, 'MedSynth');
    });
  });
});

describe('encodeNifti1 refuses what NIfTI-1 cannot hold', () => {
  const cases: [string, ImageVolume, string, RegExp][] = [
    [
      'RGB beyond 0..255',
      { ...volume(1, 1, 2, 3, 4), data: Float32Array.of(0, 0, 0, 65535, 0, 0) },
      'BAD_INPUT',
      /RGB value 65535 at voxel 1/,
    ],
    [
      'a dimension past 32767',
      { ...volume(1, 1, 1, 1, 5), columns: 40000, data: new Float32Array(40000) },
      'LIMIT_EXCEEDED',
      /40000 columns/,
    ],
    ['data of the wrong length', { ...volume(1, 2, 2, 1, 6), data: new Float32Array(3) }, 'BAD_INPUT', /holds 3 values/],
    ['zero frames', { ...volume(1, 2, 2, 1, 7), frames: 0, data: new Float32Array(0) }, 'BAD_INPUT', /frames is 0/],
  ];
  for (const [name, v, code, re] of cases) {
    it(name, () => {
      assert.throws(
        () => encodeNifti1(v),
        (e: unknown) => isMedSynthError(e) && e.code === code && re.test(e.message),
      );
    });
  }
  it('a description that is not printable ASCII', () => {
    assert.throws(
      () => encodeNifti1(volume(1, 1, 1, 1, 8), { description: 'naïve' }),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_USAGE',
    );
  });
});
