// The nearest-neighbour search behind privacy.dcr and privacy.nndr: for each query row, the smallest
// and second-smallest L1 distance to a set of reference rows. Rows are packed as row-major
// Float32Array with a stride that is a multiple of 8, padded with zeros (padding adds nothing to an
// L1 distance). The hot loop is a small WebAssembly SIMD module assembled from bytes (knnKernelWasm.ts),
// so it runs in plain node and in a bundled CLI without native code or extra files; a scalar JavaScript
// loop is the fallback where WebAssembly SIMD is unavailable.
import { MedSynthError } from '../errors';
import { kernelModuleBytes } from './knnKernelWasm';
import { yieldToEventLoop } from './tableColumns';

export { kernelModuleBytes };

/** Smallest and second-smallest L1 distance per query row (float32 sums, widened). */
export interface NearestTwo {
  readonly d1: Float64Array;
  readonly d2: Float64Array;
}

/**
 * NearestTwo with the reference rows they belong to: i1[q] the nearest, i2[q] the second nearest (-1 with
 * an Infinity distance when there are fewer reference rows). Ties go to the lowest reference index: the
 * pair (distance, index) is ordered lexicographically, so with d1 = d2 always i1 < i2.
 */
export interface NearestNeighbours extends NearestTwo {
  readonly i1: Int32Array;
  readonly i2: Int32Array;
}

/** Rounds a column count up to the kernel's stride unit (two f32x4 lanes of four floats). */
export function paddedWidth(dims: number): number {
  return Math.max(8, Math.ceil(dims / 8) * 8);
}

interface KernelInstance {
  readonly memory: WebAssembly.Memory;
  readonly nearest: (
    q: number,
    nq: number,
    r: number,
    nr: number,
    stride: number,
    out: number,
    j0: number,
    rout: number,
    i0: number,
    tri: number,
    kmid: number,
  ) => void;
}

let cachedModule: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (cachedModule !== undefined) return cachedModule;
  const bytes = kernelModuleBytes();
  cachedModule = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return cachedModule;
}

/** True when the SIMD kernel validated on this runtime; tests and the bench report it. */
export function simdKernelAvailable(): boolean {
  return kernelModule() !== null;
}

function instantiate(bytesNeeded: number): KernelInstance | null {
  const mod = kernelModule();
  if (!mod) return null;
  const instance = new WebAssembly.Instance(mod, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const pages = Math.ceil(bytesNeeded / 65536);
  if (pages > 1) memory.grow(pages - 1);
  return { memory, nearest: instance.exports.nearest as KernelInstance['nearest'] };
}

/** Query rows handed to the kernel per call at most; between calls the search yields so an abort can land. */
const QUERY_BLOCK = 1024;

/**
 * Row-pair distances per kernel call (about 25-50 ms of work on a loaded 2-core machine): with a large
 * reference table a fixed 1024-row block ran for seconds between yields (200k reference rows: ~2 s), so
 * a cancel waited that long. The block shrinks with the reference size instead. 1 << 24 pairs still
 * took 100-120 ms per call at 30k reference rows, over the ~100 ms a cancel should wait.
 */
const PAIRS_PER_BLOCK = 1 << 23;

/** Bytes of reference rows held in kernel memory at once: larger references are searched block by block. */
export const REF_BLOCK_BYTES = 16 << 20;

export interface KernelOptions {
  readonly signal?: AbortSignal;
  /** The scalar JavaScript loop even where the SIMD kernel validates (tests compare the two). */
  readonly forceScalar?: boolean;
  /** Reference rows per block (default: REF_BLOCK_BYTES worth); tests set it small to cross block edges. */
  readonly refBlockRows?: number;
  /**
   * Early abandoning: at three quarters of a row, a partial sum already at or past what could still be
   * kept ends the pair (the results are the same). Off by default: measured on 10k × 10k × 32 it saved
   * ~10% on clustered rows but cost ~10% on spread-out rows and ~50% in two-way passes (a branch the CPU
   * cannot predict, and a larger threshold there).
   */
  readonly abandon?: boolean;
  /** Also each reference row's two nearest query rows (`reverse`): one pass serves both directions. */
  readonly reverse?: boolean;
  /**
   * Query and reference are the same rows: each pair i < j is measured once and offered to both rows,
   * and every row gets itself at distance 0, so the result is the full search at half the work.
   */
  readonly triangular?: boolean;
  /** Index of the first query row in the whole query set (a worker's range): reverse indices and the triangle use it. */
  readonly queryOffset?: number;
  /** Triangular: leave the two halves apart (forward j > i, reverse i < j, no self) for a caller merging several ranges. */
  readonly partial?: boolean;
}

/** A pass: the query rows' nearest two and, when asked for, the reference rows' nearest two among the query rows. */
export interface NeighbourPass extends NearestNeighbours {
  readonly reverse?: NearestNeighbours;
}

/** Empty results for n rows: Infinity and -1. */
export function emptyNeighbours(n: number): NearestNeighbours {
  return {
    d1: new Float64Array(n).fill(Infinity),
    d2: new Float64Array(n).fill(Infinity),
    i1: new Int32Array(n).fill(-1),
    i2: new Int32Array(n).fill(-1),
  };
}

/** Offers reference row r at distance d to query row q's best two, in (distance, index) order. */
export function offerNeighbour(near: NearestNeighbours, q: number, d: number, r: number): void {
  if (r < 0 || r === near.i1[q] || r === near.i2[q]) return;
  if (d < near.d1[q] || (d === near.d1[q] && r < near.i1[q])) {
    near.d2[q] = near.d1[q];
    near.i2[q] = near.i1[q];
    near.d1[q] = d;
    near.i1[q] = r;
  } else if (d < near.d2[q] || (d === near.d2[q] && r < near.i2[q])) {
    near.d2[q] = d;
    near.i2[q] = r;
  }
}

/** Merges `from` (rows offset.. of `into`) into `into`: the best two of both, in (distance, index) order. */
export function mergeNeighbours(into: NearestNeighbours, from: NearestNeighbours, offset = 0): void {
  for (let q = 0; q < from.i1.length; q++) {
    offerNeighbour(into, q + offset, from.d1[q], from.i1[q]);
    offerNeighbour(into, q + offset, from.d2[q], from.i2[q]);
  }
}

/** A triangular pass's halves made whole: the reverse half merged in and every row's self at distance 0. */
export function completeTriangle(forward: NearestNeighbours, reverse: NearestNeighbours): NearestNeighbours {
  mergeNeighbours(forward, reverse);
  for (let q = 0; q < forward.i1.length; q++) offerNeighbour(forward, q, 0, q);
  return forward;
}

function unpack(dist: Float32Array, index: Int32Array, n: number): NearestNeighbours {
  const out = emptyNeighbours(n);
  for (let q = 0; q < n; q++) {
    out.d1[q] = dist[4 * q];
    out.d2[q] = dist[4 * q + 1];
    out.i1[q] = index[4 * q + 2];
    out.i2[q] = index[4 * q + 3];
  }
  return out;
}

function reset(dist: Float32Array, index: Int32Array, n: number): void {
  for (let q = 0; q < n; q++) {
    dist[4 * q] = Infinity;
    dist[4 * q + 1] = Infinity;
    index[4 * q + 2] = -1;
    index[4 * q + 3] = -1;
  }
}

/**
 * For every query row, the smallest and second-smallest L1 distance to the reference rows and their
 * indices (Infinity and -1 when there are fewer reference rows; ties to the lowest index). Both arrays
 * use the same padded `stride`. Memory: one block of reference rows, one block of query rows and 16
 * bytes per query row (and per reference row with `reverse`), whatever the sizes.
 */
export async function nearestNeighbours(
  query: Float32Array,
  ref: Float32Array,
  stride: number,
  opts: KernelOptions = {},
): Promise<NeighbourPass> {
  if (stride % 8 !== 0 || query.length % stride !== 0 || ref.length % stride !== 0) {
    throw new MedSynthError('BAD_USAGE', `nearestTwo: stride ${stride} must be a multiple of 8 dividing both row buffers`);
  }
  const { signal } = opts;
  const nq = query.length / stride;
  const nr = ref.length / stride;
  const tri = opts.triangular === true;
  const reverse = tri || opts.reverse === true;
  const i0 = opts.queryOffset ?? 0;
  const refBlock = Math.max(1, Math.min(nr, opts.refBlockRows ?? Math.floor(REF_BLOCK_BYTES / (stride * 4))));
  const block = Math.min(QUERY_BLOCK, Math.max(nq, 1), Math.max(8, Math.floor(PAIRS_PER_BLOCK / refBlock)));
  const qPtr = refBlock * stride * 4;
  const outPtr = qPtr + block * stride * 4;
  const routPtr = outPtr + nq * 16;
  // Early abandoning at three quarters of a row (whole 8-float steps, bytes); 0 = off.
  const kmid = opts.abandon ? Math.floor((stride * 3) / 32) * 32 : 0;
  const kernel = opts.forceScalar ? null : instantiate(routPtr + (reverse ? nr * 16 : 0));
  // The running best two per row (f32 d1, f32 d2, i32 i1, i32 i2): in kernel memory, or here.
  const state = kernel ? kernel.memory.buffer : new ArrayBuffer((nq + (reverse ? nr : 0)) * 16);
  const base = kernel ? outPtr : 0;
  const dist = new Float32Array(state, base, nq * 4);
  const index = new Int32Array(state, base, nq * 4);
  const rdist = new Float32Array(state, base + nq * 16, reverse ? nr * 4 : 0);
  const rindex = new Int32Array(state, base + nq * 16, reverse ? nr * 4 : 0);
  reset(dist, index, nq);
  reset(rdist, rindex, reverse ? nr : 0);
  for (let j0 = 0; j0 < nr; j0 += refBlock) {
    const refRows = Math.min(refBlock, nr - j0);
    const refPart = ref.subarray(j0 * stride, (j0 + refRows) * stride);
    if (kernel) new Float32Array(kernel.memory.buffer, 0, refPart.length).set(refPart);
    for (let start = 0; start < nq; start += block) {
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
      const rows = Math.min(block, nq - start);
      // Triangular: a block of reference rows all at or before the query block's first row has no pair j > i.
      if (tri && j0 + refRows - 1 <= i0 + start) continue;
      const slice = query.subarray(start * stride, (start + rows) * stride);
      if (kernel) {
        new Float32Array(kernel.memory.buffer, qPtr, slice.length).set(slice);
        kernel.nearest(
          qPtr,
          rows,
          0,
          refRows,
          stride * 4,
          outPtr + start * 16,
          j0,
          reverse ? routPtr + j0 * 16 : 0,
          i0 + start,
          tri ? 1 : 0,
          kmid,
        );
      } else {
        const pass = { q: slice, r: refPart, stride, j0, i0: i0 + start, tri };
        scalarNearest(pass, rows, refRows, dist.subarray(4 * start), index.subarray(4 * start), reverse ? rdist : null, rindex);
      }
      if (start + rows < nq || j0 + refRows < nr) await yieldToEventLoop();
    }
  }
  const forward = unpack(dist, index, nq);
  if (!reverse) return forward;
  const back = unpack(rdist, rindex, nr);
  if (tri && !opts.partial) return completeTriangle(forward, back);
  return { ...forward, reverse: back };
}

/** nearestNeighbours with the earlier positional options. */
export function nearestTwo(
  query: Float32Array,
  ref: Float32Array,
  stride: number,
  signal?: AbortSignal,
  forceScalar = false,
): Promise<NearestNeighbours> {
  return nearestNeighbours(query, ref, stride, { ...(signal ? { signal } : {}), forceScalar });
}

interface ScalarPass {
  readonly q: Float32Array;
  readonly r: Float32Array;
  readonly stride: number;
  readonly j0: number;
  readonly i0: number;
  readonly tri: boolean;
}

/** Keeps (d, idx) in the record at o of a state array when strictly nearer than the kept ones (offers come in ascending idx). */
function keep(dist: Float32Array, index: Int32Array, o: number, d: number, idx: number): void {
  if (d < dist[o + 1]) {
    if (d < dist[o]) {
      dist[o + 1] = dist[o];
      index[o + 3] = index[o + 2];
      dist[o] = d;
      index[o + 2] = idx;
    } else {
      dist[o + 1] = d;
      index[o + 3] = idx;
    }
  }
}

/** The kernel's loop in JavaScript: the same float32 sums and the same (distance, index) order. */
function scalarNearest(
  p: ScalarPass,
  nq: number,
  nr: number,
  dist: Float32Array,
  index: Int32Array,
  rdist: Float32Array | null,
  rindex: Int32Array,
): void {
  const { q, r, stride, j0, i0 } = p;
  for (let i = 0; i < nq; i++) {
    const qo = i * stride;
    for (let j = p.tri ? Math.max(0, i0 + i + 1 - j0) : 0; j < nr; j++) {
      const ro = j * stride;
      let d = 0;
      for (let k = 0; k < stride; k++) d += Math.abs(q[qo + k] - r[ro + k]);
      // Rounded to float32 like the SIMD kernel, so both paths give the same ties.
      d = Math.fround(d);
      keep(dist, index, 4 * i, d, j0 + j);
      if (rdist) keep(rdist, rindex, 4 * (j0 + j), d, i0 + i);
    }
  }
}
