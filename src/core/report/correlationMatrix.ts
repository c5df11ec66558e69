// The real and synthetic correlation matrices behind fidelity.correlationSimilarity, for the report's
// heatmaps. They use the metric's own column pairing and Pearson rule, so a cell of the difference
// heatmap is exactly the |S − R| that the score averages.
import type { Table } from '../data/table/table';
import { pearsonPairwise } from '../metrics/correlationSimilarity';
import { numberPairs } from '../metrics/tableColumns';
import type { ColumnPair, NumberLikeColumn } from '../metrics/tableColumns';
import { runSteps, runStepsYielding } from '../metrics/workSteps';
import type { WorkSteps } from '../metrics/workSteps';
import type { CorrelationMatrices } from './model';

/** More columns than this make cells too small to read; the rest are counted, not drawn. */
export const MAX_HEATMAP_COLUMNS = 40;

/** Undefined when fewer than two numeric or datetime columns are shared (the metric does not apply). */
export function correlationMatrices(real: Table, synth: Table, maxColumns = MAX_HEATMAP_COLUMNS): CorrelationMatrices | undefined {
  return runSteps(correlationMatrixSteps(real, synth, maxColumns));
}

/**
 * correlationMatrices giving the event loop a turn every few tens of milliseconds: 40 columns are 820
 * pairs per table, each a pass over every row, so a cancel would otherwise wait for all of them.
 */
export function correlationMatricesYielding(
  real: Table,
  synth: Table,
  signal?: AbortSignal,
  maxColumns = MAX_HEATMAP_COLUMNS,
): Promise<CorrelationMatrices | undefined> {
  return runStepsYielding(correlationMatrixSteps(real, synth, maxColumns), signal);
}

function* correlationMatrixSteps(real: Table, synth: Table, maxColumns: number): WorkSteps<CorrelationMatrices | undefined> {
  let pairs: ColumnPair<NumberLikeColumn>[];
  try {
    pairs = numberPairs(real, synth);
  } catch {
    // A column whose kinds differ between the tables fails the metric, which reports it; no heatmap then.
    return undefined;
  }
  if (pairs.length < 2) return undefined;
  const shown = pairs.slice(0, maxColumns);
  // Symmetric: each pair is computed once. The diagonal is 1 unless the column is constant or empty.
  function* matrix(side: 'real' | 'synth'): WorkSteps<(number | null)[][]> {
    const m = shown.map(() => new Array<number | null>(shown.length).fill(null));
    for (let i = 0; i < shown.length; i++) {
      for (let j = i; j < shown.length; j++) {
        yield;
        const r = pearsonPairwise(shown[i][side].values, shown[j][side].values);
        m[i][j] = m[j][i] = Number.isNaN(r) ? null : i === j ? 1 : r;
      }
    }
    return m;
  }
  const realMatrix = yield* matrix('real');
  const synthMatrix = yield* matrix('synth');
  return { columns: shown.map((p) => p.name), real: realMatrix, synth: synthMatrix, omittedColumns: pairs.length - shown.length };
}
