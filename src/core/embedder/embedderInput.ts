// Images into an embedder's input tensor: every 2D frame of an ImageSet becomes one [C, H, W] float32
// item of the embedder's manifest (embedderManifest.ts), in set order then frame order.
//
// Per frame:
//  1. Channels. Grey to C = 3: the grey plane repeated. RGB to C = 1: luminance by the ITU-R BT.601
//     weights, Y = 0.299 R + 0.587 G + 0.114 B (the weights of JPEG/JFIF and PIL's convert('L')), on
//     the values as read. RGB to C = 3 and grey to C = 1: as they are.
//  2. Size. Resized bilinearly to H × W by imageResample.ts's resizeFrame (pixel centres, edge clamp,
//     no anti-aliasing: skimage.transform.resize(order=1, mode='edge', anti_aliasing=False)); a frame
//     already H × W keeps its values.
//  3. Values. The image's display range [a, b] maps linearly onto the manifest's valueRange [lo, hi]
//     (a -> lo, b -> hi), then is clipped to [lo, hi]; NaN becomes lo. A MONOCHROME1 image (higher
//     values show darker) maps a -> hi, b -> lo, so that brighter is higher for every image. The
//     display range, from what the readers record (src/core/data/{raster,nifti,dicom}):
//       PNG (metadata.format 'PNG'): the bit depth's full range, 0..65535 for metadata.bitDepth 16,
//         else 0..255 (1/2/4-bit grey and palettes are read as 0..255);
//       JPEG ('JPEG'): 0..255 (only 8-bit JPEG is read);
//       NIfTI (format 'NIfTI-…'): cal_min..cal_max when set (the reader's window named
//         'cal_min..cal_max'), else the volume's finite min..max; RGB24 without cal: 0..255;
//       DICOM (metadata.transferSyntaxUid; the reader sets no 'format'): grey, the first window the file
//         gives (VOI window center c, width w -> [c - w/2, c + w/2], or the VOI LUT's input range),
//         else the volume's min..max after rescale (the reader's computed 'min-max' window); RGB,
//         0..2^bitsStored - 1;
//       anything else: its first window, else its min..max.
//     The grey windows are imageDisplay.ts's displayWindow, the one the image writers show: a min..max
//     is recomputed from the finite values (the readers' 'min-max' window widens a range narrower than
//     1, which would flatten a float image); a constant image maps to (lo + hi) / 2. Unlike
//     displayPixels, which applies DICOM's c - 0.5, w - 1 ramp to whole grey levels, the range here is
//     the plain [c - w/2, c + w/2] (half a level apart; the embedder wants no rounding).
//     The range is per volume (a DICOM series or a NIfTI file is one volume), never per frame, so
//     slices of one volume keep their relative brightness.
import { MedSynthError, throwIfAborted } from '../errors';
import { displayWindow } from '../data/imageDisplay';
import { frameCount, framesOf, resizeFrame } from '../data/imageResample';
import type { ImageSet, ImageVolume } from '../data/imageSet';
import type { EmbedderManifest } from './embedderManifest';

/** ITU-R BT.601 luma weights (R, G, B). */
export const BT601 = [0.299, 0.587, 0.114] as const;

/** Most values (count × C × H × W) one prepared batch may hold: 64 Mi float32 = 256 MiB. */
export const MAX_EMBEDDER_INPUT_VALUES = 64 * 1024 * 1024;

export interface EmbedderInput {
  /** count × C × H × W values, item-major (NCHW). */
  readonly data: Float32Array;
  readonly count: number;
  readonly shape: [number, number, number];
  /** Where item i came from: the image's index in the set and the frame's index in the image. */
  readonly sources: { image: number; frame: number }[];
}

export interface EmbedderInputOptions {
  /** Cap on count × C × H × W (default MAX_EMBEDDER_INPUT_VALUES). */
  readonly maxValues?: number;
  readonly signal?: AbortSignal;
}

/** How one volume's values map to the display: [from, to] shows from as darkest and to as brightest. */
export interface DisplayRange {
  readonly from: number;
  readonly to: number;
  /** Which rule chose it, for a report or a log line. */
  readonly rule: string;
}

/**
 * A grey volume's window as the image writers show it (imageDisplay.ts displayWindow: windows[0] unless
 * it is the readers' computed 'min-max' preset, else the finite min..max, width 1 for a constant
 * image) as the range [c - w/2, c + w/2]; [0, 0] when no value is finite.
 */
function windowRange(v: ImageVolume, fileRule: string, minMaxRule: string): [number, number, string] {
  const w = displayWindow(v);
  if (!w) return [0, 0, `${minMaxRule} (no finite values)`];
  const first = v.windows[0];
  const fromFile = first !== undefined && first.name !== 'min-max' && first.center === w.center && first.width === w.width;
  return [w.center - w.width / 2, w.center + w.width / 2, fromFile ? fileRule : minMaxRule];
}

/** The display range of a volume by the rules in the header above (before any MONOCHROME1 inversion). */
function rangeOf(v: ImageVolume): [number, number, string] {
  const m = v.metadata;
  const format = typeof m.format === 'string' ? m.format : '';
  if (format === 'PNG') return m.bitDepth === 16 ? [0, 65535, 'PNG 16-bit range'] : [0, 255, 'PNG 8-bit range'];
  if (format === 'JPEG') return [0, 255, 'JPEG 8-bit range'];
  if (format.startsWith('NIfTI')) {
    if (v.channels === 3 && v.windows[0]?.name !== 'cal_min..cal_max') return [0, 255, 'NIfTI RGB 8-bit range'];
    return windowRange(v, 'NIfTI cal_min..cal_max', 'NIfTI volume min..max');
  }
  if (m.transferSyntaxUid !== undefined) {
    if (v.channels === 3) {
      const bits = typeof m.bitsStored === 'number' && m.bitsStored >= 1 && m.bitsStored <= 16 ? m.bitsStored : 8;
      return [0, 2 ** bits - 1, `DICOM RGB ${bits}-bit range`];
    }
    return windowRange(v, v.windows[0]?.name === 'VOI LUT' ? 'DICOM VOI LUT range' : 'DICOM VOI window', 'DICOM volume min..max');
  }
  return windowRange(v, 'first window', 'volume min..max');
}

/** The display range prepareEmbedderInput maps onto the embedder's valueRange, for one volume. */
export function displayRange(v: ImageVolume): DisplayRange {
  const [a, b, rule] = rangeOf(v);
  return v.photometric === 'MONOCHROME1' ? { from: b, to: a, rule: `${rule}, MONOCHROME1 inverted` } : { from: a, to: b, rule };
}

/** One frame's channels as the embedder wants them: C planes-in-pixel order (interleaved, like the source). */
function frameChannels(src: Float32Array, pixels: number, sourceChannels: 1 | 3, channels: 1 | 3): Float32Array {
  if (sourceChannels === channels) return src;
  const out = new Float32Array(pixels * channels);
  if (sourceChannels === 3) {
    for (let p = 0; p < pixels; p++) out[p] = BT601[0] * src[3 * p] + BT601[1] * src[3 * p + 1] + BT601[2] * src[3 * p + 2];
  } else {
    for (let p = 0; p < pixels; p++) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = src[p];
  }
  return out;
}

/**
 * Every 2D frame of `set` as the embedder's input ([count, C, H, W], float32, NCHW), by the rules in
 * this file's header. LIMIT_EXCEEDED before allocating when count × C × H × W exceeds
 * `options.maxValues`; BAD_INPUT for a set without frames; CANCELLED when `options.signal` aborts.
 */
export function prepareEmbedderInput(set: ImageSet, manifest: EmbedderManifest, options: EmbedderInputOptions = {}): EmbedderInput {
  const [, channels, height, width] = manifest.input.shape;
  const [lo, hi] = manifest.valueRange;
  const maxValues = options.maxValues ?? MAX_EMBEDDER_INPUT_VALUES;
  const count = frameCount(set);
  if (count === 0) throw new MedSynthError('BAD_INPUT', 'the image set holds no frames to embed', { expected: 'at least one image' });
  const item = channels * height * width;
  if (count * item > maxValues)
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `embedding ${count} frames at ${channels}×${height}×${width} needs ${count * item} input values`,
      {
        file: manifest.name,
        expected: `at most ${maxValues} (the embedder input cap; fewer or smaller images)`,
      },
    );
  const data = new Float32Array(count * item);
  const sources: { image: number; frame: number }[] = [];
  const plane = height * width;
  const maps = set.images.map((v) => {
    const { from, to } = displayRange(v);
    // value -> value * scale + offset (from -> lo, to -> hi), clipped; from === to (a constant image): the middle.
    const scale = to === from ? 0 : (hi - lo) / (to - from);
    return { scale, offset: to === from ? (lo + hi) / 2 : lo - from * scale };
  });
  let at = 0;
  for (const f of framesOf(set)) {
    throwIfAborted(options.signal);
    const { scale, offset } = maps[f.image];
    const src = frameChannels(f.data, f.rows * f.columns, f.channels, channels);
    const sized = resizeFrame(src, f.rows, f.columns, channels, height, width);
    const base = at * item;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const y = sized[p * channels + c] * scale + offset;
        // NaN fails both comparisons and lands on lo; infinities clip.
        data[base + c * plane + p] = y >= lo ? (y <= hi ? y : hi) : lo;
      }
    }
    sources.push({ image: f.image, frame: f.frame });
    at++;
  }
  return { data, count, shape: [channels, height, width], sources };
}
