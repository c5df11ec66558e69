// Broken and hostile NIfTI files: each must end in the right typed error, naming the file, quickly
// and without allocating what the header claims (a 32767^3 volume, a 100 MB gzip bomb).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readNifti } from '../../../src/core/data/nifti/niftiReader';
import { rejectsWith } from '../typedErrors';
import { concat, fixture, nifti1Header } from './imageFixtures';

const MB = 1024 * 1024;

async function fast<T>(p: Promise<T>, ms = 2000): Promise<T> {
  const started = performance.now();
  const r = await p;
  assert.ok(performance.now() - started < ms, `took more than ${ms} ms`);
  return r;
}

function withHeap<T>(run: () => Promise<T>): Promise<{ result: T; grewMiB: number }> {
  const before = process.memoryUsage().arrayBuffers;
  return run().then((result) => ({ result, grewMiB: (process.memoryUsage().arrayBuffers - before) / MB }));
}

describe('hostile NIfTI', () => {
  it('a truncated .nii is BAD_INPUT with the offset where the data ends', async () => {
    const bytes = fixture('anatomical.nii').subarray(0, 30_000);
    const e = await rejectsWith(readNifti(bytes, { fileName: 'anat.nii' }), 'BAD_INPUT');
    assert.match(e.message, /anat\.nii, byte 30000: the voxel data is truncated/);
    assert.equal(e.location.offset, 30_000);
    await rejectsWith(readNifti(fixture('anatomical.nii').subarray(0, 200), { fileName: 'anat.nii' }), 'BAD_INPUT');
  });

  it('32767 x 32767 x 32767 with a few bytes of data: LIMIT_EXCEEDED at the default cap, BAD_INPUT past it, no allocation', async () => {
    const bytes = concat(nifti1Header({ dims: [32767, 32767, 32767], datatype: 4, bitpix: 16 }), new Uint8Array(64));
    const { result: limited, grewMiB } = await withHeap(() =>
      fast(rejectsWith(readNifti(bytes, { fileName: 'huge.nii' }), 'LIMIT_EXCEEDED')),
    );
    assert.match(limited.message, /huge\.nii.*maxPixels/);
    const truncated = await fast(
      rejectsWith(readNifti(bytes, { fileName: 'huge.nii', limits: { maxPixels: Number.MAX_SAFE_INTEGER } }), 'BAD_INPUT'),
    );
    assert.match(truncated.message, /truncated/);
    assert.ok(grewMiB < 64, `grew ${grewMiB} MiB`);
  });

  it('a 100 MB gzip bomb with maxDecompressedBytes 10 MB is LIMIT_EXCEEDED, fast, without inflating it', async () => {
    // A valid header declaring 100 MB of uint8 voxels, then 100 MB of zeros: about 100 KB gzipped.
    const header = nifti1Header({ dims: [1000, 1000, 100] });
    const bomb = gzipSync(concat(header, new Uint8Array(100 * 1000 * 1000)), { level: 9 });
    assert.ok(bomb.length < 200_000);
    const { result: e, grewMiB } = await withHeap(() =>
      fast(rejectsWith(readNifti(bomb, { fileName: 'bomb.nii.gz', limits: { maxDecompressedBytes: 10 * MB } }), 'LIMIT_EXCEEDED')),
    );
    assert.match(e.message, /bomb\.nii\.gz.*maxDecompressedBytes/);
    assert.ok(grewMiB < 20, `grew ${grewMiB} MiB`);
    // Zeros alone are no NIfTI header: refused after the first bytes, not after 100 MB.
    const zeros = gzipSync(new Uint8Array(100 * 1000 * 1000), { level: 9 });
    await fast(rejectsWith(readNifti(zeros, { fileName: 'zeros.nii.gz', limits: { maxDecompressedBytes: 10 * MB } }), 'BAD_INPUT'));
  });

  it('a small volume followed by a gzip bomb reads the volume and stops inflating there', async () => {
    const header = nifti1Header({ dims: [4, 4, 4] });
    const voxels = Uint8Array.from({ length: 64 }, (_, i) => i);
    const bytes = gzipSync(concat(header, voxels, new Uint8Array(60 * 1000 * 1000)), { level: 9 });
    const v = (await fast(readNifti(bytes, { fileName: 'tail.nii.gz', limits: { maxDecompressedBytes: 10 * MB } }))).images[0];
    assert.deepEqual(Array.from(v.data), Array.from(voxels));
  });

  it('vox_offset beyond the file, inside the header, or fractional is BAD_INPUT', async () => {
    const far = concat(nifti1Header({ dims: [2, 2], voxOffset: 1e9 }), new Uint8Array(4));
    assert.match((await rejectsWith(readNifti(far, { fileName: 'far.nii' }), 'BAD_INPUT')).message, /vox_offset 1000000000 lies beyond/);
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [2, 2], voxOffset: 100 }), new Uint8Array(4)), { fileName: 'in.nii' }),
      'BAD_INPUT',
    );
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [2, 2], voxOffset: 352.5 }), new Uint8Array(8)), { fileName: 'frac.nii' }),
      'BAD_INPUT',
    );
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [2, 2], voxOffset: -352 }), new Uint8Array(8)), { fileName: 'neg.nii' }),
      'BAD_INPUT',
    );
  });

  it('negative or zero dims and dim[0] outside 1..7 are BAD_INPUT naming the field', async () => {
    const e = await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [4, -3, 2] }), new Uint8Array(64)), { fileName: 'neg.nii' }),
      'BAD_INPUT',
    );
    assert.match(e.message, /neg\.nii, byte 44: dim\[2\] is -3/);
    await rejectsWith(readNifti(concat(nifti1Header({ dims: [4, 0] }), new Uint8Array(64)), { fileName: 'zero.nii' }), 'BAD_INPUT');
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [1, 1, 1, 1, 1, 1, 1, 1] }), new Uint8Array(64)), { fileName: 'eight.nii' }),
      'BAD_INPUT',
    );
  });

  it('complex data is UNSUPPORTED, an unknown datatype BAD_INPUT, an Analyze header UNSUPPORTED', async () => {
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [2], datatype: 32 }), new Uint8Array(16)), { fileName: 'c.nii' }),
      'UNSUPPORTED',
    );
    await rejectsWith(readNifti(concat(nifti1Header({ dims: [2], datatype: 7 }), new Uint8Array(16)), { fileName: 'u.nii' }), 'BAD_INPUT');
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [2], magic: '\0\0\0' }), new Uint8Array(16)), { fileName: 'a.hdr' }),
      'UNSUPPORTED',
    );
    const v2 = fixture('nifti2_be_float32.nii').slice();
    v2[5] = 0x3f; // 'n?2'
    await rejectsWith(readNifti(v2, { fileName: 'v2.nii' }), 'BAD_INPUT');
  });

  it('scl_slope 0 or NaN means no scaling; a valid slope with an infinite intercept is BAD_INPUT', async () => {
    const data = Uint8Array.of(1, 2, 3, 4);
    for (const slope of [0, Number.NaN, Number.POSITIVE_INFINITY]) {
      const v = (await readNifti(concat(nifti1Header({ dims: [4], sclSlope: slope, sclInter: 100 }), data), { fileName: 's.nii' }))
        .images[0];
      assert.deepEqual(Array.from(v.data), [1, 2, 3, 4]);
    }
    const scaled = (await readNifti(concat(nifti1Header({ dims: [4], sclSlope: 2, sclInter: -1 }), data), { fileName: 's.nii' })).images[0];
    assert.deepEqual(Array.from(scaled.data), [1, 3, 5, 7]);
    await rejectsWith(
      readNifti(concat(nifti1Header({ dims: [4], sclSlope: 2, sclInter: Number.POSITIVE_INFINITY }), data), { fileName: 's.nii' }),
      'BAD_INPUT',
    );
  });

  it('a pair header without a sibling reader or file name is BAD_INPUT; the sibling error passes through', async () => {
    const hdr = fixture('pair1.hdr');
    assert.match((await rejectsWith(readNifti(hdr, { fileName: 'pair1.hdr' }), 'BAD_INPUT')).message, /pair1\.img/);
    await rejectsWith(readNifti(hdr, {}), 'BAD_INPUT');
    const short = await rejectsWith(readNifti(hdr, { fileName: 'pair1.hdr', siblings: async () => new Uint8Array(10) }), 'BAD_INPUT');
    assert.match(short.message, /pair1\.img.*truncated/);
  });

  it('a truncated or corrupt gzip stream is BAD_INPUT naming the file', async () => {
    const gz = gzipSync(fixture('anatomical.nii'));
    assert.match(
      (await rejectsWith(readNifti(gz.subarray(0, gz.length / 2), { fileName: 'cut.nii.gz' }), 'BAD_INPUT')).message,
      /cut\.nii\.gz/,
    );
    const bad = gz.slice();
    bad.fill(0x55, 5000, 5100); // inside the voxels: the header inflates, the stream then fails
    await rejectsWith(readNifti(bad, { fileName: 'bad.nii.gz' }), 'BAD_INPUT');
  });

  it('an aborted signal is CANCELLED', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(readNifti(fixture('anatomical.nii'), { fileName: 'a.nii', signal: ac.signal }), 'CANCELLED');
    await rejectsWith(readNifti(fixture('example_nifti2.nii.gz'), { fileName: 'a.nii.gz', signal: ac.signal }), 'CANCELLED');
  });
});
