// Bilinear resampling of image frames to one common size, so that a set of images of mixed sizes
// becomes training items of equal length (the PPCA fitter, later the embedder).
//
// Convention (pixel centres, edge clamp): the same as skimage.transform.resize(image, (rows, columns),
// order=1, mode='edge', anti_aliasing=False, preserve_range=True), which is also torch's
// interpolate(mode='bilinear', align_corners=False) without antialias. Output pixel i of a side of n
// pixels read from a side of m pixels samples the input at
//     s = (i + 0.5) * m / n - 0.5, clamped to [0, m - 1],
// interpolating linearly between floor(s) and floor(s) + 1 (the last pixel repeats at the edge).
// Rows and columns are separable; RGB channels (interleaved per pixel) are resampled independently.
// No low-pass filter is applied before downsampling (anti_aliasing=False): fine texture aliases
// instead of blurring, exactly as the reference does. A frame that already has the size is returned
// with its values unchanged.
import { MedSynthError } from '../errors';
import type { ImageSet, ImageVolume } from './imageSet';

/** One 2D frame of a volume: rows × columns × channels values, channels interleaved per pixel. */
export interface ImageFrame {
  readonly volume: ImageVolume;
  /** Index of the volume in the set and of the frame in the volume. */
  readonly image: number;
  readonly frame: number;
  readonly rows: number;
  readonly columns: number;
  readonly channels: 1 | 3;
  /** A view into the volume's data (not a copy). */
  readonly data: Float32Array;
}

/** Source positions and weights of one resampled side (see the convention above). */
interface Axis {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float64Array;
}

function axis(from: number, to: number): Axis {
  const lo = new Int32Array(to);
  const hi = new Int32Array(to);
  const frac = new Float64Array(to);
  const scale = from / to;
  for (let i = 0; i < to; i++) {
    const s = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), from - 1);
    const f = Math.floor(s);
    lo[i] = f;
    hi[i] = Math.min(f + 1, from - 1);
    frac[i] = s - f;
  }
  return { lo, hi, frac };
}

function checkSide(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new MedSynthError('BAD_USAGE', `${name} must be a positive integer, got ${v}`);
}

/**
 * Resizes one frame (rows × columns × channels, interleaved) to outRows × outColumns by bilinear
 * interpolation, in float64. Same size: a float64 copy of the same values.
 */
export function resizeFrame(
  data: ArrayLike<number>,
  rows: number,
  columns: number,
  channels: number,
  outRows: number,
  outColumns: number,
): Float64Array {
  for (const [name, v] of [
    ['rows', rows],
    ['columns', columns],
    ['channels', channels],
    ['outRows', outRows],
    ['outColumns', outColumns],
  ] as const)
    checkSide(name, v);
  if (data.length !== rows * columns * channels)
    throw new MedSynthError(
      'BAD_USAGE',
      `a ${rows}×${columns}×${channels} frame needs ${rows * columns * channels} values, got ${data.length}`,
    );
  if (rows === outRows && columns === outColumns) return Float64Array.from(data);
  const c = channels;
  // Columns first (each input row), then rows: the same result as rows first, up to rounding.
  const ax = axis(columns, outColumns);
  const tmp = new Float64Array(rows * outColumns * c);
  for (let r = 0; r < rows; r++) {
    const src = r * columns * c;
    const dst = r * outColumns * c;
    for (let j = 0; j < outColumns; j++) {
      const a = src + ax.lo[j] * c;
      const b = src + ax.hi[j] * c;
      const t = ax.frac[j];
      for (let k = 0; k < c; k++) tmp[dst + j * c + k] = data[a + k] + (data[b + k] - data[a + k]) * t;
    }
  }
  const ay = axis(rows, outRows);
  const out = new Float64Array(outRows * outColumns * c);
  const line = outColumns * c;
  for (let i = 0; i < outRows; i++) {
    const a = ay.lo[i] * line;
    const b = ay.hi[i] * line;
    const t = ay.frac[i];
    const dst = i * line;
    for (let x = 0; x < line; x++) out[dst + x] = tmp[a + x] + (tmp[b + x] - tmp[a + x]) * t;
  }
  return out;
}

function fileOf(v: ImageVolume): string {
  return v.sourceFiles[0] ?? v.id;
}

function listFiles(volumes: readonly ImageVolume[]): string {
  const names = [...new Set(volumes.map(fileOf))];
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * The channel count every image of the set shares (1 grey, 3 RGB). BAD_INPUT for an empty set or
 * one that mixes grey and colour images, naming the files of each kind.
 */
export function setChannels(set: ImageSet, label = 'the image set'): 1 | 3 {
  if (set.images.length === 0) throw new MedSynthError('BAD_INPUT', `${label} holds no images`, { expected: 'at least one image' });
  const grey = set.images.filter((v) => v.channels === 1);
  const colour = set.images.filter((v) => v.channels === 3);
  if (grey.length > 0 && colour.length > 0)
    throw new MedSynthError('BAD_INPUT', `${label} mixes grey images (${listFiles(grey)}) and colour images (${listFiles(colour)})`, {
      file: label,
      expected: 'all grey or all RGB images',
    });
  return colour.length > 0 ? 3 : 1;
}

/** Every 2D frame of every volume, in set order then frame order: the training items of an image generator. */
export function* framesOf(set: ImageSet): Generator<ImageFrame> {
  for (let image = 0; image < set.images.length; image++) {
    const volume = set.images[image];
    const size = volume.rows * volume.columns * volume.channels;
    for (let frame = 0; frame < volume.frames; frame++)
      yield {
        volume,
        image,
        frame,
        rows: volume.rows,
        columns: volume.columns,
        channels: volume.channels,
        data: volume.data.subarray(frame * size, (frame + 1) * size),
      };
  }
}

/** Number of frames in the set (the training items framesOf yields). */
export function frameCount(set: ImageSet): number {
  let n = 0;
  for (const v of set.images) n += v.frames;
  return n;
}

/**
 * The size frames are resampled to: the most common frame size (counted per frame, so a 300-slice
 * volume outweighs a single photograph), ties broken by the larger pixel count, then the larger row
 * count (independent of the order of the set). When a side exceeds `cap`, both sides are scaled by
 * cap / max(rows, columns) and rounded half up (at least 1), so the longer side becomes `cap` and the
 * aspect ratio is kept as closely as whole pixels allow.
 */
export function commonImageSize(set: ImageSet, cap = 128): { rows: number; columns: number } {
  checkSide('cap', cap);
  const counts = new Map<string, { rows: number; columns: number; frames: number }>();
  for (const v of set.images) {
    if (v.frames < 1) continue;
    const key = `${v.rows}x${v.columns}`;
    const entry = counts.get(key);
    if (entry) entry.frames += v.frames;
    else counts.set(key, { rows: v.rows, columns: v.columns, frames: v.frames });
  }
  let best: { rows: number; columns: number; frames: number } | undefined;
  for (const e of counts.values()) {
    if (
      !best ||
      e.frames > best.frames ||
      (e.frames === best.frames &&
        (e.rows * e.columns > best.rows * best.columns || (e.rows * e.columns === best.rows * best.columns && e.rows > best.rows)))
    )
      best = e;
  }
  if (!best) throw new MedSynthError('BAD_INPUT', 'the image set holds no frames', { expected: 'at least one image' });
  const longest = Math.max(best.rows, best.columns);
  if (longest <= cap) return { rows: best.rows, columns: best.columns };
  const side = (v: number): number => (v === longest ? cap : Math.max(1, Math.floor((v * cap) / longest + 0.5)));
  return { rows: side(best.rows), columns: side(best.columns) };
}
