// The explicit list of image metrics and the call that runs a selection of them through runMetrics.ts,
// as registry.ts does for tables: unknown ids are BAD_USAGE before anything runs, a metric that fails
// becomes a result with `error`, an abort is CANCELLED. Metrics that read feature vectors carry the
// embedder in their details.
import { runMetrics } from '../runMetrics';
import type { MetricResult } from '../types';
import { diversityMsssimMetric } from './diversityMsssim';
import { fidMetric } from './fid';
import { imageDcrMetric } from './imageDcr';
import type { ImageMetric, ImageMetricInput } from './imageMetric';
import { imageNndrMetric } from './imageNndr';
import { mmdMetric } from './mmd';
import { nearDuplicatesMetric } from './nearDuplicates';
import { prdcMetric } from './prdc';

export const IMAGE_METRICS: readonly ImageMetric[] = [
  fidMetric,
  prdcMetric,
  mmdMetric,
  diversityMsssimMetric,
  imageDcrMetric,
  imageNndrMetric,
  nearDuplicatesMetric,
];

export function getImageMetric(id: string): ImageMetric | undefined {
  return IMAGE_METRICS.find((m) => m.id === id);
}

/** Runs the image metrics named by `ids` (all by default), in the order asked. */
export async function evaluateImageMetrics(
  input: ImageMetricInput,
  ids?: readonly string[],
  signal?: AbortSignal,
): Promise<MetricResult[]> {
  return runMetrics('image', IMAGE_METRICS, input, ids, signal, (metric, r) =>
    metric.usesFeatures && input.embedder && r.score !== null ? { ...r, details: { ...r.details, embedder: input.embedder } } : r,
  );
}
