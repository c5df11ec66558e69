// readNifti against nibabel 5.0 (test/reference/images_reference.py): every float32 value (sha256 of
// nibabel's get_fdata() cast to float32, in NIfTI's x-fastest order), the shape, spacing in mm and
// the header codes, for nibabel's own test files (big-endian int16, scaled 4-D, NIfTI-2 gzipped) and
// files written from numpy (every datatype, 5-D, RGB/RGBA, micrometre units, .hdr/.img pairs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isNifti, readNifti } from '../../../src/core/data/nifti/niftiReader';
import { EXPECTED, checkExact, concat, fixture, siblingsOf } from './imageFixtures';

const NIFTI = EXPECTED.filter((e) => e.kind === 'nifti');

describe('NIfTI against nibabel', () => {
  it('has the reference files', () => {
    assert.ok(NIFTI.length >= 16, `only ${NIFTI.length} NIfTI references`);
  });

  for (const e of NIFTI) {
    it(`${e.file}: values, shape, spacing and header codes match nibabel`, async () => {
      const bytes = fixture(e.file);
      assert.ok(isNifti(bytes, e.file), 'isNifti');
      const asked: string[] = [];
      const set = await readNifti(bytes, { fileName: `data/${e.file}`, siblings: siblingsOf({}, asked) });
      assert.equal(set.images.length, 1);
      const v = set.images[0];
      checkExact(v, e);
      const sp = e.spacing;
      assert.ok(sp && v.spacing, 'spacing');
      assert.equal(v.spacing.column, sp.column);
      assert.equal(v.spacing.row, sp.row);
      if (sp.slice !== null) assert.equal(v.spacing.slice, sp.slice);
      assert.equal(v.metadata.datatypeCode, e.datatype);
      assert.equal(v.metadata.dims, e.dims?.join('x'));
      assert.equal(v.metadata.qformCode, e.qformCode);
      assert.equal(v.metadata.sformCode, e.sformCode);
      assert.equal(v.metadata.sclSlope ?? 1, e.sclSlope);
      assert.equal(v.metadata.sclInter ?? 0, e.sclInter);
      assert.ok(String(v.metadata.format).startsWith(e.format ?? '?'));
      assert.equal(v.photometric, e.channels === 3 ? 'RGB' : 'MONOCHROME2');
      if (e.file.endsWith('.hdr')) {
        assert.deepEqual(asked, [e.file.replace(/\.hdr$/, '.img')]);
        assert.deepEqual(v.sourceFiles, [`data/${e.file}`, `data/${e.file.replace(/\.hdr$/, '.img')}`]);
      } else assert.deepEqual(asked, []);
    });
  }

  it('RGBA32 says its alpha was dropped; 64-bit integers say they were rounded', async () => {
    const rgba = (await readNifti(fixture('rgba32.nii'), { fileName: 'rgba32.nii' })).images[0];
    assert.match(String(rgba.metadata.alpha), /dropped/);
    const int64 = (await readNifti(fixture('int64.nii'), { fileName: 'int64.nii' })).images[0];
    assert.match(String(int64.metadata.precision), /float32/);
  });

  it('a pair opened through its .img reads the .hdr sibling and gives the same values', async () => {
    const e = NIFTI.find((x) => x.file === 'pair1.hdr');
    assert.ok(e);
    const asked: string[] = [];
    const v = (await readNifti(fixture('pair1.img'), { fileName: 'pair1.img', siblings: siblingsOf({}, asked) })).images[0];
    checkExact(v, e);
    assert.deepEqual(asked, ['pair1.hdr', 'pair1.img']);
  });

  it('a gzipped pair (.hdr.gz + .img.gz) and a multi-member .nii.gz read the same values', async () => {
    const pair = NIFTI.find((x) => x.file === 'pair2.hdr');
    assert.ok(pair);
    const extra = { 'pair2.img.gz': gzipSync(fixture('pair2.img')) };
    const v = (await readNifti(gzipSync(fixture('pair2.hdr')), { fileName: 'pair2.hdr.gz', siblings: siblingsOf(extra) })).images[0];
    checkExact(v, pair);

    const anat = NIFTI.find((x) => x.file === 'anatomical.nii');
    assert.ok(anat);
    const raw = fixture('anatomical.nii');
    const members = concat(gzipSync(raw.subarray(0, 1000)), gzipSync(raw.subarray(1000, 40_000)), gzipSync(raw.subarray(40_000)));
    assert.ok(isNifti(members, 'anatomical.nii.gz'));
    checkExact((await readNifti(members, { fileName: 'anatomical.nii.gz' })).images[0], anat);
  });

  it('cal_min/cal_max become a window, and the value range is always one', async () => {
    const v = (await readNifti(fixture('anatomical.nii'), { fileName: 'anatomical.nii' })).images[0];
    const range = v.windows.find((w) => w.name === 'min-max');
    assert.ok(range);
    assert.equal(range.center, (-610 + 30393) / 2);
    assert.equal(range.width, 30393 + 610);
  });

  it('isNifti tells NIfTI from other bytes', () => {
    assert.equal(isNifti(fixture('camera.png')), false);
    assert.equal(isNifti(gzipSync(fixture('anatomical.nii')), 'x.csv.gz'), false);
    assert.equal(isNifti(new Uint8Array(10)), false);
    assert.equal(isNifti(fixture('example_nifti2.nii.gz'), 'example_nifti2.nii.gz'), true);
  });
});
