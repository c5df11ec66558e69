// fidelity.mmd: maximum mean discrepancy between the real and synthetic feature vectors with a
// Gaussian (RBF) kernel k(x, y) = exp(−‖x − y‖² / (2σ²)), unbiased U-statistic (Gretton et al. 2012,
// "A Kernel Two-Sample Test", eq. 3). Bandwidth by the median heuristic: σ = the median (numpy's: the
// mean of the two middle values for an even count) of the Euclidean distances, not squared, over all
// pairs i < j of the pooled sample real ∪ synthetic; above MEDIAN_POINTS pooled points, of the evenly
// spaced pooled points floor(t · N / MEDIAN_POINTS), t = 0..MEDIAN_POINTS − 1 (pooled order: real
// rows first, then synthetic rows).
import { MedSynthError } from '../../errors';
import { quantileSorted } from '../tableColumns';
import type { MetricResult } from '../types';
import { forEachDistanceTile } from './featureNeighbours';
import { checkFeatures, checkSameDims } from './imageMetric';
import type { FeatureMatrix, ImageMetric, ImageMetricInput } from './imageMetric';

export const MMD_ID = 'fidelity.mmd';
/** At most this many pooled points enter the median of the bandwidth (about 500,000 pairs). */
export const MEDIAN_POINTS = 1000;

export interface Mmd {
  /** Unbiased MMD² estimate (may dip just below 0 when the sets are indistinguishable). */
  readonly mmd2: number;
  /** σ of the kernel. */
  readonly bandwidth: number;
}

function pooledSubsample(real: FeatureMatrix, synth: FeatureMatrix): FeatureMatrix {
  const total = real.rows + synth.rows;
  const count = Math.min(total, MEDIAN_POINTS);
  const dims = real.dims;
  const data = new Float32Array(count * dims);
  for (let t = 0; t < count; t++) {
    const p = count === total ? t : Math.floor((t * total) / count);
    const src =
      p < real.rows
        ? real.data.subarray(p * dims, (p + 1) * dims)
        : synth.data.subarray((p - real.rows) * dims, (p - real.rows + 1) * dims);
    data.set(src, t * dims);
  }
  return { data, rows: count, dims };
}

/** The median-heuristic σ (see the file header). */
export async function medianBandwidth(real: FeatureMatrix, synth: FeatureMatrix, signal?: AbortSignal): Promise<number> {
  const pool = pooledSubsample(real, synth);
  const distances = new Float64Array((pool.rows * (pool.rows - 1)) / 2);
  let n = 0;
  await forEachDistanceTile(
    pool,
    pool,
    (t) => {
      for (let i = t.i0; i < t.i0 + t.ni; i++) {
        for (let j = Math.max(i + 1, t.j0); j < t.j0 + t.nj; j++) distances[n++] = Math.sqrt(t.d2[(i - t.i0) * t.nj + (j - t.j0)]);
      }
    },
    signal,
  );
  return quantileSorted(distances.sort(), 0.5);
}

async function kernelSum(
  a: FeatureMatrix,
  b: FeatureMatrix,
  gamma: number,
  offDiagonalOnly: boolean,
  signal?: AbortSignal,
): Promise<number> {
  let sum = 0;
  await forEachDistanceTile(
    a,
    b,
    (t) => {
      for (let i = 0; i < t.ni; i++) {
        const o = i * t.nj;
        for (let j = 0; j < t.nj; j++) {
          if (offDiagonalOnly && t.i0 + i === t.j0 + j) continue;
          sum += Math.exp(-gamma * t.d2[o + j]);
        }
      }
    },
    signal,
  );
  return sum;
}

/** Unbiased MMD² with the RBF kernel at the median-heuristic bandwidth; needs 2 rows on each side. */
export async function maximumMeanDiscrepancy(real: FeatureMatrix, synth: FeatureMatrix, signal?: AbortSignal): Promise<Mmd> {
  checkFeatures(real, 'real', 2, MMD_ID);
  checkFeatures(synth, 'synthetic', 2, MMD_ID);
  checkSameDims(real, synth, 'real', 'synthetic', MMD_ID);
  const bandwidth = await medianBandwidth(real, synth, signal);
  if (!(bandwidth > 0)) {
    throw new MedSynthError(
      'BAD_INPUT',
      `${MMD_ID}: the median distance between feature vectors is 0 (more than half the pairs coincide)`,
      {
        expected: 'feature vectors that differ',
      },
    );
  }
  const gamma = 1 / (2 * bandwidth * bandwidth);
  const m = real.rows;
  const n = synth.rows;
  const xx = await kernelSum(real, real, gamma, true, signal);
  const yy = await kernelSum(synth, synth, gamma, true, signal);
  const xy = await kernelSum(real, synth, gamma, false, signal);
  return { mmd2: xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n), bandwidth };
}

export async function computeMmd(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const r = await maximumMeanDiscrepancy(input.real, input.synth, signal);
  return {
    id: MMD_ID,
    score: r.mmd2,
    details: { mmd2: r.mmd2, bandwidth: r.bandwidth, kernel: 'rbf', realCount: input.real.rows, synthCount: input.synth.rows },
  };
}

export const mmdMetric: ImageMetric = {
  id: MMD_ID,
  title: 'Maximum mean discrepancy of image features (RBF kernel)',
  modality: 'image',
  usesFeatures: true,
  goal: 'minimize',
  range: [0, 2],
  doc:
    'Score = the unbiased estimate of MMD² between the real and synthetic image features with a Gaussian kernel whose width is ' +
    'the median distance between pooled feature vectors. 0 means the two sets cannot be told apart by the kernel (the unbiased ' +
    'estimate then scatters around 0 and can be slightly negative); 2 is the largest possible value, two sets with nothing in ' +
    'common at that width.',
  reference: 'Gretton et al. 2012 (unbiased MMD², median heuristic); kernel as sklearn.metrics.pairwise.rbf_kernel',
  compute: computeMmd,
};
