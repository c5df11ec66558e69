// fitPpca against the closed-form numpy PPCA and sklearn's PCA (test/reference/ppca_reference.py):
// real image sets read by MedSynth's readers (grey PNGs of six sizes, RGB PNGs of five, the 25 slices
// of anatomical.nii, the 15 frames of rtdose.dcm, three CT slices) and seeded low-rank sets, in Gram
// form (frames < values) and covariance form. Mean, eigenvalues, q, sigma^2, the explained variance
// and the model covariance W W^T + sigma^2 I (diagonal, probe forms, whole matrix for the small
// sets) must match; W itself is only defined up to rotation and sign, so it is not compared.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageSet } from '../../../src/core/data/imageSet';
import { fitPpca } from '../../../src/core/generators/ppca/ppcaFit';
import type { PpcaModel } from '../../../src/core/generators/ppca/ppcaFit';
import { sha256Float32 } from '../float32Hash';
import { PPCA_SETS, readFixtureImage, syntheticSet, volume } from './ppcaFixtures';
import type { PpcaReference } from './ppcaFixtures';

async function referenceInput(ref: PpcaReference): Promise<ImageSet> {
  if (ref.files) {
    const images = [];
    for (const f of ref.files) {
      const read = await readFixtureImage(f.file);
      assert.equal(read.images.length, 1, f.file);
      assert.equal(sha256Float32(read.images[0].data), f.sha256, `${f.file}: the reader gave the reference its input`);
      images.push(read.images[0]);
    }
    return { modality: 'image', images };
  }
  if (ref.source === 'lowrank_5x5x80.f32') return syntheticSet(ref.source, 80, 5, 5, 1);
  if (ref.source === 'lowrank_rgb_4x6x12.f32') return syntheticSet(ref.source, 12, 4, 6, 3);
  if (ref.source?.startsWith('constant 3x3 frames'))
    return {
      modality: 'image',
      images: [0, 1, 2, 5].map((v) => volume(`c${v}`, 1, 3, 3, 1, new Float32Array(9).fill(v))),
    };
  throw new Error(`no input for ${ref.name}`);
}

function probes(d: number): Float64Array[] {
  return Array.from({ length: 4 }, (_, k) => Float64Array.from({ length: d }, (_, j) => Math.cos(0.7 * (k + 1) * j + 0.3 * k)));
}

/** (W W^T + sigma^2 I)[p][r] from the loadings. */
function modelCovariance(m: PpcaModel, p: number, r: number): number {
  let s = p === r ? m.noiseVariance : 0;
  for (let k = 0; k < m.components; k++) s += m.loadings[k * m.dims + p] * m.loadings[k * m.dims + r];
  return s;
}

function probeForms(m: PpcaModel): number[][] {
  const P = probes(m.dims);
  const pw = P.map((pk) =>
    Array.from({ length: m.components }, (_, k) => {
      let s = 0;
      for (let j = 0; j < m.dims; j++) s += pk[j] * m.loadings[k * m.dims + j];
      return s;
    }),
  );
  return P.map((a, i) =>
    P.map((b, j) => {
      let s = 0;
      for (let k = 0; k < m.components; k++) s += pw[i][k] * pw[j][k];
      let pp = 0;
      for (let x = 0; x < m.dims; x++) pp += a[x] * b[x];
      return s + m.noiseVariance * pp;
    }),
  );
}

function close(actual: number, expected: number, tol: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tol)) assert.fail(`${what}: ${actual}, expected ${expected} (±${tol})`);
}

describe('fitPpca against numpy/sklearn', () => {
  it('covers both forms, grey and RGB, resampled and capped sets', () => {
    assert.ok(PPCA_SETS.some((s) => s.form === 'gram') && PPCA_SETS.some((s) => s.form === 'covariance'));
    assert.ok(PPCA_SETS.some((s) => s.channels === 3));
    assert.ok(
      PPCA_SETS.some((s) => s.q < s.sklearn.nComponents),
      'a set where maxComponents caps q',
    );
  });

  for (const ref of PPCA_SETS) {
    it(ref.name, async () => {
      const set = await referenceInput(ref);
      const m = await fitPpca(set, { sizeCap: ref.sizeCap, varianceKept: ref.varianceKept, maxComponents: ref.maxComponents });
      assert.deepEqual(
        [m.rows, m.columns, m.channels, m.frames, m.dims, m.form],
        [ref.rows, ref.columns, ref.channels, ref.n, ref.d, ref.form],
      );
      assert.equal(m.components, ref.q, 'q');
      if (ref.q < ref.maxComponents && ref.q < ref.n - 1) assert.equal(ref.sklearn.nComponents, ref.q, "sklearn's q");
      assert.deepEqual(m.valueRange, ref.valueRange);
      close(m.totalVariance, ref.trace, 1e-10 * ref.trace, 'trace');
      const lam0 = ref.eigenvalues[0];
      ref.eigenvalues.forEach((e, k) => close(m.eigenvalues[k], e, 1e-9 * lam0, `eigenvalue ${k}`));
      close(m.explainedVariance, ref.explained, 1e-9, 'explained variance');
      close(m.noiseVariance, ref.sigma2, 1e-9 * (ref.trace / (ref.d - ref.q)) + 1e-9 * ref.sigma2, 'sigma^2');
      const meanScale = Math.max(1, ...ref.mean.map(Math.abs));
      ref.mean.forEach((e, p) => close(m.mean[p], e, 1e-10 * meanScale, `mean ${p}`));
      const diagScale = Math.max(...ref.modelDiagonal);
      ref.modelDiagonal.forEach((e, p) => close(modelCovariance(m, p, p), e, 1e-8 * diagScale, `model variance ${p}`));
      const forms = probeForms(m);
      const formScale = Math.max(...ref.probeForms.flat().map(Math.abs));
      ref.probeForms.forEach((row, i) => row.forEach((e, j) => close(forms[i][j], e, 1e-8 * formScale, `probe form ${i},${j}`)));
      if (ref.modelCovariance) {
        const d = ref.d;
        ref.modelCovariance.forEach((e, at) => close(modelCovariance(m, Math.floor(at / d), at % d), e, 1e-8 * diagScale, `M[${at}]`));
      }
    });
  }
});
