// JPEG Lossless, Process 14 (SOF3, Huffman; the caller routes only SOF3 here), through jpeg-lossless-decoder-js. It is plain
// JavaScript, so it runs synchronously; the header was already checked against the geometry by our
// own parser, which bounds the one array it allocates.

import { Decoder } from 'jpeg-lossless-decoder-js';
import { badInput, MedSynthError } from '../../../errors';
import type { JpegFrameHeader } from './jpegHeader';

/** Returns the samples interleaved, little-endian, 1 byte each up to 8 bits of precision, else 2. */
export function decodeJpegLossless(frame: Uint8Array, header: JpegFrameHeader, what: string, fileName: string | undefined): Uint8Array {
  if (header.components !== 1 && !(header.components === 3 && header.precision <= 8)) {
    throw new MedSynthError('UNSUPPORTED', `${what} with ${header.components} components of ${header.precision} bits`, {
      file: fileName,
      expected: '1 component, or 3 components of at most 8 bits',
    });
  }
  const bytesPerSample = header.precision > 8 ? 2 : 1;
  let decoded: Uint8Array | Uint16Array;
  try {
    decoded = new Decoder().decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, bytesPerSample);
  } catch (e) {
    throw badInput(`${what} data cannot be decoded: ${e instanceof Error ? e.message : String(e)}`, {
      file: fileName,
      expected: `a valid ${what} codestream`,
    });
  }
  const expected = header.rows * header.columns * header.components;
  if (!decoded || decoded.length !== expected) {
    throw badInput(`the ${what} decoder returned ${decoded?.length} samples`, { file: fileName, expected: `${expected} samples` });
  }
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
