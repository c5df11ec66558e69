// privacy.dcr: distance to the closest real record for every synthetic row. Small distances mean
// the generator put synthetic rows on top of real patients; with a holdout set, comparing the
// distance to the training rows with the distance to unseen rows separates memorisation from a
// dense but honest distribution.
import { MedSynthError } from '../errors';
import { nearestTwo } from './distanceKernel';
import { buildDistanceSpace } from './distanceSpace';
import { quantileSorted } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const DCR_ID = 'privacy.dcr';
export const DCR_HISTOGRAM_BINS = 20;

export interface DistanceHistogram {
  /** BINS + 1 ascending edges from 0 to the largest distance (to 1 when every distance is 0). */
  readonly edges: number[];
  readonly counts: number[];
}

/** Equal-width bins from 0; the last bin includes its upper edge. */
export function distanceHistogram(sorted: Float64Array, bins = DCR_HISTOGRAM_BINS): DistanceHistogram {
  const top = sorted.length > 0 && sorted[sorted.length - 1] > 0 ? sorted[sorted.length - 1] : 1;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (top * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const d of sorted) counts[Math.min(bins - 1, Math.floor((d / top) * bins))]++;
  return { edges, counts };
}

/**
 * Share of synthetic rows whose closest training row is nearer than their closest holdout row,
 * ties counting one half. A generator that never saw the training rows gets the chance level
 * trainRows / (trainRows + holdoutRows): 0.5 only when both sets have the same size.
 */
export function shareCloserToTrain(toTrain: Float64Array, toHoldout: Float64Array): number {
  let closer = 0;
  for (let i = 0; i < toTrain.length; i++) {
    if (toTrain[i] < toHoldout[i]) closer += 1;
    else if (toTrain[i] === toHoldout[i]) closer += 0.5;
  }
  return closer / toTrain.length;
}

/** Computes the metric. Throws BAD_INPUT when nothing can be measured, CANCELLED on abort. */
export async function computeDcr(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = buildDistanceSpace(input.real, input.synth, input.holdout);
  const toReal = await nearestTwo(space.synth.rows, space.real.rows, space.stride, signal);
  const dcr = toReal.d1.map((d) => d / space.columnCount);
  const sorted = Float64Array.from(dcr).sort();
  let sum = 0;
  for (const d of dcr) sum += d;
  const details: Record<string, unknown> = {
    median: quantileSorted(sorted, 0.5),
    p05: quantileSorted(sorted, 0.05),
    mean: sum / dcr.length,
    excludedRealRows: space.real.excluded,
    excludedSynthRows: space.synth.excluded,
    histogram: distanceHistogram(sorted),
    columns: space.usedColumns,
    ignoredColumns: space.ignoredColumns,
  };
  if (space.holdout) {
    if (space.holdout.count === 0) throw new MedSynthError('BAD_INPUT', 'every holdout row has an empty cell, so no distance can be measured');
    const toHoldout = await nearestTwo(space.synth.rows, space.holdout.rows, space.stride, signal);
    details.shareCloserToTrain = shareCloserToTrain(toReal.d1, toHoldout.d1);
    details.excludedHoldoutRows = space.holdout.excluded;
  }
  return { id: DCR_ID, score: details.median as number, details };
}

export const dcrMetric: TableMetric = {
  id: DCR_ID,
  title: 'Distance to closest real record',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Score = median over synthetic rows of the distance to the closest real row, where distance = mean over columns of |a − b| / range ' +
    '(numeric, datetime; range over the real rows) and 0/1 mismatch (categorical, boolean); identifier and text columns are ignored and ' +
    'rows with an empty cell are left out of both tables (counted in details). 0 means synthetic rows sit on real records (copies); ' +
    'values near 1 mean they are as far from every real record as the data allows (little fidelity either). Synthetic values outside the ' +
    'real range can push distances above 1. With a holdout, details.shareCloserToTrain (ties count half) should be near the chance level ' +
    'trainRows / (trainRows + holdoutRows), 0.5 for equal-sized sets (0.8 for an 80/20 split); well above it means the generator memorised its training rows.',
  reference: 'DCR as in synthcity / Zhao et al. 2021 (CTAB-GAN); holdout comparison as in Platzer & Reutterer 2021',
  compute: computeDcr,
};
