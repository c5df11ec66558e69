// The NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers, parsed by hand: the byte order comes from
// sizeof_hdr (348 or 540 read one way or the other), the variant from the magic ('n+1'/'n+2' = one
// .nii file, 'ni1'/'ni2' = a .hdr/.img pair). Everything a hostile header could use to make us
// allocate or read out of bounds (dims, datatype, vox_offset) is validated here, in floating point.

import { MedSynthError, badInput } from '../../errors';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

export interface NiftiDatatype {
  readonly code: number;
  readonly name: string;
  /** Bytes per voxel. */
  readonly bytes: number;
  readonly channels: 1 | 3;
}

const DATATYPES: readonly NiftiDatatype[] = [
  { code: 2, name: 'UINT8', bytes: 1, channels: 1 },
  { code: 4, name: 'INT16', bytes: 2, channels: 1 },
  { code: 8, name: 'INT32', bytes: 4, channels: 1 },
  { code: 16, name: 'FLOAT32', bytes: 4, channels: 1 },
  { code: 64, name: 'FLOAT64', bytes: 8, channels: 1 },
  { code: 128, name: 'RGB24', bytes: 3, channels: 3 },
  { code: 256, name: 'INT8', bytes: 1, channels: 1 },
  { code: 512, name: 'UINT16', bytes: 2, channels: 1 },
  { code: 768, name: 'UINT32', bytes: 4, channels: 1 },
  { code: 1024, name: 'INT64', bytes: 8, channels: 1 },
  { code: 1280, name: 'UINT64', bytes: 8, channels: 1 },
  { code: 2304, name: 'RGBA32', bytes: 4, channels: 3 },
];
/** Valid NIfTI codes we do not decode. */
const UNSUPPORTED_TYPES: Readonly<Record<number, string>> = {
  1: 'BINARY',
  32: 'COMPLEX64',
  1536: 'FLOAT128',
  1792: 'COMPLEX128',
  2048: 'COMPLEX256',
};

export interface NiftiHeader {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** true for 'n+1'/'n+2' (header and data in one file), false for a 'ni1'/'ni2' pair. */
  readonly singleFile: boolean;
  readonly headerBytes: number;
  /** dim[1..dim[0]], each >= 1. */
  readonly dims: readonly number[];
  readonly datatype: NiftiDatatype;
  readonly bitpix: number;
  /** pixdim[1..7] as stored (may be negative, zero or NaN). */
  readonly pixdim: readonly number[];
  /** Where the voxels start in the data file (resolved for single files whose vox_offset is 0). */
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly calMin: number;
  readonly calMax: number;
  readonly xyztUnits: number;
  readonly qformCode: number;
  readonly sformCode: number;
  readonly intentCode: number;
  readonly description: string;
}

/** The byte order and version sizeof_hdr announces, or undefined when it is not NIfTI/Analyze. */
export function headerKind(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_BYTES) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_BYTES) return { version: 2, littleEndian };
  }
  return undefined;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s.trim();
}

/** Parses and validates a header; throws BAD_INPUT (broken) or UNSUPPORTED (valid, not decoded). */
export function parseNiftiHeader(bytes: Uint8Array, fileName?: string): NiftiHeader {
  const kind = headerKind(bytes);
  if (!kind)
    throw badInput('not a NIfTI file: sizeof_hdr is neither 348 nor 540', {
      file: fileName,
      offset: 0,
      expected: 'sizeof_hdr 348 (NIfTI-1) or 540 (NIfTI-2)',
    });
  const headerBytes = kind.version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  if (bytes.length < headerBytes) {
    throw badInput(`the NIfTI-${kind.version} header is truncated (${bytes.length} bytes)`, {
      file: fileName,
      offset: bytes.length,
      expected: `${headerBytes} header bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = kind.littleEndian;
  const v1 = kind.version === 1;

  const magic = v1 ? ascii(bytes, 344, 4) : ascii(bytes, 4, 4);
  if (v1 && magic !== 'n+1' && magic !== 'ni1') {
    throw new MedSynthError('UNSUPPORTED', 'a 348-byte header without the NIfTI-1 magic (an Analyze 7.5 header?) is not supported', {
      file: fileName,
      offset: 344,
      expected: "magic 'n+1' or 'ni1'",
    });
  }
  if (!v1 && magic !== 'n+2' && magic !== 'ni2')
    throw badInput(`bad NIfTI-2 magic '${magic}'`, { file: fileName, offset: 4, expected: "magic 'n+2' or 'ni2'" });
  const singleFile = magic[1] === '+';

  const dimAt = (i: number): number => (v1 ? view.getInt16(40 + 2 * i, le) : Number(view.getBigInt64(16 + 8 * i, le)));
  const ndim = dimAt(0);
  if (!(ndim >= 1 && ndim <= 7))
    throw badInput(`dim[0] is ${ndim}`, { file: fileName, offset: v1 ? 40 : 16, expected: 'dim[0] between 1 and 7' });
  const dims: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    const d = dimAt(i);
    if (!(d >= 1))
      throw badInput(`dim[${i}] is ${d}`, {
        file: fileName,
        offset: v1 ? 40 + 2 * i : 16 + 8 * i,
        expected: 'every used dimension at least 1',
      });
    dims.push(d);
  }

  const code = v1 ? view.getInt16(70, le) : view.getInt16(12, le);
  const datatype = DATATYPES.find((t) => t.code === code);
  if (!datatype) {
    const name = UNSUPPORTED_TYPES[code];
    if (name)
      throw new MedSynthError('UNSUPPORTED', `NIfTI datatype ${name} (${code}) is not supported`, { file: fileName, offset: v1 ? 70 : 12 });
    throw badInput(`unknown NIfTI datatype code ${code}`, { file: fileName, offset: v1 ? 70 : 12, expected: 'a NIfTI datatype code' });
  }

  const f = (at: number): number => (v1 ? view.getFloat32(at, le) : view.getFloat64(at, le));
  const pixdim: number[] = [];
  for (let i = 1; i <= 7; i++) pixdim.push(v1 ? view.getFloat32(76 + 4 * i, le) : view.getFloat64(104 + 8 * i, le));

  const rawOffset = v1 ? view.getFloat32(108, le) : Number(view.getBigInt64(168, le));
  const offsetAt = v1 ? 108 : 168;
  if (!(Number.isInteger(rawOffset) && rawOffset >= 0))
    throw badInput(`vox_offset is ${rawOffset}`, { file: fileName, offset: offsetAt, expected: 'a non-negative whole number of bytes' });
  let voxOffset = rawOffset;
  if (singleFile) {
    // A single file's voxels follow the header and its 4-byte extension flag; 0 means "right there".
    const minimum = headerBytes + 4;
    if (voxOffset === 0) voxOffset = minimum;
    else if (voxOffset < minimum)
      throw badInput(`vox_offset ${voxOffset} points inside the header`, {
        file: fileName,
        offset: offsetAt,
        expected: `vox_offset of at least ${minimum}`,
      });
  }

  return {
    version: kind.version,
    littleEndian: le,
    singleFile,
    headerBytes,
    dims,
    datatype,
    bitpix: v1 ? view.getInt16(72, le) : view.getInt16(14, le),
    pixdim,
    voxOffset,
    sclSlope: f(v1 ? 112 : 176),
    sclInter: f(v1 ? 116 : 184),
    calMax: f(v1 ? 124 : 192),
    calMin: f(v1 ? 128 : 200),
    xyztUnits: v1 ? bytes[123] : view.getInt32(500, le),
    qformCode: v1 ? view.getInt16(252, le) : view.getInt32(344, le),
    sformCode: v1 ? view.getInt16(254, le) : view.getInt32(348, le),
    intentCode: v1 ? view.getInt16(68, le) : view.getInt32(504, le),
    description: ascii(bytes, v1 ? 148 : 240, 80),
  };
}

/** Voxels (not values: RGB voxels hold 3) the header declares, in floating point (cannot wrap). */
export function voxelCount(h: NiftiHeader): number {
  return h.dims.reduce((n, d) => n * d, 1);
}

/** Bytes the voxels take in the data file. */
export function dataBytes(h: NiftiHeader): number {
  return voxelCount(h) * h.datatype.bytes;
}
