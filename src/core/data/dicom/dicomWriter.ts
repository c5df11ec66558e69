// DICOM Part 10 writer for one ImageVolume (dcmjs builds the bytes): preamble, 'DICM', File Meta in
// Explicit VR Little Endian, the dataset in Explicit VR Little Endian, no private tags, no dates.
//
// SOP class, chosen by what the volume is (Secondary Capture: the IODs of images made by software;
// CT or MR Image Storage would require patient geometry, a frame of reference and acquisition
// attributes that a synthetic image does not have, and claiming them would be fabricating):
//   grey, 1 frame      Secondary Capture Image Storage            1.2.840.10008.5.1.4.1.1.7
//   grey, frames > 1   Multi-frame Grayscale Word SC Storage      1.2.840.10008.5.1.4.1.1.7.3
//   RGB, 1 frame       Secondary Capture Image Storage            1.2.840.10008.5.1.4.1.1.7
//   RGB, frames > 1    Multi-frame True Color SC Storage          1.2.840.10008.5.1.4.1.1.7.4
// Grey pixels: 16 bits allocated and stored, high bit 15. Integer values that fit int16 (some < 0) or
// uint16 are stored as they are (slope 1, intercept 0); integers spanning at most 65535 with the
// intercept at their minimum; anything else quantised: intercept = min, slope = (max - min) / 65535,
// stored = round((v - intercept) / slope), with slope and intercept as the Decimal Strings written
// (so readers get exactly the values the stored integers mean). Pixel Representation 1 (signed) only
// when the values are stored as they are and some are negative; the multi-frame grey IOD allows
// unsigned pixels only, so there the intercept moves to the minimum. RGB: 8 bits, Planar
// Configuration 0, values rounded (0..255 required). Non-finite values are refused (DICOM stores integers).
//
// Identity: Patient Name 'SYNTHETIC^<index>' and Patient ID 'SYN-<index>' (origin 'converted':
// 'DEIDENTIFIED^<index>', 'DEID-<index>', since those pixels are a real patient's); Patient Identity
// Removed YES, De-identification Method and Derivation Description naming MedSynth and the generator;
// Image Type DERIVED\SECONDARY; Conversion Type SYN (synthetic) or WSD (converted); UIDs from
// dicomUid.ts (seed + role + index), so the same inputs give the same bytes. From a source only the
// allowlisted technical attributes of dicomTemplate.ts are copied.
import dcmjs from 'dcmjs';
import { MedSynthError, badInput } from '../../errors';
import type { ImageVolume } from '../imageSet';
import { EXPLICIT_LE } from './dicomFile';
import { checkTemplate } from './dicomTemplate';
import type { DicomTemplate } from './dicomTemplate';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, deterministicUid } from './dicomUid';

export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
export const MULTIFRAME_GREY_WORD_SC = '1.2.840.10008.5.1.4.1.1.7.3';
export const MULTIFRAME_TRUE_COLOR_SC = '1.2.840.10008.5.1.4.1.1.7.4';

/** The largest Pixel Data one file holds here (explicit VR lengths are 32-bit; one Uint8Array). */
export const MAX_DICOM_PIXEL_BYTES = 2 ** 31 - 2;

export interface DicomWriteOptions {
  /** Who made the pixels: a generator's name, or 'medsynth convert'. Printable ASCII, at most 64, no backslash. */
  readonly generatorName: string;
  /** The generator model's SHA-256 (64 lower-case hex digits), named in the Derivation Description. */
  readonly generatorSha256?: string;
  /** The sample's global index (0-based): Patient Name/ID, Instance Number and the SOP Instance UID. */
  readonly index: number;
  /** The run's UID seed (e.g. generator hash + seed): Study/Series UIDs from it, SOP Instance UIDs from it and the index. */
  readonly uidSeed: string;
  /** 'synthetic' (default: a generator's sample) or 'converted' (a real image written by medsynth convert). */
  readonly origin?: 'synthetic' | 'converted';
  /** DICOM Modality; default the template's, else 'OT'. */
  readonly dicomModality?: string;
  /** Window Center/Width; default the volume's first window. */
  readonly window?: { readonly center: number; readonly width: number };
  /** Pixel spacing (mm); default the volume's, else the template's PixelSpacing. */
  readonly spacing?: ImageVolume['spacing'];
  /** Rescale Type (units of the modality values); default the volume's units, else 'US' (unspecified). */
  readonly units?: string;
  /** Allowlisted technical attributes (dicomTemplate.ts). */
  readonly template?: DicomTemplate;
}

/** How grey modality values become stored integers. */
export interface GreyQuantisation {
  readonly stored: Int16Array | Uint16Array;
  readonly signed: boolean;
  /** The Decimal Strings written, and the numbers they mean (used to compute `stored`). */
  readonly slopeText: string;
  readonly interceptText: string;
  readonly slope: number;
  readonly intercept: number;
}

/** A number as a DICOM Decimal String: at most 16 characters, as many significant digits as fit. */
export function decimalString(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  if (Object.is(v, -0)) return '0';
  const plain = String(v);
  if (plain.length <= 16) return plain;
  for (let digits = 16; digits >= 1; digits--) {
    for (const text of [v.toPrecision(digits), v.toExponential(digits - 1)]) {
      const [mantissa, exponent] = text.split('e');
      const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
      const t = exponent === undefined ? m : `${m}e${exponent.replace('+', '')}`;
      if (t.length <= 16) return t;
    }
  }
  throw new RangeError(`cannot write ${v} as a Decimal String`);
}

function position(volume: ImageVolume, i: number): string {
  const perFrame = volume.rows * volume.columns * volume.channels;
  const frame = Math.floor(i / perFrame);
  const pixel = Math.floor((i % perFrame) / volume.channels);
  return `frame ${frame}, row ${Math.floor(pixel / volume.columns)}, column ${pixel % volume.columns}`;
}

/** Stored integers, slope and intercept for grey values (see the header comment); `allowSigned` false for multi-frame grey. */
export function quantiseGrey(volume: ImageVolume, allowSigned: boolean): GreyQuantisation {
  const data = volume.data;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v))
      throw badInput(`the value at ${position(volume, i)} is ${v}`, { file: volume.id, expected: 'finite values (DICOM stores integers)' });
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  const asIs = (signed: boolean): GreyQuantisation => {
    const stored = signed ? new Int16Array(data.length) : new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) stored[i] = data[i];
    return { stored, signed, slopeText: '1', interceptText: '0', slope: 1, intercept: 0 };
  };
  if (integers && min >= 0 && max <= 65535) return asIs(false);
  if (integers && allowSigned && min >= -32768 && max <= 32767) return asIs(true);
  const interceptText = decimalString(min);
  const intercept = Number(interceptText);
  const slopeText = integers && max - min <= 65535 ? '1' : decimalString(max > min ? (max - min) / 65535 : 1);
  const slope = Number(slopeText);
  const stored = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const s = Math.round((data[i] - intercept) / slope);
    stored[i] = s < 0 ? 0 : s > 65535 ? 65535 : s;
  }
  return { stored, signed: false, slopeText, interceptText, slope, intercept };
}

function rgbBytes(volume: ImageVolume): Uint8Array {
  const data = volume.data;
  const out = new Uint8Array(data.length + (data.length % 2)); // Pixel Data has an even length
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]);
    if (!(v >= 0 && v <= 255))
      throw badInput(`the RGB value at ${position(volume, i)} is ${data[i]}`, { file: volume.id, expected: 'colour values in 0..255' });
    out[i] = v;
  }
  return out;
}

function littleEndianWords(stored: Int16Array | Uint16Array): Uint8Array {
  const out = new Uint8Array(stored.length * 2);
  const view = new DataView(out.buffer);
  if (stored instanceof Int16Array) for (let i = 0; i < stored.length; i++) view.setInt16(2 * i, stored[i], true);
  else for (let i = 0; i < stored.length; i++) view.setUint16(2 * i, stored[i], true);
  return out;
}

const TEXT_64 = /^[\x20-\x5b\x5d-\x7e]{1,64}$/;

function checkOptions(volume: ImageVolume, opts: DicomWriteOptions): void {
  const where = { file: volume.id };
  if (!TEXT_64.test(opts.generatorName))
    throw new MedSynthError('BAD_USAGE', `the generator name ${JSON.stringify(opts.generatorName)} cannot be written to DICOM`, {
      expected: 'printable ASCII without backslash, 1 to 64 characters',
    });
  if (opts.generatorSha256 !== undefined && !/^[0-9a-f]{64}$/.test(opts.generatorSha256))
    throw new MedSynthError('BAD_USAGE', 'the generator SHA-256 is not 64 lower-case hex digits', { expected: 'a SHA-256 in hex' });
  if (!Number.isSafeInteger(opts.index) || opts.index < 0 || opts.index > 2 ** 31 - 2)
    throw new MedSynthError('BAD_USAGE', `sample index ${opts.index}`, { expected: 'a whole number from 0 to 2^31-2' });
  if (typeof opts.uidSeed !== 'string' || opts.uidSeed.length === 0)
    throw new MedSynthError('BAD_USAGE', 'the DICOM UID seed is empty', { expected: 'a non-empty seed string' });
  if (opts.dicomModality !== undefined && !/^[A-Z0-9 _]{1,16}$/.test(opts.dicomModality))
    throw new MedSynthError('BAD_USAGE', `DICOM modality ${JSON.stringify(opts.dicomModality)}`, {
      expected: 'a code such as CT, MR or OT',
    });
  if (opts.units !== undefined && !/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(opts.units))
    throw new MedSynthError('BAD_USAGE', `units ${JSON.stringify(opts.units)}`, { expected: 'printable text of at most 16 characters' });
  if (opts.window && !(Number.isFinite(opts.window.center) && Number.isFinite(opts.window.width) && opts.window.width > 0))
    throw new MedSynthError('BAD_USAGE', `window ${JSON.stringify(opts.window)}`, { expected: 'a finite center and a width above 0' });
  for (const [name, n, max] of [
    ['rows', volume.rows, 65535],
    ['columns', volume.columns, 65535],
    ['frames', volume.frames, 2 ** 31 - 1],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw badInput(`${name} is ${n}`, { ...where, expected: `a whole number of ${name}, at least 1` });
    if (n > max)
      throw new MedSynthError('LIMIT_EXCEEDED', `${n} ${name} do not fit a DICOM image`, { ...where, expected: `at most ${max}` });
  }
  if (volume.channels !== 1 && volume.channels !== 3)
    throw badInput(`channels is ${String(volume.channels)}`, { ...where, expected: '1 or 3' });
  const values = volume.frames * volume.rows * volume.columns * volume.channels;
  const bytes = values * (volume.channels === 3 ? 1 : 2);
  if (bytes > MAX_DICOM_PIXEL_BYTES)
    throw new MedSynthError('LIMIT_EXCEEDED', `${bytes} bytes of Pixel Data`, { ...where, expected: `at most ${MAX_DICOM_PIXEL_BYTES}` });
  if (volume.data.length !== values)
    throw badInput(`the volume holds ${volume.data.length} values`, {
      ...where,
      expected: `${values} (${volume.frames} x ${volume.rows} x ${volume.columns} x ${volume.channels})`,
    });
}

function usableWindow(w: { center: number; width: number } | undefined): { center: number; width: number } | undefined {
  return w && Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0 ? w : undefined;
}

// dcmjs logs through loglevel; a writer in core prints nothing (every value is formatted before it gets there).
dcmjs.log.setLevel('error');

/** One DICOM Part 10 file holding `volume` (see the header comment). Same volume and options, same bytes. */
export function encodeDicom(volume: ImageVolume, opts: DicomWriteOptions): Uint8Array {
  checkOptions(volume, opts);
  const template = checkTemplate(opts.template ?? {}, volume.id);
  const rgb = volume.channels === 3;
  const multiFrame = volume.frames > 1;
  const sopClass = multiFrame ? (rgb ? MULTIFRAME_TRUE_COLOR_SC : MULTIFRAME_GREY_WORD_SC) : SECONDARY_CAPTURE;
  const converted = opts.origin === 'converted';
  const index = opts.index;
  const sopInstance = deterministicUid(opts.uidSeed, 'instance', index);
  const modality = opts.dicomModality ?? (typeof template.Modality === 'string' ? template.Modality : 'OT');
  const templatePixelSpacing = Array.isArray(template.PixelSpacing) ? (template.PixelSpacing as readonly number[]) : undefined;
  const spacing =
    opts.spacing ??
    volume.spacing ??
    (templatePixelSpacing ? { row: templatePixelSpacing[0], column: templatePixelSpacing[1] } : undefined);
  const sliceSpacing = spacing?.slice !== undefined && Number.isFinite(spacing.slice) && spacing.slice > 0 ? spacing.slice : undefined;
  const generator = `${opts.generatorName}${opts.generatorSha256 ? ` (model sha256 ${opts.generatorSha256})` : ''}`;

  const ds: Record<string, unknown> = {
    ImageType: ['DERIVED', 'SECONDARY'],
    SOPClassUID: sopClass,
    SOPInstanceUID: sopInstance,
    StudyDate: '',
    StudyTime: '',
    AccessionNumber: '',
    Modality: modality,
    ConversionType: converted ? 'WSD' : 'SYN',
    ReferringPhysicianName: '',
    SecondaryCaptureDeviceManufacturer: 'MedSynth',
    SecondaryCaptureDeviceManufacturerModelName: opts.generatorName,
    DerivationDescription: converted
      ? `Converted by MedSynth (${generator}) from a source image, sample ${index}; source identifiers, dates and UIDs removed; only allowlisted technical attributes kept`
      : `Synthetic image generated by ${generator} with MedSynth, sample ${index}; no patient data`,
    PatientName: converted ? `DEIDENTIFIED^${index}` : `SYNTHETIC^${index}`,
    PatientID: converted ? `DEID-${index}` : `SYN-${index}`,
    PatientBirthDate: '',
    PatientSex: '',
    PatientIdentityRemoved: 'YES',
    DeidentificationMethod: converted ? 'MedSynth convert: identifiers removed' : 'MedSynth synthetic image',
    StudyInstanceUID: deterministicUid(opts.uidSeed, 'study'),
    SeriesInstanceUID: deterministicUid(opts.uidSeed, 'series'),
    StudyID: '',
    SeriesNumber: '1',
    InstanceNumber: String(index + 1),
    PatientOrientation: '',
    SamplesPerPixel: rgb ? 3 : 1,
    PhotometricInterpretation: rgb ? 'RGB' : 'MONOCHROME2',
    Rows: volume.rows,
    Columns: volume.columns,
    BitsAllocated: rgb ? 8 : 16,
    BitsStored: rgb ? 8 : 16,
    HighBit: rgb ? 7 : 15,
  };
  if (!converted) ds.BurnedInAnnotation = 'NO';
  for (const key of ['BodyPartExamined', 'ConvolutionKernel'] as const) if (typeof template[key] === 'string') ds[key] = template[key];
  for (const key of ['KVP', 'MagneticFieldStrength', 'RepetitionTime', 'EchoTime', 'FlipAngle'] as const)
    if (typeof template[key] === 'number') ds[key] = decimalString(template[key] as number);
  const thickness = typeof template.SliceThickness === 'number' ? template.SliceThickness : sliceSpacing;
  if (thickness !== undefined) ds.SliceThickness = decimalString(thickness);
  const between = sliceSpacing ?? (typeof template.SpacingBetweenSlices === 'number' ? template.SpacingBetweenSlices : undefined);
  if (between !== undefined && multiFrame) ds.SpacingBetweenSlices = decimalString(between);
  if (spacing && spacing.row > 0 && spacing.column > 0) ds.PixelSpacing = [decimalString(spacing.row), decimalString(spacing.column)];
  if (multiFrame) {
    ds.NumberOfFrames = String(volume.frames);
    if (sliceSpacing !== undefined) {
      ds.FrameIncrementPointer = 0x00182005; // Slice Location Vector
      ds.SliceLocationVector = Array.from({ length: volume.frames }, (_, k) => decimalString(k * sliceSpacing));
    } else {
      ds.FrameIncrementPointer = 0x00182001; // Page Number Vector
      ds.PageNumberVector = Array.from({ length: volume.frames }, (_, k) => String(k + 1));
    }
  }
  let pixels: Uint8Array;
  if (rgb) {
    ds.PlanarConfiguration = 0;
    ds.PixelRepresentation = 0;
    pixels = rgbBytes(volume);
  } else {
    const q = quantiseGrey(volume, !multiFrame);
    ds.PixelRepresentation = q.signed ? 1 : 0;
    ds.RescaleIntercept = q.interceptText;
    ds.RescaleSlope = q.slopeText;
    ds.RescaleType = opts.units ?? (volume.units && /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(volume.units) ? volume.units : 'US');
    const w = usableWindow(opts.window) ?? usableWindow(volume.windows[0]);
    if (w) {
      ds.WindowCenter = decimalString(w.center);
      ds.WindowWidth = decimalString(Math.max(w.width, 1));
    }
    pixels = littleEndianWords(q.stored);
  }
  ds.PixelData = [pixels.buffer];
  ds._vrMap = { PixelData: rgb ? 'OB' : 'OW' };

  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write());
}
