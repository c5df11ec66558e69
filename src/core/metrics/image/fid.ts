// fidelity.fid: Fréchet distance between Gaussians fitted to the real and the synthetic feature
// vectors (Heusel et al. 2017). The matrix square root term is computed from symmetric
// eigen-decompositions only: with Σr = V Λ Vᵀ and B = Λ^½ Vᵀ, Tr((Σr^½ Σs Σr^½)^½) is the sum of the
// square roots of the eigenvalues of the symmetric B Σs Bᵀ (similar to Σr^½ Σs Σr^½), so no general
// (complex, non-symmetric) sqrtm is needed and a rank-deficient covariance is handled exactly.
import { covarianceYielding } from '../../math/covariance';
import { mirrorUpper, multiplyTransposedSteps } from '../../math/dense';
import { eighYielding, eigvalshYielding } from '../../math/symmetricEigen';
import { runStepsYielding } from '../workSteps';
import type { MetricResult } from '../types';
import { checkFeatures, checkSameDims } from './imageMetric';
import type { FeatureMatrix, ImageMetric, ImageMetricInput } from './imageMetric';

export const FID_ID = 'fidelity.fid';

export interface FidParts {
  readonly fid: number;
  /** ‖μr − μs‖². */
  readonly meanTerm: number;
  /** Tr(Σr + Σs − 2 (Σr^½ Σs Σr^½)^½). */
  readonly covarianceTerm: number;
}

/**
 * The Fréchet distance ‖μr − μs‖² + Tr(Σr + Σs − 2(Σr^½ Σs Σr^½)^½), covariances with the n − 1
 * denominator (numpy.cov). Rounding can make it a hair below 0 for identical sets; it is clamped at 0.
 * BAD_INPUT for fewer than 2 rows on a side, different widths or a non-finite value.
 */
export async function frechetDistance(real: FeatureMatrix, synth: FeatureMatrix, signal?: AbortSignal): Promise<FidParts> {
  checkFeatures(real, 'real', 2, FID_ID);
  checkFeatures(synth, 'synthetic', 2, FID_ID);
  checkSameDims(real, synth, 'real', 'synthetic', FID_ID);
  const n = real.dims;
  const r = await covarianceYielding(real.data, real.rows, n, signal);
  const s = await covarianceYielding(synth.data, synth.rows, n, signal);
  let meanTerm = 0;
  for (let k = 0; k < n; k++) meanTerm += (r.mean[k] - s.mean[k]) ** 2;
  let traces = 0;
  for (let k = 0; k < n; k++) traces += r.cov[k * n + k] + s.cov[k * n + k];
  const { values, vectors } = await eighYielding(r.cov, n, signal);
  // B = Λ^½ Vᵀ: row i is column i of V scaled by √λᵢ (eigenvalues below 0 are rounding: 0).
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const root = Math.sqrt(Math.max(0, values[i]));
    for (let k = 0; k < n; k++) b[i * n + k] = root * vectors[k * n + i];
  }
  // C = B Σs (Σs symmetric, so C = B Σsᵀ: row dots), then M = C Bᵀ, symmetric: upper half, mirrored.
  const c = new Float64Array(n * n);
  await runStepsYielding(multiplyTransposedSteps(c, b, n, s.cov, n, n), signal);
  const m = new Float64Array(n * n);
  await runStepsYielding(multiplyTransposedSteps(m, c, n, b, n, n, true), signal);
  mirrorUpper(m, n);
  const mu = await eigvalshYielding(m, n, signal);
  let rootTrace = 0;
  for (const x of mu) rootTrace += Math.sqrt(Math.max(0, x));
  const covarianceTerm = traces - 2 * rootTrace;
  return { fid: Math.max(0, meanTerm + covarianceTerm), meanTerm, covarianceTerm };
}

export async function computeFid(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const parts = await frechetDistance(input.real, input.synth, signal);
  return {
    id: FID_ID,
    score: parts.fid,
    details: {
      fid: parts.fid,
      meanTerm: parts.meanTerm,
      covarianceTerm: parts.covarianceTerm,
      realCount: input.real.rows,
      synthCount: input.synth.rows,
      dims: input.real.dims,
    },
  };
}

export const fidMetric: ImageMetric = {
  id: FID_ID,
  title: 'Fréchet distance of image features (FID)',
  modality: 'image',
  usesFeatures: true,
  goal: 'minimize',
  range: [0, Infinity],
  doc:
    'Score = the Fréchet distance between Gaussians fitted to the real and the synthetic image features: squared distance of the ' +
    'means plus Tr(Σr + Σs − 2(Σr^½ Σs Σr^½)^½). 0 means the two sets have the same feature mean and covariance; it grows without ' +
    'bound as they part. It has no fixed good value: it depends on the embedder, the feature width and the number of images (it is ' +
    'biased upwards for small sets), so compare runs made with the same embedder and set sizes.',
  reference: 'Heusel et al. 2017 (FID), covariances with n − 1 as numpy.cov; equal to the scipy.linalg.sqrtm form (pytorch-fid)',
  compute: computeFid,
};
