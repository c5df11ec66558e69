// Euclidean distances between image feature vectors, exact and blocked. The table kernel
// (distanceKernel.ts) is an L1 search over packed float32 table rows, so embeddings get their own:
// squared distances of a tile of rows as ‖a‖² + ‖b‖² − 2 a·b, in float64 with the tiled product of
// src/core/math/dense.ts. That form loses digits when two vectors nearly coincide (the three terms
// cancel), so wherever a result depends on one distance (the k nearest neighbours, a comparison
// with a radius that is too close to call) it is recomputed as Σ (a − b)² from the stored values.
import { runSteps } from '../workSteps';
import { timeSlicer } from '../workSteps';
import { multiplyTransposedSteps } from '../../math/dense';
import type { FeatureMatrix } from './imageMetric';

/** Rows of each side in one tile of the distance matrix. */
export const TILE_ROWS = 256;
/** Candidates kept beyond k, so an order the cancelling gram form got wrong is repaired by the exact recomputation. */
const EXTRA_CANDIDATES = 2;

/** A tile of squared distances: d2[(i − i0) · nj + (j − j0)] = ‖a_i − b_j‖² (gram form, ≥ 0). */
export interface DistanceTile {
  readonly i0: number;
  readonly j0: number;
  readonly ni: number;
  readonly nj: number;
  readonly d2: Float64Array;
  /** ‖a_i‖² + ‖b_j‖²: the scale of the rounding error in d2 (about 1e-15 of it). */
  scale(i: number, j: number): number;
}

function copyRows(m: FeatureMatrix, first: number, count: number, into: Float64Array): Float64Array {
  const out = into.subarray(0, count * m.dims);
  const src = m.data;
  const o = first * m.dims;
  for (let k = 0; k < out.length; k++) out[k] = src[o + k];
  return out;
}

function squaredNorms(m: FeatureMatrix): Float64Array {
  const norms = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    const o = r * m.dims;
    for (let k = 0; k < m.dims; k++) s += m.data[o + k] * m.data[o + k];
    norms[r] = s;
  }
  return norms;
}

/** ‖a_i − b_j‖², summed from the differences (no cancellation). */
export function exactSquaredDistance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  const x = i * a.dims;
  const y = j * b.dims;
  let s = 0;
  for (let k = 0; k < a.dims; k++) {
    const d = a.data[x + k] - b.data[y + k];
    s += d * d;
  }
  return s;
}

/**
 * Calls `visit` with every tile of squared distances between the rows of `a` and of `b` (same dims),
 * giving the event loop a turn between tiles; CANCELLED once `signal` aborts.
 */
export async function forEachDistanceTile(
  a: FeatureMatrix,
  b: FeatureMatrix,
  visit: (tile: DistanceTile) => void,
  signal?: AbortSignal,
): Promise<void> {
  const pause = timeSlicer(signal);
  const na = squaredNorms(a);
  const nb = a === b ? na : squaredNorms(b);
  const bufA = new Float64Array(TILE_ROWS * a.dims);
  const bufB = new Float64Array(TILE_ROWS * b.dims);
  const dot = new Float64Array(TILE_ROWS * TILE_ROWS);
  for (let i0 = 0; i0 < a.rows; i0 += TILE_ROWS) {
    const ni = Math.min(TILE_ROWS, a.rows - i0);
    const rowsA = copyRows(a, i0, ni, bufA);
    for (let j0 = 0; j0 < b.rows; j0 += TILE_ROWS) {
      await pause();
      const nj = Math.min(TILE_ROWS, b.rows - j0);
      const rowsB = copyRows(b, j0, nj, bufB);
      const d2 = dot.subarray(0, ni * nj).fill(0);
      runSteps(multiplyTransposedSteps(d2, rowsA, ni, rowsB, nj, a.dims));
      for (let i = 0; i < ni; i++) {
        const ai = na[i0 + i];
        const o = i * nj;
        for (let j = 0; j < nj; j++) d2[o + j] = Math.max(0, ai + nb[j0 + j] - 2 * d2[o + j]);
      }
      visit({ i0, j0, ni, nj, d2, scale: (i, j) => na[i] + nb[j] });
    }
  }
}

export interface Neighbours {
  /** rows x k Euclidean distances, ascending per row (exact recomputation). */
  readonly distances: Float64Array;
  /** rows x k indices into the reference rows. */
  readonly indices: Int32Array;
  readonly k: number;
}

/**
 * The k nearest reference rows of every query row (Euclidean). With `excludeSelf` (query and ref the
 * same matrix), row i is not its own neighbour; duplicates of it still are, at distance 0.
 */
export async function nearestNeighbours(
  query: FeatureMatrix,
  ref: FeatureMatrix,
  k: number,
  opts: { readonly excludeSelf?: boolean } = {},
  signal?: AbortSignal,
): Promise<Neighbours> {
  const keep = Math.min(k + EXTRA_CANDIDATES, ref.rows - (opts.excludeSelf ? 1 : 0));
  const candD = new Float64Array(query.rows * keep).fill(Infinity);
  const candI = new Int32Array(query.rows * keep).fill(-1);
  await forEachDistanceTile(
    query,
    ref,
    (t) => {
      for (let i = 0; i < t.ni; i++) {
        const q = t.i0 + i;
        const base = q * keep;
        const o = i * t.nj;
        for (let j = 0; j < t.nj; j++) {
          const d = t.d2[o + j];
          if (!(d < candD[base + keep - 1])) continue;
          const r = t.j0 + j;
          if (opts.excludeSelf && r === q) continue;
          // Insertion into the sorted candidate list.
          let p = keep - 1;
          while (p > 0 && candD[base + p - 1] > d) {
            candD[base + p] = candD[base + p - 1];
            candI[base + p] = candI[base + p - 1];
            p--;
          }
          candD[base + p] = d;
          candI[base + p] = r;
        }
      }
    },
    signal,
  );
  const distances = new Float64Array(query.rows * k);
  const indices = new Int32Array(query.rows * k);
  const pairs: { d: number; r: number }[] = [];
  for (let q = 0; q < query.rows; q++) {
    pairs.length = 0;
    for (let c = 0; c < keep; c++) {
      const r = candI[q * keep + c];
      if (r >= 0) pairs.push({ d: Math.sqrt(exactSquaredDistance(query, q, ref, r)), r });
    }
    pairs.sort((x, y) => x.d - y.d || x.r - y.r);
    for (let c = 0; c < k; c++) {
      distances[q * k + c] = pairs[c]?.d ?? Infinity;
      indices[q * k + c] = pairs[c]?.r ?? -1;
    }
  }
  return { distances, indices, k };
}

/**
 * Whether ‖a_i − b_j‖ < radius (strictly), from a tile's squared distance, recomputing it exactly when the
 * gram form is too close to the radius to tell.
 */
export function closerThan(t: DistanceTile, i: number, j: number, radius: number, a: FeatureMatrix, b: FeatureMatrix): boolean {
  const d2 = t.d2[(i - t.i0) * t.nj + (j - t.j0)];
  const r2 = radius * radius;
  if (Math.abs(d2 - r2) > 1e-12 * t.scale(i, j) + 1e-300) return d2 < r2;
  return Math.sqrt(exactSquaredDistance(a, i, b, j)) < radius;
}
