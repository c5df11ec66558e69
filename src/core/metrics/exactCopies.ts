// privacy.exactCopies: the share of synthetic rows that reproduce a real record cell for cell,
// the bluntest memorisation check there is.
import type { Column } from '../data/table';
import { MedSynthError } from '../errors';
import { checkTableShape, pairColumns } from './tableColumns';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const EXACT_COPIES_ID = 'privacy.exactCopies';

/**
 * One cell as text that is equal exactly when the cells are equal: numbers by their round-trip
 * decimal form (so 0.1 and 0.1000000001 differ), labels by their text, and missing equal to missing.
 * The leading tag keeps the number 1 apart from the label "1".
 */
function cellKey(column: Column, row: number): string {
  switch (column.kind) {
    case 'numeric':
    case 'datetime': {
      const v = column.values[row];
      return Number.isNaN(v) ? '\u0001' : `n${v}`;
    }
    case 'categorical':
    case 'boolean': {
      const code = column.codes[row];
      return code < 0 ? '\u0001' : `c${column.categories[code]}`;
    }
    case 'identifier':
    case 'text': {
      const v = column.values[row];
      return v === null ? '\u0001' : `t${v}`;
    }
  }
}

function rowKey(columns: readonly Column[], row: number): string {
  // \u0002 cannot appear inside a tagged cell key's prefix and is vanishingly rare in data; a label
  // that contains it is still compared correctly because every cell carries its own tag.
  let key = '';
  for (const column of columns) key += cellKey(column, row) + '\u0002';
  return key;
}

/** Computes the metric. Identifier columns are left out, see the descriptor's doc. */
export function computeExactCopies(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  const pairs = pairColumns(input.real, input.synth, ['number', 'category', 'text']).filter((p) => p.real.kind !== 'identifier');
  if (pairs.length === 0) throw new MedSynthError('BAD_INPUT', 'the real table has no columns to compare apart from identifiers');
  const excludedColumns = input.real.columns.filter((c) => c.kind === 'identifier').map((c) => c.name);
  const realColumns = pairs.map((p) => p.real);
  const synthColumns = pairs.map((p) => p.synth);
  const seen = new Set<string>();
  for (let r = 0; r < input.real.rowCount; r++) {
    if ((r & 0xfff) === 0 && signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    seen.add(rowKey(realColumns, r));
  }
  let copies = 0;
  for (let r = 0; r < input.synth.rowCount; r++) {
    if ((r & 0xfff) === 0 && signal?.aborted) throw new MedSynthError('CANCELLED', 'cancelled');
    if (seen.has(rowKey(synthColumns, r))) copies++;
  }
  return {
    id: EXACT_COPIES_ID,
    score: copies / input.synth.rowCount,
    details: { copies, synthRows: input.synth.rowCount, distinctRealRows: seen.size, excludedColumns },
  };
}

export const exactCopiesMetric: TableMetric = {
  id: EXACT_COPIES_ID,
  title: 'Exact copies of real rows',
  modality: 'table',
  goal: 'minimize',
  range: [0, 1],
  doc:
    'Share of synthetic rows identical to some real row in every column (numbers exactly, labels by text, missing equals missing). ' +
    'Identifier columns are left out because generators regenerate them, so they would hide copied records. ' +
    '0 means no synthetic row copies a real record; 1 means every synthetic row is a copy.',
  reference: 'Exact-match rate (synthcity / SDMetrics NewRowSynthesis complement)',
  compute: computeExactCopies,
};
