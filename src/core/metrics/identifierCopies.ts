// privacy.identifierCopies: whether any synthetic row carries a real identifier value. Column types
// can be wrong or overridden (integer patient ids typed numeric, say), and then a generator samples
// ids from the real column like any other number: every such row points straight at a real patient.
// So the check goes by what the column is, not by the kind it was read as: every identifier column,
// and every column whose name marks it as a key and whose real values are (nearly) unique.
import { looksLikeIdentifierName } from '../data/table/columnInference';
import type { Column } from '../data/table/table';
import { withResample } from './bootstrap';
import { shareFlagged } from './exactCopies';
import { checkTableShape, notApplicable } from './tableColumns';
import { ROWS_PER_STEP, runSteps, runStepsYielding } from './workSteps';
import type { WorkSteps } from './workSteps';
import type { MetricResult, TableMetric, TableMetricInput } from './types';

export const IDENTIFIER_COPIES_ID = 'privacy.identifierCopies';

/** A key-like name counts as an identifier when at least this share of its present real values are distinct. */
export const NEARLY_UNIQUE_SHARE = 0.95;

/** Example rows listed per column: enough to find them, few enough that a report never lists a table. */
const EXAMPLE_ROWS = 5;

/** A number's text without a leading zero (so "007" stays a code, while "100001.0" is the number 100001). */
const PLAIN_NUMBER = /^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function canonicalText(text: string): string {
  const t = text.trim();
  if (PLAIN_NUMBER.test(t)) {
    const v = Number(t);
    if (Number.isFinite(v)) return String(v);
  }
  return t;
}

/**
 * One cell in a form that is equal for equal identifier values whatever kind the column was read as:
 * numbers by value (100001 typed numeric equals "100001" typed text), text trimmed, missing as
 * undefined. Datetimes are compared by their instant.
 */
export function canonicalCell(column: Column, row: number): string | undefined {
  switch (column.kind) {
    case 'numeric':
    case 'datetime': {
      const v = column.values[row];
      return Number.isNaN(v) ? undefined : String(v);
    }
    case 'categorical':
    case 'boolean': {
      const code = column.codes[row];
      return code < 0 ? undefined : canonicalText(column.categories[code] ?? '');
    }
    case 'identifier':
    case 'text': {
      const v = column.values[row];
      return v === null ? undefined : canonicalText(v);
    }
  }
}

/** Why a real column is checked, or undefined when it is not an identifier. */
function identifierReason(column: Column, rowCount: number, values: Set<string>): string | undefined {
  if (column.kind === 'identifier') return 'identifier column';
  if (!looksLikeIdentifierName(column.name)) return undefined;
  let present = 0;
  for (let r = 0; r < rowCount; r++) if (canonicalCell(column, r) !== undefined) present++;
  if (present < 2 || values.size < NEARLY_UNIQUE_SHARE * present) return undefined;
  return `key-like name, ${((values.size / present) * 100).toFixed(0)}% distinct values (read as ${column.kind})`;
}

export interface IdentifierColumnCopies {
  readonly column: string;
  readonly reason: string;
  /** Synthetic rows whose value in this column is a real value of the column. */
  readonly copies: number;
  readonly share: number;
  /** 1-based data row numbers of the first few such synthetic rows (never the values). */
  readonly exampleRows: readonly number[];
}

/** Computes the metric; not applicable when the real table has no identifier-like column. */
export function computeIdentifierCopies(input: TableMetricInput, signal?: AbortSignal): MetricResult {
  return runSteps(identifierCopiesSteps(input), signal);
}

/** computeIdentifierCopies giving the event loop a turn every few tens of milliseconds, so a cancel lands. */
export function computeIdentifierCopiesYielding(input: TableMetricInput, signal?: AbortSignal): Promise<MetricResult> {
  return runStepsYielding(identifierCopiesSteps(input), signal);
}

function* identifierCopiesSteps(input: TableMetricInput): WorkSteps<MetricResult> {
  checkTableShape(input.real, 'real');
  checkTableShape(input.synth, 'synthetic');
  if (input.holdout) checkTableShape(input.holdout, 'holdout');
  const synthByName = new Map(input.synth.columns.map((c) => [c.name, c] as const));
  const holdoutByName = new Map((input.holdout?.columns ?? []).map((c) => [c.name, c] as const));
  const flagged = new Uint8Array(input.synth.rowCount);
  const perColumn: IdentifierColumnCopies[] = [];
  const absentInSynthetic: string[] = [];
  for (const column of input.real.columns) {
    yield;
    const values = new Set<string>();
    for (let r = 0; r < input.real.rowCount; r++) {
      if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
      const v = canonicalCell(column, r);
      if (v !== undefined) values.add(v);
    }
    const reason = identifierReason(column, input.real.rowCount, values);
    yield;
    if (reason === undefined) continue;
    // Holdout patients are real patients too: a synthetic row with one of their ids points at them.
    const held = holdoutByName.get(column.name);
    if (held && input.holdout) {
      for (let r = 0; r < input.holdout.rowCount; r++) {
        if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
        const v = canonicalCell(held, r);
        if (v !== undefined) values.add(v);
      }
    }
    const other = synthByName.get(column.name);
    if (!other) {
      // A generator that drops the column cannot copy its values; listed so the reader knows it was checked.
      absentInSynthetic.push(column.name);
      continue;
    }
    let copies = 0;
    const exampleRows: number[] = [];
    for (let r = 0; r < input.synth.rowCount; r++) {
      if (r % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
      const v = canonicalCell(other, r);
      if (v === undefined || !values.has(v)) continue;
      copies++;
      flagged[r] = 1;
      if (exampleRows.length < EXAMPLE_ROWS) exampleRows.push(r + 1);
    }
    perColumn.push({ column: column.name, reason, copies, share: copies / input.synth.rowCount, exampleRows });
  }
  if (perColumn.length === 0 && absentInSynthetic.length === 0) {
    return notApplicable(IDENTIFIER_COPIES_ID, 'the real table has no identifier column and no key-like column with nearly unique values');
  }
  let rowsWithCopies = 0;
  for (const f of flagged) rowsWithCopies += f;
  const result: MetricResult = {
    id: IDENTIFIER_COPIES_ID,
    score: 1 - rowsWithCopies / input.synth.rowCount,
    details: {
      rowsWithCopies,
      synthRows: input.synth.rowCount,
      columns: perColumn,
      absentInSynthetic,
      comparedWith: input.holdout ? 'real and holdout rows' : 'real rows',
    },
  };
  // Bootstrap over the synthetic rows only, the real ids being the fixed set (exactCopies.ts shareFlagged).
  return withResample(result, (draw) => 1 - shareFlagged(flagged, draw(flagged.length)));
}

export const identifierCopiesMetric: TableMetric = {
  id: IDENTIFIER_COPIES_ID,
  title: 'Real identifier values in synthetic rows',
  modality: 'table',
  goal: 'maximize',
  range: [0, 1],
  doc:
    'Share of synthetic rows that carry no real identifier value. Checked are the identifier columns and every column whose name ' +
    `marks a key (id, *_id, mrn, …) with at least ${NEARLY_UNIQUE_SHARE * 100}% distinct real values, whatever kind it was read as; ` +
    'values are compared as text, numbers by value, against the real rows and the holdout rows (real patients too). 1 means no synthetic row reuses a real id; anything below 1 means some rows ' +
    'point at real patients, whatever the other scores say. The details give per column how many rows and a few row numbers, never the values.',
  reference: 'Direct identifier check (HIPAA Safe Harbor §164.514(b)(2): identifiers must not be carried over)',
  compute: computeIdentifierCopiesYielding,
};
