// L2-regularised logistic regression with an intercept, fitted by Newton's method (IRLS) with a
// backtracking line search. It minimises the objective of scikit-learn's LogisticRegression(penalty='l2',
// C): ½‖w‖² + C · Σᵢ log(1 + exp(−ỹᵢ (xᵢ·w + b))), ỹ = ±1, the intercept b not penalised. scikit-learn
// divides that objective by C · n (same minimiser). Newton converges quadratically, so the fit is iterated
// until the gradient vanishes to rounding, not to a tolerance like lbfgs' 1e-4: the optimum is unique
// (the penalty makes the objective strictly convex in w; b is pinned by the data), so ours and a tightly
// converged scikit-learn agree to rounding. Used by fidelity.detection (detection.ts).
import { MedSynthError } from '../errors';

export interface LogisticFit {
  /** One weight per feature. */
  readonly coef: Float64Array;
  readonly intercept: number;
  /** Newton steps taken. */
  readonly iterations: number;
  /** max |gradient| of the objective above at the returned point. */
  readonly gradientMax: number;
}

export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's C); default 1. */
  readonly c?: number;
  /** Newton step limit; default 100. */
  readonly maxIterations?: number;
  /** Called between Newton steps (throws CANCELLED to stop). */
  readonly checkpoint?: () => void;
}

/** log(1 + exp(z)) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** The linear score x·w + b of every row (row-major x, `features` per row). */
export function decisionFunction(x: Float64Array, features: number, fit: Pick<LogisticFit, 'coef' | 'intercept'>): Float64Array {
  const n = features === 0 ? 0 : x.length / features;
  const out = new Float64Array(features === 0 ? 0 : n);
  for (let i = 0; i < n; i++) {
    let z = fit.intercept;
    const at = i * features;
    for (let j = 0; j < features; j++) z += x[at + j] * fit.coef[j];
    out[i] = z;
  }
  return out;
}

/** Solves the symmetric positive definite system h · s = g (Cholesky on a copy of h); null when h is not PD. */
function choleskySolve(h: Float64Array, g: Float64Array, m: number): Float64Array | null {
  const l = Float64Array.from(h);
  for (let j = 0; j < m; j++) {
    let d = l[j * m + j];
    for (let k = 0; k < j; k++) d -= l[j * m + k] * l[j * m + k];
    if (!(d > 0)) return null;
    d = Math.sqrt(d);
    l[j * m + j] = d;
    for (let i = j + 1; i < m; i++) {
      let s = l[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      l[i * m + j] = s / d;
    }
  }
  const y = Float64Array.from(g);
  for (let i = 0; i < m; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * y[k];
    y[i] = s / l[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * y[k];
    y[i] = s / l[i * m + i];
  }
  return y;
}

/**
 * Fits the model on row-major features `x` (`features` per row) and labels `y` (0 or 1). Throws
 * BAD_INPUT when the shapes disagree, a label is not 0/1 or a feature is not finite.
 */
export function fitLogisticRegression(x: Float64Array, y: Uint8Array, features: number, options: LogisticOptions = {}): LogisticFit {
  const c = options.c ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const n = y.length;
  if (!(c > 0)) throw new MedSynthError('BAD_USAGE', `logistic regression: C must be positive, got ${c}`);
  if (n === 0 || x.length !== n * features)
    throw new MedSynthError('BAD_INPUT', `logistic regression: expected ${n} rows × ${features} features, got ${x.length} values`);
  for (let i = 0; i < n; i++)
    if (y[i] > 1) throw new MedSynthError('BAD_INPUT', `logistic regression: label ${y[i]} at row ${i} is not 0 or 1`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i])) throw new MedSynthError('BAD_INPUT', 'logistic regression: features must be finite numbers');

  const m = features + 1; // the intercept is parameter `features`
  const theta = new Float64Array(m);
  const z = new Float64Array(n);
  const scores = (t: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = t[features];
      const at = i * features;
      for (let j = 0; j < features; j++) s += x[at + j] * t[j];
      out[i] = s;
    }
  };
  const objective = (t: Float64Array, zs: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < features; j++) f += (0.5 * t[j] * t[j]) / c;
    for (let i = 0; i < n; i++) f += softplus(y[i] === 1 ? -zs[i] : zs[i]);
    return f;
  };
  scores(theta, z);
  let f = objective(theta, z);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const trial = new Float64Array(m);
  const zTrial = new Float64Array(n);
  let iterations = 0;
  let gradientMax = Infinity;
  for (;;) {
    // Gradient Σ (p − y) x + w / C and Hessian Σ p(1 − p) x xᵀ + I / C (no penalty on b) at theta.
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(z[i]);
      const r = p - y[i];
      const w = p * (1 - p);
      const at = i * features;
      for (let a = 0; a < features; a++) {
        const xa = x[at + a];
        if (xa === 0) continue;
        grad[a] += r * xa;
        const wa = w * xa;
        for (let b = 0; b <= a; b++) hess[a * m + b] += wa * x[at + b];
        hess[features * m + a] += wa;
      }
      grad[features] += r;
      hess[features * m + features] += w;
    }
    for (let a = 0; a < features; a++) {
      grad[a] += theta[a] / c;
      hess[a * m + a] += 1 / c;
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b];
    gradientMax = 0;
    for (let a = 0; a < m; a++) gradientMax = Math.max(gradientMax, Math.abs(grad[a]));
    if (gradientMax <= 1e-12 * n || iterations >= maxIterations) break;
    options.checkpoint?.();
    let step = choleskySolve(hess, grad, m);
    if (!step) {
      // Only the intercept's curvature can vanish (every p at 0 or 1); fall back to gradient descent.
      step = Float64Array.from(grad, (g) => g * c);
    }
    iterations++;
    // Backtracking (Armijo) on the full Newton step; it is accepted at once near the optimum.
    let slope = 0;
    for (let a = 0; a < m; a++) slope += grad[a] * step[a];
    let t = 1;
    let moved = false;
    for (let k = 0; k < 60; k++) {
      for (let a = 0; a < m; a++) trial[a] = theta[a] - t * step[a];
      scores(trial, zTrial);
      const ft = objective(trial, zTrial);
      if (ft <= f - 1e-4 * t * slope) {
        theta.set(trial);
        z.set(zTrial);
        moved = ft < f;
        f = ft;
        break;
      }
      t /= 2;
    }
    // No decrease left at the precision of doubles: the optimum.
    if (!moved) break;
  }
  return { coef: theta.slice(0, features), intercept: theta[features], iterations, gradientMax };
}
