// A Gaussian kernel density estimate as scipy.stats.gaussian_kde builds it with its defaults: the kernel
// covariance is the data's covariance (unbiased, ddof 1) times factor², Scott's factor n^(−1/(d+4)),
// and log p(x) = log( (1/n) Σ_i N(x; x_i, C) ). Evaluated in log space (log-sum-exp), as gaussian_kde's
// logpdf, so that high-dimensional densities do not underflow. Points and queries are whitened once by
// the Cholesky factor of C, so one kernel term costs d multiply-adds.
// Also the seeded row orders the density metrics share (on math/mulberry32.ts).
import { MedSynthError } from '../errors';
import { timeSlicer } from './workSteps';

/** Row-major samples: `count` rows of `dims` numbers. */
export interface Samples {
  readonly data: Float64Array;
  readonly count: number;
  readonly dims: number;
}

export interface GaussianKde {
  readonly dims: number;
  readonly count: number;
  /** Scott's factor n^(−1/(d+4)). */
  readonly factor: number;
  /** The kernel covariance C (data covariance × factor²), d × d row-major. */
  readonly covariance: Float64Array;
  /** Lower Cholesky factor L of C (C = L Lᵀ), d × d row-major. */
  readonly cholesky: Float64Array;
  /** The points whitened by L⁻¹. */
  readonly whitened: Float64Array;
  /** −(d/2) log 2π − Σ log L_ii − log n: the log of each kernel's normalising constant over n. */
  readonly logNorm: number;
}

/** The unbiased (ddof 1) covariance of the samples, d × d row-major; needs at least 2 rows. */
export function covariance(s: Samples): Float64Array {
  const { data, count: n, dims: d } = s;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[a * d + b] += row[a] * row[b];
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = cov[a * d + b] / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/**
 * The features (in order) that keep a d × d covariance positive definite: each feature is tried after
 * the kept ones and kept when its Cholesky pivot (its variance left over after regressing it on the kept
 * features) exceeds `relTol` × its own variance, i.e. when it is not a linear combination of them (a
 * constant feature, or the last dummy of a category whose other labels are all present, is dropped).
 */
export function independentFeatures(cov: Float64Array, d: number, candidates: readonly number[], relTol = 1e-9): number[] {
  const kept: number[] = [];
  const L: number[][] = [];
  for (const f of candidates) {
    const own = cov[f * d + f];
    const row: number[] = [];
    for (let k = 0; k < kept.length; k++) {
      let s = cov[f * d + kept[k]];
      for (let j = 0; j < k; j++) s -= row[j] * L[k][j];
      row.push(s / L[k][k]);
    }
    let pivot = own;
    for (const v of row) pivot -= v * v;
    if (!(own > 0) || !(pivot > relTol * own)) continue;
    row.push(Math.sqrt(pivot));
    L.push(row);
    kept.push(f);
  }
  return kept;
}

/** The candidate features that take more than one value in the samples (a constant one has variance 0 up to rounding). */
export function varyingFeatures(s: Samples, candidates: readonly number[]): number[] {
  return candidates.filter((f) => {
    for (let i = 1; i < s.count; i++) if (s.data[i * s.dims + f] !== s.data[f]) return true;
    return false;
  });
}

/** Keeps the listed columns of row-major samples. */
export function selectDims(s: Samples, keep: readonly number[]): Samples {
  const out = new Float64Array(s.count * keep.length);
  for (let i = 0; i < s.count; i++) for (let j = 0; j < keep.length; j++) out[i * keep.length + j] = s.data[i * s.dims + keep[j]];
  return { data: out, count: s.count, dims: keep.length };
}

function choleskyLower(a: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 0))
          throw new MedSynthError(
            'BAD_INPUT',
            'the kernel density covariance is not positive definite (a feature is a combination of others)',
          );
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return L;
}

/** Solves L y = x (forward substitution) for each row, writing y into out. */
function whiten(L: Float64Array, d: number, s: Samples): Float64Array {
  const out = new Float64Array(s.count * d);
  for (let r = 0; r < s.count; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      let v = s.data[o + i];
      for (let k = 0; k < i; k++) v -= L[i * d + k] * out[o + k];
      out[o + i] = v / L[i * d + i];
    }
  }
  return out;
}

/** gaussian_kde(points.T) with Scott's rule; BAD_INPUT when the points' covariance is singular or there are too few points. */
export function fitGaussianKde(points: Samples): GaussianKde {
  const { count: n, dims: d } = points;
  if (d < 1) throw new MedSynthError('BAD_INPUT', 'a kernel density needs at least one feature');
  if (n <= d) throw new MedSynthError('BAD_INPUT', `a kernel density on ${d} features needs more than ${d} points, got ${n}`);
  const factor = Math.pow(n, -1 / (d + 4));
  const cov = covariance(points);
  for (let i = 0; i < cov.length; i++) cov[i] *= factor * factor;
  const L = choleskyLower(cov, d);
  let logDiag = 0;
  for (let i = 0; i < d; i++) logDiag += Math.log(L[i * d + i]);
  return {
    dims: d,
    count: n,
    factor,
    covariance: cov,
    cholesky: L,
    whitened: whiten(L, d, points),
    logNorm: -(d / 2) * Math.log(2 * Math.PI) - logDiag - Math.log(n),
  };
}

/** log p(x) for every query row (gaussian_kde.logpdf); gives the event loop a turn now and then so an abort lands. */
export async function kdeLogDensity(kde: GaussianKde, queries: Samples, signal?: AbortSignal): Promise<Float64Array> {
  const d = kde.dims;
  if (queries.dims !== d) throw new MedSynthError('BAD_USAGE', `kdeLogDensity: queries have ${queries.dims} features, the density ${d}`);
  const q = whiten(kde.cholesky, d, queries);
  const p = kde.whitened;
  const out = new Float64Array(queries.count);
  const half = new Float64Array(kde.count);
  const pause = timeSlicer(signal);
  for (let r = 0; r < queries.count; r++) {
    if (r % 16 === 0) await pause();
    const o = r * d;
    let best = -Infinity;
    for (let i = 0; i < kde.count; i++) {
      let s = 0;
      const b = i * d;
      for (let j = 0; j < d; j++) {
        const t = q[o + j] - p[b + j];
        s += t * t;
      }
      const e = -0.5 * s;
      half[i] = e;
      if (e > best) best = e;
    }
    let sum = 0;
    for (let i = 0; i < kde.count; i++) sum += Math.exp(half[i] - best);
    out[r] = best + Math.log(sum) + kde.logNorm;
  }
  return out;
}

/** 0..n−1 in a Fisher–Yates order (i from n − 1 down to 1, j = ⌊u · (i + 1)⌋). */
export function shuffledIndices(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** All of 0..n−1 when n ≤ cap, else `cap` of them drawn without replacement, ascending. */
export function capIndices(n: number, cap: number, random: () => number): number[] {
  if (n <= cap) return Array.from({ length: n }, (_, i) => i);
  return shuffledIndices(n, random)
    .slice(0, cap)
    .sort((a, b) => a - b);
}
