// Cholesky factor A = L Lᵀ of a symmetric positive (semi)definite matrix, row major, for FID's trace
// term (src/core/metrics/image/fid.ts): the row-oriented (Cholesky–Banachiewicz) order, where entry
// (i, j) is row i dotted with row j over their first j entries, so every inner loop reads contiguous
// rows. Two rows of L are computed together so each entry of row j loaded feeds two products.
// A dimension whose variance is exactly 0 (a constant feature: its whole row and column are 0) gets an
// all-zero column, which is exact; any other pivot that is not clearly positive (≤ n·ε·a_jj) means the
// matrix is singular or nearly so, and the caller falls back to the eigen-decomposition path.
import type { WorkSteps } from '../metrics/workSteps';

const EPS = 2 ** -52;

/**
 * The lower-triangular L (n x n row major, zeros above the diagonal) with L Lᵀ = A, reading A's lower
 * triangle only; undefined when a pivot is not clearly positive (see the file header).
 */
export function* choleskySteps(a: Float64Array, n: number): WorkSteps<Float64Array | undefined> {
  const l = new Float64Array(n * n);
  const inv = new Float64Array(n); // 1 / L[j][j], 0 for an all-zero column
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let j = 0;
    // Entries (i, j) and (i, j + 1): rows j and j + 1 of L against row i, over their first j entries.
    for (; j + 1 < i; j += 2) {
      const rj = j * n;
      const rk = rj + n;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < j; k++) {
        const x = l[ri + k];
        s0 += x * l[rj + k];
        s1 += x * l[rk + k];
      }
      const v0 = (a[ri + j] - s0) * inv[j];
      l[ri + j] = v0;
      s1 += v0 * l[rk + j];
      l[ri + j + 1] = (a[ri + j + 1] - s1) * inv[j + 1];
    }
    for (; j < i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = 0; k < j; k++) s += l[ri + k] * l[rj + k];
      l[ri + j] = (a[ri + j] - s) * inv[j];
    }
    let s = 0;
    for (let k = 0; k < i; k++) s += l[ri + k] * l[ri + k];
    const aii = a[ri + i];
    const pivot = aii - s;
    if (aii === 0 && s === 0) {
      inv[i] = 0; // a constant dimension: its column of L is 0
    } else if (pivot > n * EPS * aii) {
      const d = Math.sqrt(pivot);
      l[ri + i] = d;
      inv[i] = 1 / d;
    } else {
      return undefined;
    }
    if ((i & 15) === 15) yield;
  }
  return l;
}
