// The PNG container, walked before any pixel is inflated: signature, chunk lengths inside the file,
// IHDR first and valid, CRCs of the critical chunks (IHDR, PLTE, IDAT, IEND) checked like libpng
// does (a mismatch is BAD_INPUT; ancillary chunks are skipped, their CRCs unchecked), unknown
// critical chunks refused. Ancillary chunks (tRNS, gAMA, iCCP, text, APNG frames) are not used:
// values are the stored samples, alpha and transparency are dropped, an APNG shows its default image.

import * as zlib from 'node:zlib';
import { MedSynthError, badInput } from '../../errors';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly depth: 1 | 2 | 4 | 8 | 16;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly interlaced: boolean;
}

export interface PngFile {
  readonly header: PngHeader;
  /** RGB triplets, only for colour type 3 (or a suggested palette, unused otherwise). */
  readonly palette?: Uint8Array;
  readonly idat: readonly Uint8Array[];
  /** Offset of the first IDAT chunk, for error messages. */
  readonly idatOffset: number;
  readonly hadTransparency: boolean;
  readonly animated: boolean;
}

/** Samples per pixel in the file, per colour type. */
export const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const KNOWN_CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);

const CRC_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** node:zlib's native CRC-32 (node >= 20.15 / 22.2), the same polynomial as the table below. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of bytes[from, to) (ISO-HDLC, PNG's chunk CRC); the reader and pngWriter.ts share it. */
export function crc32(bytes: Uint8Array, from = 0, to = bytes.length): number {
  if (nativeCrc32 && to - from >= 64) return nativeCrc32(bytes.subarray(from, to), 0) >>> 0;
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function parseIhdr(bytes: Uint8Array, at: number, length: number, fileName?: string): PngHeader {
  if (length !== 13) throw badInput(`IHDR is ${length} bytes long`, { file: fileName, offset: at, expected: '13 bytes' });
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const depth = bytes[at + 8];
  const colorType = bytes[at + 9];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    throw badInput(`IHDR declares ${width}x${height} pixels`, {
      file: fileName,
      offset: at,
      expected: 'width and height between 1 and 2^31-1',
    });
  if (!(colorType in DEPTHS))
    throw badInput(`unknown PNG colour type ${colorType}`, { file: fileName, offset: at + 9, expected: 'colour type 0, 2, 3, 4 or 6' });
  if (!DEPTHS[colorType].includes(depth))
    throw badInput(`bit depth ${depth} is not allowed for colour type ${colorType}`, {
      file: fileName,
      offset: at + 8,
      expected: `bit depth ${DEPTHS[colorType].join(', ')}`,
    });
  if (bytes[at + 10] !== 0 || bytes[at + 11] !== 0)
    throw badInput('unknown PNG compression or filter method', { file: fileName, offset: at + 10, expected: 'method 0' });
  if (bytes[at + 12] > 1)
    throw badInput(`unknown PNG interlace method ${bytes[at + 12]}`, {
      file: fileName,
      offset: at + 12,
      expected: '0 (none) or 1 (Adam7)',
    });
  return {
    width,
    height,
    depth: depth as PngHeader['depth'],
    colorType: colorType as PngHeader['colorType'],
    interlaced: bytes[at + 12] === 1,
  };
}

export function parsePngChunks(bytes: Uint8Array, fileName?: string): PngFile {
  if (!isPng(bytes)) throw badInput('not a PNG file', { file: fileName, offset: 0, expected: 'the PNG signature' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let idatOffset = -1;
  let hadTransparency = false;
  let animated = false;
  for (;;) {
    if (at + 12 > bytes.length)
      throw badInput('the PNG file ends before its IEND chunk', { file: fileName, offset: at, expected: 'a complete chunk' });
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (!/^[A-Za-z]{4}$/.test(type))
      throw badInput('a PNG chunk type is not four letters', { file: fileName, offset: at + 4, expected: 'a chunk type' });
    const data = at + 8;
    if (length > 0x7fffffff || data + length + 4 > bytes.length) {
      throw badInput(`the ${type} chunk declares ${length} bytes, beyond the end of the file`, {
        file: fileName,
        offset: at,
        expected: `at most ${bytes.length - data - 4} bytes`,
      });
    }
    const critical = type.charCodeAt(0) < 0x61;
    if (critical && !KNOWN_CRITICAL.has(type))
      throw new MedSynthError('UNSUPPORTED', `unknown critical PNG chunk ${type}`, { file: fileName, offset: at });
    if (critical && crc32(bytes, at + 4, data + length) !== view.getUint32(data + length)) {
      throw badInput(`CRC mismatch in the ${type} chunk`, {
        file: fileName,
        offset: data + length,
        expected: 'the CRC-32 of the chunk type and data',
      });
    }
    if (!header && type !== 'IHDR') throw badInput(`the first chunk is ${type}`, { file: fileName, offset: at, expected: 'IHDR first' });
    switch (type) {
      case 'IHDR':
        if (header) throw badInput('a second IHDR chunk', { file: fileName, offset: at });
        header = parseIhdr(bytes, data, length, fileName);
        break;
      case 'PLTE':
        if (length % 3 !== 0 || length === 0 || length > 768)
          throw badInput(`PLTE is ${length} bytes long`, { file: fileName, offset: at, expected: 'a multiple of 3, at most 768' });
        palette = bytes.subarray(data, data + length);
        break;
      case 'IDAT':
        if (idatOffset < 0) idatOffset = at;
        idat.push(bytes.subarray(data, data + length));
        break;
      case 'tRNS':
        hadTransparency = true;
        break;
      case 'acTL':
        animated = true;
        break;
    }
    at = data + length + 4;
    if (type === 'IEND') break;
  }
  if (!header) throw badInput('no IHDR chunk', { file: fileName, offset: 8 });
  if (idat.length === 0)
    throw badInput('no IDAT chunk (no image data)', { file: fileName, offset: at, expected: 'at least one IDAT chunk' });
  if (header.colorType === 3 && !palette)
    throw badInput('a palette image without a PLTE chunk', { file: fileName, offset: idatOffset, expected: 'PLTE before IDAT' });
  return { header, palette, idat, idatOffset, hadTransparency, animated };
}
