// The shared loop of the per-column marginal metrics (KS complement, TV complement): each column pair
// is scored on its present cells; a column empty on one side is reported, not scored; empty cells are
// counted; the score is the mean of the column scores. BAD_INPUT when no column could be scored.
// Bootstrap (bootstrap.ts): one resample draws real and synthetic rows once, for every column alike, and
// scores each scored column on the drawn rows' present cells; the resampled score is the mean over the
// columns that still have present cells on both sides.
import { MedSynthError } from '../errors';
import { withResample } from './bootstrap';
import { mean } from './tableColumns';
import type { LeftOut, MetricResult } from './types';

/** One column's comparison: its score, or undefined when a side has no present cell; its empty cells. */
export interface ColumnScore {
  readonly score: number | undefined;
  readonly emptyCells: number;
  /**
   * The column's score on drawn rows (indices into the real and the synthetic rows), undefined when a
   * side has no present cell among them. Only asked for columns that have a score.
   */
  readonly resample?: (realRows: Uint32Array, synthRows: Uint32Array) => number | undefined;
}

/** Row counts of the two tables, for the bootstrap draws. */
export interface MarginalRows {
  readonly real: number;
  readonly synth: number;
}

export interface MarginalWords {
  /** 'numeric' or 'categorical', for the all-empty error. */
  readonly kind: string;
  /** Why an empty column is not scored ('there is no distribution to compare'). */
  readonly emptyColumn: string;
  /** Why empty cells are left out, and where missingness is shown instead. */
  readonly emptyCells: string;
}

export function scoreColumns<P extends { readonly name: string }>(
  id: string,
  pairs: readonly P[],
  score: (pair: P) => ColumnScore,
  words: MarginalWords,
  signal?: AbortSignal,
  rows?: MarginalRows,
): MetricResult {
  const perColumn: Record<string, number> = {};
  const resamplers: ((realRows: Uint32Array, synthRows: Uint32Array) => number | undefined)[] = [];
  const skipped: string[] = [];
  let emptyCells = 0;
  for (const pair of pairs) {
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    const s = score(pair);
    emptyCells += s.emptyCells;
    if (s.score === undefined) skipped.push(pair.name);
    else {
      perColumn[pair.name] = s.score;
      if (s.resample) resamplers.push(s.resample);
    }
  }
  const scores = Object.values(perColumn);
  if (scores.length === 0) throw new MedSynthError('BAD_INPUT', `every ${words.kind} column is empty in the real or the synthetic table`);
  const leftOut: LeftOut[] = [];
  if (skipped.length > 0)
    leftOut.push({
      count: skipped.length,
      unit: 'columns',
      names: skipped,
      reason: `empty in the real or the synthetic table, so ${words.emptyColumn}`,
    });
  if (emptyCells > 0) leftOut.push({ count: emptyCells, unit: 'cells', reason: words.emptyCells });
  const result: MetricResult = { id, score: mean(scores), details: { perColumn, skippedColumns: skipped }, leftOut };
  // Every scored column must offer a resample, or the resampled mean would be over other columns.
  if (!rows || resamplers.length !== scores.length) return result;
  const resample = (draw: (n: number) => Uint32Array): number | null => {
    const realRows = draw(rows.real);
    const synthRows = draw(rows.synth);
    const values: number[] = [];
    for (const r of resamplers) {
      const v = r(realRows, synthRows);
      if (v !== undefined) values.push(v);
    }
    return values.length > 0 ? mean(values) : null;
  };
  return withResample(result, resample);
}
