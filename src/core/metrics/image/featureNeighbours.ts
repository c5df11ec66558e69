// Euclidean distances between image feature vectors, exact and blocked. The table kernel
// (distanceKernel.ts) is an L1 search over packed float32 table rows, so embeddings get their own:
// squared distances of a tile of rows as ‖a‖² + ‖b‖² − 2 a·b, in float64 with the tiled product of
// src/core/math/dense.ts. That form loses digits when two vectors nearly coincide (the three terms
// cancel), so wherever a result depends on one distance (the k nearest neighbours, a comparison
// with a radius that is too close to call) it is recomputed as Σ (a − b)² from the stored values.
//
// The products a·b of a tile are computed in this thread unless the engine installs another way with
// setTileProduct: an ONNX Runtime session in the inference process (src/engine/gramTiles.ts), so that
// the products run as matrix products on the execution provider the user chose, GPU included. Either way
// the product is float64 and the rest (norms, the max(0, ·) clamp, the exact recomputation) is here, so
// the neighbours and radius comparisons are the same: the two products differ only in summation order,
// about dims · 2^-53 of the norms, far inside the recheck margin below.
import { runSteps } from '../workSteps';
import { timeSlicer } from '../workSteps';
import { multiplyTransposedSteps } from '../../math/dense';
import type { FeatureMatrix } from './imageMetric';

/** Rows of each side in one tile of the distance matrix. */
export const TILE_ROWS = 256;
/** Candidates kept beyond k, so an order the cancelling gram form got wrong is repaired by the exact recomputation. */
const EXTRA_CANDIDATES = 2;

/** The products of one tile: dot[i · nj + j] = Σ_k a[i · dims + k] · b[j · dims + k]. */
export interface TileProduct {
  /** Rows of each side per tile (larger tiles amortise a call into another process). */
  readonly tileRows: number;
  product(a: Float64Array, ni: number, b: Float64Array, nj: number, dims: number, signal?: AbortSignal): Promise<Float64Array>;
  /**
   * Optional, for nearestNeighbours: the `k` smallest squared distances (the tile's gram form, clamped at
   * 0) of each row of a among the rows of b, ascending, ties to the lower index, and their indices into
   * b, from the rows' squared norms; rows × k each.
   */
  nearest?(
    a: Float64Array,
    ni: number,
    b: Float64Array,
    nj: number,
    dims: number,
    norms: { readonly a: Float64Array; readonly b: Float64Array },
    k: number,
    signal?: AbortSignal,
  ): Promise<{ readonly d2: Float64Array; readonly indices: Int32Array }>;
}

let tileProduct: TileProduct | null = null;

/** Replaces the in-thread tile product (null: back to it). The engine installs and removes it around one evaluation. */
export function setTileProduct(next: TileProduct | null): void {
  tileProduct = next;
}

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
  const remote = tileProduct;
  const rows = remote?.tileRows ?? TILE_ROWS;
  const bufA = new Float64Array(rows * a.dims);
  const bufB = new Float64Array(rows * b.dims);
  const dot = new Float64Array(remote ? 0 : rows * rows);
  for (let i0 = 0; i0 < a.rows; i0 += rows) {
    const ni = Math.min(rows, a.rows - i0);
    const rowsA = copyRows(a, i0, ni, bufA);
    for (let j0 = 0; j0 < b.rows; j0 += rows) {
      await pause();
      const nj = Math.min(rows, b.rows - j0);
      const rowsB = copyRows(b, j0, nj, bufB);
      let d2: Float64Array;
      if (remote) d2 = await remote.product(rowsA, ni, rowsB, nj, a.dims, signal);
      else {
        d2 = dot.subarray(0, ni * nj).fill(0);
        runSteps(multiplyTransposedSteps(d2, rowsA, ni, rowsB, nj, a.dims));
      }
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
  /** Offers reference row r at squared distance d to query row q: kept when among the `keep` smallest (ties: lower r). */
  const offer = (q: number, d: number, r: number): void => {
    const base = q * keep;
    if (!(d < candD[base + keep - 1])) return;
    if (opts.excludeSelf && r === q) return;
    // Insertion into the sorted candidate list.
    let p = keep - 1;
    while (p > 0 && candD[base + p - 1] > d) {
      candD[base + p] = candD[base + p - 1];
      candI[base + p] = candI[base + p - 1];
      p--;
    }
    candD[base + p] = d;
    candI[base + p] = r;
  };
  const remote = tileProduct;
  if (remote?.nearest && keep > 0)
    await remoteCandidates(
      query,
      ref,
      keep + (opts.excludeSelf ? 1 : 0),
      { tileRows: remote.tileRows, nearest: remote.nearest.bind(remote) },
      offer,
      signal,
    );
  else
    await forEachDistanceTile(
      query,
      ref,
      (t) => {
        for (let i = 0; i < t.ni; i++) {
          const o = i * t.nj;
          for (let j = 0; j < t.nj; j++) offer(t.i0 + i, t.d2[o + j], t.j0 + j);
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
 * The candidates of nearestNeighbours from a TileProduct's `nearest`: each tile hands back its `want`
 * smallest per query row, sorted with ties to the lower index, offered tile by tile in reference order,
 * which keeps the candidates the full scan keeps.
 */
async function remoteCandidates(
  query: FeatureMatrix,
  ref: FeatureMatrix,
  want: number,
  remote: { readonly tileRows: number; readonly nearest: NonNullable<TileProduct['nearest']> },
  offer: (q: number, d: number, r: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const pause = timeSlicer(signal);
  const nq = squaredNorms(query);
  const nr = query === ref ? nq : squaredNorms(ref);
  const rows = remote.tileRows;
  const bufA = new Float64Array(rows * query.dims);
  const bufB = new Float64Array(rows * ref.dims);
  for (let i0 = 0; i0 < query.rows; i0 += rows) {
    const ni = Math.min(rows, query.rows - i0);
    const rowsA = copyRows(query, i0, ni, bufA);
    const normsA = nq.slice(i0, i0 + ni);
    for (let j0 = 0; j0 < ref.rows; j0 += rows) {
      await pause();
      const nj = Math.min(rows, ref.rows - j0);
      const kk = Math.min(want, nj);
      const got = await remote.nearest(
        rowsA,
        ni,
        copyRows(ref, j0, nj, bufB),
        nj,
        query.dims,
        { a: normsA, b: nr.slice(j0, j0 + nj) },
        kk,
        signal,
      );
      for (let i = 0; i < ni; i++) for (let c = 0; c < kk; c++) offer(i0 + i, got.d2[i * kk + c], j0 + got.indices[i * kk + c]);
    }
  }
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
