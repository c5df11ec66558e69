// PNG encoder for grey and RGB images of 8 or 16 bits: signature, IHDR, the scanlines (one filter
// byte each, the filter chosen per line by libpng's heuristic: the smallest sum of the filtered bytes
// read as signed), deflated with node:zlib into IDAT chunks of at most 1 MiB, IEND, every chunk with
// its CRC-32. 16-bit samples are written big-endian, as PNG requires. No interlace, no ancillary
// chunks (no gamma, no text, no time stamp), so the same pixels always give the same bytes.

import * as zlib from 'node:zlib';
import { MedSynthError, badInput } from '../../errors';
import { crc32, PNG_SIGNATURE } from './pngChunks';

export interface PngImage {
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  readonly bitDepth: 8 | 16;
  /** rows x columns x channels samples, channels interleaved; Uint8Array for 8 bits, Uint16Array for 16. */
  readonly data: Uint8Array | Uint16Array;
}

/** The most bytes of filtered scanlines one PNG may hold before it is deflated (zlib's input). */
export const MAX_PNG_RAW_BYTES = 2 ** 31 - 1;
const IDAT_CHUNK = 1 << 20;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function checkImage(img: PngImage): void {
  const { rows, columns, channels, bitDepth, data } = img;
  for (const [name, v] of [
    ['rows', rows],
    ['columns', columns],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff)
      throw badInput(`PNG ${name} is ${v}`, { expected: `a whole number of ${name} between 1 and 2^31-1` });
  }
  if (channels !== 1 && channels !== 3) throw badInput(`PNG channels is ${String(channels)}`, { expected: '1 (grey) or 3 (RGB)' });
  if (bitDepth !== 8 && bitDepth !== 16) throw badInput(`PNG bit depth is ${String(bitDepth)}`, { expected: '8 or 16' });
  const wanted = bitDepth === 8 ? Uint8Array : Uint16Array;
  if (!(data instanceof wanted))
    throw badInput(`${bitDepth}-bit PNG samples given as a ${data.constructor.name}`, { expected: wanted.name });
  const raw = rows * (1 + columns * channels * (bitDepth / 8));
  if (raw > MAX_PNG_RAW_BYTES)
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `a ${rows} x ${columns} x ${channels} PNG of ${bitDepth} bits needs ${raw} bytes of scanlines`,
      {
        expected: `at most ${MAX_PNG_RAW_BYTES} bytes`,
      },
    );
  if (data.length !== rows * columns * channels)
    throw badInput(`PNG data holds ${data.length} samples`, {
      expected: `${rows * columns * channels} (${rows} x ${columns} x ${channels})`,
    });
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Filters one scanline (line = the unfiltered bytes, prev = the line above or zeros) with every
 * filter type and writes the one with the smallest sum of |signed byte| to out[at] (type) and
 * out[at + 1 ..] (bytes). `trial` is scratch space of line.length bytes.
 */
function filterLine(line: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array, at: number, trial: Uint8Array): void {
  const n = line.length;
  let best = -1;
  let bestSum = Infinity;
  for (let type = 0; type < 5; type++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const predictor = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >>> 1 : paeth(a, b, c);
      const v = (line[i] - predictor) & 0xff;
      trial[i] = v;
      sum += v < 128 ? v : 256 - v;
      if (sum >= bestSum) break;
    }
    if (sum < bestSum) {
      bestSum = sum;
      best = type;
      out[at] = type;
      out.set(trial, at + 1);
    }
  }
  if (best < 0) throw new Error('unreachable: no PNG filter chosen');
}

/** Encodes grey or RGB samples of 8 or 16 bits as a PNG file (see the header comment). */
export function encodePng(img: PngImage): Uint8Array {
  checkImage(img);
  const { rows, columns, channels, bitDepth, data } = img;
  const bytesPerSample = bitDepth / 8;
  const bpp = channels * bytesPerSample;
  const lineBytes = columns * bpp;
  const raw = new Uint8Array(rows * (1 + lineBytes));
  let line = new Uint8Array(lineBytes);
  let prev = new Uint8Array(lineBytes);
  const trial = new Uint8Array(lineBytes);
  const samplesPerLine = columns * channels;
  for (let r = 0; r < rows; r++) {
    const from = r * samplesPerLine;
    if (bitDepth === 8) {
      line.set((data as Uint8Array).subarray(from, from + samplesPerLine));
    } else {
      for (let i = 0; i < samplesPerLine; i++) {
        const v = data[from + i];
        line[2 * i] = v >>> 8;
        line[2 * i + 1] = v & 0xff;
      }
    }
    filterLine(line, prev, bpp, raw, r * (1 + lineBytes), trial);
    [line, prev] = [prev, line];
  }
  const deflated = zlib.deflateSync(raw, { level: 6 });
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, columns);
  view.setUint32(4, rows);
  ihdr[8] = bitDepth;
  ihdr[9] = channels === 1 ? 0 : 2;
  // compression 0, filter method 0, interlace 0
  const parts: Uint8Array[] = [Uint8Array.from(PNG_SIGNATURE), chunk('IHDR', ihdr)];
  for (let at = 0; at < deflated.length || at === 0; at += IDAT_CHUNK) parts.push(chunk('IDAT', deflated.subarray(at, at + IDAT_CHUNK)));
  parts.push(chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
