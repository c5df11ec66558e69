// fidelity.tvComplement: how closely each categorical column's category frequencies are reproduced,
// following SDMetrics' TVComplement (1 minus the total variation distance). As in SDMetrics, missing
// cells are dropped before the categories are counted; fidelity.missingValueSimilarity measures
// missingness on its own.
import type { CategoricalColumn } from '../data/table/table';
import { tallyCodes } from './bootstrap';
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
 * 1 − TV on drawn rows, for the bootstrap: both columns' codes are mapped once onto one label dictionary
 * (labels matched by text, missing cells −1), so a resample counts ids (O(n + labels)). Undefined when
 * the drawn rows of a side hold no present cell.
 */
export function tvResampler(
  real: CategoricalColumn,
  synth: CategoricalColumn,
): (realRows: Uint32Array, synthRows: Uint32Array) => number | undefined {
  let ids: { real: Int32Array; synth: Int32Array; countReal: Uint32Array; countSynth: Uint32Array } | undefined;
  const build = (): NonNullable<typeof ids> => {
    const dictionary = new Map<string, number>();
    const encode = (column: CategoricalColumn): Int32Array => {
      const byCode = column.categories.map((label) => {
        let id = dictionary.get(label);
        if (id === undefined) dictionary.set(label, (id = dictionary.size));
        return id;
      });
      return Int32Array.from(column.codes, (code) => (code < 0 ? -1 : byCode[code]));
    };
    const r = encode(real);
    const s = encode(synth);
    return { real: r, synth: s, countReal: new Uint32Array(dictionary.size), countSynth: new Uint32Array(dictionary.size) };
  };
  return (realRows, synthRows) => {
    ids ??= build();
    const { countReal, countSynth } = ids;
    const np = tallyCodes(ids.real, realRows, countReal);
    const nq = tallyCodes(ids.synth, synthRows, countSynth);
    if (np === 0 || nq === 0) return undefined;
    let sum = 0;
    for (let k = 0; k < countReal.length; k++) sum += Math.abs(countReal[k] / np - countSynth[k] / nq);
    return 1 - sum / 2;
  };
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
      const emptyCells = real.missing + synth.missing;
      if (real.present === 0 || synth.present === 0) return { score: undefined, emptyCells };
      return { score: 1 - totalVariation(real.shares, synth.shares), emptyCells, resample: tvResampler(pair.real, pair.synth) };
    },
    {
      kind: 'categorical',
      emptyColumn: 'there are no category shares to compare',
      emptyCells:
        'empty categorical cells (real and synthetic) are left out of the category shares, as in SDMetrics; the missing-value similarity score compares missingness',
    },
    signal,
    { real: input.real.rowCount, synth: input.synth.rowCount },
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
