// fidelity.contingencySimilarity: whether the joint frequencies of each pair of categorical columns
// survive synthesis, following SDMetrics' ContingencySimilarity (1 minus the total variation distance
// of the two-way contingency tables). Unlike tvComplement, a missing cell stays in: it is a label of its
// own and the shares are over all rows, as SDMetrics' ContingencySimilarity counts combinations
// (pandas groupby with dropna=False, divided by the row count).
import type { CategoricalColumn } from '../data/table/table';
import { MedSynthError } from '../errors';
import { withResample } from './bootstrap';
import { categoryPairs, checkTableShape, mean, notApplicable } from './tableColumns';
import type { ColumnPair } from './tableColumns';
import { totalVariation } from './tvComplement';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const CONTINGENCY_SIMILARITY_ID = 'fidelity.contingencySimilarity';

/** A column's cells as ids into a label dictionary shared by the real and the synthetic column. */
interface LabelIds {
  readonly real: Int32Array;
  readonly synth: Int32Array;
  /** How many distinct ids (labels, plus one for missing cells when there are any). */
  readonly size: number;
}

/**
 * Maps both sides of a column pair onto one dictionary, matching labels by text as tvComplement does.
 * A missing cell gets an id of its own, so missingness is a category of its own here (tvComplement
 * drops missing cells instead).
 */
function labelIds(pair: ColumnPair<CategoricalColumn>): LabelIds {
  const dictionary = new Map<string, number>();
  let missingId = -1;
  let size = 0;
  const encode = (column: CategoricalColumn): Int32Array => {
    // Two codes may carry the same label after conforming; they map to the same id.
    const byCode = column.categories.map((label) => {
      let id = dictionary.get(label);
      if (id === undefined) {
        id = size++;
        dictionary.set(label, id);
      }
      return id;
    });
    const out = new Int32Array(column.codes.length);
    for (let i = 0; i < column.codes.length; i++) {
      const code = column.codes[i];
      if (code >= 0) {
        out[i] = byCode[code];
      } else {
        if (missingId < 0) missingId = size++;
        out[i] = missingId;
      }
    }
    return out;
  };
  const real = encode(pair.real);
  const synth = encode(pair.synth);
  return { real, synth, size };
}

/** The normalised two-way contingency table of two id arrays, keyed by a * sizeB + b. */
function contingency(a: Int32Array, b: Int32Array, sizeB: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = a[i] * sizeB + b[i];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const n = a.length;
  for (const [key, count] of counts) counts.set(key, count / n);
  return counts;
}

/** Above this many label combinations a resample counts them in a Map instead of a dense array. */
const DENSE_CELLS = 1 << 16;

/**
 * 1 − TV of the contingency tables of ids (a, b) on drawn rows (the bootstrap), shares over the drawn
 * rows as contingency() takes them over all rows.
 */
function resampledPairScore(a: LabelIds, b: LabelIds, realRows: Uint32Array, synthRows: Uint32Array): number {
  const cells = a.size * b.size;
  if (cells <= DENSE_CELLS) {
    const real = new Float64Array(cells);
    const synth = new Float64Array(cells);
    for (const r of realRows) real[a.real[r] * b.size + b.real[r]]++;
    for (const r of synthRows) synth[a.synth[r] * b.size + b.synth[r]]++;
    let sum = 0;
    for (let k = 0; k < cells; k++) sum += Math.abs(real[k] / realRows.length - synth[k] / synthRows.length);
    return 1 - sum / 2;
  }
  const count = (x: Int32Array, y: Int32Array, rows: Uint32Array): Map<number, number> => {
    const m = new Map<number, number>();
    for (const r of rows) {
      const key = x[r] * b.size + y[r];
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    for (const [key, c] of m) m.set(key, c / rows.length);
    return m;
  };
  return 1 - totalVariation(count(a.real, b.real, realRows), count(a.synth, b.synth, synthRows));
}

/** Computes the metric; not applicable with fewer than two categorical columns, BAD_INPUT for bad tables. */
export function computeContingencySimilarity(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const pairs = categoryPairs(input.real, input.synth);
  if (pairs.length < 2)
    return notApplicable(CONTINGENCY_SIMILARITY_ID, 'contingency similarity needs at least two categorical or boolean columns');
  const ids = pairs.map(labelIds);
  const perPair: Record<string, number> = {};
  for (let a = 0; a < pairs.length; a++) {
    for (let b = a + 1; b < pairs.length; b++) {
      if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
      const real = contingency(ids[a].real, ids[b].real, ids[b].size);
      const synth = contingency(ids[a].synth, ids[b].synth, ids[b].size);
      perPair[`${pairs[a].name}|${pairs[b].name}`] = 1 - totalVariation(real, synth);
    }
  }
  // Bootstrap: real and synthetic rows drawn once per resample for every pair.
  const resample = (draw: (n: number) => Uint32Array): number => {
    const realRows = draw(input.real.rowCount);
    const synthRows = draw(input.synth.rowCount);
    const values: number[] = [];
    for (let a = 0; a < pairs.length; a++)
      for (let b = a + 1; b < pairs.length; b++) values.push(resampledPairScore(ids[a], ids[b], realRows, synthRows));
    return mean(values);
  };
  return withResample({ id: CONTINGENCY_SIMILARITY_ID, score: mean(Object.values(perPair)), details: { perPair } }, resample);
}

export const contingencySimilarityMetric: TableMetric = {
  id: CONTINGENCY_SIMILARITY_ID,
  title: 'Categorical pairs (contingency similarity)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean over pairs of categorical/boolean columns of 1 − the total variation distance between the two-way contingency tables ' +
    '(shares of each combination of labels over all rows; labels are matched by text). ' +
    'An empty cell counts as a label of its own here, unlike in the TV complement, so a generator that loses how missingness ' +
    'goes with the other column is penalised; a row is never dropped. ' +
    '1 means every combination occurs as often as in the real data; 0 means the synthetic data shares no combination with it.',
  reference:
    'SDMetrics ContingencySimilarity (total variation distance of normalised contingency tables; missing values kept as a category)',
  compute: computeContingencySimilarity,
};
