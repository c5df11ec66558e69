// Dense float64 products for covariance-sized matrices. Everything is written as C = A Bᵀ (row i of A
// dotted with row k of B), so both operands are read along contiguous rows; the loops are tiled so the
// rows in use stay in cache, and a 2 x 4 register block reads six values for eight multiply-adds.
import type { WorkSteps } from '../metrics/workSteps';

/** Length of the row pieces (and rows per tile) the products work on at a time. */
const DEPTH_TILE = 256;
const ROW_TILE = 64;

/**
 * out[i][k] (+)= Σ_r a[i·len + r] · b[k·len + r] for i < aRows, k < bRows (out is aRows x bRows, row
 * major). With `upper`, a and b must be the same rows and only k ≥ i is computed (then mirrored by the
 * caller, or by `mirrorUpper`). With `aTriangular`, row i of a is 0 before entry i (a is upper
 * triangular: the rows of Lᵀ for a lower-triangular L), and the products skip those zeros.
 * Accumulates into `out`; start from zeros for a plain product.
 */
export function* multiplyTransposedSteps(
  out: Float64Array,
  a: Float64Array,
  aRows: number,
  b: Float64Array,
  bRows: number,
  len: number,
  upper = false,
  aTriangular = false,
): WorkSteps<void> {
  for (let r0 = 0; r0 < len; r0 += DEPTH_TILE) {
    const r1 = Math.min(len, r0 + DEPTH_TILE);
    for (let i0 = 0; i0 < aRows; i0 += ROW_TILE) {
      const i1 = Math.min(aRows, i0 + ROW_TILE);
      if (aTriangular && r1 <= i0) break; // every later row tile is 0 over this depth tile
      const from = aTriangular ? Math.max(r0, i0) : r0;
      for (let k0 = upper ? i0 : 0; k0 < bRows; k0 += ROW_TILE) {
        const k1 = Math.min(bRows, k0 + ROW_TILE);
        tile(out, a, b, bRows, len, i0, i1, k0, k1, from, r1, upper);
      }
      yield;
    }
  }
}

function tile(
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  bRows: number,
  len: number,
  i0: number,
  i1: number,
  k0: number,
  k1: number,
  r0: number,
  r1: number,
  upper: boolean,
): void {
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a0 = i * len;
    const a1 = a0 + len;
    let k = upper ? Math.max(k0, i) : k0;
    for (; k + 3 < k1; k += 4) {
      const b0 = k * len;
      const b1 = b0 + len;
      const b2 = b1 + len;
      const b3 = b2 + len;
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      for (let r = r0; r < r1; r++) {
        const x0 = a[a0 + r];
        const x1 = a[a1 + r];
        const y0 = b[b0 + r];
        const y1 = b[b1 + r];
        const y2 = b[b2 + r];
        const y3 = b[b3 + r];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
      }
      const o0 = i * bRows + k;
      const o1 = o0 + bRows;
      out[o0] += c00;
      out[o0 + 1] += c01;
      out[o0 + 2] += c02;
      out[o0 + 3] += c03;
      out[o1] += c10;
      out[o1 + 1] += c11;
      out[o1 + 2] += c12;
      out[o1 + 3] += c13;
    }
    for (; k < k1; k++) {
      const b0 = k * len;
      let c0 = 0;
      let c1 = 0;
      for (let r = r0; r < r1; r++) {
        const y = b[b0 + r];
        c0 += a[a0 + r] * y;
        c1 += a[a1 + r] * y;
      }
      out[i * bRows + k] += c0;
      out[(i + 1) * bRows + k] += c1;
    }
  }
  for (; i < i1; i++) {
    const a0 = i * len;
    for (let k = upper ? Math.max(k0, i) : k0; k < k1; k++) {
      const b0 = k * len;
      let c = 0;
      for (let r = r0; r < r1; r++) c += a[a0 + r] * b[b0 + r];
      out[i * bRows + k] += c;
    }
  }
}

/** Copies the upper triangle of the n x n row-major `m` onto its lower triangle. */
export function mirrorUpper(m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) m[k * n + i] = m[i * n + k];
}
