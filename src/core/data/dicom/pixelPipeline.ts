// From raw sample words to the float32 values of an ImageVolume: Bits Stored / High Bit masking with
// sign extension, the modality LUT (Rescale Slope/Intercept), YBR_FULL -> RGB with the PS3.3
// C.7.6.3.1.2 equations (rounded and clipped as pydicom does), and simple palette colour LUTs.
import type { DataSet } from 'dicom-parser';
import { MedSynthError, badInput } from '../../errors';
import type { DicomFile, DicomImageAttributes } from './dicomFile';
import type { RawSamples } from './nativePixels';

export interface Palette {
  readonly entries: number;
  readonly firstMapped: number;
  /** Red, green, blue tables already scaled to 0..255. */
  readonly tables: readonly [Uint8Array, Uint8Array, Uint8Array];
}

/** The stored value of sample `v` after Bits Stored / High Bit masking and sign extension. */
export function storedValueReader(image: DicomImageAttributes): (v: number) => number {
  const bits = image.bitsStored;
  const shift = image.highBit + 1 - bits;
  const signed = image.pixelRepresentation === 1;
  if (bits === 32) return signed ? (v) => v | 0 : (v) => v >>> 0;
  const mask = 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  const full = 2 ** bits;
  return (v) => {
    const u = (v >>> shift) & mask;
    return signed && u >= signBit ? u - full : u;
  };
}

/**
 * The stored values as a typed array view when no masking is needed (Bits Stored = Bits Allocated, the
 * container has that size): the common 16-bit case then skips the per-sample masking call.
 */
function directValues(samples: RawSamples, image: DicomImageAttributes): ArrayLike<number> | undefined {
  if (
    image.bitsStored !== image.bitsAllocated ||
    image.highBit !== image.bitsStored - 1 ||
    samples.BYTES_PER_ELEMENT * 8 !== image.bitsAllocated
  )
    return undefined;
  const { buffer, byteOffset, length } = samples;
  const signed = image.pixelRepresentation === 1;
  if (image.bitsAllocated === 8) return signed ? new Int8Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
  if (image.bitsAllocated === 16) return signed ? new Int16Array(buffer, byteOffset, length) : new Uint16Array(buffer, byteOffset, length);
  return signed ? new Int32Array(buffer, byteOffset, length) : new Uint32Array(buffer, byteOffset, length);
}

/** Output channels of a frame of this photometric interpretation. */
export function outputChannels(image: DicomImageAttributes): 1 | 3 {
  return image.samplesPerPixel === 3 || image.photometricInterpretation === 'PALETTE COLOR' ? 3 : 1;
}

export interface FrameTarget {
  readonly out: Float32Array;
  readonly offset: number;
  readonly slope: number;
  readonly intercept: number;
  readonly palette?: Palette;
}

/** Writes one frame (interleaved samples of `photometric`) as modality values into `target.out`. */
export function writeFrame(
  file: DicomFile,
  image: DicomImageAttributes,
  samples: RawSamples,
  photometric: string,
  target: FrameTarget,
): void {
  const pixels = image.rows * image.columns;
  const channels = outputChannels(image);
  const inChannels = image.samplesPerPixel;
  if (samples.length < pixels * inChannels) {
    throw badInput(`a frame decoded to ${samples.length} samples`, {
      file: file.fileName,
      expected: `${pixels * inChannels} samples (${image.rows} x ${image.columns} x ${inChannels})`,
    });
  }
  const stored = storedValueReader(image);
  const { out, offset } = target;
  if (inChannels === 1 && photometric === 'PALETTE COLOR') {
    const p = target.palette;
    if (!p) throw new MedSynthError('UNSUPPORTED', 'PALETTE COLOR without a usable palette', { file: file.fileName });
    const last = p.entries - 1;
    for (let i = 0; i < pixels; i++) {
      const index = Math.min(Math.max(stored(samples[i]) - p.firstMapped, 0), last);
      out[offset + i * 3] = p.tables[0][index];
      out[offset + i * 3 + 1] = p.tables[1][index];
      out[offset + i * 3 + 2] = p.tables[2][index];
    }
    return;
  }
  if (inChannels === 1) {
    if (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2') {
      throw new MedSynthError('UNSUPPORTED', `Photometric Interpretation '${photometric}' with one sample per pixel`, {
        file: file.fileName,
        expected: 'MONOCHROME1, MONOCHROME2 or PALETTE COLOR',
      });
    }
    const lut = file.modalityLut;
    if (lut) {
      const last = lut.table.length - 1;
      for (let i = 0; i < pixels; i++) out[offset + i] = lut.table[Math.min(Math.max(stored(samples[i]) - lut.firstMapped, 0), last)];
      return;
    }
    const { slope, intercept } = target;
    const direct = directValues(samples, image);
    if (direct) for (let i = 0; i < pixels; i++) out[offset + i] = direct[i] * slope + intercept;
    else for (let i = 0; i < pixels; i++) out[offset + i] = stored(samples[i]) * slope + intercept;
    return;
  }
  const n = pixels * channels;
  if (photometric === 'RGB') {
    for (let i = 0; i < n; i++) out[offset + i] = stored(samples[i]);
    return;
  }
  if (photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422') {
    const max = 2 ** image.bitsStored - 1;
    const half = 2 ** (image.bitsStored - 1);
    const clip = (v: number): number => Math.min(Math.max(Math.floor(v + 0.5), 0), max);
    for (let i = 0; i < pixels; i++) {
      const y = stored(samples[i * 3]);
      const cb = stored(samples[i * 3 + 1]) - half;
      const cr = stored(samples[i * 3 + 2]) - half;
      out[offset + i * 3] = clip(y + 1.402 * cr);
      out[offset + i * 3 + 1] = clip(y - ((0.114 * 1.772) / 0.587) * cb - ((0.299 * 1.402) / 0.587) * cr);
      out[offset + i * 3 + 2] = clip(y + 1.772 * cb);
    }
    return;
  }
  throw new MedSynthError('UNSUPPORTED', `Photometric Interpretation '${photometric}' with three samples per pixel`, {
    file: file.fileName,
    expected: 'RGB, YBR_FULL or YBR_FULL_422',
  });
}

const PALETTE_TAGS = [
  ['x00281101', 'x00281201'],
  ['x00281102', 'x00281202'],
  ['x00281103', 'x00281203'],
] as const;

/** The three palette colour LUTs of a PALETTE COLOR image; UNSUPPORTED when segmented or inconsistent. */
export function readPalette(file: DicomFile): Palette {
  const ds: DataSet = file.dataSet;
  const where = { file: file.fileName };
  if (ds.elements.x00281221 || ds.elements.x00281222 || ds.elements.x00281223) {
    throw new MedSynthError('UNSUPPORTED', 'segmented palette colour lookup tables', {
      ...where,
      expected: 'plain Red/Green/Blue Palette Color Lookup Table Data',
    });
  }
  const signed = file.image?.pixelRepresentation === 1;
  let entries = 0;
  let firstMapped = 0;
  const tables: Uint8Array[] = [];
  for (const [descTag, dataTag] of PALETTE_TAGS) {
    const desc = ds.elements[descTag];
    const data = ds.elements[dataTag];
    if (!desc || desc.length < 6 || !data || data.length === 0)
      throw new MedSynthError('UNSUPPORTED', 'PALETTE COLOR without complete lookup table descriptors and data', {
        ...where,
        expected: 'the Palette Color Lookup Table Module',
      });
    const n = ds.uint16(descTag, 0) || 65_536;
    const first = (signed ? ds.int16(descTag, 1) : ds.uint16(descTag, 1)) ?? 0;
    if (tables.length > 0 && (n !== entries || first !== firstMapped))
      throw new MedSynthError('UNSUPPORTED', 'palette colour lookup tables of different sizes', where);
    entries = n;
    firstMapped = first;
    if (data.dataOffset + data.length > ds.byteArray.length)
      throw badInput('palette lookup table data runs past the end of the file', { ...where, offset: data.dataOffset });
    const table = new Uint8Array(n);
    if (data.length === n) {
      for (let i = 0; i < n; i++) table[i] = ds.byteArray[data.dataOffset + i];
    } else if (data.length >= 2 * n) {
      for (let i = 0; i < n; i++) table[i] = ds.uint16(dataTag, i)! >> 8;
    } else {
      throw badInput(`palette lookup table data of ${data.length} bytes for ${n} entries`, {
        ...where,
        offset: data.dataOffset,
        expected: `${n} or ${2 * n} bytes`,
      });
    }
    tables.push(table);
  }
  return { entries, firstMapped, tables: [tables[0], tables[1], tables[2]] };
}

/** Window presets: the file's VOI windows, else the VOI LUT's input range, else the data's min..max. */
export function windowsOf(file: DicomFile, data: Float32Array): { center: number; width: number; name?: string }[] {
  const out: { center: number; width: number; name?: string }[] = [];
  for (let i = 0; i < file.windowCenters.length; i++) {
    const name = file.windowExplanations[i];
    out.push(
      name
        ? { center: file.windowCenters[i], width: file.windowWidths[i], name }
        : { center: file.windowCenters[i], width: file.windowWidths[i] },
    );
  }
  if (out.length > 0) return out;
  const lut = file.voiLut;
  // A VOI LUT maps modality values firstMapped .. firstMapped + entries - 1; show that range.
  if (lut && lut.entries > 1) return [{ center: lut.firstMapped + (lut.entries - 1) / 2, width: lut.entries, name: 'VOI LUT' }];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return [];
  return [{ center: (min + max) / 2, width: Math.max(max - min, 1), name: 'min-max' }];
}
