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
  i32Const: 0x41,
  f32Const: 0x43,
  f32Store: 0x38,
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
const F32_INF = [0x00, 0x00, 0x80, 0x7f];

// Locals: parameters q, nq, r, nr, stride (bytes), out; then i, qrow, rrow, rend, k, d, b1, b2, acc0, acc1.
const [Q, NQ, R, NR, STRIDE, OUT, I, QROW, RROW, REND, K, D, B1, B2, ACC0, ACC1] = Array.from({ length: 16 }, (_, n) => n);
const get = (l: number): number[] => [op.get, l];
const set = (l: number): number[] => [op.set, l];

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
    op.f32Const,
    ...F32_INF,
    ...set(B1),
    op.f32Const,
    ...F32_INF,
    ...set(B2),
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
    ...set(D),
    ...get(D),
    ...get(B1),
    op.f32Lt,
    op.if,
    op.void,
    ...get(B1),
    ...set(B2),
    ...get(D),
    ...set(B1),
    op.else,
    ...get(D),
    ...get(B2),
    op.f32Lt,
    op.if,
    op.void,
    ...get(D),
    ...set(B2),
    op.end,
    op.end,
    ...get(RROW),
    ...get(STRIDE),
    op.i32Add,
    ...set(RROW),
    op.br,
    0,
    op.end,
    op.end,
    ...get(OUT),
    ...get(I),
    op.i32Const,
    3,
    op.i32Shl,
    op.i32Add,
    ...get(B1),
    op.f32Store,
    2,
    0,
    ...get(OUT),
    ...get(I),
    op.i32Const,
    3,
    op.i32Shl,
    op.i32Add,
    ...get(B2),
    op.f32Store,
    2,
    4,
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
  const locals = [3, 5, I32, 3, F32, 2, V128];
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
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('nearest'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...kernelBody()]),
  ]);
}

interface KernelInstance {
  readonly memory: WebAssembly.Memory;
  readonly nearest: (q: number, nq: number, r: number, nr: number, stride: number, out: number) => void;
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

/**
 * For every query row, the smallest and second-smallest L1 distance to the reference rows
 * (Infinity when there are fewer reference rows). Both arrays use the same padded `stride`.
 */
export async function nearestTwo(
  query: Float32Array,
  ref: Float32Array,
  stride: number,
  signal?: AbortSignal,
  forceScalar = false,
): Promise<NearestTwo> {
  if (stride % 8 !== 0 || query.length % stride !== 0 || ref.length % stride !== 0) {
    throw new MedSynthError('BAD_USAGE', `nearestTwo: stride ${stride} must be a multiple of 8 dividing both row buffers`);
  }
  const nq = query.length / stride;
  const nr = ref.length / stride;
  const d1 = new Float64Array(nq);
  const d2 = new Float64Array(nq);
  const refBytes = ref.length * 4;
  const block = Math.min(QUERY_BLOCK, Math.max(nq, 1), Math.max(8, Math.floor(PAIRS_PER_BLOCK / Math.max(nr, 1))));
  const kernel = forceScalar ? null : instantiate(refBytes + block * stride * 4 + block * 8);
  if (kernel) new Float32Array(kernel.memory.buffer, 0, ref.length).set(ref);
  for (let start = 0; start < nq; start += block) {
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    const rows = Math.min(block, nq - start);
    const slice = query.subarray(start * stride, (start + rows) * stride);
    if (kernel) {
      const qPtr = refBytes;
      const outPtr = qPtr + block * stride * 4;
      new Float32Array(kernel.memory.buffer, qPtr, slice.length).set(slice);
      kernel.nearest(qPtr, rows, 0, nr, stride * 4, outPtr);
      const out = new Float32Array(kernel.memory.buffer, outPtr, rows * 2);
      for (let i = 0; i < rows; i++) {
        d1[start + i] = out[2 * i];
        d2[start + i] = out[2 * i + 1];
      }
    } else {
      scalarNearest(slice, rows, ref, nr, stride, d1, d2, start);
    }
    if (start + rows < nq) await yieldToEventLoop();
  }
  return { d1, d2 };
}

function scalarNearest(
  q: Float32Array,
  nq: number,
  r: Float32Array,
  nr: number,
  stride: number,
  d1: Float64Array,
  d2: Float64Array,
  at: number,
): void {
  for (let i = 0; i < nq; i++) {
    const qo = i * stride;
    let b1 = Infinity;
    let b2 = Infinity;
    for (let j = 0; j < nr; j++) {
      const ro = j * stride;
      let d = 0;
      for (let k = 0; k < stride; k++) d += Math.abs(q[qo + k] - r[ro + k]);
      // Stored as float32 like the SIMD kernel, so both paths give the same ties.
      d = Math.fround(d);
      if (d < b1) {
        b2 = b1;
        b1 = d;
      } else if (d < b2) b2 = d;
    }
    d1[at + i] = b1;
    d2[at + i] = b2;
  }
}
