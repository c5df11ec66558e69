// Symmetric eigen-decomposition for covariance-sized matrices (FID, PPCA): Householder reduction to a
// tridiagonal matrix, then implicit-shift QL iterations (Wilkinson shift) on it, the tred2/tql2 scheme
// of the textbooks (Golub & Van Loan, "Matrix Computations", 4th ed., §8.3; Wilkinson & Reinsch,
// "Handbook for Automatic Computation" II), written here for row-major Float64Arrays. The eigenvector
// work is kept on contiguous rows: the orthogonal factor is built transposed (one eigenvector per row),
// so each QL rotation touches two adjacent rows, and the result is transposed once at the end into
// numpy.linalg.eigh's layout (column j = the eigenvector of values[j], values ascending).
// Only the lower triangle of the input is read, as numpy.linalg.eigh does with its default UPLO='L'.
import { MedSynthError } from '../errors';
import { runSteps, runStepsYielding } from '../metrics/workSteps';
import type { WorkSteps } from '../metrics/workSteps';

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n x n row-major; column j (entries j, n + j, 2n + j, ...) is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

const EPS = 2 ** -52;
/** Below this an off-diagonal entry is treated as zero whatever its neighbours (all-zero blocks). */
const TINY = 2 ** -1000;
/** QL iterations allowed per eigenvalue; the implicit Wilkinson-shift QL takes 2 or 3 on average. */
const MAX_ITERATIONS = 60;
/** Eigenvector rows updated together when the Householder reflections are accumulated (cache blocking). */
const ROW_BLOCK = 16;

function checkSquare(matrix: Float64Array, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new MedSynthError('BAD_USAGE', `${what}: the matrix order must be a whole number ≥ 0, got ${n}`);
  if (matrix.length !== n * n) {
    throw new MedSynthError('BAD_INPUT', `${what}: a ${n} x ${n} matrix has ${n * n} entries, got ${matrix.length}`, {
      expected: `${n * n} entries`,
    });
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      if (!Number.isFinite(matrix[i * n + j])) {
        throw new MedSynthError('BAD_INPUT', `${what}: entry (${i}, ${j}) is ${matrix[i * n + j]}`, { expected: 'finite numbers' });
      }
    }
  }
}

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

interface Tridiagonal {
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
function* tridiagonalise(matrix: Float64Array, n: number): WorkSteps<Tridiagonal> {
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
    if (hn !== 0) {
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
      const t = p;
      p = next;
      next = t;
      ready = true;
    } else {
      for (; j + 1 < last; j += 2) {
        const r0 = j * n;
        const r1 = r0 + n;
        const q0 = p[j];
        const q1 = p[j + 1];
        const u0 = a[row + j];
        const u1 = a[row + j + 1];
        for (let k = 0; k <= j; k++) {
          const uk = a[row + k];
          const pk = p[k];
          a[r0 + k] -= q0 * uk + u0 * pk;
          a[r1 + k] -= q1 * uk + u1 * pk;
        }
        a[r1 + j + 1] -= q1 * u1 + u1 * q1;
      }
      for (; j < last; j++) {
        const rj = j * n;
        const qj = p[j];
        const uj = a[row + j];
        for (let k = 0; k <= j; k++) a[rj + k] -= qj * a[row + k] + uj * p[k];
      }
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
function* transposedQ(t: Tridiagonal, n: number): WorkSteps<Float64Array> {
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

/**
 * Implicit QL with Wilkinson shifts on the tridiagonal (d, e), in place: d ends as the eigenvalues
 * (unsorted). When `w` is given, every rotation is applied to its rows, so row j ends as the
 * eigenvector of d[j] (w must start as Qᵀ, or the identity for T's own eigenvectors).
 */
/** The QL rotations in the order they were made: rotation t mixed rows at[t] and at[t] + 1 with (c[t], s[t]). */
class RotationLog {
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

function* diagonalise(
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

function ascendingOrder(values: Float64Array): Uint32Array {
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  return order.sort((x, y) => values[x] - values[y] || x - y);
}

function* eighSteps(matrix: Float64Array, n: number): WorkSteps<SymmetricEigen> {
  checkSquare(matrix, n, 'eigh');
  const t = yield* tridiagonalise(matrix, n);
  const w = yield* transposedQ(t, n);
  yield* diagonalise(t.d, t.e, n, w, 'eigh');
  const order = ascendingOrder(t.d);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) values[j] = t.d[order[j]];
  // vectors[i][j] = w[order[j]][i], in tiles so both sides stay in cache.
  const TILE = 32;
  for (let j0 = 0; j0 < n; j0 += TILE) {
    for (let i0 = 0; i0 < n; i0 += TILE) {
      for (let j = j0; j < Math.min(n, j0 + TILE); j++) {
        const src = order[j] * n;
        for (let i = i0; i < Math.min(n, i0 + TILE); i++) vectors[i * n + j] = w[src + i];
      }
    }
    yield;
  }
  return { values, vectors };
}

/** How many vectors go through the rotation log together (one pass over the log per batch). */
const VECTOR_BATCH = 8;

/**
 * Rows `rows` of R_T ⋯ R_1 Qᵀ (the rows eigh's QL would leave in w) without forming the n x n product:
 * each wanted row starts as e_j and takes the logged rotations from the last to the first (y ← y R_t
 * changes two entries), then the Householder reflections P_1, P_2, ... (y ← y P_i, O(i) each), since
 * Qᵀ = P_1 P_2 ⋯ P_{n−1}. Row b of the result (b-th of `rows`) is written at out[b n ..].
 */
function* selectedRows(t: Tridiagonal, n: number, log: RotationLog, rows: readonly number[], out: Float64Array): WorkSteps<void> {
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

export interface LargestEigen {
  /** All eigenvalues, ascending (as eigh). */
  readonly values: Float64Array;
  /** How many eigenvectors `vectors` holds: the count `choose` asked for. */
  readonly count: number;
  /** count x n row major; row k is the unit eigenvector of the k-th largest eigenvalue, values[n − 1 − k]. */
  readonly vectors: Float64Array;
}

function* eighLargestSteps(matrix: Float64Array, n: number, choose: (values: Float64Array) => number): WorkSteps<LargestEigen> {
  checkSquare(matrix, n, 'eigh');
  const t = yield* tridiagonalise(matrix, n);
  const log = new RotationLog();
  yield* diagonalise(t.d, t.e, n, undefined, 'eigh', log);
  const order = ascendingOrder(t.d);
  const values = new Float64Array(n);
  for (let j = 0; j < n; j++) values[j] = t.d[order[j]];
  const count = choose(values);
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new MedSynthError('BAD_USAGE', `eigh: asked for ${count} eigenvectors of a ${n} x ${n} matrix`, { expected: `0..${n}` });
  }
  const rows = Array.from({ length: count }, (_, k) => order[n - 1 - k]);
  const vectors = new Float64Array(count * n);
  yield* selectedRows(t, n, log, rows, vectors);
  return { values, count, vectors };
}

/**
 * eigh's eigenvalues, and the eigenvectors of the largest `choose(values)` of them only (values
 * ascending, as eigh returns them), the same vectors eigh gives up to rounding (and sign), at a cost of
 * O(n²) per vector after the reduction instead of eigh's O(n³) accumulation. Yields to the event loop
 * every few tens of milliseconds; BAD_USAGE when `choose` returns a count outside 0..n.
 */
export function eighLargestYielding(
  matrix: Float64Array,
  n: number,
  choose: (values: Float64Array) => number,
  signal?: AbortSignal,
): Promise<LargestEigen> {
  return runStepsYielding(eighLargestSteps(matrix, n, choose), signal);
}

function* eigvalshSteps(matrix: Float64Array, n: number): WorkSteps<Float64Array> {
  checkSquare(matrix, n, 'eigvalsh');
  const t = yield* tridiagonalise(matrix, n);
  yield* diagonalise(t.d, t.e, n, undefined, 'eigvalsh');
  return Float64Array.from(t.d).sort();
}

/**
 * Eigenvalues (ascending) and unit eigenvectors (column j of the row-major n x n `vectors` belongs to
 * values[j]) of the symmetric matrix whose lower triangle `matrix` holds, as numpy.linalg.eigh; an
 * eigenvector's sign is arbitrary. BAD_INPUT for a wrong length or a non-finite entry; CANCELLED when
 * `signal` is already aborted at a checkpoint (it runs without giving the event loop a turn: use
 * eighYielding inside the extension).
 */
export function eigh(matrix: Float64Array, n: number, signal?: AbortSignal): SymmetricEigen {
  return runSteps(eighSteps(matrix, n), signal);
}

/** eigh, giving the event loop a turn every few tens of milliseconds so a cancel can land. */
export function eighYielding(matrix: Float64Array, n: number, signal?: AbortSignal): Promise<SymmetricEigen> {
  return runStepsYielding(eighSteps(matrix, n), signal);
}

/** Eigenvalues only (ascending), as numpy.linalg.eigvalsh: the same reduction without the eigenvector work. */
export function eigvalsh(matrix: Float64Array, n: number, signal?: AbortSignal): Float64Array {
  return runSteps(eigvalshSteps(matrix, n), signal);
}

/** eigvalsh, giving the event loop a turn every few tens of milliseconds. */
export function eigvalshYielding(matrix: Float64Array, n: number, signal?: AbortSignal): Promise<Float64Array> {
  return runStepsYielding(eigvalshSteps(matrix, n), signal);
}
