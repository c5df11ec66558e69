// privacy.nndr for images: d1 / d2, the Euclidean feature distances of a synthetic image to its closest
// and second-closest real images. Details as the table NNDR (median, p05, mean; with a holdout a
// baseline), ratio 0 when both distances are 0, as there.
import { distanceSummary } from '../dcr';
import { distanceRatios } from '../nndr';
import type { MetricResult } from '../types';
import { nearestNeighbours } from './featureNeighbours';
import { checkFeatures, checkSameDims } from './imageMetric';
import type { FeatureMatrix, ImageMetric, ImageMetricInput } from './imageMetric';

export const IMAGE_NNDR_ID = 'privacy.nndr';

async function ratios(query: FeatureMatrix, ref: FeatureMatrix, signal?: AbortSignal): Promise<Float64Array> {
  const near = await nearestNeighbours(query, ref, 2, {}, signal);
  const d1 = new Float64Array(query.rows);
  const d2 = new Float64Array(query.rows);
  for (let q = 0; q < query.rows; q++) {
    d1[q] = near.distances[2 * q];
    d2[q] = near.distances[2 * q + 1];
  }
  return distanceRatios(d1, d2);
}

export async function computeImageNndr(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  checkFeatures(input.real, 'real', 2, IMAGE_NNDR_ID);
  checkFeatures(input.synth, 'synthetic', 1, IMAGE_NNDR_ID);
  checkSameDims(input.real, input.synth, 'real', 'synthetic', IMAGE_NNDR_ID);
  const summary = distanceSummary(await ratios(input.synth, input.real, signal));
  const details: Record<string, unknown> = { median: summary.median, p05: summary.p05, mean: summary.mean, dims: input.real.dims };
  if (input.holdout) {
    checkFeatures(input.holdout, 'holdout', 1, IMAGE_NNDR_ID);
    checkSameDims(input.real, input.holdout, 'real', 'holdout', IMAGE_NNDR_ID);
    const b = distanceSummary(await ratios(input.holdout, input.real, signal));
    details.baseline = { median: b.median, p05: b.p05, mean: b.mean, rows: input.holdout.rows };
  }
  return { id: IMAGE_NNDR_ID, score: summary.median, details };
}

export const imageNndrMetric: ImageMetric = {
  id: IMAGE_NNDR_ID,
  title: 'Nearest-neighbour distance ratio (image features)',
  modality: 'image',
  usesFeatures: true,
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Score = median over synthetic images of d1 / d2, the Euclidean feature distances to the closest and second-closest real ' +
    'images. Near 0 means synthetic images sit suspiciously close to one particular real image; 1 means the two nearest real images ' +
    'are equally far, so no single patient is singled out. With a holdout, the report shows the same ratio for the holdout images.',
  reference: 'NNDR as in synthcity / Lowe 2004 ratio test, on embeddings',
  compute: computeImageNndr,
};
