// Small dense linear algebra for the copula: a pairwise-complete correlation matrix is not always
// positive definite, so it is repaired by clipping eigenvalues (Jacobi) before the Cholesky factor.

/** Symmetric eigen-decomposition by cyclic Jacobi rotations; returns eigenvalues and column eigenvectors. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/**
 * The nearest-in-spirit correlation matrix that is safely positive definite: eigenvalues below `floor`
 * are raised to it, then the diagonal is rescaled back to 1.
 */
export function repairCorrelation(matrix: Float64Array, n: number, floor = 1e-6): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * Math.max(values[k], floor) * vectors[j * n + k];
      out[i * n + j] = s;
    }
  }
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = 1 / Math.sqrt(out[i * n + i]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = i === j ? 1 : out[i * n + j] * scale[i] * scale[j];
  return out;
}

/** Lower-triangular Cholesky factor, or undefined when the matrix is not positive definite. */
export function cholesky(matrix: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** Cholesky of a correlation matrix, repairing it (eigen-clip, then growing jitter) until it factors. */
export function choleskyOfCorrelation(matrix: Float64Array, n: number): { correlation: Float64Array; factor: Float64Array } {
  let m = matrix;
  let l = cholesky(m, n);
  if (l) return { correlation: m, factor: l };
  m = repairCorrelation(matrix, n);
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 : jitter * 10) {
    const trial = Float64Array.from(m);
    for (let i = 0; i < n; i++) trial[i * n + i] += jitter;
    l = cholesky(trial, n);
    if (l) return { correlation: trial, factor: l };
    if (jitter > 1) throw new Error('correlation matrix could not be repaired');
  }
}
