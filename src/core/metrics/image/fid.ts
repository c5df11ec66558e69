// fidelity.fid: Fréchet distance between Gaussians fitted to the real and the synthetic feature
// vectors (Heusel et al. 2017). The matrix square root term is computed from symmetric eigenvalues
// only: with Σr = L Lᵀ (Cholesky) Tr((Σr^½ Σs Σr^½)^½) is the sum of the square roots of the eigenvalues
// of the symmetric Lᵀ Σs L (similar to Σr^½ Σs Σr^½); when Σr is singular, Σr = V Λ Vᵀ and B = Λ^½ Vᵀ
// give B Σs Bᵀ instead. No general (complex, non-symmetric) sqrtm is needed, and a rank-deficient
// covariance is handled exactly.
import { choleskySteps } from '../../math/cholesky';
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
  const rootTrace = await rootTraceTerm(r.cov, s.cov, n, signal);
  const covarianceTerm = traces - 2 * rootTrace;
  return { fid: Math.max(0, meanTerm + covarianceTerm), meanTerm, covarianceTerm };
}

/**
 * Tr((Σr^½ Σs Σr^½)^½) = Σ √μ over the eigenvalues μ of a symmetric matrix similar to Σr^½ Σs Σr^½ (so to
 * Σr Σs): with the Cholesky factor Σr = L Lᵀ that matrix is Lᵀ Σs L, which needs eigenvalues only
 * (tridiagonal reduction + QL without vectors). When Σr is singular or nearly so (fewer rows than
 * dimensions, collinear features) the factor is not used and Σr = V Λ Vᵀ gives B Σs Bᵀ with B = Λ^½ Vᵀ.
 * Eigenvalues below 0 are rounding: 0.
 */
async function rootTraceTerm(real: Float64Array, synth: Float64Array, n: number, signal?: AbortSignal): Promise<number> {
  const l = await runStepsYielding(choleskySteps(real, n), signal);
  const m = new Float64Array(n * n);
  if (l) {
    // Lᵀ rows (row i = column i of L: 0 before entry i), then Cᵀ = Lᵀ Σs and M = Lᵀ C, upper half, mirrored.
    const lt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = i; k < n; k++) lt[i * n + k] = l[k * n + i];
    const ct = new Float64Array(n * n);
    await runStepsYielding(multiplyTransposedSteps(ct, lt, n, synth, n, n, false, true), signal);
    await runStepsYielding(multiplyTransposedSteps(m, lt, n, ct, n, n, true, true), signal);
  } else {
    const { values, vectors } = await eighYielding(real, n, signal);
    // B = Λ^½ Vᵀ: row i is column i of V scaled by √λᵢ.
    const b = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const root = Math.sqrt(Math.max(0, values[i]));
      for (let k = 0; k < n; k++) b[i * n + k] = root * vectors[k * n + i];
    }
    // C = B Σs (Σs symmetric, so C = B Σsᵀ: row dots), then M = C Bᵀ, symmetric: upper half, mirrored.
    const c = new Float64Array(n * n);
    await runStepsYielding(multiplyTransposedSteps(c, b, n, synth, n, n), signal);
    await runStepsYielding(multiplyTransposedSteps(m, c, n, b, n, n, true), signal);
  }
  mirrorUpper(m, n);
  const mu = await eigvalshYielding(m, n, signal);
  let rootTrace = 0;
  for (const x of mu) rootTrace += Math.sqrt(Math.max(0, x));
  return rootTrace;
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
