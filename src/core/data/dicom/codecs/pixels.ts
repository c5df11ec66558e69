// Turns a decoder's samples into the frame's pixel array: the container type of Bits Allocated and
// Pixel Representation, samples interleaved, and signed values sign-extended from Bits Stored (a
// lossless JPEG of 12-bit signed data carries the 12-bit two's complement with the high bits clear).

import type { DecodedFrame, FrameGeometry } from './frameDecoder';

type Pixels = DecodedFrame['pixels'];

/**
 * Widens codec samples (`sampleBytes` 1 or 2 each, little-endian) to the Bits Allocated container
 * and interleaves planar output (`planar`: all of sample 0, then all of sample 1, ...).
 */
export function samplesToPixels(bytes: Uint8Array, sampleBytes: 1 | 2, codecSigned: boolean, planar: boolean, g: FrameGeometry): Pixels {
  const count = g.rows * g.columns * g.samplesPerPixel;
  const values =
    sampleBytes === 1 ? (codecSigned ? new Int8Array(bytes.buffer, bytes.byteOffset, count) : bytes) : view16(bytes, codecSigned, count);
  const out = emptyPixels(g, count);
  const plane = g.rows * g.columns;
  const spp = g.samplesPerPixel;
  if (planar && spp > 1) {
    for (let s = 0; s < spp; s++) for (let p = 0; p < plane; p++) out[p * spp + s] = values[s * plane + p]!;
  } else {
    for (let i = 0; i < count; i++) out[i] = values[i]!;
  }
  return signExtend(out, g);
}

/** The pixel array over bytes already laid out as little-endian containers of Bits Allocated. */
export function containerBytesToPixels(bytes: Uint8Array, g: FrameGeometry): Pixels {
  const count = g.rows * g.columns * g.samplesPerPixel;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.prototype.slice.call(bytes); // a real copy, also for a Buffer
  const b = aligned.buffer;
  const o = aligned.byteOffset;
  const signed = g.pixelRepresentation === 1;
  const out =
    g.bitsAllocated === 8
      ? signed
        ? new Int8Array(b, o, count)
        : new Uint8Array(b, o, count)
      : g.bitsAllocated === 16
        ? signed
          ? new Int16Array(b, o, count)
          : new Uint16Array(b, o, count)
        : signed
          ? new Int32Array(b, o, count)
          : new Uint32Array(b, o, count);
  return signExtend(out, g);
}

function view16(bytes: Uint8Array, signed: boolean, count: number): Uint16Array | Int16Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : Uint8Array.prototype.slice.call(bytes); // a real copy, also for a Buffer
  return signed ? new Int16Array(aligned.buffer, aligned.byteOffset, count) : new Uint16Array(aligned.buffer, aligned.byteOffset, count);
}

function emptyPixels(g: FrameGeometry, count: number): Pixels {
  const signed = g.pixelRepresentation === 1;
  if (g.bitsAllocated === 8) return signed ? new Int8Array(count) : new Uint8Array(count);
  if (g.bitsAllocated === 16) return signed ? new Int16Array(count) : new Uint16Array(count);
  return signed ? new Int32Array(count) : new Uint32Array(count);
}

function signExtend(out: Pixels, g: FrameGeometry): Pixels {
  if (g.pixelRepresentation !== 1 || g.bitsStored >= g.bitsAllocated) return out;
  const shift = 32 - g.bitsStored;
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! << shift) >> shift;
  return out;
}
