// The nearest-neighbour search behind privacy.dcr and privacy.nndr: for each query row, the smallest
// and second-smallest L1 distance to a set of reference rows. Rows are packed as row-major
// Float32Array with a stride that is a multiple of 8, padded with zeros (padding adds nothing to an
// L1 distance). The hot loop is a small WebAssembly SIMD module assembled from bytes below, so it
// runs in plain node and in a bundled CLI without native code or extra files; a scalar JavaScript
// loop is the fallback where WebAssembly SIMD is unavailable.
import { MedSynthError } from '../errors';
import { yieldToEventLoop } from './tableColumns';

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

// Opcodes used by the assembler below (WebAssembly core spec 2.0 and the SIMD proposal).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  void: 0x40,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  i32Store: 0x36,
  f32Store: 0x38,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  f32Lt: 0x5d,
  f32Add: 0x92,
} as const;
const simd = (code: number): number[] => (code < 128 ? [0xfd, code] : [0xfd, (code & 0x7f) | 0x80, code >> 7]);
const v128Load = (offset: number): number[] => [...simd(0x00), 4, offset];
const f32x4Sub = simd(0xe5);
const f32x4Abs = simd(0xe0);
const f32x4Add = simd(0xe4);
const extractLane = (lane: number): number[] => [...simd(0x1f), lane];
const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];

// Parameters q, nq, r, nr, stride (bytes), out, j0 (index of the first reference row); then the locals
// i, qrow, rrow, rend, k, j, ib1, ib2 (i32), d, b1, b2 (f32), acc0, acc1 (v128).
const [Q, NQ, R, NR, STRIDE, OUT, J0, I, QROW, RROW, REND, K, J, IB1, IB2, D, B1, B2, ACC0, ACC1] = Array.from({ length: 20 }, (_, n) => n);
const get = (l: number): number[] => [op.get, l];
const set = (l: number): number[] => [op.set, l];
/** The address of query row i's output record (16 bytes: f32 d1, f32 d2, i32 i1, i32 i2). */
const outRecord = [...get(OUT), ...get(I), op.i32Const, 4, op.i32Shl, op.i32Add];
const loadOut = (code: number, offset: number, into: number): number[] => [...outRecord, code, 2, offset, ...set(into)];
const storeOut = (code: number, offset: number, from: number): number[] => [...outRecord, ...get(from), code, 2, offset];

function accumulate(acc: number, offset: number): number[] {
  return [
    ...get(acc),
    ...get(QROW),
    ...get(K),
    op.i32Add,
    ...v128Load(offset),
    ...get(RROW),
    ...get(K),
    op.i32Add,
    ...v128Load(offset),
    ...f32x4Sub,
    ...f32x4Abs,
    ...f32x4Add,
    ...set(acc),
  ];
}

/**
 * The kernel: for each query row, merges the reference rows j0, j0 + 1, ... into the best two already in
 * its output record (so a search can run over blocks of reference rows), keeping (distance, index) in
 * lexicographic order: a row replaces a kept one only when strictly nearer, so among equal distances the
 * lowest index wins, as long as the blocks come in ascending order.
 */
function kernelBody(): number[] {
  const code = [
    op.i32Const,
    0,
    ...set(I),
    op.block,
    op.void,
    op.loop,
    op.void,
    ...get(I),
    ...get(NQ),
    op.i32GeU,
    op.brIf,
    1,
    ...get(Q),
    ...get(I),
    ...get(STRIDE),
    op.i32Mul,
    op.i32Add,
    ...set(QROW),
    ...loadOut(op.f32Load, 0, B1),
    ...loadOut(op.f32Load, 4, B2),
    ...loadOut(op.i32Load, 8, IB1),
    ...loadOut(op.i32Load, 12, IB2),
    ...get(J0),
    ...set(J),
    ...get(R),
    ...set(RROW),
    ...get(R),
    ...get(NR),
    ...get(STRIDE),
    op.i32Mul,
    op.i32Add,
    ...set(REND),
    op.block,
    op.void,
    op.loop,
    op.void,
    ...get(RROW),
    ...get(REND),
    op.i32GeU,
    op.brIf,
    1,
    ...v128Zero,
    ...set(ACC0),
    ...v128Zero,
    ...set(ACC1),
    op.i32Const,
    0,
    ...set(K),
    // Two independent accumulators per 8 floats halve the add-latency chain of the inner loop.
    op.loop,
    op.void,
    ...accumulate(ACC0, 0),
    ...accumulate(ACC1, 16),
    ...get(K),
    op.i32Const,
    32,
    op.i32Add,
    op.tee,
    K,
    ...get(STRIDE),
    op.i32LtU,
    op.brIf,
    0,
    op.end,
    ...get(ACC0),
    ...get(ACC1),
    ...f32x4Add,
    op.tee,
    ACC0,
    ...extractLane(0),
    ...get(ACC0),
    ...extractLane(1),
    op.f32Add,
    ...get(ACC0),
    ...extractLane(2),
    ...get(ACC0),
    ...extractLane(3),
    op.f32Add,
    op.f32Add,
    op.tee,
    D,
    ...get(B2),
    op.f32Lt,
    op.if,
    op.void,
    ...get(D),
    ...get(B1),
    op.f32Lt,
    op.if,
    op.void,
    ...get(B1),
    ...set(B2),
    ...get(IB1),
    ...set(IB2),
    ...get(D),
    ...set(B1),
    ...get(J),
    ...set(IB1),
    op.else,
    ...get(D),
    ...set(B2),
    ...get(J),
    ...set(IB2),
    op.end,
    op.end,
    ...get(J),
    op.i32Const,
    1,
    op.i32Add,
    ...set(J),
    ...get(RROW),
    ...get(STRIDE),
    op.i32Add,
    ...set(RROW),
    op.br,
    0,
    op.end,
    op.end,
    ...storeOut(op.f32Store, 0, B1),
    ...storeOut(op.f32Store, 4, B2),
    ...storeOut(op.i32Store, 8, IB1),
    ...storeOut(op.i32Store, 12, IB2),
    ...get(I),
    op.i32Const,
    1,
    op.i32Add,
    ...set(I),
    op.br,
    0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = [3, 8, I32, 3, F32, 2, V128];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];
const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

/** The module's bytes: one function `nearest` and one exported memory. */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('nearest'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...kernelBody()]),
  ]);
}

interface KernelInstance {
  readonly memory: WebAssembly.Memory;
  readonly nearest: (q: number, nq: number, r: number, nr: number, stride: number, out: number, j0: number) => void;
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
}

/**
 * For every query row, the smallest and second-smallest L1 distance to the reference rows and their
 * indices (Infinity and -1 when there are fewer reference rows; ties to the lowest index). Both arrays
 * use the same padded `stride`. Memory: one block of reference rows, one block of query rows and 16
 * bytes per query row, whatever the reference size.
 */
export async function nearestNeighbours(
  query: Float32Array,
  ref: Float32Array,
  stride: number,
  opts: KernelOptions = {},
): Promise<NearestNeighbours> {
  if (stride % 8 !== 0 || query.length % stride !== 0 || ref.length % stride !== 0) {
    throw new MedSynthError('BAD_USAGE', `nearestTwo: stride ${stride} must be a multiple of 8 dividing both row buffers`);
  }
  const { signal } = opts;
  const nq = query.length / stride;
  const nr = ref.length / stride;
  const refBlock = Math.max(1, Math.min(nr, opts.refBlockRows ?? Math.floor(REF_BLOCK_BYTES / (stride * 4))));
  const block = Math.min(QUERY_BLOCK, Math.max(nq, 1), Math.max(8, Math.floor(PAIRS_PER_BLOCK / refBlock)));
  const refBytes = refBlock * stride * 4;
  const qPtr = refBytes;
  const outPtr = qPtr + block * stride * 4;
  const kernel = opts.forceScalar ? null : instantiate(outPtr + nq * 16);
  // The running best two per query row: f32 d1, f32 d2, i32 i1, i32 i2 (in kernel memory, or here).
  const state = kernel ? kernel.memory.buffer : new ArrayBuffer(nq * 16);
  const base = kernel ? outPtr : 0;
  const dist = new Float32Array(state, base, nq * 4);
  const index = new Int32Array(state, base, nq * 4);
  for (let q = 0; q < nq; q++) {
    dist[4 * q] = Infinity;
    dist[4 * q + 1] = Infinity;
    index[4 * q + 2] = -1;
    index[4 * q + 3] = -1;
  }
  for (let j0 = 0; j0 < nr; j0 += refBlock) {
    const refRows = Math.min(refBlock, nr - j0);
    const refPart = ref.subarray(j0 * stride, (j0 + refRows) * stride);
    if (kernel) new Float32Array(kernel.memory.buffer, 0, refPart.length).set(refPart);
    for (let start = 0; start < nq; start += block) {
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
      const rows = Math.min(block, nq - start);
      const slice = query.subarray(start * stride, (start + rows) * stride);
      if (kernel) {
        new Float32Array(kernel.memory.buffer, qPtr, slice.length).set(slice);
        kernel.nearest(qPtr, rows, 0, refRows, stride * 4, outPtr + start * 16, j0);
      } else {
        scalarNearest(slice, rows, refPart, refRows, stride, j0, dist, index, start);
      }
      if (start + rows < nq || j0 + refRows < nr) await yieldToEventLoop();
    }
  }
  const d1 = new Float64Array(nq);
  const d2 = new Float64Array(nq);
  const i1 = new Int32Array(nq);
  const i2 = new Int32Array(nq);
  for (let q = 0; q < nq; q++) {
    d1[q] = dist[4 * q];
    d2[q] = dist[4 * q + 1];
    i1[q] = index[4 * q + 2];
    i2[q] = index[4 * q + 3];
  }
  return { d1, d2, i1, i2 };
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

/** The kernel's loop in JavaScript: the same float32 sums and the same (distance, index) order. */
function scalarNearest(
  q: Float32Array,
  nq: number,
  r: Float32Array,
  nr: number,
  stride: number,
  j0: number,
  dist: Float32Array,
  index: Int32Array,
  at: number,
): void {
  for (let i = 0; i < nq; i++) {
    const qo = i * stride;
    const o = 4 * (at + i);
    let b1 = dist[o];
    let b2 = dist[o + 1];
    let i1 = index[o + 2];
    let i2 = index[o + 3];
    for (let j = 0; j < nr; j++) {
      const ro = j * stride;
      let d = 0;
      for (let k = 0; k < stride; k++) d += Math.abs(q[qo + k] - r[ro + k]);
      // Rounded to float32 like the SIMD kernel, so both paths give the same ties.
      d = Math.fround(d);
      if (d < b2) {
        if (d < b1) {
          b2 = b1;
          i2 = i1;
          b1 = d;
          i1 = j0 + j;
        } else {
          b2 = d;
          i2 = j0 + j;
        }
      }
    }
    dist[o] = b1;
    dist[o + 1] = b2;
    index[o + 2] = i1;
    index[o + 3] = i2;
  }
}
