// JPEG through jpeg-js, after our own walk of the marker structure: jpeg-js trusts the frame header
// (it allocates blocks for the declared frame before reading a byte of scan data) and loops over
// markers on its own terms, so it only sees files whose SOF is within maxPixels, whose segments lie
// inside the file and that reach EOI. Baseline, extended (8-bit) and progressive Huffman JPEG with
// 1 (grey) or 3 (YCbCr or RGB) components are decoded; lossless, hierarchical, arithmetic-coded,
// 12-bit and CMYK/YCCK JPEG are UNSUPPORTED. Values are 0..255 per channel. jpeg-js upsamples
// subsampled chroma by replication where libjpeg interpolates, so colour near chroma edges differs
// from libjpeg by a few levels (grey and 4:4:4 images agree to IDCT rounding, +-1).

import jpeg from 'jpeg-js';
import { MedSynthError, badInput, isMedSynthError, throwIfAborted } from '../../errors';
import { checkDecodeLimit, decodeLimit } from '../decodeLimits';
import type { ReadOptions } from '../readOptions';

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export interface JpegFrame {
  readonly process: 'baseline' | 'extended' | 'progressive';
  readonly width: number;
  readonly height: number;
  readonly componentIds: readonly number[];
  /** 8x8 blocks of the first component: each is coded with at least one bit (its DC code). */
  readonly firstComponentBlocks: number;
  /** Whether the 3 components are YCbCr (to convert) or RGB, by libjpeg's rules. */
  readonly ycbcr: boolean;
}

const UNSUPPORTED_SOF: Readonly<Record<number, string>> = {
  0xc3: 'lossless',
  0xc5: 'hierarchical',
  0xc6: 'hierarchical progressive',
  0xc7: 'hierarchical lossless',
  0xc9: 'arithmetic-coded',
  0xca: 'arithmetic-coded progressive',
  0xcb: 'arithmetic-coded lossless',
  0xcd: 'hierarchical arithmetic-coded',
  0xce: 'hierarchical arithmetic-coded progressive',
  0xcf: 'hierarchical arithmetic-coded lossless',
  0xde: 'hierarchical (DHP)',
  0xdf: 'hierarchical (EXP)',
};

/** Segments we accept besides SOF/SOS: DHT, DQT, DRI, DNL, APPn, COM. */
function plainSegment(m: number): boolean {
  return m === 0xc4 || m === 0xdb || m === 0xdd || m === 0xdc || (m >= 0xe0 && m <= 0xef) || m === 0xfe;
}

/** Walks SOI .. EOI; returns the frame; throws BAD_INPUT / UNSUPPORTED / LIMIT_EXCEEDED. */
export function scanJpeg(bytes: Uint8Array, opts: ReadOptions): JpegFrame {
  const file = opts.fileName;
  const n = bytes.length;
  if (!isJpeg(bytes)) throw badInput('not a JPEG file', { file, offset: 0, expected: 'SOI (FF D8)' });
  let frame: Omit<JpegFrame, 'ycbcr'> | undefined;
  let jfif = false;
  let adobeTransform: number | undefined;
  let scanBytes = 0;
  let at = 2;
  for (;;) {
    if (at >= n) throw badInput('the JPEG file ends before EOI', { file, offset: at, expected: 'a marker' });
    if (bytes[at] !== 0xff) throw badInput(`expected a marker, found byte ${bytes[at]}`, { file, offset: at, expected: 'FF' });
    while (at < n && bytes[at] === 0xff) at++; // fill bytes
    if (at >= n) throw badInput('the JPEG file ends before EOI', { file, offset: at, expected: 'a marker' });
    const m = bytes[at++];
    const markerAt = at - 2;
    if (m === 0xd9) break;
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) continue;
    if (at + 2 > n) throw badInput('the JPEG file ends inside a segment header', { file, offset: at, expected: 'a segment length' });
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2 || at + length > n)
      throw badInput(`a segment (marker FF${m.toString(16).toUpperCase()}) declares ${length} bytes, beyond the end of the file`, {
        file,
        offset: at,
        expected: `at most ${n - at} bytes`,
      });
    const body = bytes.subarray(at + 2, at + length);
    if (UNSUPPORTED_SOF[m])
      throw new MedSynthError('UNSUPPORTED', `${UNSUPPORTED_SOF[m]} JPEG (SOF FF${m.toString(16).toUpperCase()}) is not supported`, {
        file,
        offset: markerAt,
        expected: 'baseline, extended or progressive Huffman JPEG',
      });
    if (m === 0xc0 || m === 0xc1 || m === 0xc2) {
      if (frame) throw badInput('a second frame header (SOF)', { file, offset: markerAt, expected: 'one frame' });
      frame = parseSof(m, body, at + 2, opts);
    } else if (m === 0xda) {
      if (!frame) throw badInput('a scan (SOS) before the frame header (SOF)', { file, offset: markerAt, expected: 'SOF before SOS' });
      const end = skipEntropyData(bytes, at + length, file);
      scanBytes += end - (at + length);
      at = end;
      continue;
    } else if (m === 0xe0 && body.length >= 5 && String.fromCharCode(...body.subarray(0, 5)) === 'JFIF\0') {
      jfif = true;
    } else if (m === 0xee && body.length >= 12 && String.fromCharCode(...body.subarray(0, 6)) === 'Adobe\0') {
      adobeTransform = body[11];
    } else if (!plainSegment(m)) {
      throw badInput(`unknown JPEG marker FF${m.toString(16).toUpperCase()}`, { file, offset: markerAt, expected: 'a JPEG marker' });
    }
    at += length;
  }
  if (!frame) throw badInput('no frame header (SOF) before EOI', { file, offset: at, expected: 'SOF0, SOF1 or SOF2' });
  // Every block's DC coefficient takes at least one bit, so a frame header promising far more blocks
  // than the scans could hold is forged or truncated: refused before jpeg-js allocates the blocks.
  if (scanBytes * 8 < frame.firstComponentBlocks) {
    throw badInput(
      `${scanBytes} bytes of scan data cannot code the ${frame.firstComponentBlocks} blocks of a ${frame.width}x${frame.height} frame`,
      { file, offset: at, expected: `at least ${Math.ceil(frame.firstComponentBlocks / 8)} bytes of scan data` },
    );
  }
  // libjpeg's colour-space rules for 3 components: JFIF means YCbCr; an Adobe marker's transform
  // says; otherwise component ids 'R','G','B' mean RGB.
  const ids = frame.componentIds;
  const rgbIds = ids.length === 3 && ids[0] === 0x52 && ids[1] === 0x47 && ids[2] === 0x42;
  const ycbcr = ids.length === 3 && (jfif || (adobeTransform !== undefined ? adobeTransform !== 0 : !rgbIds));
  return { ...frame, ycbcr };
}

function parseSof(m: number, body: Uint8Array, bodyAt: number, opts: ReadOptions): Omit<JpegFrame, 'ycbcr'> {
  const file = opts.fileName;
  if (body.length < 6) throw badInput('the frame header (SOF) is truncated', { file, offset: bodyAt, expected: 'at least 6 bytes' });
  const precision = body[0];
  const height = (body[1] << 8) | body[2];
  const width = (body[3] << 8) | body[4];
  const count = body[5];
  if (precision !== 8)
    throw new MedSynthError('UNSUPPORTED', `${precision}-bit JPEG is not supported`, { file, offset: bodyAt, expected: '8-bit samples' });
  if (height === 0)
    throw new MedSynthError('UNSUPPORTED', 'a JPEG whose height is given by a DNL marker is not supported', { file, offset: bodyAt + 1 });
  if (width === 0) throw badInput('the frame header declares width 0', { file, offset: bodyAt + 3, expected: 'width at least 1' });
  if (count === 4)
    throw new MedSynthError('UNSUPPORTED', 'CMYK/YCCK JPEG (4 components) is not supported', {
      file,
      offset: bodyAt + 5,
      expected: '1 (grey) or 3 (colour) components',
    });
  if (count !== 1 && count !== 3)
    throw new MedSynthError('UNSUPPORTED', `a JPEG with ${count} components is not supported`, {
      file,
      offset: bodyAt + 5,
      expected: '1 or 3 components',
    });
  if (body.length < 6 + 3 * count)
    throw badInput('the frame header (SOF) is truncated', { file, offset: bodyAt, expected: `${6 + 3 * count} bytes` });
  const ids: number[] = [];
  const factors: [number, number][] = [];
  for (let c = 0; c < count; c++) {
    const id = body[6 + 3 * c];
    const h = body[7 + 3 * c] >> 4;
    const v = body[7 + 3 * c] & 15;
    if (ids.includes(id))
      throw badInput(`component id ${id} appears twice`, { file, offset: bodyAt + 6 + 3 * c, expected: 'distinct component ids' });
    if (h < 1 || h > 4 || v < 1 || v > 4)
      throw badInput(`sampling factors ${h}x${v}`, { file, offset: bodyAt + 7 + 3 * c, expected: 'sampling factors 1 to 4' });
    ids.push(id);
    factors.push([h, v]);
  }
  const maxH = Math.max(...factors.map((f) => f[0]));
  const maxV = Math.max(...factors.map((f) => f[1]));
  const firstComponentBlocks =
    Math.ceil(Math.ceil((width * factors[0][0]) / maxH) / 8) * Math.ceil(Math.ceil((height * factors[0][1]) / maxV) / 8);
  checkDecodeLimit(opts.limits, 'maxPixels', width * height * count, 'pixel values', file, bodyAt + 1);
  return {
    process: m === 0xc0 ? 'baseline' : m === 0xc1 ? 'extended' : 'progressive',
    width,
    height,
    componentIds: ids,
    firstComponentBlocks,
  };
}

/** Skips entropy-coded data (stuffed FF 00 and restart markers) to the next real marker. */
function skipEntropyData(bytes: Uint8Array, from: number, file?: string): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1];
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
    return i;
  }
  throw badInput('the scan data runs to the end of the file without EOI (truncated JPEG)', {
    file,
    offset: bytes.length,
    expected: 'EOI (FF D9)',
  });
}

export function decodeJpeg(bytes: Uint8Array, frame: JpegFrame, opts: ReadOptions): Float32Array {
  throwIfAborted(opts.signal);
  const maxPixels = decodeLimit(opts.limits, 'maxPixels');
  let rgb: Uint8Array;
  try {
    // jpeg-js's own caps as a second line: resolution from maxPixels; memory ~10 bytes per value
    // (coefficient blocks, component planes and the output) plus room for tables.
    // tolerantDecoding only skips block indices past the frame, which a valid non-interleaved
    // (progressive) scan reaches when its restart interval does not divide its block count;
    // truncation is caught before (EOI required, scan bytes >= blocks / 8).
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      colorTransform: frame.ycbcr,
      tolerantDecoding: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 10) / 2 ** 20) + 64,
    });
    if (decoded.width !== frame.width || decoded.height !== frame.height || decoded.data.length !== frame.width * frame.height * 3) {
      throw new Error(`decoded ${decoded.width}x${decoded.height} where SOF declares ${frame.width}x${frame.height}`);
    }
    rgb = decoded.data;
  } catch (e) {
    if (isMedSynthError(e)) throw e;
    throw badInput(`the JPEG data cannot be decoded (${e instanceof Error ? e.message : String(e)})`, {
      file: opts.fileName,
      expected: 'valid JPEG scan data',
    });
  }
  const pixels = frame.width * frame.height;
  if (frame.componentIds.length === 3) return Float32Array.from(rgb);
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = rgb[3 * i];
  return out;
}
