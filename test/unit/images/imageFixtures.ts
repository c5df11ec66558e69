// Shared by the image reader tests: the fixtures and the reference values that
// test/reference/images_reference.py wrote with nibabel and PIL, plus builders for hostile files
// (a NIfTI-1 header from fields, PNG chunks with correct CRCs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageVolume } from '../../../src/core/data/imageSet';
import type { SiblingReader } from '../../../src/core/data/readOptions';
import { concatBytes } from '../../fuzz/bytes';
import { sha256Float32 } from '../float32Hash';

export const concat = concatBytes;

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'images');

export interface Expected {
  readonly file: string;
  readonly kind: 'nifti' | 'png' | 'jpeg';
  readonly frames: number;
  readonly rows: number;
  readonly columns: number;
  readonly channels: number;
  readonly length: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly (readonly [number, number])[];
  readonly sha256: string;
  readonly format?: string;
  readonly datatype?: number;
  readonly dims?: readonly number[];
  readonly spacing?: { readonly row: number | null; readonly column: number; readonly slice: number | null };
  readonly qformCode?: number;
  readonly sformCode?: number;
  readonly sclSlope?: number;
  readonly sclInter?: number;
  readonly interlace?: number;
  readonly progressive?: boolean;
}

export const EXPECTED: readonly Expected[] = (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { files: Expected[] })
  .files;

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** A sibling reader over the fixture folder (and extra in-memory files), recording what was asked. */
export function siblingsOf(extra: Record<string, Uint8Array> = {}, asked: string[] = []): SiblingReader {
  return async (name) => {
    asked.push(name);
    if (extra[name]) return extra[name];
    return fixture(name);
  };
}

export function checkShape(v: ImageVolume, e: Expected): void {
  assert.deepEqual([v.frames, v.rows, v.columns, v.channels], [e.frames, e.rows, e.columns, e.channels], e.file);
  assert.equal(v.data.length, e.length, e.file);
}

/** Exact agreement: every float32 value (the sha256) plus the summary, for readable failures. */
export function checkExact(v: ImageVolume, e: Expected): void {
  checkShape(v, e);
  for (const [i, value] of e.samples) assert.equal(v.data[i], value, `${e.file} value ${i}`);
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of v.data) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  assert.equal(min, e.min, `${e.file} min`);
  assert.equal(max, e.max, `${e.file} max`);
  assert.ok(Math.abs(sum - e.sum) <= 1e-9 * Math.max(1, Math.abs(e.sum)), `${e.file} sum ${sum} vs ${e.sum}`);
  assert.equal(sha256Float32(v.data), e.sha256, `${e.file} sha256 of the float32 values`);
}

// ---- NIfTI-1 header builder (little-endian unless said otherwise) ----

export interface Nifti1Fields {
  dims: number[];
  datatype?: number;
  bitpix?: number;
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  magic?: string;
  pixdim?: number[];
  littleEndian?: boolean;
}

export function nifti1Header(f: Nifti1Fields): Uint8Array {
  const b = new Uint8Array(352);
  const v = new DataView(b.buffer);
  const le = f.littleEndian ?? true;
  v.setInt32(0, 348, le);
  v.setInt16(40, f.dims.length, le);
  f.dims.forEach((d, i) => v.setInt16(42 + 2 * i, d, le));
  v.setInt16(70, f.datatype ?? 2, le);
  v.setInt16(72, f.bitpix ?? 8, le);
  (f.pixdim ?? [1, 1, 1, 1]).forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, f.voxOffset ?? 352, le);
  v.setFloat32(112, f.sclSlope ?? 1, le);
  v.setFloat32(116, f.sclInter ?? 0, le);
  b[123] = 2; // mm
  const magic = f.magic ?? 'n+1';
  for (let i = 0; i < magic.length; i++) b[344 + i] = magic.charCodeAt(i);
  return b;
}

// ---- PNG builders ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of bytes) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array, badCrc = false): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0);
  return out;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  d.set([depth, colorType, 0, 0, interlace], 8);
  return pngChunk('IHDR', d);
}

/** Chunks of a PNG file: [type, data] in order, after the signature. */
export function pngChunks(bytes: Uint8Array): { type: string; at: number; length: number }[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { type: string; at: number; length: number }[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = v.getUint32(at);
    out.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), at, length });
    at += 12 + length;
  }
  return out;
}
