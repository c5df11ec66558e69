// privacy.nndr: nearest-neighbour distance ratio. A synthetic row much closer to one real record
// than to the next one singles that patient out even when the absolute distance looks moderate.
//
// Bootstrap (details.ci95, bootstrap.ts): the synthetic rows are resampled with replacement (one draw of
// the synthetic row count) and the score is the median of the drawn rows' ratios, each row keeping the
// d1 / d2 of its two closest real rows from the shared synth → real pass: the real rows are the fixed
// reference set, never resampled (a resample of them would leave out about 37% of the real records, and
// a real row drawn twice would be both nearest neighbours of a synthetic row near it, d1 = d2, ratio 1);
// the holdout baseline has no interval. O(n) per resample (dcr.ts resampledQuantile).
import { withResample } from './bootstrap';
import { distanceSummary, ignoredColumnsLeftOut, resampledQuantile } from './dcr';
import { neighbourSpace, sharedNeighbours } from './neighbourCache';
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

/** Computes the metric; needs at least two real rows. */
export async function computeNndr(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  const space = await neighbourSpace(input, signal, NNDR_ID);
  if (space.real.count < 2) throw new MedSynthError('BAD_INPUT', 'the nearest-neighbour distance ratio needs at least two real rows');
  const near = await sharedNeighbours(input, 'synth', 'real', signal);
  const ratios = distanceRatios(near.d1, near.d2);
  const summary = distanceSummary(ratios);
  const details: Record<string, unknown> = {
    median: summary.median,
    p05: summary.p05,
    mean: summary.mean,
    columns: space.usedColumns,
    ignoredColumns: space.ignoredColumns,
  };
  if (space.holdout) {
    // The same ratio for real rows the generator never saw: what an honest synthetic row looks like.
    const base = await sharedNeighbours(input, 'holdout', 'real', signal);
    const b = distanceSummary(distanceRatios(base.d1, base.d2));
    details.baseline = { median: b.median, p05: b.p05, mean: b.mean, rows: space.holdout.count };
  }
  const result: MetricResult = { id: NNDR_ID, score: summary.median, details, leftOut: ignoredColumnsLeftOut(space.ignoredColumns) };
  return withResample(result, resampledQuantile(ratios, 0.5));
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
    'equally far, so no single patient is singled out. With a holdout, the report shows the same ratio for the holdout rows as the ' +
    'level real patients reach.',
  reference: 'NNDR as in synthcity / Lowe 2004 ratio test; distance as privacy.dcr',
  compute: computeNndr,
};
