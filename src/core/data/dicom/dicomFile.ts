// DICOM reader (PS3.10 files, PS3.5 encodings, PS3.3 image pixel module); each entry point lives in
// the file named after it (parse.ts, image.ts, series.ts, dicomdir.ts, waveform.ts).
//
//   parseDicom(bytes, opts)            header of one file: transfer syntax, image attributes, geometry,
//                                      windows, pixel data location (no pixels decoded)
//   isDicom(bytes)                     'DICM' at byte 128, or a plausible dataset without File Meta
//   DICOMDIR_SOP_CLASS                 parseDicom(bytes).sopClassUid of a DICOMDIR (route it to readDicomDir)
//   readDicomImage(bytes, opts)        one file (single or multi-frame) -> ImageSet of one volume
//   readDicomSeries(files, opts)       many files -> one volume per Series Instance UID, sorted along
//                                      the slice normal (else Instance Number)
//   readDicomDir(bytes, opts)          a DICOMDIR's record tree (PATIENT/STUDY/SERIES/IMAGE...) with
//                                      Referenced File IDs as '/'-separated relative paths
//   readDicomDirImages(bytes, opts)    the referenced images, read through opts.siblings only
//   hasWaveform(parseDicom(bytes))     a Waveform Sequence (5400,0100) is present (ECG and other waveforms)
//   readDicomWaveform(bytes, opts)     one waveform file -> SignalSet, one record per multiplex group
//
// Transfer syntaxes: implicit VR LE, explicit VR LE/BE and deflated explicit VR LE here; compressed
// ones through ./codecs/frameDecoder. Values are float32 modality values (rescale applied; RGB for colour, YBR and
// palette converted); MONOCHROME1 keeps its values and says so. Every failure is a MedSynthError:
// BAD_INPUT (file + byte offset), UNSUPPORTED, LIMIT_EXCEEDED (maxPixels, maxDecompressedBytes), CANCELLED.
//
// The typed view of one parsed DICOM file that the pixel readers, the series grouping and the DICOMDIR
// reader share. Values are already validated (integers are integers, sizes are in range), so the code
// after parseDicom never re-checks what the header says, only whether the bytes match it.
import type { DataSet, Element } from 'dicom-parser';

/** Media Storage Directory Storage: the SOP class of a DICOMDIR. */
export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_BE = '1.2.840.10008.1.2.2';

const NATIVE_NAMES: Readonly<Record<string, string>> = {
  [IMPLICIT_LE]: 'Implicit VR Little Endian',
  [EXPLICIT_LE]: 'Explicit VR Little Endian',
  [DEFLATED_LE]: 'Deflated Explicit VR Little Endian',
  [EXPLICIT_BE]: 'Explicit VR Big Endian',
};

export function isNativeSyntax(uid: string): boolean {
  return uid in NATIVE_NAMES;
}

export function nativeSyntaxName(uid: string): string | undefined {
  return NATIVE_NAMES[uid];
}

/** Where the Pixel Data element lies in `DicomFile.dataSet.byteArray` (not in the input when deflated). */
export interface PixelDataLocation {
  readonly offset: number;
  readonly length: number;
  readonly vr?: string;
  readonly encapsulated: boolean;
  /** The dicom-parser element, for the fragments of encapsulated data. */
  readonly element: Element;
}

export interface VoiLut {
  readonly entries: number;
  readonly firstMapped: number;
  readonly bitsPerEntry: number;
}

/** A Modality LUT Sequence (0028,3000) table: stored value v maps to table[clamp(v - firstMapped)]. */
export interface ModalityLut {
  readonly firstMapped: number;
  readonly table: Uint16Array;
}

export interface DicomImageAttributes {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  readonly pixelRepresentation: 0 | 1;
  readonly planarConfiguration: 0 | 1;
  readonly photometricInterpretation: string;
  readonly numberOfFrames: number;
}

export interface DicomFile {
  readonly fileName?: string;
  readonly transferSyntaxUid: string;
  /** False for a dataset without preamble and File Meta group (its syntax was guessed from the first element). */
  readonly hasMeta: boolean;
  readonly littleEndian: boolean;
  readonly sopClassUid?: string;
  readonly modality?: string;
  readonly seriesInstanceUid?: string;
  readonly instanceNumber?: number;
  /** Undefined when the file has no Pixel Data (a structured report, a plan, a DICOMDIR). */
  readonly image?: DicomImageAttributes;
  readonly rescaleSlope?: number;
  readonly rescaleIntercept?: number;
  readonly rescaleType?: string;
  /** Replaces Rescale Slope/Intercept when present (as pydicom's apply_modality_lut does). */
  readonly modalityLut?: ModalityLut;
  readonly windowCenters: readonly number[];
  readonly windowWidths: readonly number[];
  readonly windowExplanations: readonly string[];
  readonly voiLut?: VoiLut;
  /** (row spacing, column spacing) in mm. */
  readonly pixelSpacing?: readonly [number, number];
  readonly sliceThickness?: number;
  readonly spacingBetweenSlices?: number;
  /** Distance between the frames of a multi-frame file (Grid Frame Offset Vector, per-frame positions). */
  readonly frameSpacing?: number;
  readonly imagePositionPatient?: readonly [number, number, number];
  readonly imageOrientationPatient?: readonly [number, number, number, number, number, number];
  readonly pixelData?: PixelDataLocation;
  /** The parsed dataset (meta group merged in), for the readers in this folder. */
  readonly dataSet: DataSet;
}
