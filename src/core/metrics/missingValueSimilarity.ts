// fidelity.missingValueSimilarity: whether each column is as often empty in the synthetic data as in
// the real data, following SDMetrics' MissingValueSimilarity (1 − |share missing real − share missing
// synthetic| per column), averaged over the columns. Bootstrap: real and synthetic rows are drawn once per
// resample for all columns; a column complete on both sides scores 1 on any resample and is not recounted.
import type { Column } from '../data/table/table';
import { isMissing, missingCount } from '../data/table/table';
import { MedSynthError } from '../errors';
import { drawCounts, withResample } from './bootstrap';
import { checkTableShape, mean, notApplicable } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const MISSING_VALUE_SIMILARITY_ID = 'fidelity.missingValueSimilarity';

function cellCount(column: Column): number {
  return 'codes' in column ? column.codes.length : column.values.length;
}

/**
 * Computes the metric over every column of the real table, whatever its kind (an empty cell is one in
 * every kind); a real column the synthetic table lacks is BAD_INPUT. The kinds need not agree: an
 * empty cell is empty whichever way the column was read.
 */
export function computeMissingValueSimilarity(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  if (input.real.columns.length === 0) return notApplicable(MISSING_VALUE_SIMILARITY_ID, 'the real table has no columns');
  const byName = new Map(input.synth.columns.map((c) => [c.name, c] as const));
  const perColumn: Record<string, number> = {};
  const missingShare: Record<string, { real: number; synthetic: number }> = {};
  for (const column of input.real.columns) {
    if (signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    const other = byName.get(column.name);
    if (!other) throw new MedSynthError('BAD_INPUT', `the synthetic table has no column "${column.name}"`);
    const real = missingCount(column) / cellCount(column);
    const synthetic = missingCount(other) / cellCount(other);
    perColumn[column.name] = 1 - Math.abs(real - synthetic);
    missingShare[column.name] = { real, synthetic };
  }
  const columnsWithMissing = Object.entries(missingShare)
    .filter(([, s]) => s.real > 0 || s.synthetic > 0)
    .map(([name]) => name);
  const columns = input.real.columns.length;
  const gappy = columnsWithMissing.map((name) => [input.real.columns.find((c) => c.name === name)!, byName.get(name)!] as const);
  // Per gappy column the rows whose cell is empty; a resample counts how often each row was drawn, once
  // per table, and adds up the counts of those rows only (O(n + empty cells)).
  let emptyRows: { real: Uint32Array; synth: Uint32Array }[] | undefined;
  const rowsOf = (column: Column): Uint32Array => {
    const out: number[] = [];
    for (let i = 0; i < cellCount(column); i++) if (isMissing(column, i)) out.push(i);
    return Uint32Array.from(out);
  };
  const resample = (draw: (n: number) => Uint32Array): number => {
    emptyRows ??= gappy.map(([real, synth]) => ({ real: rowsOf(real), synth: rowsOf(synth) }));
    const realCounts = drawCounts(draw(input.real.rowCount), input.real.rowCount);
    const synthCounts = drawCounts(draw(input.synth.rowCount), input.synth.rowCount);
    const share = (rows: Uint32Array, counts: Uint32Array): number => {
      let n = 0;
      for (const r of rows) n += counts[r];
      return n / counts.length;
    };
    let sum = columns - gappy.length;
    for (const e of emptyRows) sum += 1 - Math.abs(share(e.real, realCounts) - share(e.synth, synthCounts));
    return sum / columns;
  };
  return withResample(
    { id: MISSING_VALUE_SIMILARITY_ID, score: mean(Object.values(perColumn)), details: { perColumn, missingShare, columnsWithMissing } },
    resample,
  );
}

export const missingValueSimilarityMetric: TableMetric = {
  id: MISSING_VALUE_SIMILARITY_ID,
  title: 'Missing values (missing-value similarity)',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Mean over every column of 1 − the absolute difference between the share of empty cells in the real and in the synthetic table. ' +
    'A column with no empty cell on either side scores 1, so with few gappy columns the mean stays high: the per-column scores show which ones differ. ' +
    '1 means every column is missing as often as in the real data; 0 means a column complete on one side is entirely empty on the other.',
  reference: 'SDMetrics MissingValueSimilarity (1 − |share missing real − share missing synthetic|, per column)',
  compute: computeMissingValueSimilarity,
};
