// privacy.exactCopies: the share of synthetic rows that reproduce a real record cell for cell,
// the bluntest memorisation check there is.
import type { Column } from '../data/table/table';
import { MedSynthError } from '../errors';
import { withResample } from './bootstrap';
import { checkTableShape, pairColumns } from './tableColumns';
import { ROWS_PER_STEP, runSteps, runStepsYielding } from './workSteps';
import type { WorkSteps } from './workSteps';
import type { LeftOut, MetricResult, TableMetric, TableMetricInput } from './types';

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

/**
 * How many exact matches two independent samples of the real data share: with a holdout, the holdout
 * rows equal to some real (training) row; without, the real rows equal to another real row (each row
 * against the rest, leave-one-out). Coarse data (one-decimal lab values, few categories) collide by
 * nature, and a synthetic copy rate at this level is no sign of copying.
 */
export interface ExactCopyBaseRate {
  readonly source: 'holdout' | 'real';
  readonly matches: number;
  readonly rows: number;
  readonly share: number;
}

function baseRate(realKeys: readonly string[], counts: Map<string, number>, holdoutKeys: readonly string[] | undefined): ExactCopyBaseRate {
  if (holdoutKeys) {
    const matches = holdoutKeys.filter((k) => counts.has(k)).length;
    return { source: 'holdout', matches, rows: holdoutKeys.length, share: matches / holdoutKeys.length };
  }
  const matches = realKeys.filter((k) => (counts.get(k) ?? 0) > 1).length;
  return { source: 'real', matches, rows: realKeys.length, share: matches / realKeys.length };
}

/** Computes the metric. Identifier columns are left out, see the descriptor's doc. */
export function computeExactCopies(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  return runSteps(exactCopiesSteps(input), signal);
}

/** computeExactCopies giving the event loop a turn every few tens of milliseconds, so a cancel lands. */
export function computeExactCopiesYielding(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  return runStepsYielding(exactCopiesSteps(input), signal);
}

function* exactCopiesSteps(input: TableMetricInput): WorkSteps<MetricResult> {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  if (input.holdout) checkTableShape(input.holdout, 'holdout');
  const pairs = pairColumns(input.real, input.synth, ['number', 'category', 'text']).filter((p) => p.real.kind !== 'identifier');
  if (pairs.length === 0) throw new MedSynthError('BAD_INPUT', 'the real table has no columns to compare apart from identifiers');
  const holdPairs = input.holdout
    ? pairColumns(input.real, input.holdout, ['number', 'category', 'text'], 'holdout').filter((p) => p.real.kind !== 'identifier')
    : undefined;
  const excludedColumns = input.real.columns.filter((c) => c.kind === 'identifier').map((c) => c.name);
  function* keysOf(columns: readonly Column[], rows: number): WorkSteps<string[]> {
    const keys: string[] = [];
    for (let r = 0; r < rows; r++) {
      if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
      keys.push(rowKey(columns, r));
    }
    return keys;
  }
  const realKeys = yield* keysOf(
    pairs.map((p) => p.real),
    input.real.rowCount,
  );
  const counts = new Map<string, number>();
  for (let r = 0; r < realKeys.length; r++) {
    if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    counts.set(realKeys[r], (counts.get(realKeys[r]) ?? 0) + 1);
  }
  let copies = 0;
  const isCopy = new Uint8Array(input.synth.rowCount);
  const synthKeys = yield* keysOf(
    pairs.map((p) => p.synth),
    input.synth.rowCount,
  );
  synthKeys.forEach((k, r) => {
    if (counts.has(k)) {
      copies++;
      isCopy[r] = 1;
    }
  });
  const holdoutKeys =
    input.holdout && holdPairs
      ? yield* keysOf(
          holdPairs.map((p) => p.synth),
          input.holdout.rowCount,
        )
      : undefined;
  yield;
  const leftOut: LeftOut[] =
    excludedColumns.length > 0
      ? [
          {
            count: excludedColumns.length,
            unit: 'columns',
            names: excludedColumns,
            reason: 'identifier columns are regenerated, so rows are compared without them (privacy.identifierCopies checks their values)',
          },
        ]
      : [];
  const result: MetricResult = {
    id: EXACT_COPIES_ID,
    score: copies / input.synth.rowCount,
    details: {
      copies,
      synthRows: input.synth.rowCount,
      distinctRealRows: counts.size,
      excludedColumns,
      baseRate: baseRate(realKeys, counts, holdoutKeys),
    },
    leftOut,
  };
  return withResample(result, (draw) => shareFlagged(isCopy, draw(isCopy.length)));
}

/**
 * The bootstrap of a copy rate: the share of flagged rows among drawn synthetic rows. Only the synthetic
 * rows are resampled; the real records are the fixed set a copy is of: resampling them would drop about
 * 37% of the distinct real records from each resample, so a full copy of the real table would read
 * about 0.63 there, an interval that misses its own score.
 */
export function shareFlagged(flags: Uint8Array, rows: Uint32Array): number {
  let n = 0;
  for (const r of rows) n += flags[r];
  return n / rows.length;
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
    '0 means no synthetic row copies a real record; 1 means every synthetic row is a copy. The report sets the rate beside its base rate: ' +
    'how often two independent samples of the real data share a row (holdout vs training rows, or without a holdout each real row against ' +
    'the others), since coarse data repeat rows by nature.',
  reference: 'Exact-match rate (synthcity / SDMetrics NewRowSynthesis complement)',
  compute: computeExactCopiesYielding,
};
