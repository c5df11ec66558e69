// privacy.nndr: nearest-neighbour distance ratio. A synthetic row much closer to one real record
// than to the next one singles that patient out even when the absolute distance looks moderate.
import { nearestTwo } from './distanceKernel';
import { buildDistanceSpace } from './distanceSpace';
import { quantileSorted } from './tableColumns';
import { MedSynthError } from '../errors';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const NNDR_ID = 'privacy.nndr';

/**
 * d1 / d2 per row. When both distances are 0 the row duplicates two identical real records; that
 * is as close as it gets, so the ratio is defined as 0 rather than left undefined.
 */
export function distanceRatios(d1: Float64Array, d2: Float64Array): Float64Array {
  return d1.map((d, i) => (d2[i] === 0 ? 0 : d / d2[i]));
}

/** Computes the metric; needs at least two real rows without empty cells. */
export async function computeNndr(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = buildDistanceSpace(input.real, input.synth);
  if (space.real.count < 2) throw new MedSynthError('BAD_INPUT', 'the nearest-neighbour distance ratio needs at least two complete real rows');
  const near = await nearestTwo(space.synth.rows, space.real.rows, space.stride, signal);
  const ratios = distanceRatios(near.d1, near.d2);
  const sorted = Float64Array.from(ratios).sort();
  let sum = 0;
  for (const r of ratios) sum += r;
  return {
    id: NNDR_ID,
    score: quantileSorted(sorted, 0.5),
    details: {
      median: quantileSorted(sorted, 0.5),
      p05: quantileSorted(sorted, 0.05),
      mean: sum / ratios.length,
      excludedRealRows: space.real.excluded,
      excludedSynthRows: space.synth.excluded,
      columns: space.usedColumns,
      ignoredColumns: space.ignoredColumns,
    },
  };
}

export const nndrMetric: TableMetric = {
  id: NNDR_ID,
  title: 'Nearest-neighbour distance ratio',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Score = median over synthetic rows of d1 / d2, the distances (same definition as privacy.dcr) to the closest and second-closest ' +
    'real rows. Near 0 means synthetic rows sit suspiciously close to one particular record; 1 means the two nearest real records are ' +
    'equally far, so no single patient is singled out.',
  reference: 'NNDR as in synthcity / Lowe 2004 ratio test; distance as privacy.dcr',
  compute: computeNndr,
};
