// What an image metric takes: feature vectors of the real, synthetic and (optionally) holdout images
// from one embedder, and for the pixel metrics (SSIM diversity, pixel-identical copies) the grey images
// themselves. Plus the checks every metric runs on them, so a bad input is one typed error naming
// the set and what was expected, never a NaN score.
import { MedSynthError } from '../../errors';
import type { MetricDescriptor, MetricResult } from '../types';

/** Feature vectors, one per image: `rows` x `dims`, row major. */
export interface FeatureMatrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly dims: number;
}

/** One 2-D grey image (a frame or slice), row major, values in the units `dataRange` refers to. */
export interface GreyImage {
  readonly rows: number;
  readonly columns: number;
  readonly data: Float32Array | Float64Array;
}

export interface ImageMetricInput {
  readonly real: FeatureMatrix;
  readonly synth: FeatureMatrix;
  readonly holdout?: FeatureMatrix;
  readonly realImages?: readonly GreyImage[];
  readonly synthImages?: readonly GreyImage[];
  /** The embedder that made the features; copied into the details of every feature metric. */
  readonly embedder?: { readonly name: string; readonly sha256: string };
  /** Value range for SSIM's constants (max − min the images can take); default: max − min of the real images. */
  readonly dataRange?: number;
  /** Seed of the image pairs diversity.msssim compares (default 0). */
  readonly seed?: number;
}

export interface ImageMetric extends MetricDescriptor {
  readonly modality: 'image';
  /** True when the metric reads feature vectors (its details then carry `embedder`). */
  readonly usesFeatures: boolean;
  compute(input: ImageMetricInput, signal?: AbortSignal): MetricResult | Promise<MetricResult>;
}

/** BAD_INPUT unless `m` is a well-formed feature matrix with at least `minRows` rows of finite values. */
export function checkFeatures(m: FeatureMatrix, set: string, minRows: number, metric: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.dims) || m.rows < 0 || m.dims < 1) {
    throw new MedSynthError('BAD_INPUT', `${metric}: the ${set} features have ${m.rows} rows x ${m.dims} dims`, {
      expected: 'whole numbers, dims ≥ 1',
    });
  }
  if (m.data.length !== m.rows * m.dims) {
    throw new MedSynthError('BAD_INPUT', `${metric}: the ${set} features hold ${m.data.length} values for ${m.rows} x ${m.dims}`, {
      expected: `${m.rows * m.dims} values`,
    });
  }
  if (m.rows < minRows) {
    throw new MedSynthError('BAD_INPUT', `${metric}: needs at least ${minRows} ${set} feature rows, got ${m.rows}`, {
      expected: `≥ ${minRows} rows`,
    });
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      throw new MedSynthError(
        'BAD_INPUT',
        `${metric}: ${set} feature row ${Math.floor(i / m.dims)}, dimension ${i % m.dims} is ${m.data[i]}`,
        {
          expected: 'finite numbers',
        },
      );
    }
  }
}

/** BAD_INPUT unless the two matrices have the same width. */
export function checkSameDims(a: FeatureMatrix, b: FeatureMatrix, setA: string, setB: string, metric: string): void {
  if (a.dims !== b.dims) {
    throw new MedSynthError('BAD_INPUT', `${metric}: the ${setA} features have ${a.dims} dims, the ${setB} features ${b.dims}`, {
      expected: 'features from one embedder (equal dims)',
    });
  }
}

/** BAD_INPUT unless every image is a finite 2-D grey image of at least `minSide` x `minSide`. */
export function checkImages(
  images: readonly GreyImage[] | undefined,
  set: string,
  minCount: number,
  minSide: number,
  metric: string,
): readonly GreyImage[] {
  if (!images || images.length < minCount) {
    throw new MedSynthError('BAD_INPUT', `${metric}: needs at least ${minCount} ${set} images, got ${images?.length ?? 0}`, {
      expected: `≥ ${minCount} grey images`,
    });
  }
  images.forEach((im, k) => {
    if (!Number.isInteger(im.rows) || !Number.isInteger(im.columns) || im.data.length !== im.rows * im.columns) {
      throw new MedSynthError('BAD_INPUT', `${metric}: ${set} image ${k} holds ${im.data.length} values for ${im.rows} x ${im.columns}`, {
        expected: 'rows x columns grey values',
      });
    }
    if (im.rows < minSide || im.columns < minSide) {
      throw new MedSynthError('BAD_INPUT', `${metric}: ${set} image ${k} is ${im.rows} x ${im.columns}`, {
        expected: `at least ${minSide} x ${minSide} pixels`,
      });
    }
    for (let i = 0; i < im.data.length; i++) {
      if (!Number.isFinite(im.data[i])) {
        throw new MedSynthError('BAD_INPUT', `${metric}: ${set} image ${k}, pixel ${i} is ${im.data[i]}`, { expected: 'finite values' });
      }
    }
  });
  return images;
}

/** The rows of `m` as float64 (the distance and covariance arithmetic is float64 throughout). */
export function rowsAsFloat64(m: FeatureMatrix, first = 0, count = m.rows - first): Float64Array {
  return Float64Array.from(m.data.subarray(first * m.dims, (first + count) * m.dims));
}
