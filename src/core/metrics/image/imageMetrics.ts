// The explicit list of image metrics and the loop that runs a selection of them, as registry.ts does
// for tables: unknown ids are BAD_USAGE before anything runs, a metric that fails becomes a result with
// `error`, an abort is CANCELLED. Metrics that read feature vectors carry the embedder in their details.
import { MedSynthError, throwIfAborted } from '../../errors';
import { yieldToEventLoop } from '../tableColumns';
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
  const selected = (ids ?? IMAGE_METRICS.map((m) => m.id)).map((id) => {
    const metric = getImageMetric(id);
    if (!metric) {
      throw new MedSynthError('BAD_USAGE', `unknown image metric "${id}"`, { expected: IMAGE_METRICS.map((m) => m.id).join(', ') });
    }
    return metric;
  });
  const results: MetricResult[] = [];
  for (const metric of selected) {
    await yieldToEventLoop();
    throwIfAborted(signal);
    try {
      const r = await metric.compute(input, signal);
      results.push(
        metric.usesFeatures && input.embedder && r.score !== null ? { ...r, details: { ...r.details, embedder: input.embedder } } : r,
      );
    } catch (e) {
      if (e instanceof MedSynthError && e.code === 'CANCELLED') throw e;
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled', {}, { cause: e });
      results.push({ id: metric.id, score: null, details: {}, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}
