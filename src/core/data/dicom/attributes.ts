// Typed, validated reads of single attributes from a dicom-parser DataSet. dicom-parser's own accessors
// are lenient (parseFloat('1.5abc') = 1.5, a missing value is undefined, a short element reads past its
// end); here a value is either well formed or reported, so hostile headers cannot smuggle NaN or
// fractional sizes into the pixel code.
import type { DataSet } from 'dicom-parser';
import { badInput } from '../../errors';

/** dicom-parser's tag key for (gggg,eeee). */
export function tagKey(group: number, element: number): string {
  return `x${group.toString(16).padStart(4, '0')}${element.toString(16).padStart(4, '0')}`;
}

export const TAG = {
  sopClassUid: 'x00080016',
  modality: 'x00080060',
  sliceThickness: 'x00180050',
  spacingBetweenSlices: 'x00180088',
  seriesInstanceUid: 'x0020000e',
  instanceNumber: 'x00200013',
  imagePositionPatient: 'x00200032',
  imageOrientationPatient: 'x00200037',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  planarConfiguration: 'x00280006',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  imagerPixelSpacing: 'x00181164',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  rescaleType: 'x00281054',
  windowExplanation: 'x00281055',
  voiLutSequence: 'x00283010',
  lutDescriptor: 'x00283002',
  pixelData: 'x7fe00010',
  floatPixelData: 'x7fe00008',
  doubleFloatPixelData: 'x7fe00009',
} as const;

export interface AttrContext {
  readonly fileName?: string;
}

/** Text elements longer than this are not attribute values we use; skipping them bounds the work. */
const MAX_TEXT_BYTES = 65_536;

function present(ds: DataSet, tag: string): boolean {
  const el = ds.elements[tag];
  return el !== undefined && el.length > 0;
}

/** An unsigned 16-bit value (US); undefined when absent or empty. */
export function readUs(ds: DataSet, tag: string, name: string, ctx: AttrContext, index = 0): number | undefined {
  if (!present(ds, tag)) return undefined;
  const el = ds.elements[tag];
  if (el.length < 2 * (index + 1))
    throw badInput(`${name} ${tagLabel(tag)} is ${el.length} bytes long`, {
      file: ctx.fileName,
      offset: el.dataOffset,
      expected: 'a 16-bit value',
    });
  return ds.uint16(tag, index);
}

/** A 16-bit value that is SS or US depending on another attribute (first mapped value of a LUT descriptor). */
export function readUsOrSs(ds: DataSet, tag: string, index: number, signed: boolean): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2 * (index + 1)) return undefined;
  return signed ? ds.int16(tag, index) : ds.uint16(tag, index);
}

/** A trimmed text value (CS, UI, LO...); undefined when absent or blank. */
export function readString(ds: DataSet, tag: string, index?: number): string | undefined {
  if (index !== undefined) return readStrings(ds, tag)[index] || undefined;
  if (!present(ds, tag) || ds.elements[tag].length > MAX_TEXT_BYTES) return undefined;
  const t = ds.string(tag)?.replace(/\0+$/, '').trim();
  return t ? t : undefined;
}

/** Every backslash-separated value of a text element (CS, DS, IS with VM > 1). */
export function readStrings(ds: DataSet, tag: string): string[] {
  if (!present(ds, tag) || ds.elements[tag].length > MAX_TEXT_BYTES) return [];
  const raw = ds.text(tag) ?? '';
  return raw.split('\\').map((s) => s.replace(/\0+$/, '').trim());
}

/** An integer string (IS); BAD_INPUT when present but not an integer. */
export function readIs(ds: DataSet, tag: string, name: string, ctx: AttrContext): number | undefined {
  const s = readString(ds, tag);
  if (s === undefined) return undefined;
  if (!/^[+-]?\d{1,12}$/.test(s))
    throw badInput(`${name} ${tagLabel(tag)} is '${s.slice(0, 40)}'`, {
      file: ctx.fileName,
      offset: ds.elements[tag].dataOffset,
      expected: 'an integer string (IS)',
    });
  return Number(s);
}

/** A decimal string (DS) value; undefined when absent or not a finite number. */
export function parseDecimal(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || !/^[\s+\-0-9.eE]+$/.test(s)) return undefined;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : undefined;
}

/** All values of a DS element; undefined unless it holds exactly `count` finite numbers (when given). */
export function readDecimals(ds: DataSet, tag: string, count?: number): number[] | undefined {
  const parts = readStrings(ds, tag);
  if (parts.length === 0) return undefined;
  const values = parts.map(parseDecimal);
  if (values.some((v) => v === undefined)) return undefined;
  if (count !== undefined && values.length !== count) return undefined;
  return values as number[];
}

/** A single DS value that must be a finite number when present (rescale slope and intercept). */
export function readRequiredDecimal(ds: DataSet, tag: string, name: string, ctx: AttrContext): number | undefined {
  const s = readString(ds, tag, 0);
  if (s === undefined) return undefined;
  const v = parseDecimal(s);
  if (v === undefined)
    throw badInput(`${name} ${tagLabel(tag)} is '${s.slice(0, 40)}'`, {
      file: ctx.fileName,
      offset: ds.elements[tag].dataOffset,
      expected: 'a finite decimal string (DS)',
    });
  return v;
}

export function tagLabel(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5, 9).toUpperCase()})`;
}
