// The manifest's postprocess block for an image generator: how one sample of the model's output tensor
// becomes an image in modality units. It is the contract between a generator (the built-in PPCA, a
// user's GAN/VAE/diffusion export) and the image sample codec and writers, checked as untrusted input.
//
//   "postprocess": {
//     "layout": "NCHW",              // [N, C, H, W]; "NHWC" = [N, H, W, C]; "NCDHW" = [N, C, D, H, W]
//     "channels": 1, "rows": 64, "columns": 64, "frames": 1,
//     "outputRange": [-1, 1],        // what the model emits ...
//     "valueRange": [-1024, 3071],   // ... maps linearly onto these modality units (HU here); clipped
//     "photometric": "MONOCHROME2", "units": "HU", "dicomModality": "CT",
//     "spacing": { "row": 0.7, "column": 0.7 }, "window": { "center": 40, "width": 400 }
//   }
import { MedSynthError } from '../../errors';
import type { GeneratorManifest } from '../../generators/manifest';

export type ImageLayout = 'NCHW' | 'NHWC' | 'NCDHW';

export interface ImagePostprocess {
  readonly layout: ImageLayout;
  readonly channels: 1 | 3;
  readonly rows: number;
  readonly columns: number;
  /** Frames (slices) per sample: 1 unless the layout is NCDHW. */
  readonly frames: number;
  /** The range of the model's output that maps onto `valueRange`; values outside it are clipped. */
  readonly outputRange: readonly [number, number];
  /** Modality units (HU for CT, 0..255 for 8-bit photographs) that `outputRange` maps onto, linearly. */
  readonly valueRange: readonly [number, number];
  readonly photometric: 'MONOCHROME2' | 'RGB';
  /** Pixel spacing in mm (row, column) and slice spacing, written into NIfTI and DICOM outputs. */
  readonly spacing?: { readonly row: number; readonly column: number; readonly slice?: number };
  readonly units?: string;
  /** The display window written into DICOM and used for PNG; absent: the value range. */
  readonly window?: { readonly center: number; readonly width: number };
  /** The DICOM Modality code written into DICOM output ('CT', 'MR', ...); default 'OT' (other). */
  readonly dicomModality: string;
}

/** Largest side and frame count an image generator may declare (the decode limits cap the total). */
export const MAX_IMAGE_SIDE = 4096;
export const MAX_IMAGE_FRAMES = 1024;

type Json = Readonly<Record<string, unknown>>;

function fail(file: string, path: string, message: string, expected: string): MedSynthError {
  return new MedSynthError('MANIFEST_INVALID', `$.postprocess.${path}: ${message}`, { file, expected });
}

function integer(o: Json, key: string, file: string, min: number, max: number, fallback?: number): number {
  const v = o[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw fail(file, key, `is ${JSON.stringify(v) ?? 'missing'}`, `an integer in [${min}, ${max}]`);
  return v;
}

function range(o: Json, key: string, file: string): readonly [number, number] {
  const v = o[key];
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
    !((v[0] as number) < (v[1] as number))
  )
    throw fail(
      file,
      key,
      `is ${Array.isArray(v) ? `an array of ${v.length}` : (JSON.stringify(v) ?? 'missing')}`,
      '[lo, hi] with finite lo < hi',
    );
  return [v[0] as number, v[1] as number];
}

function positive(v: unknown, path: string, file: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw fail(file, path, `is ${JSON.stringify(v) ?? 'missing'}`, 'a positive number');
  return v;
}

/** Checks an image generator's postprocess block (MANIFEST_INVALID naming the field) and fills its defaults. */
export function imagePostprocess(manifest: GeneratorManifest, file: string): ImagePostprocess {
  const raw = manifest.postprocess as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new MedSynthError('MANIFEST_INVALID', '$.postprocess: an image generator needs a postprocess block', {
      file,
      expected: '{ layout, channels, rows, columns, outputRange, valueRange }',
    });
  const o = raw as Json;
  const layout = o.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC' && layout !== 'NCDHW')
    throw fail(file, 'layout', `is ${JSON.stringify(layout)}`, 'NCHW, NHWC or NCDHW');
  const channels = integer(o, 'channels', file, 1, 3, 1);
  if (channels === 2) throw fail(file, 'channels', 'is 2', '1 (grey) or 3 (RGB)');
  const rows = integer(o, 'rows', file, 1, MAX_IMAGE_SIDE);
  const columns = integer(o, 'columns', file, 1, MAX_IMAGE_SIDE);
  const frames = layout === 'NCDHW' ? integer(o, 'frames', file, 1, MAX_IMAGE_FRAMES) : integer(o, 'frames', file, 1, 1, 1);
  const photometric = o.photometric ?? (channels === 3 ? 'RGB' : 'MONOCHROME2');
  if (photometric !== (channels === 3 ? 'RGB' : 'MONOCHROME2'))
    throw fail(file, 'photometric', `is ${JSON.stringify(photometric)} for ${channels} channel(s)`, channels === 3 ? 'RGB' : 'MONOCHROME2');
  let spacing: ImagePostprocess['spacing'];
  if (o.spacing !== undefined) {
    const s = o.spacing as Json;
    if (typeof s !== 'object' || s === null) throw fail(file, 'spacing', 'is not an object', '{ row, column, slice? }');
    spacing = {
      row: positive(s.row, 'spacing.row', file),
      column: positive(s.column, 'spacing.column', file),
      ...(s.slice !== undefined ? { slice: positive(s.slice, 'spacing.slice', file) } : {}),
    };
  }
  let window: ImagePostprocess['window'];
  if (o.window !== undefined) {
    const w = o.window as Json;
    if (typeof w !== 'object' || w === null || typeof w.center !== 'number' || !Number.isFinite(w.center))
      throw fail(file, 'window', 'has no finite center', '{ center, width > 0 }');
    window = { center: w.center, width: positive(w.width, 'window.width', file) };
  }
  const text = (key: string, pattern: RegExp, expected: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !pattern.test(v)) throw fail(file, key, `is ${JSON.stringify(v)}`, expected);
    return v;
  };
  const units = text('units', /^[\x20-\x7e]{1,16}$/, 'printable text of at most 16 characters');
  const dicomModality = text('dicomModality', /^[A-Z0-9 _]{1,16}$/, 'a DICOM modality code such as CT, MR or OT') ?? 'OT';
  return {
    layout,
    channels: channels as 1 | 3,
    rows,
    columns,
    frames,
    outputRange: range(o, 'outputRange', file),
    valueRange: range(o, 'valueRange', file),
    photometric: photometric as 'MONOCHROME2' | 'RGB',
    ...(spacing ? { spacing } : {}),
    ...(units !== undefined ? { units } : {}),
    ...(window ? { window } : {}),
    dicomModality,
  };
}

/** Values in one sample: frames × rows × columns × channels. */
export function imageSampleValues(spec: ImagePostprocess): number {
  return spec.frames * spec.rows * spec.columns * spec.channels;
}
