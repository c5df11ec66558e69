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
  return ADAM7.map(([x0, y0, dx, dy]) => ({ x0, y0, dx, dy, width: Math.ceil((width - x0) / dx), height: Math.ceil((height - y0) / dy) })).filter((p) => p.width > 0 && p.height > 0);
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

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes one scanline's filter in place; `prev` is the unfiltered line above (zeros for the first). */
function unfilter(type: number, line: Uint8Array, prev: Uint8Array, bpp: number): boolean {
  const n = line.length;
  switch (type) {
    case 0:
      return true;
    case 1:
      for (let i = bpp; i < n; i++) line[i] = (line[i] + line[i - bpp]) & 0xff;
      return true;
    case 2:
      for (let i = 0; i < n; i++) line[i] = (line[i] + prev[i]) & 0xff;
      return true;
    case 3:
      for (let i = 0; i < n; i++) line[i] = (line[i] + (((i >= bpp ? line[i - bpp] : 0) + prev[i]) >> 1)) & 0xff;
      return true;
    case 4:
      for (let i = 0; i < n; i++) line[i] = (line[i] + paeth(i >= bpp ? line[i - bpp] : 0, prev[i], i >= bpp ? prev[i - bpp] : 0)) & 0xff;
      return true;
    default:
      return false;
  }
}

export function decodePngPixels(png: PngFile, opts: PngDecodeOptions): Float32Array {
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
    throw badInput(tooBig ? `the image data inflates to more than the ${rawSize} bytes IHDR implies` : `the image data cannot be inflated (${(e as Error).message})`, {
      file: opts.fileName,
      offset: png.idatOffset,
      expected: `a zlib stream of ${rawSize} bytes`,
    });
  }
  if (raw.length < rawSize) throw badInput(`the image data is truncated: ${raw.length} of ${rawSize} bytes`, { file: opts.fileName, offset: png.idatOffset, expected: `${rawSize} bytes of scanlines` });
  throwIfAborted(opts.signal);

  const out = new Float32Array(width * height * channels);
  const paletteSize = png.palette ? png.palette.length / 3 : 0;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const greyScale = depth < 8 ? 255 / ((1 << depth) - 1) : 1;
  let at = 0;
  for (const p of passes) {
    const lineBytes = Math.ceil((p.width * bitsPerPixel) / 8);
    let prev: Uint8Array = new Uint8Array(lineBytes);
    for (let y = 0; y < p.height; y++) {
      if ((y & 255) === 0) throwIfAborted(opts.signal);
      const type = raw[at];
      const line = raw.subarray(at + 1, at + 1 + lineBytes);
      if (!unfilter(type, line, prev, bpp)) throw badInput(`unknown PNG filter type ${type}`, { file: opts.fileName, offset: png.idatOffset, expected: 'filter type 0 to 4' });
      at += 1 + lineBytes;
      prev = line;
      const row = p.y0 + y * p.dy;
      for (let x = 0; x < p.width; x++) {
        const o = ((row * width + p.x0 + x * p.dx) * channels) | 0;
        if (colorType === 3) {
          const index = depth === 8 ? line[x] : (line[(x * depth) >> 3] >> (8 - depth - ((x * depth) & 7))) & ((1 << depth) - 1);
          if (index >= paletteSize) throw badInput(`palette index ${index} beyond the ${paletteSize}-entry palette`, { file: opts.fileName, offset: png.idatOffset, expected: 'indices inside PLTE' });
          const pal = png.palette as Uint8Array;
          out[o] = pal[3 * index];
          if (channels === 3) {
            out[o + 1] = pal[3 * index + 1];
            out[o + 2] = pal[3 * index + 2];
          }
        } else if (depth < 8) {
          out[o] = ((line[(x * depth) >> 3] >> (8 - depth - ((x * depth) & 7))) & ((1 << depth) - 1)) * greyScale;
        } else if (depth === 8) {
          const s = x * samples;
          for (let c = 0; c < channels; c++) out[o + c] = line[s + c];
        } else {
          const s = 2 * x * samples;
          for (let c = 0; c < channels; c++) out[o + c] = (line[s + 2 * c] << 8) | line[s + 2 * c + 1];
        }
      }
    }
  }
  return out;
}
