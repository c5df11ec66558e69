// Ridge regression with an unpenalised intercept, in closed form: the features and the target are
// centred on their training means, (XcᵀXc + αI) w = Xcᵀyc is solved by Cholesky (src/core/math/cholesky.ts)
// and b = ȳ − x̄·w. This is scikit-learn's Ridge(alpha=α, fit_intercept=True) objective
// ‖y − Xw − b‖² + α‖w‖². utility.tstr uses a tiny α (RIDGE_ALPHA) so the fit is ordinary least squares
// wherever that is unique, and still defined when one-hot columns are collinear with the intercept.
import { choleskySteps } from '../../math/cholesky';
import { MedSynthError } from '../../errors';
import { runSteps } from '../workSteps';

export const RIDGE_ALPHA = 1e-6;

export interface LinearFit {
  readonly coef: Float64Array;
  readonly intercept: number;
  /** The α used: RIDGE_ALPHA, or 10× more per retry when the system was too ill-conditioned to factor. */
  readonly alpha: number;
}

/** Fits ridge on row-major `x` (`features` per row) and `y`. Throws BAD_INPUT for mismatched shapes or non-finite values. */
export function fitRidge(x: Float64Array, y: Float64Array, features: number, alpha = RIDGE_ALPHA): LinearFit {
  const n = y.length;
  const d = features;
  if (n === 0 || x.length !== n * d)
    throw new MedSynthError('BAD_INPUT', `ridge: expected ${n} rows × ${d} features, got ${x.length} values`);
  if (!(alpha >= 0)) throw new MedSynthError('BAD_USAGE', `ridge: alpha must be ≥ 0, got ${alpha}`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new MedSynthError('BAD_INPUT', 'ridge: features must be finite');
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) throw new MedSynthError('BAD_INPUT', 'ridge: targets must be finite');
  const xMean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    yMean += y[i];
    for (let j = 0; j < d; j++) xMean[j] += x[i * d + j];
  }
  yMean /= n;
  for (let j = 0; j < d; j++) xMean[j] /= n;
  const gram = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j] - xMean[j];
    const yc = y[i] - yMean;
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      rhs[a] += ra * yc;
      for (let b = 0; b <= a; b++) gram[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) gram[b * d + a] = gram[a * d + b];
  let used = alpha;
  for (let attempt = 0; attempt < 12; attempt++) {
    const a = Float64Array.from(gram);
    for (let j = 0; j < d; j++) a[j * d + j] += used;
    const l = runSteps(choleskySteps(a, d));
    if (l) {
      const coef = solveWithFactor(l, rhs, d);
      let intercept = yMean;
      for (let j = 0; j < d; j++) intercept -= xMean[j] * coef[j];
      return { coef, intercept, alpha: used };
    }
    used = used > 0 ? used * 10 : RIDGE_ALPHA;
  }
  throw new MedSynthError('BAD_INPUT', 'ridge: the features are too ill-conditioned to fit');
}

/** Solves L Lᵀ w = g; a zero column of L (a constant feature) gives weight 0. */
function solveWithFactor(l: Float64Array, g: Float64Array, d: number): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * z[k];
    const p = l[i * d + i];
    z[i] = p === 0 ? 0 : s / p;
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * w[k];
    const p = l[i * d + i];
    w[i] = p === 0 ? 0 : s / p;
  }
  return w;
}

/** x·w + b of every row. */
export function predictLinear(x: Float64Array, features: number, fit: Pick<LinearFit, 'coef' | 'intercept'>): Float64Array {
  const n = features === 0 ? 0 : x.length / features;
  const out = new Float64Array(n);
  if (features === 0) return out;
  for (let i = 0; i < n; i++) {
    let s = fit.intercept;
    for (let j = 0; j < features; j++) s += x[i * features + j] * fit.coef[j];
    out[i] = s;
  }
  return out;
}
