// NIfTI voxels to float32 modality values. NIfTI stores x fastest (index x + nx * (y + ny * z ...)),
// which is exactly ImageVolume's ((frame * rows + row) * columns + column) with row = y, column = x
// and frame = z + nz * (t + ...): the voxels are copied in file order, never flipped or reoriented.
// scl_slope/scl_inter follow the NIfTI-1 rule as nibabel reads it: slope 0 or not finite = no
// scaling; a usable slope with a non-finite intercept is a broken header. The scaling is computed in
// float64 (value * slope + inter) and rounded once to float32, like nibabel's get_fdata() then
// astype(float32). 64-bit integers become the nearest float64 and then the nearest float32: exact
// up to 2^24 in magnitude, about 7 significant digits beyond.

import { badInput, throwIfAborted } from '../../errors';
import type { RangeAccumulator } from '../raster/valueWindows';
import type { NiftiHeader } from './niftiHeader';
import { voxelCount } from './niftiHeader';

export interface Scaling {
  readonly slope: number;
  readonly inter: number;
}

/** The scaling to apply, or undefined for none. RGB voxels are colours: never scaled. */
export function niftiScaling(h: NiftiHeader, fileName?: string): Scaling | undefined {
  if (h.datatype.channels === 3) return undefined;
  const { sclSlope: slope, sclInter: inter } = h;
  if (slope === 0 || !Number.isFinite(slope)) return undefined;
  if (!Number.isFinite(inter))
    throw badInput(`scl_slope is ${slope} but scl_inter is ${inter}`, {
      file: fileName,
      offset: h.version === 1 ? 116 : 184,
      expected: 'a finite scl_inter',
    });
  if (slope === 1 && inter === 0) return undefined;
  return { slope, inter };
}

const CANCEL_CHECK_EVERY = 1 << 20;
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
type NativeArray =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;
const NATIVE: Readonly<Record<string, NativeArray>> = {
  UINT8: Uint8Array,
  INT8: Int8Array,
  INT16: Int16Array,
  UINT16: Uint16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
  FLOAT32: Float32Array,
  FLOAT64: Float64Array,
};

/**
 * Reads voxels first .. first + out.length - 1 into float64, one tight loop per type (a DataView
 * call per voxel through a function table is several times slower).
 */
function readScalars(out: Float64Array, view: DataView, type: string, le: boolean, first: number): void {
  const n = out.length;
  switch (type) {
    case 'UINT8':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(first + i);
      break;
    case 'INT8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(first + i);
      break;
    case 'INT16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * (first + i), le);
      break;
    case 'UINT16':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * (first + i), le);
      break;
    case 'INT32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * (first + i), le);
      break;
    case 'UINT32':
      for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * (first + i), le);
      break;
    case 'FLOAT32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * (first + i), le);
      break;
    case 'FLOAT64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * (first + i), le);
      break;
    case 'INT64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(8 * (first + i), le));
      break;
    case 'UINT64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(8 * (first + i), le));
      break;
    default:
      throw new Error(`no reader for NIfTI datatype ${type}`);
  }
}

/**
 * Converts the voxels starting at `offset` of `data`; the caller has checked that
 * offset + dataBytes(h) <= data.length and that the value count is within maxPixels.
 */
export function niftiValues(
  h: NiftiHeader,
  data: Uint8Array,
  offset: number,
  scaling: Scaling | undefined,
  signal?: AbortSignal,
  range?: RangeAccumulator,
): Float32Array {
  const out = new Float32Array(voxelCount(h) * h.datatype.channels);
  niftiValuesInto(out, h, data, offset, scaling, 0, voxelCount(h), signal, range);
  return out;
}

/**
 * Converts voxels from .. to - 1 (voxel indices, not values) into their places in `out` (of
 * voxelCount(h) * channels values); the caller has checked that data holds them: offset + to *
 * bytes <= data.length. Converting a volume in several calls gives exactly the values of one call
 * (each voxel's value depends on its own bytes only), so a gzipped volume can be converted while
 * the rest of it is still being inflated. `range`, when given, also sees the new values, in order.
 */
export function niftiValuesInto(
  out: Float32Array,
  h: NiftiHeader,
  data: Uint8Array,
  offset: number,
  scaling: Scaling | undefined,
  from: number,
  to: number,
  signal?: AbortSignal,
  range?: RangeAccumulator,
): void {
  if (to <= from) return;
  const { bytes, channels } = h.datatype;
  const view = new DataView(data.buffer, data.byteOffset + offset, to * bytes);
  if (channels === 3) {
    // RGB24 is R,G,B per voxel; RGBA32 adds A, which is dropped.
    for (let i = from, at = from * bytes; i < to; i++, at += bytes) {
      if (i % CANCEL_CHECK_EVERY === 0) throwIfAborted(signal);
      out[3 * i] = view.getUint8(at);
      out[3 * i + 1] = view.getUint8(at + 1);
      out[3 * i + 2] = view.getUint8(at + 2);
    }
    range?.addAll(out, 3 * from, 3 * to);
    return;
  }
  const Native = NATIVE[h.datatype.name];
  // Host byte order and aligned (voxel i's alignment is the first voxel's: i * bytes is a multiple of the element size).
  const direct =
    Native !== undefined && h.littleEndian === HOST_LITTLE_ENDIAN && (data.byteOffset + offset) % Native.BYTES_PER_ELEMENT === 0;
  if (!scaling && direct) {
    // Stored in the host's byte order and aligned: one typed-array copy converts it all.
    for (let start = from; start < to; start += CANCEL_CHECK_EVERY) {
      throwIfAborted(signal);
      const end = Math.min(to, start + CANCEL_CHECK_EVERY);
      out.set(new Native(data.buffer as ArrayBuffer, data.byteOffset + offset + start * bytes, end - start), start);
      range?.addAll(out, start, end); // while the piece is in cache
    }
    return;
  }
  // Chunks of float64: the scaling sees the exact stored value (an int32 or float64 voxel rounded
  // to float32 first would not match nibabel), and the scratch stays small. When direct, the
  // typed-array set converts a whole chunk to float64 natively instead of a DataView call per voxel
  // (same values: every stored type is exact in float64).
  const chunk = new Float64Array(Math.min(to - from, CANCEL_CHECK_EVERY));
  const slope = scaling?.slope ?? 1;
  const inter = scaling?.inter ?? 0;
  for (let start = from; start < to; start += chunk.length) {
    throwIfAborted(signal);
    const n = Math.min(chunk.length, to - start);
    const part = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (direct) part.set(new (Native as NativeArray)(data.buffer as ArrayBuffer, data.byteOffset + offset + start * bytes, n));
    else readScalars(part, view, h.datatype.name, h.littleEndian, start);
    scaleInto(out, start, part, slope, inter, range);
  }
}

/**
 * out[start + i] = float32(part[i] * slope + inter), in ONE pass: the product and the sum are each
 * rounded in float64 exactly as the separate passes did (JavaScript never fuses them), then rounded
 * once to float32. Skipping the identity steps keeps -0 as nibabel does (0 * -2 + 0 would give +0).
 * The range (of the float32 values, as valueRange sees them) is taken in the same pass.
 */
function scaleInto(out: Float32Array, start: number, part: Float64Array, slope: number, inter: number, range?: RangeAccumulator): void {
  const n = part.length;
  if (slope === 1 && inter === 0) {
    out.set(part, start);
    range?.addAll(out, start, start + n);
    return;
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (slope !== 1 && inter !== 0) {
    for (let i = 0; i < n; i++) {
      const v = Math.fround(part[i] * slope + inter);
      out[start + i] = v;
      if (v < min && v !== Number.NEGATIVE_INFINITY) min = v;
      if (v > max && v !== Number.POSITIVE_INFINITY) max = v;
    }
  } else if (slope !== 1) {
    for (let i = 0; i < n; i++) {
      const v = Math.fround(part[i] * slope);
      out[start + i] = v;
      if (v < min && v !== Number.NEGATIVE_INFINITY) min = v;
      if (v > max && v !== Number.POSITIVE_INFINITY) max = v;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = Math.fround(part[i] + inter);
      out[start + i] = v;
      if (v < min && v !== Number.NEGATIVE_INFINITY) min = v;
      if (v > max && v !== Number.POSITIVE_INFINITY) max = v;
    }
  }
  range?.addRange(min, max);
}
