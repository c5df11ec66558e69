// NIfTI-1/NIfTI-2 volumes (.nii, .nii.gz, and .hdr/.img pairs through the sibling reader) into an
// ImageSet with one ImageVolume: columns = dim[1] (x), rows = dim[2] (y), frames = dim[3] * dim[4] *
// ... (z, then t, then the higher dimensions), values in file order (see niftiVoxels.ts). Sizes are
// checked against maxPixels and maxDecompressedBytes before anything sized by the file is allocated.

import { badInput, throwIfAborted } from '../../errors';
import { checkDecodeLimit, decodeLimit } from '../decodeLimits';
import type { ImageSet, ImageVolume } from '../imageSet';
import type { MultiFileReadOptions } from '../readOptions';
import { RangeAccumulator, rangeWindowOf } from '../raster/valueWindows';
import { boundedGunzip, isGzip } from './boundedGunzip';
import type { NiftiHeader } from './niftiHeader';
import { NIFTI2_HEADER_BYTES, dataBytes, headerKind, parseNiftiHeader, voxelCount } from './niftiHeader';
import type { Scaling } from './niftiVoxels';
import { niftiScaling, niftiValues, niftiValuesInto } from './niftiVoxels';

const SPATIAL_UNITS: Readonly<Record<number, { name: string; toMm: number }>> = {
  0: { name: 'unknown (assumed mm)', toMm: 1 },
  1: { name: 'm', toMm: 1000 },
  2: { name: 'mm', toMm: 1 },
  3: { name: 'um', toMm: 0.001 },
};
const TIME_UNITS: Readonly<Record<number, string>> = { 0: 'unknown', 8: 's', 16: 'ms', 24: 'us', 32: 'Hz', 40: 'ppm', 48: 'rad/s' };
const XFORM_CODES: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'scanner',
  2: 'aligned',
  3: 'talairach',
  4: 'mni152',
  5: 'template',
};

/** A NIfTI header (either byte order), or a gzip stream named .nii.gz / .hdr.gz. */
export function isNifti(bytes: Uint8Array, fileName?: string): boolean {
  if (isGzip(bytes)) return fileName !== undefined && /\.(nii|hdr)\.gz$/i.test(fileName);
  const kind = headerKind(bytes);
  if (!kind) return false;
  if (kind.version === 2) return bytes.length >= 8 && bytes[4] === 0x6e && (bytes[5] === 0x2b || bytes[5] === 0x69) && bytes[6] === 0x32;
  return bytes.length >= 348 && bytes[344] === 0x6e && (bytes[345] === 0x2b || bytes[345] === 0x69) && bytes[346] === 0x31;
}

function baseName(path: string | undefined): string {
  if (!path) return 'volume';
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || 'volume';
}

/**
 * Voxels converted while the rest of the stream was still inflating (in node's thread pool), so
 * the conversion overlaps the inflation. Only a hint: readNifti uses it only when the header it
 * then parses and checks the usual way agrees, and converts whatever is left.
 */
interface EarlyValues {
  readonly header: NiftiHeader;
  readonly scaling: Scaling | undefined;
  readonly out: Float32Array;
  /** The range of out[0 .. done * channels). */
  readonly range: RangeAccumulator;
  /** The buffer the voxels were read from (the gunzip result's). */
  buffer: ArrayBufferLike;
  /** Voxels 0 .. done - 1 are converted. */
  done: number;
}

/** Inflates just the header and the voxels a gzipped file declares (never the rest of a bomb). */
async function gunzipNeeded(
  bytes: Uint8Array,
  opts: MultiFileReadOptions,
  dataOnly?: { header: NiftiHeader },
  early?: { values?: EarlyValues },
): Promise<Uint8Array> {
  /** The header whose voxels are converted as they arrive, once it passed its checks. */
  let plan: { header: NiftiHeader; scaling: Scaling | undefined } | undefined;
  /** Set once the gunzip is over: from then on readNifti owns the early values. */
  let settled = false;
  const onProgress = (data: Uint8Array, filled: number): void => {
    if (!plan || !early || settled) return;
    const { header: h, scaling } = plan;
    try {
      // Only once the buffer holds room for every voxel: it is sized by what the compressed stream
      // can hold (see boundedGunzip), so a header that claims far more than its stream gets no early
      // allocation either.
      if (data.length < h.voxOffset + dataBytes(h)) return;
      if (!early.values)
        early.values = {
          header: h,
          scaling,
          out: new Float32Array(voxelCount(h) * h.datatype.channels),
          range: new RangeAccumulator(),
          buffer: data.buffer,
          done: 0,
        };
      const e = early.values;
      if (e.buffer !== data.buffer) throw new Error('the gunzip buffer moved');
      const ready = Math.min(voxelCount(h), Math.floor((filled - h.voxOffset) / h.datatype.bytes));
      if (ready > e.done) {
        niftiValuesInto(e.out, h, data, h.voxOffset, scaling, e.done, ready, opts.signal, e.range);
        e.done = ready;
      }
    } catch {
      // Anything unexpected (a cancel included): give up the early values; the usual path decides.
      plan = undefined;
      early.values = undefined;
    }
  };
  const result = boundedGunzip(bytes, {
    maxBytes: decodeLimit(opts.limits, 'maxDecompressedBytes'),
    probeBytes: dataOnly ? 0 : NIFTI2_HEADER_BYTES,
    fileName: opts.fileName,
    signal: opts.signal,
    onProgress: early ? onProgress : undefined,
    needed: (head) => {
      const h = dataOnly ? dataOnly.header : parseNiftiHeader(head, opts.fileName);
      if (!dataOnly) checkValueLimit(h, opts);
      const total = dataOnly || h.singleFile ? h.voxOffset + dataBytes(h) : h.headerBytes;
      if (early && (dataOnly || h.singleFile)) {
        try {
          plan = { header: h, scaling: niftiScaling(h, opts.fileName) };
        } catch {
          plan = undefined; // a broken scaling is reported by readNifti, in its usual order
        }
      }
      // A pair's .hdr.gz holds the header only (and perhaps extensions, which we skip).
      return total;
    },
  });
  try {
    return await result;
  } finally {
    settled = true;
  }
}

/** The early values, completed, when they were made for this header and these bytes; undefined otherwise. */
function earlyValues(
  early: { values?: EarlyValues },
  h: NiftiHeader,
  scaling: Scaling | undefined,
  data: Uint8Array,
  signal?: AbortSignal,
): { values: Float32Array; range: RangeAccumulator } | undefined {
  const e = early.values;
  if (!e) return undefined;
  const g = e.header;
  const same =
    e.buffer === data.buffer &&
    g.voxOffset === h.voxOffset &&
    g.datatype.code === h.datatype.code &&
    g.littleEndian === h.littleEndian &&
    g.dims.length === h.dims.length &&
    g.dims.every((d, i) => d === h.dims[i]) &&
    Object.is(e.scaling?.slope, scaling?.slope) &&
    Object.is(e.scaling?.inter, scaling?.inter);
  if (!same) return undefined;
  early.values = undefined; // no later progress call touches it
  niftiValuesInto(e.out, h, data, h.voxOffset, scaling, e.done, voxelCount(h), signal, e.range);
  return { values: e.out, range: e.range };
}

function checkValueLimit(h: NiftiHeader, opts: MultiFileReadOptions): void {
  checkDecodeLimit(opts.limits, 'maxPixels', voxelCount(h) * h.datatype.channels, 'voxel values', opts.fileName, h.version === 1 ? 40 : 16);
}

/** pair.hdr -> pair.img, PAIR.HDR -> PAIR.IMG, pair.hdr.gz -> pair.img.gz. */
function imgNameFor(hdrName: string): string {
  return hdrName.replace(/\.(hdr)(\.gz)?$/i, (_m, ext: string, gz: string | undefined) => `.${ext === 'HDR' ? 'IMG' : 'img'}${gz ?? ''}`);
}

async function readSibling(opts: MultiFileReadOptions, name: string): Promise<Uint8Array> {
  if (!opts.siblings)
    throw badInput(`a NIfTI .hdr/.img pair needs its other file '${name}', and no sibling reader was given`, { file: opts.fileName });
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

  const early: { values?: EarlyValues } = {};
  const file = isGzip(bytes) ? await gunzipNeeded(bytes, opts, undefined, early) : bytes;
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
    data = isGzip(img) ? await gunzipNeeded(img, { ...opts, fileName: dataName }, { header: h }, early) : img;
  }
  if (h.voxOffset > data.length) {
    throw badInput(`vox_offset ${h.voxOffset} lies beyond the end of the data (${data.length} bytes)`, {
      file: dataName,
      offset: data.length,
      expected: `at least ${h.voxOffset + need} bytes`,
    });
  }
  if (h.voxOffset + need > data.length) {
    throw badInput(`the voxel data is truncated: ${data.length - h.voxOffset} of ${need} bytes present`, {
      file: dataName,
      offset: data.length,
      expected: `${h.voxOffset + need} bytes`,
    });
  }

  const converted = earlyValues(early, h, scaling, data, opts.signal);
  const range = converted?.range ?? new RangeAccumulator();
  const values = converted?.values ?? niftiValues(h, data, h.voxOffset, scaling, opts.signal, range);
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
    windows: [...calWindow(h), ...rangeWindowOf(range.range())],
    sourceFiles,
    metadata: metadataOf(h, scaling),
  };
  return { modality: 'image', images: [volume] };
}

function spacingOf(h: NiftiHeader): ImageVolume['spacing'] {
  const unit = SPATIAL_UNITS[h.xyztUnits & 0x07] ?? SPATIAL_UNITS[0];
  const mm = (v: number | undefined): number | undefined =>
    v !== undefined && Number.isFinite(v) && v !== 0 ? Math.abs(v) * unit.toMm : undefined;
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
