// What the PPCA fitter refuses, with the code and the words it refuses with: fewer than 2 frames, grey
// mixed with colour, NaN or infinite pixels, frames that are all the same (two encodings of
// MR_small.dcm), bad options, sizes beyond its limits and datasets that are not image sets; and what it
// accepts: mixed sizes (resampled) and constant frames of different values (one component).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageSet, ImageVolume } from '../../../src/core/data/imageSet';
import { MedSynthError } from '../../../src/core/errors';
import { fitPpca, PPCA_MAX_EIGEN_ORDER } from '../../../src/core/generators/ppca/ppcaFit';
import { ppcaFitter } from '../../../src/core/modalities/image/imageFitters';
import type { FitContext } from '../../../src/core/modalities/modality';
import { readFixtureImage, volume } from './ppcaFixtures';

const ctx: FitContext = { label: 'scans/', trainedOn: 'scans/', createdAt: '2024-06-11T00:00:00.000Z' };

function setOf(...images: ImageVolume[]): ImageSet {
  return { modality: 'image', images };
}

function code(c: string, includes: readonly string[] = []) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MedSynthError, `expected a MedSynthError, got ${String(e)}`);
    assert.equal(e.code, c, e.message);
    for (const s of includes) assert.ok(e.message.includes(s), `message '${e.message}' should say ${s}`);
    return true;
  };
}

const ramp = (n: number, offset = 0): Float32Array => Float32Array.from({ length: n }, (_, i) => i + offset);

describe('PPCA refuses', () => {
  it('a single image (CT_small.dcm) and an empty set: BAD_INPUT, at least 2 frames', async () => {
    const ct = await readFixtureImage('dicom/pydicom/CT_small.dcm');
    await assert.rejects(ppcaFitter.fit(ct, ctx), code('BAD_INPUT', ['at least 2 frames', 'has 1']));
    await assert.rejects(fitPpca(setOf()), code('BAD_INPUT'));
  });

  it('grey mixed with colour, naming the files', async () => {
    const grey = await readFixtureImage('images/camera.png');
    const colour = await readFixtureImage('images/palette_color.png');
    await assert.rejects(
      ppcaFitter.fit(setOf(...grey.images, ...colour.images), ctx),
      code('BAD_INPUT', ['images/camera.png', 'images/palette_color.png', 'mixes grey']),
    );
  });

  it('NaN or infinite pixels, naming the file and the frame', async () => {
    const nan = ramp(2 * 16);
    nan[16 + 5] = NaN;
    await assert.rejects(
      fitPpca(setOf(volume('a', 1, 4, 4, 1, ramp(16)), volume('b', 2, 4, 4, 1, nan, { sourceFiles: ['vol/b.nii'] }))),
      code('BAD_INPUT', ['vol/b.nii', 'frame 2', 'NaN']),
    );
    const inf = ramp(16);
    inf[0] = -Infinity;
    await assert.rejects(fitPpca(setOf(volume('a', 1, 4, 4, 1, ramp(16)), volume('c', 1, 4, 4, 1, inf))), code('BAD_INPUT', ['infinite']));
  });

  it('frames that are all the same: MR_small.dcm and its RLE encoding, a constant volume', async () => {
    const a = await readFixtureImage('dicom/pydicom/MR_small.dcm');
    const b = await readFixtureImage('dicom/pydicom/MR_small_RLE.dcm');
    await assert.rejects(ppcaFitter.fit(setOf(...a.images, ...b.images), ctx), code('BAD_INPUT', ['the same', 'no variation']));
    await assert.rejects(fitPpca(setOf(volume('k', 5, 3, 3, 1, new Float32Array(45).fill(7)))), code('BAD_INPUT', ['the same']));
  });

  it('bad options (BAD_USAGE)', async () => {
    const s = setOf(volume('a', 1, 2, 2, 1, ramp(4)), volume('b', 1, 2, 2, 1, ramp(4, 1)));
    for (const varianceKept of [0, 1, -0.5, Number.NaN, 1.5])
      await assert.rejects(fitPpca(s, { varianceKept }), code('BAD_USAGE', ['varianceKept']));
    await assert.rejects(fitPpca(s, { maxComponents: 0 }), code('BAD_USAGE', ['maxComponents']));
    await assert.rejects(fitPpca(s, { sizeCap: 2.5 }), code('BAD_USAGE', ['sizeCap']));
  });

  it('sizes beyond its limits (LIMIT_EXCEEDED) before doing the work', async () => {
    const shared = ramp(50 * 50);
    const many = setOf(...Array.from({ length: PPCA_MAX_EIGEN_ORDER + 1 }, (_, i) => volume(`f${i}`, 1, 50, 50, 1, shared)));
    await assert.rejects(fitPpca(many), code('LIMIT_EXCEEDED', [`above ${PPCA_MAX_EIGEN_ORDER}`]));
    const big = ramp(128 * 128 * 3);
    const wide = setOf(...Array.from({ length: 2000 }, (_, i) => volume(`f${i}`, 1, 128, 128, 3, big)));
    await assert.rejects(fitPpca(wide), code('LIMIT_EXCEEDED', ['in memory']));
  });

  it('what is not an image set', async () => {
    await assert.rejects(ppcaFitter.fit({ columns: [], rowCount: 3 }, ctx), code('BAD_INPUT', ['not an image set']));
    await assert.rejects(ppcaFitter.fit(undefined, ctx), code('BAD_INPUT'));
  });

  it('stops with CANCELLED when the signal aborts mid-fit', async () => {
    const controller = new AbortController();
    const s = setOf(...Array.from({ length: 40 }, (_, i) => volume(`f${i}`, 1, 32, 32, 1, ramp(1024, i * i))));
    await assert.rejects(
      fitPpca(s, { signal: controller.signal, onProgress: (m) => m.includes('Gram') && controller.abort() }),
      code('CANCELLED'),
    );
  });
});

describe('PPCA accepts', () => {
  it('frames of mixed sizes, resampled to the most common one', async () => {
    const s = setOf(
      volume(
        'a',
        2,
        6,
        8,
        1,
        Float32Array.from({ length: 96 }, (_, i) => Math.sin(i)),
      ),
      volume(
        'b',
        1,
        12,
        16,
        1,
        Float32Array.from({ length: 192 }, (_, i) => Math.cos(i)),
      ),
      volume(
        'c',
        1,
        3,
        4,
        1,
        Float32Array.from({ length: 12 }, (_, i) => i),
      ),
    );
    const m = await fitPpca(s);
    assert.deepEqual([m.rows, m.columns, m.frames, m.dims], [6, 8, 4, 48]);
    assert.ok(m.components >= 1 && m.components <= 3);
  });

  it('constant frames of different values: one component, no noise', async () => {
    const s = setOf(...[0, 1, 2, 5].map((v) => volume(`c${v}`, 1, 3, 3, 1, new Float32Array(9).fill(v))));
    const m = await fitPpca(s);
    assert.equal(m.components, 1);
    assert.equal(m.noiseVariance, 0);
    assert.deepEqual(m.valueRange, [0, 5]);
  });
});
