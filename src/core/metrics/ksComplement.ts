// fidelity.ksComplement: how closely each numeric column's marginal distribution is reproduced,
// following SDMetrics' KSComplement (1 minus the two-sample Kolmogorov–Smirnov statistic).
import { tallyCodes } from './bootstrap';
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

/**
 * 1 − KS on drawn rows, for the bootstrap: each row's present value is replaced once by its rank among
 * the distinct present values of both columns, so a resample counts ranks (O(n + distinct values)) and
 * walks the two cumulative counts, as ksStatistic walks distinct values. Undefined when the drawn rows
 * of a side hold no present cell.
 */
export function ksResampler(
  real: Float64Array,
  synth: Float64Array,
  sortedReal?: Float64Array,
  sortedSynth?: Float64Array,
): (realRows: Uint32Array, synthRows: Uint32Array) => number | undefined {
  // Built on the first resample, so that a run without intervals pays nothing for them.
  let ranks: { real: Int32Array; synth: Int32Array; countReal: Uint32Array; countSynth: Uint32Array } | undefined;
  const build = (): NonNullable<typeof ranks> => {
    const a = sortedReal ?? sortedPresent(real);
    const b = sortedSynth ?? sortedPresent(synth);
    const merged = new Float64Array(a.length + b.length);
    merged.set(a);
    merged.set(b, a.length);
    merged.sort();
    let k = 0;
    for (let i = 0; i < merged.length; i++) if (i === 0 || merged[i] !== merged[k - 1]) merged[k++] = merged[i];
    const distinct = merged.subarray(0, k);
    const rank = (values: Float64Array): Int32Array =>
      Int32Array.from(values, (v) => {
        if (Number.isNaN(v)) return -1;
        let lo = 0;
        let hi = distinct.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (distinct[mid] < v) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      });
    return { real: rank(real), synth: rank(synth), countReal: new Uint32Array(k), countSynth: new Uint32Array(k) };
  };
  return (realRows, synthRows) => {
    ranks ??= build();
    const { countReal, countSynth } = ranks;
    const na = tallyCodes(ranks.real, realRows, countReal);
    const nb = tallyCodes(ranks.synth, synthRows, countSynth);
    if (na === 0 || nb === 0) return undefined;
    let i = 0;
    let j = 0;
    let d = 0;
    for (let q = 0; q < countReal.length; q++) {
      i += countReal[q];
      j += countSynth[q];
      const gap = Math.abs(i / na - j / nb);
      if (gap > d) d = gap;
    }
    return 1 - d;
  };
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
      if (a.length === 0 || b.length === 0) return { score: undefined, emptyCells };
      return { score: 1 - ksStatistic(a, b), emptyCells, resample: ksResampler(pair.real.values, pair.synth.values, a, b) };
    },
    {
      kind: 'numeric',
      emptyColumn: 'there is no distribution to compare',
      emptyCells:
        'empty numeric cells (real and synthetic) are left out of the distributions; fidelity.missingValueSimilarity and the column charts show missingness',
    },
    signal,
    { real: input.real.rowCount, synth: input.synth.rowCount },
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
