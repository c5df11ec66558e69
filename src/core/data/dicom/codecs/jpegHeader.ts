// Reads the frame header of a JPEG (ISO 10918) or JPEG-LS (ISO 14495) stream ourselves, so the
// declared size, components and precision are checked against the DICOM geometry before any
// third-party decoder allocates for them. Also notes the markers that decide libjpeg's colour
// transform: JFIF (implies YCbCr), Adobe APP14 (its transform flag) and the component identifiers.

import { badInput } from '../../../errors';

export interface JpegFrameHeader {
  /** the SOF marker's second byte: 0xC0..0xCF for JPEG, 0xF7 for JPEG-LS */
  readonly sof: number;
  readonly precision: number;
  readonly rows: number;
  readonly columns: number;
  readonly components: number;
  readonly componentIds: readonly number[];
  readonly sawJfif: boolean;
  /** the Adobe APP14 transform flag, when that marker is present */
  readonly adobeTransform: number | undefined;
}

const STANDALONE = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd7);
const IS_SOF = (m: number): boolean => (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xf7;

export function readJpegHeader(data: Uint8Array, fileName: string | undefined): JpegFrameHeader {
  const fail = (what: string, offset: number, expected: string): never => {
    throw badInput(what, { file: fileName, offset, expected });
  };
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) fail('the frame does not start with a JPEG SOI marker', 0, 'bytes FF D8');
  let sawJfif = false;
  let adobeTransform: number | undefined;
  let i = 2;
  while (i < data.length) {
    if (data[i] !== 0xff) fail(`byte ${data[i]} where a JPEG marker was expected`, i, 'a marker (FF xx)');
    while (i < data.length && data[i] === 0xff) i++; // fill bytes
    if (i >= data.length) break;
    const marker = data[i++]!;
    if (STANDALONE(marker)) continue;
    if (marker === 0xd9 || marker === 0xda)
      fail(`JPEG marker FF ${hex(marker)} before any frame header`, i - 2, 'a SOF marker before the scan');
    if (i + 2 > data.length) break;
    const length = (data[i]! << 8) | data[i + 1]!;
    if (length < 2 || i + length > data.length)
      fail(`JPEG marker FF ${hex(marker)} declares ${length} bytes`, i, `a segment inside the ${data.length}-byte frame`);
    const body = i + 2;
    if (marker === 0xe0 && length >= 7 && ascii(data, body, 5) === 'JFIF\0') sawJfif = true;
    if (marker === 0xee && length >= 14 && ascii(data, body, 5) === 'Adobe') adobeTransform = data[body + 11];
    if (IS_SOF(marker)) {
      if (length < 8) fail(`JPEG frame header of ${length} bytes`, i, 'at least 8 bytes');
      const components = data[body + 5]!;
      if (length < 8 + 3 * components)
        fail(`JPEG frame header of ${length} bytes for ${components} components`, i, `${8 + 3 * components} bytes`);
      const componentIds: number[] = [];
      for (let c = 0; c < components; c++) componentIds.push(data[body + 6 + 3 * c]!);
      return {
        sof: marker,
        precision: data[body]!,
        rows: (data[body + 1]! << 8) | data[body + 2]!,
        columns: (data[body + 3]! << 8) | data[body + 4]!,
        components,
        componentIds,
        sawJfif,
        adobeTransform,
      };
    }
    i += length;
  }
  return fail('the JPEG stream ends before its frame header', data.length, 'a SOF marker');
}

function ascii(data: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...data.subarray(at, at + n));
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
