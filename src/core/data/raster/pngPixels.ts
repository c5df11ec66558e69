// PNG pixels: inflate (node:zlib, output capped at the exact size IHDR implies, so a zlib bomb in
// IDAT stops there), undo the scanline filters, de-interlace Adam7, and turn samples into float32.
// Values: 8- and 16-bit samples as stored (0..255, 0..65535); 1/2/4-bit grey expanded to 0..255
// (x 255, 85, 17) as libpng and PIL do; palette indices replaced by their colour (one channel when
// every palette entry is grey); alpha dropped.
// Not fast-png: 8.0.0 inflates IDAT and iCCP without a size cap, and fails on Adam7 images of 1, 2
// and 4 bits ("Unsupported filter").

import { inflateSync } from 'node:zlib';
import { badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit, decodeLimit } from '../decodeLimits';
import type { DecodeLimits } from '../decodeLimits';
import type { PngFile } from './pngChunks';
import { SAMPLES } from './pngChunks';
import type { RangeAccumulator } from './valueWindows';

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Pass {
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  readonly width: number;
  readonly height: number;
}

function passesOf(width: number, height: number, interlaced: boolean): Pass[] {
  if (!interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    width: Math.ceil((width - x0) / dx),
    height: Math.ceil((height - y0) / dy),
  })).filter((p) => p.width > 0 && p.height > 0);
}

/** True when every palette entry has R = G = B: the image is read as one grey channel. */
export function greyPalette(palette: Uint8Array): boolean {
  for (let i = 0; i + 2 < palette.length; i += 3) if (palette[i] !== palette[i + 1] || palette[i] !== palette[i + 2]) return false;
  return true;
}

export function outputChannels(png: PngFile): 1 | 3 {
  const ct = png.header.colorType;
  if (ct === 0 || ct === 4) return 1;
  if (ct === 3) return png.palette && greyPalette(png.palette) ? 1 : 3;
  return 3;
}

export interface PngDecodeOptions {
  readonly fileName?: string;
  readonly limits?: DecodeLimits;
  readonly signal?: AbortSignal;
}

/**
 * Undoes one scanline's filter in place: the line is raw[at .. at + n), the unfiltered line above is
 * raw[prevAt .. prevAt + n), or zeros when prevAt < 0 (the first line of a pass). One tight loop per
 * filter type, the first bpp bytes (no left neighbour) peeled off, so the inner loops have no
 * branches on the filter type or on the position. Same arithmetic as the PNG spec (mod 256).
 */
function unfilter(type: number, raw: Uint8Array, at: number, prevAt: number, n: number, bpp: number): boolean {
  const end = at + n;
  const first = Math.min(end, at + bpp);
  switch (type) {
    case 0:
      return true;
    case 1:
      for (let i = at + bpp; i < end; i++) raw[i] = (raw[i] + raw[i - bpp]) & 0xff;
      return true;
    case 2:
      if (prevAt < 0) return true; // the line above is zeros
      for (let i = at, j = prevAt; i < end; i++, j++) raw[i] = (raw[i] + raw[j]) & 0xff;
      return true;
    case 3:
      if (prevAt < 0) {
        for (let i = at + bpp; i < end; i++) raw[i] = (raw[i] + (raw[i - bpp] >> 1)) & 0xff;
        return true;
      }
      for (let i = at, j = prevAt; i < first; i++, j++) raw[i] = (raw[i] + (raw[j] >> 1)) & 0xff;
      for (let i = first, j = prevAt + (first - at); i < end; i++, j++) raw[i] = (raw[i] + ((raw[i - bpp] + raw[j]) >> 1)) & 0xff;
      return true;
    case 4:
      if (prevAt < 0) {
        // b = c = 0: the predictor is always a (the left byte), as for Sub.
        for (let i = at + bpp; i < end; i++) raw[i] = (raw[i] + raw[i - bpp]) & 0xff;
        return true;
      }
      // No left neighbour: a = c = 0, the predictor is b (the byte above).
      for (let i = at, j = prevAt; i < first; i++, j++) raw[i] = (raw[i] + raw[j]) & 0xff;
      for (let i = first, j = prevAt + (first - at); i < end; i++, j++) {
        // p = a + b - c; |p - a| = |b - c|, |p - b| = |a - c|, |p - c| = |a + b - 2c|. The choice
        // (a if pa <= pb and pa <= pc, else b if pb <= pc, else c) is made with sign masks, not
        // branches: image data makes those branches unpredictable (about 3x slower).
        const a = raw[i - bpp];
        const b = raw[j];
        const c = raw[j - bpp];
        const db = b - c;
        const da = a - c;
        const dd = db + da;
        const sb = db >> 31;
        const sa = da >> 31;
        const sd = dd >> 31;
        const pa = (db ^ sb) - sb;
        const pb = (da ^ sa) - sa;
        const pc = (dd ^ sd) - sd;
        const notA = ((pb - pa) | (pc - pa)) >> 31; // -1 unless pa <= pb and pa <= pc
        const cNotB = (pc - pb) >> 31; // -1 when pc < pb
        raw[i] = raw[i] + ((a & ~notA) | (((b & ~cNotB) | (c & cNotB)) & notA)); // a Uint8Array store is mod 256
      }
      return true;
    default:
      return false;
  }
}

/** `range`, when given, sees every value (in index order, as valueRange would). */
export function decodePngPixels(png: PngFile, opts: PngDecodeOptions, range?: RangeAccumulator): Float32Array {
  const { width, height, depth, colorType, interlaced } = png.header;
  const channels = outputChannels(png);
  checkDecodeLimit(opts.limits, 'maxPixels', width * height * channels, 'pixel values', opts.fileName, 16);
  const samples = SAMPLES[colorType];
  const bitsPerPixel = samples * depth;
  const passes = passesOf(width, height, interlaced);
  const rawSize = passes.reduce((n, p) => n + p.height * (1 + Math.ceil((p.width * bitsPerPixel) / 8)), 0);
  checkDecodeLimit(opts.limits, 'maxDecompressedBytes', rawSize, 'decompressed bytes', opts.fileName, png.idatOffset);

  const compressed = png.idat.length === 1 ? png.idat[0] : Buffer.concat(png.idat);
  let raw: Buffer;
  try {
    raw = inflateSync(compressed, { maxOutputLength: Math.max(1, Math.min(rawSize, decodeLimit(opts.limits, 'maxDecompressedBytes'))) });
  } catch (e) {
    const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw badInput(
      tooBig
        ? `the image data inflates to more than the ${rawSize} bytes IHDR implies`
        : `the image data cannot be inflated (${(e as Error).message})`,
      {
        file: opts.fileName,
        offset: png.idatOffset,
        expected: `a zlib stream of ${rawSize} bytes`,
      },
    );
  }
  if (raw.length < rawSize)
    throw badInput(`the image data is truncated: ${raw.length} of ${rawSize} bytes`, {
      file: opts.fileName,
      offset: png.idatOffset,
      expected: `${rawSize} bytes of scanlines`,
    });
  throwIfAborted(opts.signal);

  const out = new Float32Array(width * height * channels);
  const paletteSize = png.palette ? png.palette.length / 3 : 0;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const greyScale = depth < 8 ? 255 / ((1 << depth) - 1) : 1;
  // A plain Uint8Array view (not the Buffer subclass), so the loops below see one array type.
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  let at = 0;
  for (const p of passes) {
    const lineBytes = Math.ceil((p.width * bitsPerPixel) / 8);
    let prevAt = -1;
    for (let y = 0; y < p.height; y++) {
      if ((y & 255) === 0) throwIfAborted(opts.signal);
      const type = bytes[at];
      const lineAt = at + 1;
      if (!unfilter(type, bytes, lineAt, prevAt, lineBytes, bpp))
        throw badInput(`unknown PNG filter type ${type}`, { file: opts.fileName, offset: png.idatOffset, expected: 'filter type 0 to 4' });
      at += 1 + lineBytes;
      prevAt = lineAt;
      const row = p.y0 + y * p.dy;
      // Output index of the row's first pixel, and the step between its pixels.
      const o0 = (row * width + p.x0) * channels;
      const step = p.dx * channels;
      if (colorType === 3) {
        const pal = png.palette as Uint8Array;
        for (let x = 0, o = o0; x < p.width; x++, o += step) {
          const index =
            depth === 8 ? bytes[lineAt + x] : (bytes[lineAt + ((x * depth) >> 3)] >> (8 - depth - ((x * depth) & 7))) & ((1 << depth) - 1);
          if (index >= paletteSize)
            throw badInput(`palette index ${index} beyond the ${paletteSize}-entry palette`, {
              file: opts.fileName,
              offset: png.idatOffset,
              expected: 'indices inside PLTE',
            });
          out[o] = pal[3 * index];
          if (channels === 3) {
            out[o + 1] = pal[3 * index + 1];
            out[o + 2] = pal[3 * index + 2];
          }
        }
      } else if (depth < 8) {
        const mask = (1 << depth) - 1;
        for (let x = 0, o = o0; x < p.width; x++, o += step)
          out[o] = ((bytes[lineAt + ((x * depth) >> 3)] >> (8 - depth - ((x * depth) & 7))) & mask) * greyScale;
      } else if (depth === 8) {
        if (channels === 1) for (let x = 0, o = o0, s = lineAt; x < p.width; x++, o += step, s += samples) out[o] = bytes[s];
        else
          for (let x = 0, o = o0, s = lineAt; x < p.width; x++, o += step, s += samples) {
            out[o] = bytes[s];
            out[o + 1] = bytes[s + 1];
            out[o + 2] = bytes[s + 2];
          }
      } else {
        // 16-bit samples, big-endian.
        const stride = 2 * samples;
        if (channels === 1)
          for (let x = 0, o = o0, s = lineAt; x < p.width; x++, o += step, s += stride) out[o] = (bytes[s] << 8) | bytes[s + 1];
        else
          for (let x = 0, o = o0, s = lineAt; x < p.width; x++, o += step, s += stride) {
            out[o] = (bytes[s] << 8) | bytes[s + 1];
            out[o + 1] = (bytes[s + 2] << 8) | bytes[s + 3];
            out[o + 2] = (bytes[s + 4] << 8) | bytes[s + 5];
          }
      }
      // A whole row, just written and still in cache (rows come in index order when not interlaced).
      if (range && !interlaced) range.addAll(out, o0, o0 + width * channels);
    }
  }
  if (range && interlaced) range.addAll(out, 0, out.length);
  return out;
}
