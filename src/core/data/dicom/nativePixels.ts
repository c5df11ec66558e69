// Uncompressed (native) Pixel Data: one frame's raw sample words, interleaved. Bits Stored masking and
// sign extension happen later, for native and decoded frames alike (pixelPipeline.ts), so the arrays
// here are plain unsigned containers of Bits Allocated bits.
import { badInput } from '../../errors';
import type { DicomFile, DicomImageAttributes } from './dicomFile';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type RawSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Samples one frame holds in the file (YBR_FULL_422 stores two chroma samples per two pixels). */
export function storedSamplesPerFrame(image: DicomImageAttributes): number {
  const pixels = image.rows * image.columns;
  return image.photometricInterpretation === 'YBR_FULL_422' && image.samplesPerPixel === 3 ? pixels * 2 : pixels * image.samplesPerPixel;
}

/** Bytes the native pixel data of all frames needs (1-bit frames are packed back to back without padding). */
export function expectedNativeBytes(image: DicomImageAttributes): number {
  const samples = storedSamplesPerFrame(image) * image.numberOfFrames;
  return image.bitsAllocated === 1 ? Math.ceil(samples / 8) : samples * (image.bitsAllocated / 8);
}

/** Checks the element is long enough for every frame; called before any frame is allocated. */
export function checkNativeLength(file: DicomFile): void {
  const image = file.image;
  const pd = file.pixelData;
  if (!image || !pd) return;
  const expected = expectedNativeBytes(image);
  if (image.photometricInterpretation === 'YBR_FULL_422' && image.samplesPerPixel === 3 && (image.rows * image.columns) % 2 !== 0) {
    throw badInput(`YBR_FULL_422 pixel data of ${image.rows} x ${image.columns} pixels`, {
      file: file.fileName,
      offset: pd.offset,
      expected: 'an even number of pixels per frame',
    });
  }
  if (pd.length < expected) {
    throw badInput(
      `Pixel Data (7FE0,0010) holds ${pd.length} bytes, too few for ${image.numberOfFrames} frame(s) of ${image.rows} x ${image.columns} x ${image.samplesPerPixel} at ${image.bitsAllocated} bits`,
      {
        file: file.fileName,
        offset: pd.offset,
        expected: `${expected} bytes`,
      },
    );
  }
}

/**
 * Native frames `frame` .. `frame + frames - 1` back to back, interleaved and (for YBR_FULL_422)
 * expanded to three samples per pixel. Several frames at once only for layouts without per-frame
 * reordering (see batchableFrames), so that files of many tiny frames are not read pixel by pixel.
 */
export function nativeFrames(file: DicomFile, frame: number, frames = 1): RawSamples {
  const image = file.image;
  const pd = file.pixelData;
  if (!image || !pd) throw badInput('the file has no pixel data', { file: file.fileName });
  const bytes = file.dataSet.byteArray;
  const count = storedSamplesPerFrame(image) * frames;
  // Explicit VR Big Endian stores 8-bit OW data byte-swapped inside each 16-bit word (PS3.5 8.1.1).
  const swap8 = !file.littleEndian && pd.vr === 'OW' && image.bitsAllocated <= 8;
  const byteAt = (i: number): number => bytes[pd.offset + (swap8 ? i ^ 1 : i)];
  let raw: RawSamples;
  if (image.bitsAllocated === 1) {
    raw = new Uint8Array(count);
    const firstBit = frame * storedSamplesPerFrame(image);
    for (let i = 0; i < count; i++) {
      const bit = firstBit + i;
      raw[i] = (byteAt(Math.floor(bit / 8)) >> (bit % 8)) & 1;
    }
  } else if (image.bitsAllocated === 8) {
    raw = new Uint8Array(count);
    const start = frame * storedSamplesPerFrame(image);
    for (let i = 0; i < count; i++) raw[i] = byteAt(start + i);
  } else {
    const size = image.bitsAllocated / 8;
    const start = pd.offset + frame * storedSamplesPerFrame(image) * size;
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * size);
    const le = file.littleEndian;
    if (le && HOST_LITTLE_ENDIAN) {
      // Same byte order as the host: one copy, no per-sample reads.
      // Uint8Array.prototype.slice copies even when `bytes` is a Node Buffer (whose own slice is a view).
      const copy = Uint8Array.prototype.slice.call(bytes, start, start + count * size);
      raw = size === 2 ? new Uint16Array(copy.buffer, 0, count) : new Uint32Array(copy.buffer, 0, count);
    } else if (size === 2) {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, le);
      raw = out;
    } else {
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, le);
      raw = out;
    }
  }
  if (image.samplesPerPixel === 3 && image.photometricInterpretation === 'YBR_FULL_422') return expand422(raw);
  if (image.samplesPerPixel === 3 && image.planarConfiguration === 1) return interleave(raw, image.rows * image.columns);
  return raw;
}

/** Frames that can be read several at a time: no planar reordering, no 4:2:2 expansion. */
export function batchableFrames(image: DicomImageAttributes): boolean {
  return image.samplesPerPixel === 1 || (image.planarConfiguration === 0 && image.photometricInterpretation !== 'YBR_FULL_422');
}

function sameKind(raw: RawSamples, length: number): RawSamples {
  return new (raw.constructor as new (n: number) => RawSamples)(length);
}

/** R R .. G G .. B B .. -> R G B R G B .. */
function interleave(raw: RawSamples, pixels: number): RawSamples {
  const out = sameKind(raw, raw.length);
  for (let p = 0; p < pixels; p++) {
    out[p * 3] = raw[p];
    out[p * 3 + 1] = raw[pixels + p];
    out[p * 3 + 2] = raw[2 * pixels + p];
  }
  return out;
}

/** Y1 Y2 Cb Cr -> Y1 Cb Cr Y2 Cb Cr (PS3.3 C.7.6.3.1.2). */
function expand422(raw: RawSamples): RawSamples {
  const pairs = Math.floor(raw.length / 4);
  const out = sameKind(raw, pairs * 6);
  for (let k = 0; k < pairs; k++) {
    const y1 = raw[k * 4];
    const y2 = raw[k * 4 + 1];
    const cb = raw[k * 4 + 2];
    const cr = raw[k * 4 + 3];
    const o = k * 6;
    out[o] = y1;
    out[o + 1] = cb;
    out[o + 2] = cr;
    out[o + 3] = y2;
    out[o + 4] = cb;
    out[o + 5] = cr;
  }
  return out;
}
