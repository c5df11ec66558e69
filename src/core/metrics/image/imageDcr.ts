// privacy.dcr for images: for every synthetic image, the Euclidean distance of its feature vector to
// the closest real image's (exact, blocked: featureNeighbours.ts). The details have the table DCR's
// shape (median, p05, mean, histogram; with a holdout shareCloserToTrain, baseline and
// holdoutHistogram), so the report's DCR chart, goal text and memorisation verdict read either.
import { dcrDetails, shareCloserToTrain } from '../dcr';
import type { HoldoutDistances } from '../dcr';
import type { MetricResult } from '../types';
import { nearestNeighbours } from './featureNeighbours';
import { checkFeatures, checkSameDims } from './imageMetric';
import type { FeatureMatrix, ImageMetric, ImageMetricInput } from './imageMetric';

export const IMAGE_DCR_ID = 'privacy.dcr';

/** Distance of every query row to its closest reference row. */
export async function closestDistances(query: FeatureMatrix, ref: FeatureMatrix, signal?: AbortSignal): Promise<Float64Array> {
  return (await nearestNeighbours(query, ref, 1, {}, signal)).distances;
}

export async function computeImageDcr(input: ImageMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  checkFeatures(input.real, 'real', 1, IMAGE_DCR_ID);
  checkFeatures(input.synth, 'synthetic', 1, IMAGE_DCR_ID);
  checkSameDims(input.real, input.synth, 'real', 'synthetic', IMAGE_DCR_ID);
  const toReal = await closestDistances(input.synth, input.real, signal);
  const holdout = input.holdout;
  let holdoutDistances: HoldoutDistances | undefined;
  if (holdout) {
    checkFeatures(holdout, 'holdout', 1, IMAGE_DCR_ID);
    checkSameDims(input.real, holdout, 'real', 'holdout', IMAGE_DCR_ID);
    const toHoldout = await closestDistances(input.synth, holdout, signal);
    holdoutDistances = {
      shareCloserToTrain: shareCloserToTrain(toReal, toHoldout),
      holdoutToReal: await closestDistances(holdout, input.real, signal),
      rows: holdout.rows,
    };
  }
  const { score, details } = dcrDetails(toReal, { dims: input.real.dims }, holdoutDistances);
  return { id: IMAGE_DCR_ID, score, details };
}

export const imageDcrMetric: ImageMetric = {
  id: IMAGE_DCR_ID,
  title: 'Distance to closest real image (features)',
  modality: 'image',
  usesFeatures: true,
  goal: 'maximize',
  range: [0, Infinity],
  doc:
    'Score = median over synthetic images of the Euclidean distance between its feature vector and the closest real image’s. 0 means ' +
    'synthetic images sit on real ones (in the embedder’s view). There is no fixed good value: it depends on the embedder and on how ' +
    'spread out the images are. With a holdout (real images the generator never saw), the report shows the same distance for the ' +
    'holdout images as the natural level, and how often a synthetic image is closer to a training image than to a holdout image, ' +
    'against the level chance gives for the two set sizes.',
  reference: 'DCR as in synthcity / Zhao et al. 2021 on embeddings; holdout comparison as in Platzer & Reutterer 2021',
  compute: computeImageDcr,
};
