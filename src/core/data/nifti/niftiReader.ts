// NIfTI-1/NIfTI-2 volumes (.nii, .nii.gz, and .hdr/.img pairs through the sibling reader) into an
// ImageSet with one ImageVolume: columns = dim[1] (x), rows = dim[2] (y), frames = dim[3] * dim[4] *
// ... (z, then t, then the higher dimensions), values in file order (see niftiVoxels.ts). Sizes are
// checked against maxPixels and maxDecompressedBytes before anything sized by the file is allocated.

import { badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit, decodeLimit } from '../decodeLimits';
import type { ImageSet, ImageVolume } from '../imageSet';
import type { MultiFileReadOptions } from '../readOptions';
import { rangeWindow } from '../raster/valueWindows';
import { boundedGunzip, isGzip } from './boundedGunzip';
import type { NiftiHeader } from './niftiHeader';
import { NIFTI2_HEADER_BYTES, dataBytes, headerKind, parseNiftiHeader, voxelCount } from './niftiHeader';
import { niftiScaling, niftiValues } from './niftiVoxels';

const SPATIAL_UNITS: Readonly<Record<number, { name: string; toMm: number }>> = {
  0: { name: 'unknown (assumed mm)', toMm: 1 },
  1: { name: 'm', toMm: 1000 },
  2: { name: 'mm', toMm: 1 },
  3: { name: 'um', toMm: 0.001 },
};
const TIME_UNITS: Readonly<Record<number, string>> = { 0: 'unknown', 8: 's', 16: 'ms', 24: 'us', 32: 'Hz', 40: 'ppm', 48: 'rad/s' };
const XFORM_CODES: Readonly<Record<number, string>> = { 0: 'unknown', 1: 'scanner', 2: 'aligned', 3: 'talairach', 4: 'mni152', 5: 'template' };

/** A NIfTI header (either byte order), or a gzip stream named .nii.gz / .hdr.gz. */
export function isNifti(bytes: Uint8Array, fileName?: string): boolean {
  if (isGzip(bytes)) return fileName !== undefined && /\.(nii|hdr)\.gz$/i.test(fileName);
  const kind = headerKind(bytes);
  if (!kind) return false;
  if (kind.version === 2) return bytes.length >= 8 && (bytes[4] === 0x6e && (bytes[5] === 0x2b || bytes[5] === 0x69)) && bytes[6] === 0x32;
  return bytes.length >= 348 && bytes[344] === 0x6e && (bytes[345] === 0x2b || bytes[345] === 0x69) && bytes[346] === 0x31;
}

function baseName(path: string | undefined): string {
  if (!path) return 'volume';
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || 'volume';
}

/** Inflates just the header and the voxels a gzipped file declares (never the rest of a bomb). */
async function gunzipNeeded(bytes: Uint8Array, opts: MultiFileReadOptions, dataOnly?: { header: NiftiHeader }): Promise<Uint8Array> {
  return boundedGunzip(bytes, {
    maxBytes: decodeLimit(opts.limits, 'maxDecompressedBytes'),
    probeBytes: dataOnly ? 0 : NIFTI2_HEADER_BYTES,
    fileName: opts.fileName,
    signal: opts.signal,
    needed: (head) => {
      if (dataOnly) return dataOnly.header.voxOffset + dataBytes(dataOnly.header);
      const h = parseNiftiHeader(head, opts.fileName);
      checkValueLimit(h, opts);
      // A pair's .hdr.gz holds the header only (and perhaps extensions, which we skip).
      return h.singleFile ? h.voxOffset + dataBytes(h) : h.headerBytes;
    },
  });
}

function checkValueLimit(h: NiftiHeader, opts: MultiFileReadOptions): void {
  checkDecodeLimit(opts.limits, 'maxPixels', voxelCount(h) * h.datatype.channels, 'voxel values', opts.fileName, h.version === 1 ? 40 : 16);
}

/** pair.hdr -> pair.img, PAIR.HDR -> PAIR.IMG, pair.hdr.gz -> pair.img.gz. */
function imgNameFor(hdrName: string): string {
  return hdrName.replace(/\.(hdr)(\.gz)?$/i, (_m, ext: string, gz: string | undefined) => `.${ext === 'HDR' ? 'IMG' : 'img'}${gz ?? ''}`);
}

async function readSibling(opts: MultiFileReadOptions, name: string): Promise<Uint8Array> {
  if (!opts.siblings) throw badInput(`a NIfTI .hdr/.img pair needs its other file '${name}', and no sibling reader was given`, { file: opts.fileName });
  return opts.siblings(name);
}

export async function readNifti(bytes: Uint8Array, opts: MultiFileReadOptions = {}): Promise<ImageSet> {
  throwIfAborted(opts.signal);
  const fileName = opts.fileName;
  // Opened through the .img of a pair: the header is the sibling.
  if (fileName && /\.img(\.gz)?$/i.test(fileName)) {
    const hdrName = baseName(fileName).replace(/\.img(\.gz)?$/i, (_m, gz: string | undefined) => `.hdr${gz ?? ''}`);
    const hdrBytes = await readSibling(opts, hdrName);
    return readNifti(hdrBytes, { ...opts, fileName: fileName.slice(0, fileName.length - baseName(fileName).length) + hdrName });
  }

  const file = isGzip(bytes) ? await gunzipNeeded(bytes, opts) : bytes;
  const h = parseNiftiHeader(file, fileName);
  checkValueLimit(h, opts);
  const scaling = niftiScaling(h, fileName);
  const need = dataBytes(h);
  throwIfAborted(opts.signal);

  let data = file;
  let dataName = fileName;
  const sourceFiles = [fileName ?? 'volume'];
  if (!h.singleFile) {
    if (!fileName) throw badInput('a NIfTI pair header (magic ni1/ni2) needs its file name to find the .img', { file: fileName });
    dataName = imgNameFor(baseName(fileName));
    const img = await readSibling(opts, dataName);
    sourceFiles.push(fileName.slice(0, fileName.length - baseName(fileName).length) + dataName);
    data = isGzip(img) ? await gunzipNeeded(img, { ...opts, fileName: dataName }, { header: h }) : img;
  }
  if (h.voxOffset > data.length) {
    throw badInput(`vox_offset ${h.voxOffset} lies beyond the end of the data (${data.length} bytes)`, { file: dataName, offset: data.length, expected: `at least ${h.voxOffset + need} bytes` });
  }
  if (h.voxOffset + need > data.length) {
    throw badInput(`the voxel data is truncated: ${data.length - h.voxOffset} of ${need} bytes present`, { file: dataName, offset: data.length, expected: `${h.voxOffset + need} bytes` });
  }

  const values = niftiValues(h, data, h.voxOffset, scaling, opts.signal);
  const [nx, ny = 1] = h.dims;
  const frames = h.dims.slice(2).reduce((n, d) => n * d, 1);
  const volume: ImageVolume = {
    id: baseName(fileName),
    frames,
    rows: ny,
    columns: nx,
    channels: h.datatype.channels,
    data: values,
    photometric: h.datatype.channels === 3 ? 'RGB' : 'MONOCHROME2',
    spacing: spacingOf(h),
    windows: [...calWindow(h), ...rangeWindow(values)],
    sourceFiles,
    metadata: metadataOf(h, scaling),
  };
  return { modality: 'image', images: [volume] };
}

function spacingOf(h: NiftiHeader): ImageVolume['spacing'] {
  const unit = SPATIAL_UNITS[h.xyztUnits & 0x07] ?? SPATIAL_UNITS[0];
  const mm = (v: number | undefined): number | undefined => (v !== undefined && Number.isFinite(v) && v !== 0 ? Math.abs(v) * unit.toMm : undefined);
  const column = mm(h.pixdim[0]);
  const row = h.dims.length >= 2 ? mm(h.pixdim[1]) : 1 * unit.toMm;
  if (column === undefined || row === undefined) return undefined;
  const slice = h.dims.length >= 3 ? mm(h.pixdim[2]) : undefined;
  return slice === undefined ? { row, column } : { row, column, slice };
}

function calWindow(h: NiftiHeader): ImageVolume['windows'] {
  const { calMin, calMax } = h;
  if (!(Number.isFinite(calMin) && Number.isFinite(calMax) && calMax > calMin)) return [];
  return [{ center: (calMin + calMax) / 2, width: calMax - calMin, name: 'cal_min..cal_max' }];
}

function metadataOf(h: NiftiHeader, scaling: { slope: number; inter: number } | undefined): Record<string, string | number> {
  const m: Record<string, string | number> = {
    format: `NIfTI-${h.version}${h.singleFile ? '' : ' pair'}`,
    datatype: h.datatype.name,
    datatypeCode: h.datatype.code,
    bitpix: h.bitpix,
    dims: h.dims.join('x'),
    byteOrder: h.littleEndian ? 'little-endian' : 'big-endian',
    voxOffset: h.voxOffset,
    voxelOrder: 'file order, not reoriented: column = i (x), row = j (y), frame = k + nk * (t + ...)',
    slicesPerVolume: h.dims[2] ?? 1,
    volumes: h.dims.slice(3).reduce((n, d) => n * d, 1),
    spatialUnits: (SPATIAL_UNITS[h.xyztUnits & 0x07] ?? SPATIAL_UNITS[0]).name,
    timeUnits: TIME_UNITS[h.xyztUnits & 0x38] ?? 'unknown',
    qformCode: h.qformCode,
    qform: XFORM_CODES[h.qformCode] ?? 'invalid',
    sformCode: h.sformCode,
    sform: XFORM_CODES[h.sformCode] ?? 'invalid',
  };
  if (h.dims.length >= 4 && Number.isFinite(h.pixdim[3])) m.timeStep = h.pixdim[3];
  if (scaling) {
    m.sclSlope = scaling.slope;
    m.sclInter = scaling.inter;
  }
  if (h.intentCode !== 0) m.intentCode = h.intentCode;
  if (h.description) m.description = h.description;
  if (h.datatype.name === 'RGBA32') m.alpha = 'dropped (RGBA32 read as RGB)';
  if (h.datatype.name === 'INT64' || h.datatype.name === 'UINT64') m.precision = '64-bit integers rounded to float32 (exact up to 2^24)';
  if (h.datatype.name === 'INT32' || h.datatype.name === 'UINT32') m.precision = '32-bit integers rounded to float32 (exact up to 2^24)';
  return m;
}
