// Decides each column's kind from its cell text and builds the typed column. The rules, in order
// (documented for users in test/fixtures/README.md, "Tables"):
//   1. numeric     every non-missing cell parses as a number (the rule; 0/1 columns too);
//                  a column with no present value at all is numeric as well, vacuously.
//   2. boolean     every non-missing cell is true/false/yes/no (any letter case).
//   3. datetime    every non-missing cell is an ISO 8601 date or date-time.
//   4. identifier  the name looks like an id (patient_id, mrn, uuid, subjectId) and no value repeats.
//   5. text        long free text: mean length >= 40 characters or mean >= 4 words per cell.
//   6. categorical some value repeats and there are few distinct values (<= 20, or <= half the cells).
//   7. identifier  no value repeats, every value is one token without whitespace (e.g. P00017) and
//                  there are at least 20 values; with fewer, such a column is categorical (a tiny
//                  table's "F, M" is not an id).
//   8. text        anything else.
// An override (opts.types) skips inference; a cell that cannot be read as the forced kind is a
// BAD_INPUT naming the column, the row and the line, because guessing would silently drop data.

import type { Column, ColumnKind } from './table';
import { MedSynthError } from '../errors';
import { isMissingToken, parseBoolean, parseDatetime, parseNumber } from './cellValues';

export const COLUMN_KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'datetime', 'boolean', 'identifier', 'text'];

export function isColumnKind(kind: unknown): kind is ColumnKind {
  return typeof kind === 'string' && (COLUMN_KINDS as readonly string[]).includes(kind);
}

/** Where the cells came from, so that errors can point at the file and line. */
export interface CellOrigin {
  readonly fileName?: string;
  /** The 1-based line a data row (0-based) starts on, when the format has lines. */
  readonly lineOf?: (row: number) => number | undefined;
}

const MIN_IDENTIFIER_VALUES = 20;
const ID_NAME = /(?:^|[_\s.-])(?:id|uuid|guid|mrn|key)$/i;
const CAMEL_ID_NAME = /[a-z0-9](?:Id|ID|Uuid|Key)$/;

export function looksLikeIdentifierName(name: string): boolean {
  return ID_NAME.test(name) || CAMEL_ID_NAME.test(name);
}

/** Infers the kind (unless `override` is given) and builds the column from raw cell text. */
export function columnFromCells(name: string, cells: readonly string[], override: ColumnKind | undefined, origin: CellOrigin = {}): Column {
  if (override !== undefined) return buildColumn(name, cells, override, origin);
  const numeric = tryNumeric(name, cells);
  if (numeric) return numeric;
  return buildColumn(name, cells, inferTextKind(name, cells), origin);
}

/** The kind rules 2–8 above, for a column already known not to be numeric. */
export function inferTextKind(name: string, cells: readonly string[]): ColumnKind {
  let allBoolean = true;
  let allDatetime = true;
  let present = 0;
  let totalLength = 0;
  let totalWords = 0;
  let allSingleToken = true;
  const distinct = new Set<string>();
  for (const cell of cells) {
    if (cell.length === 0 || isMissingToken(cell)) continue;
    present++;
    if (allBoolean && parseBoolean(cell) === undefined) allBoolean = false;
    if (allDatetime && parseDatetime(cell) === undefined) allDatetime = false;
    distinct.add(cell);
    totalLength += cell.length;
    const words = countWords(cell);
    totalWords += words;
    if (words > 1 || /\s/.test(cell.trim())) allSingleToken = false;
  }
  if (allBoolean) return 'boolean';
  if (allDatetime) return 'datetime';
  const allDistinct = distinct.size === present;
  if (allDistinct && present >= 2 && looksLikeIdentifierName(name)) return 'identifier';
  if (totalLength / present >= 40 || totalWords / present >= 4) return 'text';
  if (!allDistinct && (distinct.size <= 20 || distinct.size <= present / 2)) return 'categorical';
  if (allDistinct && allSingleToken) return present >= MIN_IDENTIFIER_VALUES ? 'identifier' : 'categorical';
  return 'text';
}

function countWords(cell: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < cell.length; i++) {
    const space = cell.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

function tryNumeric(name: string, cells: readonly string[]): Column | undefined {
  const values = new Float64Array(cells.length);
  let integer = true;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    // Empty cells are the common missing value (and all of a sparse JSON Lines column): skip parsing.
    if (cell.length === 0) {
      values[i] = NaN;
      continue;
    }
    const v = parseNumber(cell);
    if (v === undefined) {
      if (!isMissingToken(cell)) return undefined;
      values[i] = NaN;
    } else {
      values[i] = v;
      if (integer && !Number.isInteger(v)) integer = false;
    }
  }
  return { kind: 'numeric', name, values, integer };
}

/** Builds a column of a known kind; a present cell that is not a value of that kind is an error. */
export function buildColumn(name: string, cells: readonly string[], kind: ColumnKind, origin: CellOrigin = {}): Column {
  const n = cells.length;
  const fail = (row: number, what: string): MedSynthError => {
    const line = origin.lineOf?.(row);
    return new MedSynthError('BAD_INPUT', `column "${name}", row ${row + 1}: ${JSON.stringify(cells[row])} is not ${what}`, {
      file: origin.fileName,
      line,
      expected: `${what} or an empty/NA cell, because the column is read as ${kind}`,
    });
  };
  switch (kind) {
    case 'numeric': {
      const values = new Float64Array(n);
      let integer = true;
      for (let i = 0; i < n; i++) {
        if (cells[i].length === 0) {
          values[i] = NaN;
          continue;
        }
        const v = parseNumber(cells[i]);
        if (v === undefined) {
          if (!isMissingToken(cells[i])) throw fail(i, 'a number');
          values[i] = NaN;
        } else {
          values[i] = v;
          if (!Number.isInteger(v)) integer = false;
        }
      }
      return { kind, name, values, integer };
    }
    case 'datetime': {
      const values = new Float64Array(n);
      let hasTime = false;
      for (let i = 0; i < n; i++) {
        if (isMissingToken(cells[i])) {
          values[i] = NaN;
          continue;
        }
        const d = parseDatetime(cells[i]);
        if (d === undefined) throw fail(i, 'an ISO 8601 date or date-time');
        values[i] = d.ms;
        if (d.hasTime) hasTime = true;
      }
      return { kind, name, values, precision: hasTime ? 'datetime' : 'date' };
    }
    case 'boolean': {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (isMissingToken(cells[i])) {
          codes[i] = -1;
          continue;
        }
        const b = parseBoolean(cells[i]);
        if (b === undefined) throw fail(i, 'a boolean (true/false/yes/no)');
        codes[i] = b ? 1 : 0;
      }
      return { kind, name, codes, categories: ['false', 'true'] };
    }
    case 'categorical': {
      const codes = new Int32Array(n);
      const index = new Map<string, number>();
      const categories: string[] = [];
      for (let i = 0; i < n; i++) {
        const cell = cells[i];
        if (isMissingToken(cell)) {
          codes[i] = -1;
          continue;
        }
        let code = index.get(cell);
        if (code === undefined) {
          code = categories.length;
          categories.push(cell);
          index.set(cell, code);
        }
        codes[i] = code;
      }
      return { kind, name, codes, categories };
    }
    case 'identifier':
    case 'text':
      return { kind, name, values: cells.map((c) => (isMissingToken(c) ? null : c)) };
    default:
      throw new MedSynthError('BAD_USAGE', `unknown column kind ${JSON.stringify(kind)} for column "${name}"`, {
        expected: COLUMN_KINDS.join(', '),
      });
  }
}
