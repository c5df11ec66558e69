// Decoders for the encapsulated (compressed) DICOM transfer syntaxes: RLE (ours), JPEG baseline and
// extended 8-bit (libjpeg-turbo), JPEG lossless (jpeg-lossless-decoder-js), JPEG-LS (CharLS), JPEG 2000
// (OpenJPEG) and HTJ2K (OpenJPH). Every frame's own header is parsed and checked against the DICOM
// geometry and the decode limits before a third-party decoder sees it, and every decoder failure
// becomes a MedSynthError naming the file and the syntax.

import { checkDecodeLimit, type DecodeLimits } from '../../decodeLimits';
import { badInput, MedSynthError } from '../../../errors';
import { splitFrames } from './frames';
import { readJ2kHeader } from './j2kHeader';
import { readJpegHeader, type JpegFrameHeader } from './jpegHeader';
import { decodeJpegLossless } from './jpegLossless';
import { containerBytesToPixels, samplesToPixels } from './pixels';
import { decodeRle } from './rle';
import { syntaxOf } from './syntaxes';
import { decodeWasm, type CodecFrameInfo, type WasmCodec } from './wasmCodecs';

export interface FrameGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  photometricInterpretation: string;
}

export interface DecodedFrame {
  pixels: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
  /** photometric of `pixels` after decoding (a JPEG baseline YBR_FULL_422 frame decoded to RGB says 'RGB') */
  photometricInterpretation: string;
  /** always 0 (interleaved) after decoding */
  planarConfiguration: 0;
}

export interface EncapsulatedPixelData {
  basicOffsetTable: readonly number[];
  fragments: readonly Uint8Array[];
  /** each fragment's item offset from the start of the first fragment item, as the basic offset table counts */
  fragmentOffsets: readonly number[];
}

export function isEncapsulatedSyntax(transferSyntaxUid: string): boolean {
  return syntaxOf(transferSyntaxUid) !== undefined;
}

export function encapsulatedSyntaxName(transferSyntaxUid: string): string | undefined {
  return syntaxOf(transferSyntaxUid)?.name;
}

/** Splits fragments into `numberOfFrames` frames (offset table, one fragment per frame, or JPEG EOI markers). */
export function framesOf(data: EncapsulatedPixelData, numberOfFrames: number, opts: { fileName?: string }): Uint8Array[] {
  return splitFrames(data, numberOfFrames, opts.fileName);
}

/** Decodes one frame; throws BAD_INPUT / UNSUPPORTED / LIMIT_EXCEEDED (MedSynthError) only. */
export async function decodeFrame(
  transferSyntaxUid: string,
  frame: Uint8Array,
  geometry: FrameGeometry,
  opts: { fileName?: string; limits?: DecodeLimits },
): Promise<DecodedFrame> {
  const file = opts.fileName;
  const syntax = syntaxOf(transferSyntaxUid);
  if (!syntax)
    throw new MedSynthError('UNSUPPORTED', `transfer syntax ${transferSyntaxUid} is not an encapsulated syntax we decode`, { file });
  const g = geometry;
  checkGeometry(g, syntax.name, file);
  const values = g.rows * g.columns * g.samplesPerPixel;
  checkDecodeLimit(opts.limits, 'maxPixels', values, 'pixel values in one frame', file);
  checkDecodeLimit(opts.limits, 'maxDecompressedBytes', values * (g.bitsAllocated / 8), 'bytes of decoded pixel data in one frame', file);
  const done = (pixels: DecodedFrame['pixels'], photometricInterpretation: string): DecodedFrame => ({
    pixels,
    photometricInterpretation,
    planarConfiguration: 0,
  });

  switch (syntax.family) {
    case 'rle':
      return done(containerBytesToPixels(decodeRle(frame, g, file), g), g.photometricInterpretation);
    case 'jpeg-lossless':
    case 'jpeg': {
      const header = readJpegHeader(frame, file);
      checkHeader(header, g, syntax.name, file);
      // Some writers label a lossless stream baseline or the reverse; the frame header decides.
      if (header.sof === 0xc3) return done(jpegLossless(frame, header, g, values, syntax.name, file), g.photometricInterpretation);
      return jpegDct(frame, header, g, syntax.name, file);
    }
    case 'jpeg-ls': {
      const header = readJpegHeader(frame, file);
      checkHeader(header, g, syntax.name, file);
      if (header.sof !== 0xf7) throw badInput(`${syntax.name} frame without a JPEG-LS frame header`, { file, expected: 'SOF55 (FF F7)' });
      checkEndMarker(frame, syntax.name, file);
      const out = await wasm('jpeg-ls', frame, g, syntax.name, file);
      return done(
        samplesToPixels(out.bytes, out.info.bitsPerSample > 8 ? 2 : 1, false, out.interleaveMode === 0, g),
        g.photometricInterpretation,
      );
    }
    case 'j2k':
    case 'htj2k': {
      const header = readJ2kHeader(frame, file);
      checkSize(header, g, syntax.name, file);
      if (header.precision > 16)
        throw new MedSynthError('UNSUPPORTED', `${syntax.name} with ${header.precision}-bit samples`, {
          file,
          expected: 'at most 16 bits',
        });
      checkEndMarker(header.codestream, syntax.name, file);
      // Tile-part indices are 16-bit (Isot), so a codestream cannot hold more tiles; OpenJPEG allocates per tile.
      if (header.tiles > 65535) throw badInput(`${syntax.name} declares ${header.tiles} tiles`, { file, expected: 'at most 65535 tiles' });
      const out = await wasm(syntax.family, header.codestream, g, syntax.name, file);
      const photometric = header.components === 3 && header.mct ? 'RGB' : g.photometricInterpretation;
      return done(samplesToPixels(out.bytes, out.info.bitsPerSample > 8 ? 2 : 1, header.signed, false, g), photometric);
    }
  }
}

/**
 * The lossless JPEG and the JPEG 2000 decoders turn a truncated stream into an image with missing
 * pixels instead of an error, and CharLS spends tens of seconds on a truncated 64 x 64 frame before
 * it gives up, so a frame must end with its EOI/EOC marker (FF D9), allowing a few bytes of padding.
 */
function checkEndMarker(frame: Uint8Array, what: string, file: string | undefined): void {
  // Padding after the marker: 0x00 (the even-length fragment rule), or 0xFF fill bytes.
  let end = frame.length;
  while (end > 2 && frame.length - end < 8 && (frame[end - 1] === 0x00 || frame[end - 1] === 0xff)) end--;
  if (end < 2 || frame[end - 2] !== 0xff || frame[end - 1] !== 0xd9) {
    throw badInput(`${what} frame does not end with an end-of-image marker: it is truncated`, {
      file,
      offset: frame.length,
      expected: 'bytes FF D9 at the end',
    });
  }
}

/**
 * A progressive JPEG of thousands of tiny scans makes libjpeg-turbo redo the whole image per scan;
 * TurboJPEG 3 refuses more than 500 scans for this reason, and so do we. FF DA cannot occur inside
 * entropy-coded data (an FF there is followed by 00), so counting it counts the scans.
 */
function checkScanCount(frame: Uint8Array, what: string, file: string | undefined): void {
  let scans = 0;
  for (let i = frame.indexOf(0xff); i >= 0 && i + 1 < frame.length; i = frame.indexOf(0xff, i + 1)) {
    if (frame[i + 1] === 0xda && ++scans > MAX_JPEG_SCANS) {
      throw badInput(`${what} frame with more than ${MAX_JPEG_SCANS} scans`, {
        file,
        offset: i,
        expected: `at most ${MAX_JPEG_SCANS} scans`,
      });
    }
  }
}

const MAX_JPEG_SCANS = 500;

function jpegLossless(
  frame: Uint8Array,
  header: JpegFrameHeader,
  g: FrameGeometry,
  values: number,
  what: string,
  file: string | undefined,
): DecodedFrame['pixels'] {
  checkEndMarker(frame, what, file);
  // Every sample costs at least one bit of Huffman code, so a shorter frame cannot hold the image
  // (the decoder would read zeros past its end and return an image anyway).
  if (frame.length * 8 < values) {
    throw badInput(`${what} frame of ${frame.length} bytes is too short for ${values} samples`, {
      file,
      expected: `at least ${Math.ceil(values / 8)} bytes`,
    });
  }
  const bytes = decodeJpegLossless(frame, header, what, file);
  return samplesToPixels(bytes, header.precision > 8 ? 2 : 1, false, false, g);
}

async function jpegDct(
  frame: Uint8Array,
  header: JpegFrameHeader,
  g: FrameGeometry,
  what: string,
  file: string | undefined,
): Promise<DecodedFrame> {
  if (header.sof !== 0xc0 && header.sof !== 0xc1 && header.sof !== 0xc2) {
    throw new MedSynthError('UNSUPPORTED', `${what} frame coded with marker FF ${header.sof.toString(16).toUpperCase()}`, {
      file,
      expected: 'SOF0, SOF1, SOF2 (libjpeg-turbo) or SOF3 (lossless)',
    });
  }
  if (header.precision !== 8) {
    throw new MedSynthError(
      'UNSUPPORTED',
      `${what} with ${header.precision}-bit samples (the bundled libjpeg-turbo decoder reads 8-bit JPEG only)`,
      {
        file,
        expected: '8-bit samples',
      },
    );
  }
  checkScanCount(frame, what, file);
  const { stream, ycc } = jpegColour(frame, header, g.photometricInterpretation);
  const out = await wasm('jpeg', stream, g, what, file);
  const photometric =
    header.components === 3
      ? ycc
        ? 'RGB'
        : g.photometricInterpretation.replace(/^YBR_FULL_422$/, 'YBR_FULL')
      : g.photometricInterpretation;
  return { pixels: samplesToPixels(out.bytes, 1, false, false, g), photometricInterpretation: photometric, planarConfiguration: 0 };
}

function checkGeometry(g: FrameGeometry, what: string, file: string | undefined): void {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw badInput(`${what} frame with ${field} ${String(value)}`, { file, expected });
  };
  if (!Number.isSafeInteger(g.rows) || g.rows < 1 || g.rows > 0xffff) bad('Rows', g.rows, 'an integer from 1 to 65535');
  if (!Number.isSafeInteger(g.columns) || g.columns < 1 || g.columns > 0xffff) bad('Columns', g.columns, 'an integer from 1 to 65535');
  if (!Number.isSafeInteger(g.samplesPerPixel) || g.samplesPerPixel < 1) bad('Samples per Pixel', g.samplesPerPixel, 'a positive integer');
  if (!Number.isSafeInteger(g.bitsAllocated) || g.bitsAllocated < 1) bad('Bits Allocated', g.bitsAllocated, 'a positive integer');
  if (g.samplesPerPixel !== 1 && g.samplesPerPixel !== 3) {
    throw new MedSynthError('UNSUPPORTED', `${what} frame with Samples per Pixel ${g.samplesPerPixel}`, { file, expected: '1 or 3' });
  }
  if (g.bitsAllocated !== 8 && g.bitsAllocated !== 16 && g.bitsAllocated !== 32) {
    throw new MedSynthError('UNSUPPORTED', `${what} frame with Bits Allocated ${g.bitsAllocated}`, { file, expected: '8, 16 or 32' });
  }
  if (!Number.isSafeInteger(g.bitsStored) || g.bitsStored < 1 || g.bitsStored > g.bitsAllocated)
    bad('Bits Stored', g.bitsStored, `1 to Bits Allocated (${g.bitsAllocated})`);
  if (g.pixelRepresentation !== 0 && g.pixelRepresentation !== 1) bad('Pixel Representation', g.pixelRepresentation, '0 or 1');
}

interface HeaderSize {
  readonly rows: number;
  readonly columns: number;
  readonly components: number;
  readonly precision: number;
}

function checkSize(h: HeaderSize, g: FrameGeometry, what: string, file: string | undefined): void {
  if (h.rows !== g.rows || h.columns !== g.columns || h.components !== g.samplesPerPixel) {
    throw badInput(`${what} frame header says ${h.columns}x${h.rows} with ${h.components} components`, {
      file,
      expected: `${g.columns}x${g.rows} with ${g.samplesPerPixel} components, as the DICOM header says`,
    });
  }
  if (!(h.precision >= 1)) throw badInput(`${what} frame header declares ${h.precision}-bit samples`, { file, expected: 'at least 1 bit' });
  if (h.precision > g.bitsAllocated) {
    throw badInput(`${what} frame has ${h.precision}-bit samples`, { file, expected: `at most Bits Allocated (${g.bitsAllocated}) bits` });
  }
}

function checkHeader(h: JpegFrameHeader, g: FrameGeometry, what: string, file: string | undefined): void {
  if (h.rows === 0) throw new MedSynthError('UNSUPPORTED', `${what} frame whose height is set by a DNL marker`, { file });
  if (h.precision < 2 || h.precision > 16)
    throw badInput(`${what} frame header declares ${h.precision}-bit samples`, { file, expected: '2 to 16 bits' });
  checkSize(h, g, what, file);
}

/**
 * Decides libjpeg's colour conversion. It converts YCbCr to RGB when the stream says so (JFIF, Adobe
 * transform 1, or component ids 1,2,3 without either marker). When DICOM says RGB and the stream
 * carries no JFIF or Adobe marker, the samples were stored untransformed (as pydicom assumes, e.g.
 * pydicom's SC_jpeg_no_color_transform.dcm): an Adobe marker with transform 0 is put in front so
 * libjpeg keeps them as they are.
 */
function jpegColour(frame: Uint8Array, h: JpegFrameHeader, photometric: string): { stream: Uint8Array; ycc: boolean } {
  if (h.components !== 3) return { stream: frame, ycc: false };
  if (h.sawJfif) return { stream: frame, ycc: true };
  if (h.adobeTransform !== undefined) return { stream: frame, ycc: h.adobeTransform !== 0 };
  const rgbIds = h.componentIds[0] === 0x52 && h.componentIds[1] === 0x47 && h.componentIds[2] === 0x42;
  if (rgbIds) return { stream: frame, ycc: false };
  if (photometric !== 'RGB') return { stream: frame, ycc: true };
  const adobe = [0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00];
  const stream = new Uint8Array(frame.length + adobe.length);
  stream.set(frame.subarray(0, 2));
  stream.set(adobe, 2);
  stream.set(frame.subarray(2), 2 + adobe.length);
  return { stream, ycc: false };
}

function wasm(codec: WasmCodec, stream: Uint8Array, g: FrameGeometry, what: string, file: string | undefined) {
  return decodeWasm(codec, stream, what, file, (info: CodecFrameInfo) => {
    const precision = info.bitsPerSample;
    checkSize({ rows: info.height, columns: info.width, components: info.componentCount, precision }, g, `${what} decoder`, file);
    return g.rows * g.columns * g.samplesPerPixel * (precision > 8 ? 2 : 1);
  });
}
