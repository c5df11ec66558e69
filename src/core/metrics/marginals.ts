// The shared loop of the per-column marginal metrics (KS complement, TV complement): each column pair
// is scored on its present cells; a column empty on one side is reported, not scored; empty cells are
// counted; the score is the mean of the column scores. BAD_INPUT when no column could be scored.
import { MedSynthError } from '../errors';
import { mean } from './tableColumns';
import type { LeftOut, MetricResult } from './types';

/** One column's comparison: its score, or undefined when a side has no present cell; its empty cells. */
export interface ColumnScore {
  readonly score: number | undefined;
  readonly emptyCells: number;
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
): MetricResult {
  const perColumn: Record<string, number> = {};
  const skipped: string[] = [];
  let emptyCells = 0;
  for (const pair of pairs) {
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    const s = score(pair);
    emptyCells += s.emptyCells;
    if (s.score === undefined) skipped.push(pair.name);
    else perColumn[pair.name] = s.score;
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
  return { id, score: mean(scores), details: { perColumn, skippedColumns: skipped }, leftOut };
}
