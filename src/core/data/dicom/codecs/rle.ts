// RLE Lossless (PS3.5 Annex G): a 64-byte header of 16 little-endian uint32 (segment count, then the
// offset of each segment from the start of the frame), then PackBits segments. Segment k holds one
// byte plane: for each sample, the most significant byte first. Every read and write is bounded by
// the frame and by the plane size, so a hostile header can neither read outside the frame nor grow a
// plane beyond rows x columns.

import { badInput, MedSynthError } from '../../../errors';
import type { FrameGeometry } from './frameDecoder';

const MAX_PADDING = 7;

export function decodeRle(frame: Uint8Array, g: FrameGeometry, fileName: string | undefined): Uint8Array {
  const where = (offset: number, expected: string): { file?: string; offset: number; expected: string } => ({
    file: fileName,
    offset,
    expected,
  });
  if (g.bitsAllocated !== 8 && g.bitsAllocated !== 16 && g.bitsAllocated !== 32) {
    throw new MedSynthError('UNSUPPORTED', `RLE Lossless with Bits Allocated ${g.bitsAllocated}`, {
      file: fileName,
      expected: 'Bits Allocated 8, 16 or 32',
    });
  }
  const bytesPerSample = g.bitsAllocated / 8;
  const segmentsNeeded = g.samplesPerPixel * bytesPerSample;
  if (frame.length < 64)
    throw badInput(`RLE frame of ${frame.length} bytes is shorter than its 64-byte header`, where(0, 'a 64-byte RLE header'));
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  if (count !== segmentsNeeded) {
    throw badInput(
      `RLE header declares ${count} segments`,
      where(0, `${segmentsNeeded} segments (${g.samplesPerPixel} samples x ${bytesPerSample} bytes)`),
    );
  }
  const offsets: number[] = [];
  for (let k = 0; k < count; k++) {
    const offset = view.getUint32(4 + 4 * k, true);
    const previous = k === 0 ? 63 : offsets[k - 1]!;
    if (offset <= previous || offset >= frame.length) {
      throw badInput(
        `RLE segment ${k + 1} starts at byte ${offset}`,
        where(4 + 4 * k, `an offset after ${previous} and before the frame end ${frame.length}`),
      );
    }
    offsets.push(offset);
  }

  const planeSize = g.rows * g.columns;
  const out = new Uint8Array(planeSize * segmentsNeeded);
  const plane = new Uint8Array(planeSize);
  for (let k = 0; k < count; k++) {
    const end = k + 1 < count ? offsets[k + 1]! : frame.length;
    const decoded = unpackBits(frame, offsets[k]!, end, plane);
    // A few bytes of padding past the plane are tolerated (pydicom warns, GDCM accepts them); more
    // means the segment was coded for another Rows x Columns.
    if (decoded < planeSize || decoded > planeSize + MAX_PADDING) {
      throw badInput(`RLE segment ${k + 1} decodes to ${decoded} bytes`, where(offsets[k]!, `${planeSize} bytes (rows x columns)`));
    }
    // Output is little-endian interleaved: sample s of pixel p, byte b (0 = most significant) goes to
    // ((p * spp + s) * bytesPerSample) + (bytesPerSample - 1 - b).
    const sample = Math.floor(k / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (k % bytesPerSample);
    const stride = segmentsNeeded;
    let at = sample * bytesPerSample + byteInSample;
    for (let p = 0; p < planeSize; p++, at += stride) out[at] = plane[p]!;
  }
  return out;
}

/**
 * PackBits from data[start, end) into `plane`; returns how many bytes the segment decodes to. Bytes
 * past the plane are counted, not written.
 */
function unpackBits(data: Uint8Array, start: number, end: number, plane: Uint8Array): number {
  let i = start;
  let o = 0;
  const cap = plane.length;
  while (i < end) {
    const n = data[i++]!;
    if (n < 128) {
      const len = Math.min(n + 1, end - i);
      if (o < cap) plane.set(data.subarray(i, i + Math.min(len, cap - o)), o);
      i += len;
      o += len;
    } else if (n > 128) {
      if (i >= end) break;
      const value = data[i++]!;
      if (o < cap) plane.fill(value, o, Math.min(cap, o + 257 - n));
      o += 257 - n;
    }
  }
  return o;
}
