// The real and synthetic correlation matrices behind fidelity.correlationSimilarity, for the report's
// heatmaps. They use the metric's own column pairing and Pearson rule, so a cell of the difference
// heatmap is exactly the |S − R| that the score averages.
import type { Table } from '../data/table/table';
import { pearsonPairwise } from '../metrics/correlationSimilarity';
import { numberPairs } from '../metrics/tableColumns';
import type { ColumnPair, NumberLikeColumn } from '../metrics/tableColumns';
import type { CorrelationMatrices } from './model';

/** More columns than this make cells too small to read; the rest are counted, not drawn. */
export const MAX_HEATMAP_COLUMNS = 40;

/** Undefined when fewer than two numeric or datetime columns are shared (the metric does not apply). */
export function correlationMatrices(real: Table, synth: Table, maxColumns = MAX_HEATMAP_COLUMNS): CorrelationMatrices | undefined {
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
  const matrix = (side: 'real' | 'synth'): (number | null)[][] => {
    const m = shown.map(() => new Array<number | null>(shown.length).fill(null));
    for (let i = 0; i < shown.length; i++) {
      for (let j = i; j < shown.length; j++) {
        const r = pearsonPairwise(shown[i][side].values, shown[j][side].values);
        m[i][j] = m[j][i] = Number.isNaN(r) ? null : i === j ? 1 : r;
      }
    }
    return m;
  };
  return { columns: shown.map((p) => p.name), real: matrix('real'), synth: matrix('synth'), omittedColumns: pairs.length - shown.length };
}
