// Implicit-shift QL iterations (Wilkinson shift) on a symmetric tridiagonal matrix, the second half of
// symmetricEigen's tred2/tql2 scheme (Wilkinson & Reinsch, "Handbook for Automatic Computation" II, tql2):
// the eigenvalues, with the rotations either applied to the rows of Qᵀ at once (all eigenvectors) or
// logged and replayed afterwards onto a few selected rows only (the eigenvectors of the largest values).
import { MedSynthError } from '../errors';
import type { WorkSteps } from '../metrics/workSteps';
import type { Tridiagonal } from './tridiagonal';

const EPS = 2 ** -52;
/** Below this an off-diagonal entry is treated as zero whatever its neighbours (all-zero blocks). */
const TINY = 2 ** -1000;
/** QL iterations allowed per eigenvalue; the implicit Wilkinson-shift QL takes 2 or 3 on average. */
const MAX_ITERATIONS = 60;

/** sqrt(a² + b²) without overflow or underflow in the squares. */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const t = y / x;
    return x * Math.sqrt(1 + t * t);
  }
  if (y === 0) return 0;
  const t = x / y;
  return y * Math.sqrt(1 + t * t);
}

/** Rows i and i + 1 of w rotated: (row_i, row_{i+1}) ← (c row_i − s row_{i+1}, s row_i + c row_{i+1}). */
function rotateRows(w: Float64Array, n: number, i: number, c: number, s: number): void {
  const a = i * n;
  const b = a + n;
  for (let k = 0; k < n; k++) {
    const x = w[a + k];
    const y = w[b + k];
    w[b + k] = s * x + c * y;
    w[a + k] = c * x - s * y;
  }
}

/** The QL rotations in the order they were made: rotation t mixed rows at[t] and at[t] + 1 with (c[t], s[t]). */
export class RotationLog {
  at = new Int32Array(1024);
  c = new Float64Array(1024);
  s = new Float64Array(1024);
  count = 0;
  push(i: number, c: number, s: number): void {
    if (this.count === this.at.length) {
      const grow = <T extends Int32Array | Float64Array>(x: T, make: (n: number) => T): T => {
        const y = make(x.length * 2);
        y.set(x);
        return y;
      };
      this.at = grow(this.at, (n) => new Int32Array(n));
      this.c = grow(this.c, (n) => new Float64Array(n));
      this.s = grow(this.s, (n) => new Float64Array(n));
    }
    this.at[this.count] = i;
    this.c[this.count] = c;
    this.s[this.count] = s;
    this.count++;
  }
}

/**
 * Implicit QL with Wilkinson shifts on the tridiagonal (d, e), in place: d ends as the eigenvalues
 * (unsorted). When `w` is given, every rotation is applied to its rows, so row j ends as the
 * eigenvector of d[j] (w must start as Qᵀ, or the identity for T's own eigenvectors).
 */
export function* diagonalise(
  d: Float64Array,
  e: Float64Array,
  n: number,
  w: Float64Array | undefined,
  what: string,
  log?: RotationLog,
): WorkSteps<void> {
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const em = Math.abs(e[m]);
        if (em <= EPS * (Math.abs(d[m]) + Math.abs(d[m + 1])) || em < TINY) break;
      }
      if (m === l) break;
      if (++iterations > MAX_ITERATIONS) {
        throw new MedSynthError('BAD_INPUT', `${what}: the QL iteration did not converge for eigenvalue ${l + 1} of ${n}`, {
          expected: 'a symmetric matrix of finite, not extreme, numbers',
        });
      }
      // Shift: the eigenvalue of the leading 2 x 2 block [d_l e_l; e_l d_{l+1}] nearer d_l; g = d_m − shift.
      const q = (d[l + 1] - d[l]) / (2 * e[l]);
      const root = hypot(q, 1);
      let g = d[m] - d[l] + e[l] / (q + (q >= 0 ? root : -root));
      let s = 1;
      let c = 1;
      let p = 0;
      let r = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the block splits here; recover and look for a new split.
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (w) rotateRows(w, n, i, c, s);
        log?.push(i, c, s);
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
      yield;
    }
  }
}

/** How many vectors go through the rotation log together (one pass over the log per batch). */
const VECTOR_BATCH = 8;

/**
 * Rows `rows` of R_T ⋯ R_1 Qᵀ (the rows eigh's QL would leave in w) without forming the n x n product:
 * each wanted row starts as e_j and takes the logged rotations from the last to the first (y ← y R_t
 * changes two entries), then the Householder reflections P_1, P_2, ... (y ← y P_i, O(i) each), since
 * Qᵀ = P_1 P_2 ⋯ P_{n−1}. Row b of the result (b-th of `rows`) is written at out[b n ..].
 */
export function* selectedRows(t: Tridiagonal, n: number, log: RotationLog, rows: readonly number[], out: Float64Array): WorkSteps<void> {
  for (let b0 = 0; b0 < rows.length; b0 += VECTOR_BATCH) {
    const b1 = Math.min(rows.length, b0 + VECTOR_BATCH);
    for (let b = b0; b < b1; b++) out[b * n + rows[b]] = 1;
    for (let r = log.count - 1; r >= 0; r--) {
      const i = log.at[r];
      const c = log.c[r];
      const s = log.s[r];
      for (let b = b0; b < b1; b++) {
        const x = b * n + i;
        const yi = out[x];
        const yj = out[x + 1];
        if (yi === 0 && yj === 0) continue;
        out[x] = c * yi + s * yj;
        out[x + 1] = c * yj - s * yi;
      }
    }
    yield;
    for (let b = b0; b < b1; b++) {
      const y = b * n;
      for (let i = 1; i < n; i++) {
        const hi = t.h[i];
        if (hi === 0) continue;
        const u = i * n;
        let dot = 0;
        for (let k = 0; k < i; k++) dot += out[y + k] * t.a[u + k];
        if (dot === 0) continue;
        const g = dot / hi;
        for (let k = 0; k < i; k++) out[y + k] -= g * t.a[u + k];
      }
    }
    yield;
  }
}
