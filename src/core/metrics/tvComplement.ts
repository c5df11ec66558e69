// fidelity.tvComplement: how closely each categorical column's category frequencies are reproduced,
// following SDMetrics' TVComplement (1 minus the total variation distance). As in SDMetrics, missing
// cells are dropped before the categories are counted; fidelity.missingValueSimilarity measures
// missingness on its own.
import type { CategoricalColumn } from '../data/table/table';
import { scoreColumns } from './marginals';
import { categoryPairs, checkTableShape, notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TV_COMPLEMENT_ID = 'fidelity.tvComplement';

/** Label -> share among the present cells of a column, and how many cells were missing. */
interface Frequencies {
  readonly shares: Map<string, number>;
  readonly present: number;
  readonly missing: number;
}

function frequencies(column: CategoricalColumn): Frequencies {
  const counts = new Float64Array(column.categories.length);
  let missing = 0;
  for (const code of column.codes) {
    if (code < 0) missing++;
    else counts[code]++;
  }
  const present = column.codes.length - missing;
  const shares = new Map<string, number>();
  column.categories.forEach((label, k) => {
    // Two codes may carry the same label after conforming; their shares add up.
    if (counts[k] > 0) shares.set(label, (shares.get(label) ?? 0) + counts[k] / present);
  });
  return { shares, present, missing };
}

/** The total variation distance 1/2 Σ |p - q| between two label (or cell key) -> share maps. */
export function totalVariation<K>(p: ReadonlyMap<K, number>, q: ReadonlyMap<K, number>): number {
  let sum = 0;
  for (const [label, share] of p) sum += Math.abs(share - (q.get(label) ?? 0));
  for (const [label, share] of q) if (!p.has(label)) sum += share;
  return sum / 2;
}

/**
 * Computes the metric; not applicable when there is nothing categorical to compare, BAD_INPUT for bad
 * tables or when every categorical column is empty on one side.
 */
export function computeTvComplement(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const pairs = categoryPairs(input.real, input.synth);
  if (pairs.length === 0) return notApplicable(TV_COMPLEMENT_ID, 'the real table has no categorical or boolean columns');
  return scoreColumns(
    TV_COMPLEMENT_ID,
    pairs,
    (pair) => {
      const real = frequencies(pair.real);
      const synth = frequencies(pair.synth);
      // SDMetrics cannot compute a column with no present cell on one side (its column score is NaN and
      // its averages skip it): the column is reported, not scored.
      const empty = real.present === 0 || synth.present === 0;
      return { score: empty ? undefined : 1 - totalVariation(real.shares, synth.shares), emptyCells: real.missing + synth.missing };
    },
    {
      kind: 'categorical',
      emptyColumn: 'there are no category shares to compare',
      emptyCells:
        'empty categorical cells (real and synthetic) are left out of the category shares, as in SDMetrics; the missing-value similarity score compares missingness',
    },
    signal,
  );
}

export const tvComplementMetric: TableMetric = {
  id: TV_COMPLEMENT_ID,
  title: 'Categorical marginals (TV complement)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean over categorical and boolean columns of 1 − the total variation distance between the category shares of the present cells ' +
    '(labels are matched by text; empty cells are dropped per column, as SDMetrics does, and a column that is empty in either table is left out). ' +
    'Missingness is scored by the missing-value similarity metric instead. ' +
    '1 means identical category frequencies; 0 means the synthetic data uses none of the real categories.',
  reference: 'SDMetrics TVComplement (total variation distance of the category frequencies of the non-missing values)',
  compute: computeTvComplement,
};
