// fidelity.ksComplement: how closely each numeric column's marginal distribution is reproduced,
// following SDMetrics' KSComplement (1 minus the two-sample Kolmogorov–Smirnov statistic).
import { MedSynthError } from '../errors';
import { checkTableShape, mean, notApplicable, numberPairs, sortedPresent } from './tableColumns';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';

export const KS_COMPLEMENT_ID = 'fidelity.ksComplement';

/**
 * The two-sample KS statistic D = sup |F_a(x) - F_b(x)| of two ascending arrays. Walking both arrays
 * by distinct value (all copies of a tied value at once) gives exactly scipy.stats.ks_2samp's statistic.
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < na && j < nb) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    while (i < na && a[i] === x) i++;
    while (j < nb && b[j] === x) j++;
    const gap = Math.abs(i / na - j / nb);
    if (gap > d) d = gap;
  }
  return d;
}

/** Computes the metric; not applicable when there is nothing numeric to compare, BAD_INPUT for bad tables. */
export function computeKsComplement(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const pairs = numberPairs(input.real, input.synth);
  if (pairs.length === 0) return notApplicable(KS_COMPLEMENT_ID, 'the real table has no numeric or datetime columns');
  const perColumn: Record<string, number> = {};
  const skipped: string[] = [];
  let emptyCells = 0;
  for (const pair of pairs) {
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    const a = sortedPresent(pair.real.values);
    const b = sortedPresent(pair.synth.values);
    emptyCells += pair.real.values.length - a.length + pair.synth.values.length - b.length;
    // A column that is empty on either side has no distribution to compare; it is reported, not scored.
    if (a.length === 0 || b.length === 0) {
      skipped.push(pair.name);
      continue;
    }
    perColumn[pair.name] = 1 - ksStatistic(a, b);
  }
  const scores = Object.values(perColumn);
  if (scores.length === 0) throw new MedSynthError('BAD_INPUT', 'every numeric column is empty in the real or the synthetic table');
  const leftOut: LeftOut[] = [];
  if (skipped.length > 0)
    leftOut.push({
      count: skipped.length,
      unit: 'columns',
      names: skipped,
      reason: 'empty in the real or the synthetic table, so there is no distribution to compare',
    });
  if (emptyCells > 0)
    leftOut.push({
      count: emptyCells,
      unit: 'cells',
      reason:
        'empty numeric cells (real and synthetic) are left out of the distributions; fidelity.missingValueSimilarity and the column charts show missingness',
    });
  return { id: KS_COMPLEMENT_ID, score: mean(scores), details: { perColumn, skippedColumns: skipped }, leftOut };
}

export const ksComplementMetric: TableMetric = {
  id: KS_COMPLEMENT_ID,
  title: 'Numeric marginals (KS complement)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean over numeric and datetime columns of 1 − the two-sample Kolmogorov–Smirnov statistic; empty cells are dropped per column. ' +
    '1 means every column has the same empirical distribution in real and synthetic data; 0 means the two ranges do not overlap at all.',
  reference: 'SDMetrics KSComplement; scipy.stats.ks_2samp statistic',
  compute: computeKsComplement,
};
