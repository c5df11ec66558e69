// fidelity.tvComplement: how closely each categorical column's category frequencies are reproduced,
// following SDMetrics' TVComplement (1 minus the total variation distance).
import type { CategoricalColumn } from '../data/table/table';
import { MedSynthError } from '../errors';
import { categoryPairs, checkTableShape, mean, notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const TV_COMPLEMENT_ID = 'fidelity.tvComplement';

/** The key used for a missing cell: missingness is a category of its own (see the descriptor's doc). */
const MISSING = '\u0000missing';

function frequencies(column: CategoricalColumn): Map<string, number> {
  const counts = new Float64Array(column.categories.length);
  let missing = 0;
  for (const code of column.codes) {
    if (code < 0) missing++;
    else counts[code]++;
  }
  const n = column.codes.length;
  const out = new Map<string, number>();
  column.categories.forEach((label, k) => {
    // Two codes may carry the same label after conforming; their shares add up.
    if (counts[k] > 0) out.set(label, (out.get(label) ?? 0) + counts[k] / n);
  });
  if (missing > 0) out.set(MISSING, missing / n);
  return out;
}

/** The total variation distance 1/2 Σ |p - q| between two label (or cell key) -> share maps. */
export function totalVariation<K>(p: ReadonlyMap<K, number>, q: ReadonlyMap<K, number>): number {
  let sum = 0;
  for (const [label, share] of p) sum += Math.abs(share - (q.get(label) ?? 0));
  for (const [label, share] of q) if (!p.has(label)) sum += share;
  return sum / 2;
}

/** Computes the metric; not applicable when there is nothing categorical to compare, BAD_INPUT for bad tables. */
export function computeTvComplement(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const pairs = categoryPairs(input.real, input.synth);
  if (pairs.length === 0) return notApplicable(TV_COMPLEMENT_ID, 'the real table has no categorical or boolean columns');
  const perColumn: Record<string, number> = {};
  for (const pair of pairs) {
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    perColumn[pair.name] = 1 - totalVariation(frequencies(pair.real), frequencies(pair.synth));
  }
  return { id: TV_COMPLEMENT_ID, score: mean(Object.values(perColumn)), details: { perColumn } };
}

export const tvComplementMetric: TableMetric = {
  id: TV_COMPLEMENT_ID,
  title: 'Categorical marginals (TV complement)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean over categorical and boolean columns of 1 − the total variation distance between category shares (labels are matched by text; ' +
    'a missing cell counts as a category of its own, so a generator that loses the missing-value rate is penalised). ' +
    '1 means identical category frequencies; 0 means the synthetic data uses none of the real categories.',
  reference: 'SDMetrics TVComplement (total variation distance of category frequencies)',
  compute: computeTvComplement,
};
