// DICOM Part 10 parsing: dicom-parser does the element walk; this file decides the transfer syntax of
// files without a File Meta group, inflates deflated datasets under the decompression cap, turns every
// exception dicom-parser throws (strings, Errors, {exception, dataSet}) into BAD_INPUT naming the file,
// and validates the header values the pixel code relies on before anything is allocated.
import * as dicomParser from 'dicom-parser';
import type { DataSet, ParseDicomOptions } from 'dicom-parser';
import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit, decodeLimit, decodeLimitError } from '../decodeLimits';
import type { ReadOptions } from '../readOptions';
import { TAG, readDecimals, readIs, readRequiredDecimal, readString, readStrings, readUs, tagLabel, parseDecimal } from './attributes';
import { EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE } from './dicomFile';
import type { DicomFile, DicomImageAttributes, ModalityLut, PixelDataLocation, VoiLut } from './dicomFile';
import { frameSpacing, functionalGroupDecimals } from './functionalGroups';

const VRS = new Set('AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));

function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** The syntax of a dataset without File Meta, from its first element; undefined when it does not look like DICOM. */
export function guessSyntax(bytes: Uint8Array, at = 0): string | undefined {
  if (bytes.length - at < 8) return undefined;
  const le = bytes[at] | (bytes[at + 1] << 8);
  const be = (bytes[at] << 8) | bytes[at + 1];
  const plausible = (group: number): boolean => group >= 0x0002 && group <= 0x0010 && group % 2 === 0;
  const explicit = VRS.has(String.fromCharCode(bytes[at + 4], bytes[at + 5]));
  if (explicit && plausible(le)) return EXPLICIT_LE;
  if (explicit && plausible(be)) return EXPLICIT_BE;
  const length = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16)) + bytes[at + 7] * 2 ** 24;
  if (plausible(le) && length <= bytes.length - at - 8) return IMPLICIT_LE;
  return undefined;
}

/** True for a Part 10 file ('DICM' at byte 128) or a plausible dataset without File Meta. */
export function isDicom(bytes: Uint8Array): boolean {
  return hasPreamble(bytes) || guessSyntax(bytes) !== undefined;
}

/** The end of the last element dicom-parser read completely: where a broken file stops making sense. */
function lastGoodOffset(ds: DataSet | undefined): number | undefined {
  if (!ds?.elements) return undefined;
  let end: number | undefined;
  for (const el of Object.values(ds.elements)) {
    if (typeof el.dataOffset === 'number' && Number.isFinite(el.length) && el.length >= 0)
      end = Math.max(end ?? 0, el.dataOffset + el.length);
  }
  return end;
}

/** Any exception out of dicom-parser or our own reads, as a MedSynthError. */
export function asDicomError(e: unknown, fileName: string | undefined, base = 0): MedSynthError {
  if (e instanceof MedSynthError) return e;
  let inner = e;
  let partial: DataSet | undefined;
  if (e !== null && typeof e === 'object' && 'exception' in e) {
    inner = (e as { exception: unknown }).exception;
    partial = (e as { dataSet?: DataSet }).dataSet;
  }
  if (inner instanceof MedSynthError) return inner;
  const raw = typeof inner === 'string' ? inner : inner instanceof Error ? inner.message : String(inner);
  const why = raw.replace(/^dicomParser[.:]?\s*[\w.]*\s*[:-]?\s*/, '').slice(0, 200);
  const end = lastGoodOffset(partial);
  return new MedSynthError(
    'BAD_INPUT',
    `not a readable DICOM dataset: ${why}`,
    { file: fileName, offset: end === undefined ? undefined : end + base, expected: 'a well-formed DICOM data element' },
    { cause: e },
  );
}

/** Raw deflate as PS3.5 A.5 says; some writers wrap it in a zlib header (78 xx), tried when raw fails. */
function inflateEither(stream: Uint8Array, cap: number): Uint8Array {
  try {
    return inflateRawSync(stream, { maxOutputLength: cap });
  } catch (e) {
    const zlibWrapped = stream.length >= 2 && (stream[0] & 0x0f) === 8 && ((stream[0] << 8) | stream[1]) % 31 === 0;
    if (!zlibWrapped || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw e;
    return inflateSync(stream, { maxOutputLength: cap });
  }
}

function inflaterFor(opts: ReadOptions): NonNullable<ParseDicomOptions['inflater']> {
  return (arr: Uint8Array, position: number): Uint8Array => {
    const cap = Math.min(decodeLimit(opts.limits, 'maxDecompressedBytes'), bufferConstants.MAX_LENGTH);
    let inflated: Uint8Array;
    try {
      inflated = inflateEither(arr.subarray(position), cap);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
        throw decodeLimitError('maxDecompressedBytes', cap, Number.POSITIVE_INFINITY, 'bytes of inflated dataset', opts.fileName, position);
      throw new MedSynthError('BAD_INPUT', `the deflated dataset does not inflate (${(e as Error).message})`, {
        file: opts.fileName,
        offset: position,
        expected: 'a raw deflate stream after the File Meta group',
      });
    }
    const out = new Uint8Array(position + inflated.length);
    out.set(arr.subarray(0, position));
    out.set(inflated, position);
    return out;
  };
}

interface Parsed {
  readonly ds: DataSet;
  readonly syntax: string;
  readonly hasMeta: boolean;
}

function runParser(bytes: Uint8Array, opts: ReadOptions): Parsed {
  const fileName = opts.fileName;
  const inflater = inflaterFor(opts);
  if (!hasPreamble(bytes)) {
    const syntax = guessSyntax(bytes);
    if (!syntax)
      throw badInput('not a DICOM file', {
        file: fileName,
        offset: 128,
        expected: "'DICM' at byte 128, or a dataset that starts with a group 0002-0010 element",
      });
    try {
      return { ds: dicomParser.parseDicom(bytes, { TransferSyntaxUID: syntax }), syntax, hasMeta: false };
    } catch (e) {
      throw asDicomError(e, fileName);
    }
  }
  const relabelled = mislabelled(bytes);
  if (relabelled) {
    try {
      return {
        ds: dicomParser.parseDicom(bytes.subarray(relabelled.metaEnd), { TransferSyntaxUID: relabelled.syntax }),
        syntax: relabelled.syntax,
        hasMeta: true,
      };
    } catch (e) {
      throw asDicomError(e, fileName, relabelled.metaEnd);
    }
  }
  try {
    const ds = dicomParser.parseDicom(bytes, { inflater });
    const syntax = readString(ds, 'x00020010');
    if (!syntax) throw badInput('the File Meta group has an empty Transfer Syntax UID (0002,0010)', { file: fileName, offset: 132 });
    return { ds, syntax, hasMeta: true };
  } catch (e) {
    const message = e instanceof Error && !(e instanceof MedSynthError) ? e.message : '';
    if (!message.includes('missing required meta header attribute 0002,0010')) throw asDicomError(e, fileName);
  }
  // A File Meta group without Transfer Syntax UID: read the dataset after it with a guessed syntax.
  let metaEnd: number;
  try {
    metaEnd = (dicomParser.readPart10Header(bytes) as DataSet & { position: number }).position;
  } catch (e) {
    throw asDicomError(e, fileName);
  }
  const syntax = metaEnd < bytes.length ? guessSyntax(bytes, metaEnd) : undefined;
  if (!syntax)
    throw badInput('the File Meta group has no Transfer Syntax UID (0002,0010) and the dataset after it is not recognisable', {
      file: fileName,
      offset: Math.min(metaEnd, bytes.length),
    });
  try {
    return { ds: dicomParser.parseDicom(bytes.subarray(metaEnd), { TransferSyntaxUID: syntax }), syntax, hasMeta: true };
  } catch (e) {
    throw asDicomError(e, fileName, metaEnd);
  }
}

/**
 * A File Meta group that names the wrong little endian syntax (implicit data labelled explicit, or the
 * reverse) is a common export bug, and dicom-parser reads such a dataset as garbage without failing.
 * When the first element after the meta group plainly shows the other syntax, read it with that one.
 */
function mislabelled(bytes: Uint8Array): { syntax: string; metaEnd: number } | undefined {
  try {
    const meta = dicomParser.readPart10Header(bytes) as DataSet & { position: number };
    const declared = readString(meta, 'x00020010');
    const guessed = meta.position < bytes.length ? guessSyntax(bytes, meta.position) : undefined;
    const le = [IMPLICIT_LE, EXPLICIT_LE];
    if (!declared || !guessed || guessed === declared || !le.includes(declared) || !le.includes(guessed)) return undefined;
    return { syntax: guessed, metaEnd: meta.position };
  } catch {
    return undefined; // A broken meta group: the full parse below reports it.
  }
}

/** Parses one DICOM file's header and locates its pixel data; validates every size the pixel readers use. */
export function parseDicom(bytes: Uint8Array, opts: ReadOptions = {}): DicomFile {
  throwIfAborted(opts.signal);
  const { ds, syntax, hasMeta } = runParser(bytes, opts);
  try {
    return describe(ds, syntax, hasMeta, opts);
  } catch (e) {
    throw asDicomError(e, opts.fileName);
  }
}

function positive(v: number | undefined): number | undefined {
  return v !== undefined && v > 0 ? v : undefined;
}

function describe(ds: DataSet, syntax: string, hasMeta: boolean, opts: ReadOptions): DicomFile {
  const ctx = { fileName: opts.fileName };
  const pixelElement = ds.elements[TAG.pixelData];
  const pixelData: PixelDataLocation | undefined = pixelElement
    ? {
        offset: pixelElement.dataOffset,
        length: pixelElement.length,
        vr: pixelElement.vr,
        encapsulated: pixelElement.encapsulatedPixelData === true,
        element: pixelElement,
      }
    : undefined;
  if (
    pixelData &&
    !pixelData.encapsulated &&
    !(pixelData.offset >= 0 && pixelData.length >= 0 && pixelData.offset + pixelData.length <= ds.byteArray.length)
  ) {
    throw badInput(
      `Pixel Data (7FE0,0010) declares ${pixelData.length} bytes but only ${Math.max(0, ds.byteArray.length - pixelData.offset)} follow`,
      { file: opts.fileName, offset: pixelData.offset, expected: 'a complete Pixel Data element' },
    );
  }
  const image = pixelData ? imageAttributes(ds, ctx) : undefined;
  if (image)
    checkDecodeLimit(
      opts.limits,
      'maxPixels',
      image.rows * image.columns * image.samplesPerPixel * image.numberOfFrames,
      'pixel values',
      opts.fileName,
    );
  const centers = readStrings(ds, TAG.windowCenter).map(parseDecimal);
  const widths = readStrings(ds, TAG.windowWidth).map(parseDecimal);
  const n = Math.min(centers.length, widths.length);
  const windowCenters: number[] = [];
  const windowWidths: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = centers[i];
    const w = widths[i];
    if (c !== undefined && w !== undefined && w > 0) {
      windowCenters.push(c);
      windowWidths.push(w);
    }
  }
  const spacing =
    readDecimals(ds, TAG.pixelSpacing, 2) ?? readDecimals(ds, TAG.imagerPixelSpacing, 2) ?? functionalGroupDecimals(ds, 'pixelSpacing', 2);
  const ipp = readDecimals(ds, TAG.imagePositionPatient, 3) ?? functionalGroupDecimals(ds, 'imagePositionPatient', 3);
  const iop = readDecimals(ds, TAG.imageOrientationPatient, 6) ?? functionalGroupDecimals(ds, 'imageOrientationPatient', 6);
  const fgSlope = functionalGroupDecimals(ds, 'rescaleSlope', 1);
  const fgIntercept = functionalGroupDecimals(ds, 'rescaleIntercept', 1);
  return {
    fileName: opts.fileName,
    transferSyntaxUid: syntax,
    hasMeta,
    littleEndian: syntax !== EXPLICIT_BE,
    // A DICOMDIR has no SOP Class UID of its own: the File Meta's Media Storage SOP Class says what it is.
    sopClassUid: readString(ds, TAG.sopClassUid) ?? readString(ds, 'x00020002'),
    modality: readString(ds, TAG.modality),
    seriesInstanceUid: readString(ds, TAG.seriesInstanceUid),
    instanceNumber: readIsLenient(ds, TAG.instanceNumber),
    image,
    rescaleSlope: readRequiredDecimal(ds, TAG.rescaleSlope, 'Rescale Slope', ctx) ?? fgSlope?.[0],
    rescaleIntercept: readRequiredDecimal(ds, TAG.rescaleIntercept, 'Rescale Intercept', ctx) ?? fgIntercept?.[0],
    rescaleType: readString(ds, TAG.rescaleType),
    windowCenters,
    windowWidths,
    windowExplanations: readStrings(ds, TAG.windowExplanation),
    voiLut: voiLut(ds, image?.pixelRepresentation === 1),
    modalityLut: image ? modalityLut(ds, image.pixelRepresentation === 1, ctx) : undefined,
    pixelSpacing: spacing && spacing[0] > 0 && spacing[1] > 0 ? [spacing[0], spacing[1]] : undefined,
    sliceThickness: positive(readDecimals(ds, TAG.sliceThickness, 1)?.[0] ?? functionalGroupDecimals(ds, 'sliceThickness', 1)?.[0]),
    spacingBetweenSlices: positive(readDecimals(ds, TAG.spacingBetweenSlices, 1)?.[0]),
    frameSpacing: image && image.numberOfFrames > 1 ? frameSpacing(ds, iop) : undefined,
    imagePositionPatient: ipp ? [ipp[0], ipp[1], ipp[2]] : undefined,
    imageOrientationPatient: iop ? [iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]] : undefined,
    pixelData,
    dataSet: ds,
  };
}

function readIsLenient(ds: DataSet, tag: string): number | undefined {
  const v = parseDecimal(readString(ds, tag));
  return v !== undefined && Number.isInteger(v) ? v : undefined;
}

function imageAttributes(ds: DataSet, ctx: { fileName?: string }): DicomImageAttributes {
  const file = ctx.fileName;
  const required = (tag: string, name: string): number => {
    const v = readUs(ds, tag, name, ctx);
    if (v === undefined) throw badInput(`the image has no ${name} ${tagLabel(tag)}`, { file, expected: `a ${name} value` });
    return v;
  };
  const rows = required(TAG.rows, 'Rows');
  const columns = required(TAG.columns, 'Columns');
  if (rows < 1 || columns < 1)
    throw badInput(`the image is ${rows} x ${columns} pixels`, { file, expected: 'Rows and Columns of at least 1' });
  const samplesPerPixel = readUs(ds, TAG.samplesPerPixel, 'Samples per Pixel', ctx) ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3)
    throw new MedSynthError(samplesPerPixel === 0 ? 'BAD_INPUT' : 'UNSUPPORTED', `Samples per Pixel (0028,0002) is ${samplesPerPixel}`, {
      file,
      expected: '1 or 3',
    });
  const bitsAllocated = required(TAG.bitsAllocated, 'Bits Allocated');
  if (![1, 8, 16, 32].includes(bitsAllocated)) {
    throw new MedSynthError(
      bitsAllocated === 0 || bitsAllocated > 64 ? 'BAD_INPUT' : 'UNSUPPORTED',
      `Bits Allocated (0028,0100) is ${bitsAllocated}`,
      { file, expected: '1, 8, 16 or 32' },
    );
  }
  const bitsStored = readUs(ds, TAG.bitsStored, 'Bits Stored', ctx) ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated)
    throw badInput(`Bits Stored (0028,0101) is ${bitsStored} with Bits Allocated ${bitsAllocated}`, {
      file,
      expected: `1 to ${bitsAllocated}`,
    });
  const highBit = readUs(ds, TAG.highBit, 'High Bit', ctx) ?? bitsStored - 1;
  if (highBit < bitsStored - 1 || highBit > bitsAllocated - 1)
    throw badInput(`High Bit (0028,0102) is ${highBit} with Bits Stored ${bitsStored}`, {
      file,
      expected: `${bitsStored - 1} to ${bitsAllocated - 1}`,
    });
  const pr = readUs(ds, TAG.pixelRepresentation, 'Pixel Representation', ctx) ?? 0;
  if (pr !== 0 && pr !== 1) throw badInput(`Pixel Representation (0028,0103) is ${pr}`, { file, expected: '0 or 1' });
  const pc = samplesPerPixel === 3 ? (readUs(ds, TAG.planarConfiguration, 'Planar Configuration', ctx) ?? 0) : 0;
  if (pc !== 0 && pc !== 1) throw badInput(`Planar Configuration (0028,0006) is ${pc}`, { file, expected: '0 or 1' });
  const photometric = (readString(ds, TAG.photometric) ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  const frames = readIs(ds, TAG.numberOfFrames, 'Number of Frames', ctx) ?? 1;
  if (frames < 1) throw badInput(`Number of Frames (0028,0008) is ${frames}`, { file, expected: 'at least 1' });
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: pr,
    planarConfiguration: pc,
    photometricInterpretation: photometric,
    numberOfFrames: frames,
  };
}

function voiLut(ds: DataSet, signed: boolean): VoiLut | undefined {
  const item = ds.elements[TAG.voiLutSequence]?.items?.[0]?.dataSet;
  const desc = item?.elements[TAG.lutDescriptor];
  if (!item || !desc || desc.length < 6) return undefined;
  const entries = item.uint16(TAG.lutDescriptor, 0) ?? 0;
  const firstMapped = (signed ? item.int16(TAG.lutDescriptor, 1) : item.uint16(TAG.lutDescriptor, 1)) ?? 0;
  const bitsPerEntry = item.uint16(TAG.lutDescriptor, 2) ?? 16;
  return { entries: entries === 0 ? 65_536 : entries, firstMapped, bitsPerEntry };
}

/** The first item of a Modality LUT Sequence (0028,3000): 16-bit entries (US or OW), PS3.3 C.11.1. */
function modalityLut(ds: DataSet, signed: boolean, ctx: { fileName?: string }): ModalityLut | undefined {
  const item = ds.elements.x00283000?.items?.[0]?.dataSet;
  const desc = item?.elements[TAG.lutDescriptor];
  const data = item?.elements.x00283006;
  if (!item || !desc || desc.length < 6 || !data) return undefined;
  const entries = item.uint16(TAG.lutDescriptor, 0) || 65_536;
  const firstMapped = (signed ? item.int16(TAG.lutDescriptor, 1) : item.uint16(TAG.lutDescriptor, 1)) ?? 0;
  if (data.length < entries * 2 || data.dataOffset + entries * 2 > item.byteArray.length) {
    throw badInput(`the Modality LUT Data (0028,3006) holds ${data.length} bytes for ${entries} entries`, {
      file: ctx.fileName,
      offset: data.dataOffset,
      expected: `${entries * 2} bytes`,
    });
  }
  const table = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) table[i] = item.uint16('x00283006', i) ?? 0;
  return { firstMapped, table };
}
