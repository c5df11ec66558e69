// Householder reduction of a symmetric matrix (lower triangle, row-major Float64Array) to tridiagonal form,
// the first half of symmetricEigen's tred2/tql2 scheme (Golub & Van Loan, "Matrix Computations", 4th ed.,
// §8.3.1), and the accumulation of the orthogonal factor, built transposed (Qᵀ, one row per future
// eigenvector) so the QL rotations of tridiagonalQl.ts touch contiguous rows.
import type { WorkSteps } from '../metrics/workSteps';

/** Eigenvector rows updated together when the Householder reflections are accumulated (cache blocking). */
const ROW_BLOCK = 16;

export interface Tridiagonal {
  /** Diagonal. */
  readonly d: Float64Array;
  /** e[i] couples i and i + 1 (e[n − 1] = 0). */
  readonly e: Float64Array;
  /** Row i of `a` holds the Householder vector u_i in columns 0..i − 1; h[i] = uᵀu / 2 (0: no reflection). */
  readonly a: Float64Array;
  readonly h: Float64Array;
}

/**
 * Householder vector of row i (step i of the reduction): scales row i's entries 0..i − 1 into u (in
 * place), sets d[i], sub[i] and h[i] = uᵀu / 2, and returns h[i] (0: no reflection at this step).
 */
function reflector(a: Float64Array, n: number, i: number, d: Float64Array, sub: Float64Array, h: Float64Array): number {
  const row = i * n;
  const last = i - 1;
  let scale = 0;
  for (let k = 0; k <= last; k++) scale += Math.abs(a[row + k]);
  d[i] = a[row + i];
  if (last === 0 || scale === 0) {
    sub[i] = a[row + last];
    h[i] = 0;
    return 0;
  }
  let sigma = 0;
  for (let k = 0; k <= last; k++) {
    const x = a[row + k] / scale;
    a[row + k] = x;
    sigma += x * x;
  }
  const f = a[row + last];
  const g = f >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
  sub[i] = scale * g;
  const hi = sigma - f * g;
  h[i] = hi;
  a[row + last] = f - g;
  return hi;
}

/** p = A u over the leading i x i block (u = row i's entries 0..i − 1), reading the lower triangle two rows at a time. */
function blockTimesU(a: Float64Array, n: number, i: number, p: Float64Array): void {
  const row = i * n;
  const last = i - 1;
  p.fill(0, 0, i);
  let j = 0;
  for (; j + 1 <= last; j += 2) {
    const r0 = j * n;
    const r1 = r0 + n;
    const u0 = a[row + j];
    const u1 = a[row + j + 1];
    let d0 = 0;
    let d1 = 0;
    for (let k = 0; k < j; k++) {
      const uk = a[row + k];
      const x0 = a[r0 + k];
      const x1 = a[r1 + k];
      d0 += x0 * uk;
      d1 += x1 * uk;
      p[k] += x0 * u0 + x1 * u1;
    }
    const x1j = a[r1 + j];
    p[j] += d0 + a[r0 + j] * u0 + x1j * u1;
    p[j + 1] += d1 + x1j * u0 + a[r1 + j + 1] * u1;
  }
  for (; j <= last; j++) {
    const rj = j * n;
    const uj = a[row + j];
    let dot = 0;
    for (let k = 0; k < j; k++) {
      const ajk = a[rj + k];
      dot += ajk * a[row + k];
      p[k] += ajk * uj;
    }
    p[j] += dot + a[rj + j] * uj;
  }
}

/**
 * Householder reduction, last row first: step i reflects row/column i onto its sub-diagonal entry with
 * P_i = I − u uᵀ / h (u in entries 0..i − 1) and updates the leading i x i block as A − q uᵀ − u qᵀ
 * (p = A u / h, q = p − (uᵀp / 2h) u), on the lower triangle, row by row. The update of step i and the
 * product A u of step i − 1 share one pass over the block: row i − 1 is updated first, its reflector
 * made, and then each row j < i − 1 is updated and at once multiplied into the next p, so the block is
 * read once per step instead of twice (two rows at a time, each u_k, q_k loaded feeding both).
 */
export function* tridiagonalise(matrix: Float64Array, n: number): WorkSteps<Tridiagonal> {
  const a = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const sub = new Float64Array(n); // sub[i] couples i − 1 and i
  const h = new Float64Array(n);
  let p = new Float64Array(n);
  let next = new Float64Array(n);
  let ready = false; // p already holds A u for this step (made during the previous step's update)
  for (let i = n - 1; i > 0; i--) {
    const row = i * n;
    const last = i - 1;
    let hi: number;
    if (ready) {
      hi = h[i];
    } else {
      hi = reflector(a, n, i, d, sub, h);
      if (hi === 0) continue;
      blockTimesU(a, n, i, p);
    }
    ready = false;
    let up = 0;
    for (let j = 0; j <= last; j++) {
      p[j] /= hi;
      up += a[row + j] * p[j];
    }
    const kk = up / (2 * hi);
    for (let j = 0; j <= last; j++) p[j] -= kk * a[row + j];
    // Row i − 1 first, then its reflector (the next step's u, in that row).
    const rl = last * n;
    const ql = p[last];
    const ul = a[row + last];
    for (let k = 0; k <= last; k++) a[rl + k] -= ql * a[row + k] + ul * p[k];
    const hn = last > 0 ? reflector(a, n, last, d, sub, h) : 0;
    const v = rl; // the next u: a[v + k], k < last
    let j = 0;
    // Rows j < i − 1, two at a time, each multiplied into the next p (A v for the next u) as it is updated.
    // When there is no next reflection (hn = 0) that product is made and left unused: it is a rare step
    // (the last ones, or a zero block) and the update of the block is the same either way.
    next.fill(0, 0, last);
    for (; j + 1 < last; j += 2) {
      const r0 = j * n;
      const r1 = r0 + n;
      const q0 = p[j];
      const q1 = p[j + 1];
      const u0 = a[row + j];
      const u1 = a[row + j + 1];
      const v0 = a[v + j];
      const v1 = a[v + j + 1];
      let d0 = 0;
      let d1 = 0;
      for (let k = 0; k < j; k++) {
        const uk = a[row + k];
        const qk = p[k];
        const x0 = a[r0 + k] - (q0 * uk + u0 * qk);
        const x1 = a[r1 + k] - (q1 * uk + u1 * qk);
        a[r0 + k] = x0;
        a[r1 + k] = x1;
        const vk = a[v + k];
        d0 += x0 * vk;
        d1 += x1 * vk;
        next[k] += x0 * v0 + x1 * v1;
      }
      const ujj = a[row + j];
      const qjj = p[j];
      const x0j = a[r0 + j] - (q0 * ujj + u0 * qjj);
      const x1j = a[r1 + j] - (q1 * ujj + u1 * qjj);
      const x1k = a[r1 + j + 1] - (q1 * u1 + u1 * q1);
      a[r0 + j] = x0j;
      a[r1 + j] = x1j;
      a[r1 + j + 1] = x1k;
      next[j] += d0 + x0j * v0 + x1j * v1;
      next[j + 1] += d1 + x1j * v0 + x1k * v1;
    }
    for (; j < last; j++) {
      const rj = j * n;
      const qj = p[j];
      const uj = a[row + j];
      const vj = a[v + j];
      let dot = 0;
      for (let k = 0; k < j; k++) {
        const x = a[rj + k] - (qj * a[row + k] + uj * p[k]);
        a[rj + k] = x;
        dot += x * a[v + k];
        next[k] += x * vj;
      }
      const x = a[rj + j] - (qj * a[row + j] + uj * p[j]);
      a[rj + j] = x;
      next[j] += dot + x * vj;
    }
    if (hn !== 0) {
      const t = p;
      p = next;
      next = t;
      ready = true;
    }
    yield;
  }
  if (n > 0) d[0] = a[0];
  const e = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) e[i] = sub[i + 1];
  return { d, e, a, h };
}

/**
 * Qᵀ with Q = P_{n−1} ⋯ P_1 (so A = Q T Qᵀ): row r is e_r P_1 P_2 ⋯ P_{n−1}, and since e_r is untouched by
 * the reflections up to P_r, row r starts at P_{r+1}. Rows go in blocks so each u_i is read once per block.
 */
export function* transposedQ(t: Tridiagonal, n: number): WorkSteps<Float64Array> {
  const w = new Float64Array(n * n);
  for (let r = 0; r < n; r++) w[r * n + r] = 1;
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const r1 = Math.min(n, r0 + ROW_BLOCK);
    for (let i = r0 + 1; i < n; i++) {
      const hi = t.h[i];
      if (hi === 0) continue;
      const u = i * n;
      const a = t.a;
      const rEnd = Math.min(r1, i);
      let r = r0;
      // Two rows at a time: each u_k loaded feeds both dot products and both updates.
      for (; r + 1 < rEnd; r += 2) {
        const x = r * n;
        const y = x + n;
        let dx = 0;
        let dy = 0;
        for (let k = 0; k < i; k++) {
          const uk = a[u + k];
          dx += w[x + k] * uk;
          dy += w[y + k] * uk;
        }
        if (dx === 0 && dy === 0) continue;
        const gx = dx / hi;
        const gy = dy / hi;
        for (let k = 0; k < i; k++) {
          const uk = a[u + k];
          w[x + k] -= gx * uk;
          w[y + k] -= gy * uk;
        }
      }
      for (; r < rEnd; r++) {
        const x = r * n;
        let dot = 0;
        for (let k = 0; k < i; k++) dot += w[x + k] * a[u + k];
        if (dot === 0) continue;
        const g = dot / hi;
        for (let k = 0; k < i; k++) w[x + k] -= g * a[u + k];
      }
      if ((i & 63) === 0) yield;
    }
    yield;
  }
  return w;
}
