// privacy.dcr for images: for every synthetic image, the Euclidean distance of its feature vector to
// the closest real image's (exact, blocked: featureNeighbours.ts). The details have the table DCR's
// shape (median, p05, mean, histogram; with a holdout shareCloserToTrain, baseline and
// holdoutHistogram), so the report's DCR chart, goal text and memorisation verdict read either.
import { DCR_HISTOGRAM_BINS, distanceHistogram, distanceSummary, histogramOn, shareCloserToTrain } from '../dcr';
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
  const summary = distanceSummary(toReal);
  const histogram = distanceHistogram(summary.sorted);
  const details: Record<string, unknown> = {
    median: summary.median,
    p05: summary.p05,
    mean: summary.mean,
    histogram,
    dims: input.real.dims,
  };
  const holdout = input.holdout;
  if (holdout) {
    checkFeatures(holdout, 'holdout', 1, IMAGE_DCR_ID);
    checkSameDims(input.real, holdout, 'real', 'holdout', IMAGE_DCR_ID);
    const toHoldout = await closestDistances(input.synth, holdout, signal);
    details.shareCloserToTrain = shareCloserToTrain(toReal, toHoldout);
    const base = distanceSummary(await closestDistances(holdout, input.real, signal));
    details.baseline = { median: base.median, p05: base.p05, mean: base.mean, rows: holdout.rows };
    const top = Math.max(histogram.edges[histogram.edges.length - 1], base.sorted[base.sorted.length - 1] ?? 0);
    const edges = Array.from({ length: DCR_HISTOGRAM_BINS + 1 }, (_, k) => (top * k) / DCR_HISTOGRAM_BINS);
    details.histogram = { edges, counts: histogramOn(edges, summary.sorted) };
    details.holdoutHistogram = { edges, counts: histogramOn(edges, base.sorted) };
  }
  return { id: IMAGE_DCR_ID, score: summary.median, details };
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
