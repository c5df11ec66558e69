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
import { tridiagonalise, transposedQ } from './tridiagonal';
import { diagonalise, RotationLog, selectedRows } from './tridiagonalQl';

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n x n row-major; column j (entries j, n + j, 2n + j, ...) is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}
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
