// How synthetic images are compared with real ones: feature metrics (FID, PRDC, MMD, DCR, NNDR,
// near-duplicates) on the embedder's features, which the engine computes through the inference
// process (EvaluationInput.features), and pixel metrics (MS-SSIM diversity, pixel-identical copies)
// on grey frames. Every frame is put on one scale first: its volume's display range (the rules of
// core/embedder/embedderInput.ts: a PNG's bit depth, a DICOM file's VOI window, NIfTI cal_min/cal_max)
// mapped onto [0, 1], so a CT slice in HU and a synthetic PNG in display values compare.
import { MedSynthError } from '../../errors';
import { prepareEmbedderInput } from '../../embedder/embedderInput';
import type { EmbedderManifest } from '../../embedder/embedderManifest';
import type { ImageSet } from '../../data/imageSet';
import { commonImageSize } from '../../data/imageResample';
import { IMAGE_METRICS, evaluateImageMetrics } from '../../metrics/image/imageMetrics';
import type { GreyImage } from '../../metrics/image/imageMetric';
import type { EvaluationInput } from '../modality';

/** Pixel metrics run on frames of the real set's common size, each side at most this. */
export const PIXEL_METRIC_SIDE = 128;

/**
 * Every frame of `set` as a grey image of rows x columns with values in [0, 1] (its display range
 * mapped linearly, clipped; RGB by BT.601 luma), in reading order.
 */
export function unitGreyFrames(set: ImageSet, rows: number, columns: number, signal?: AbortSignal): GreyImage[] {
  const scale: EmbedderManifest = {
    schema: 'medsynth.embedder/1',
    name: 'unit grey frames',
    model: 'none.onnx',
    input: { name: 'x', shape: [-1, 1, rows, columns] },
    valueRange: [0, 1],
    output: { name: 'y' },
    doc: 'the display scale of the pixel metrics',
    license: 'n/a',
  };
  const prepared = prepareEmbedderInput(set, scale, { signal });
  const plane = rows * columns;
  return Array.from({ length: prepared.count }, (_, i) => ({ rows, columns, data: prepared.data.subarray(i * plane, (i + 1) * plane) }));
}

/** The pixel-metric size for a comparison: the real set's most common frame size, capped. */
export function pixelMetricSize(real: ImageSet): { rows: number; columns: number } {
  return commonImageSize(real, PIXEL_METRIC_SIDE);
}

export function asImageSetInput(value: unknown, role: string): ImageSet {
  const s = value as Partial<ImageSet> | undefined;
  if (!s || typeof s !== 'object' || s.modality !== 'image' || !Array.isArray(s.images))
    throw new MedSynthError('BAD_INPUT', `the ${role} dataset is not a set of images`, { expected: 'DICOM, NIfTI, PNG or JPEG images' });
  return s as ImageSet;
}

/** Runs the image metrics named by `ids` (all by default) on the engine's features and the grey frames. */
export async function runImageMetrics(input: EvaluationInput, ids: readonly string[] | undefined, signal?: AbortSignal) {
  const features = input.features;
  if (!features)
    throw new MedSynthError('BAD_USAGE', 'image metrics need the embedder features of both sets (the engine computes them)', {
      expected: 'EvaluationInput.features',
    });
  const real = asImageSetInput(input.real, 'real');
  const synth = asImageSetInput(input.synth, 'synthetic');
  const size = pixelMetricSize(real);
  const needsPixels = (ids ?? IMAGE_METRICS.map((m) => m.id)).some((id) => id === 'diversity.msssim' || id === 'privacy.nearDuplicates');
  return evaluateImageMetrics(
    {
      real: features.real,
      synth: features.synth,
      ...(features.holdout ? { holdout: features.holdout } : {}),
      ...(needsPixels
        ? {
            realImages: unitGreyFrames(real, size.rows, size.columns, signal),
            synthImages: unitGreyFrames(synth, size.rows, size.columns, signal),
          }
        : {}),
      embedder: features.embedder,
      dataRange: 1,
      seed: 0,
    },
    ids,
    signal,
  );
}
