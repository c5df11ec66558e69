// fidelity.ksComplement: how closely each numeric column's marginal distribution is reproduced,
// following SDMetrics' KSComplement (1 minus the two-sample Kolmogorov–Smirnov statistic).
import { scoreColumns } from './marginals';
import { checkTableShape, notApplicable, numberPairs, sortedPresent } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

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
  return scoreColumns(
    KS_COMPLEMENT_ID,
    pairs,
    (pair) => {
      const a = sortedPresent(pair.real.values);
      const b = sortedPresent(pair.synth.values);
      const emptyCells = pair.real.values.length - a.length + pair.synth.values.length - b.length;
      // A column that is empty on either side has no distribution to compare; it is reported, not scored.
      return { score: a.length === 0 || b.length === 0 ? undefined : 1 - ksStatistic(a, b), emptyCells };
    },
    {
      kind: 'numeric',
      emptyColumn: 'there is no distribution to compare',
      emptyCells:
        'empty numeric cells (real and synthetic) are left out of the distributions; fidelity.missingValueSimilarity and the column charts show missingness',
    },
    signal,
  );
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
