// Decides each column's kind from its cell text and builds the typed column. The rules, in order
// (documented for users in test/fixtures/README.md, "Tables"):
//   1. numeric     every non-missing cell parses as a number; a column with no present value at all
//                  is numeric as well, vacuously. Two kinds of all-number column are not numeric
//                  (numericKinds.ts has the exact rules): integer codes with few distinct values
//                  (target 0/1, sex 1/2: 2 to 10 distinct values and at most 5% of the values,
//                  or exactly 2 with a repeat) are categorical, and unique (or >= 95% distinct)
//                  integers named like a key, or shaped like one (a constant-step sequence,
//                  fixed-width codes with leading zeros), are identifiers.
//   2. boolean     every non-missing cell is true/false/yes/no (any letter case).
//   3. datetime    every non-missing cell is a date or date-time in one spelling (datetimeInference.ts:
//                  ISO 8601, DD-Mon-YY, MM/DD/YYYY or DD/MM/YYYY ...); the spelling is kept as `format`.
//   4. identifier  the name looks like a key (looksLikeIdentifierName) and no value repeats, or at
//                  least 20 values are >= 95% distinct.
//   5. text        long free text: mean length >= 40 characters or mean >= 4 words per cell.
//   6. categorical some value repeats and there are few distinct values (<= 20, or <= half the cells).
//   7. identifier  no value repeats, every value is one token without whitespace (e.g. P00017) and
//                  there are at least 20 values; with fewer, such a column is categorical (a tiny
//                  table's "F, M" is not an id).
//   8. text        anything else.
// An override (opts.types) skips inference; a cell that cannot be read as the forced kind is a
// BAD_INPUT naming the column, the row and the line, because guessing would silently drop data.

import type { Column, ColumnKind, DatetimeColumn, NumericColumn } from './table';
import { MedSynthError } from '../../errors';
import { booleanLabels, isMissingToken, parseBoolean, parseDatetime, parseNumber } from './cellValues';
import { compileDatetimeFormat } from './datetimeFormat';
import type { DatetimeReading } from './datetimeInference';
import { inferDatetimeFormat, readDatetimeCells } from './datetimeInference';
import { countDistinctPresent } from './distinctCount';
import { MIN_IDENTIFIER_VALUES, NEAR_UNIQUE_SHARE, integerCategories, numericColumnKind } from './numericKinds';

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

/** Words that make a name a key wherever they stand at its end (patient_id, subjectID, visit_key). */
const KEY_WORDS = new Set(['id', 'ids', 'uid', 'uuid', 'guid', 'mrn', 'ssn', 'key', 'pk', 'accession']);
/** Key words that also mark a key at the start (ID_patient, MRN number). */
const LEADING_KEY_WORDS = new Set(['id', 'uid', 'uuid', 'guid', 'mrn', 'ssn']);
/** Things a record is about: a key on its own (patient, subject) or before a number word (patient_no). */
const ENTITY_WORDS = new Set([
  'patient',
  'subject',
  'record',
  'accession',
  'encounter',
  'visit',
  'case',
  'specimen',
  'participant',
  'admission',
  'episode',
  'person',
  'member',
  'mrn',
  'ssn',
]);
const NUMBER_WORDS = new Set(['no', 'nr', 'num', 'number', 'code']);

/**
 * The words of a column name: split at anything not a letter or digit and at camelCase humps, so
 * `subjectID` is subject + id and `visit_key` is visit + key, while `valid`, `idle` and `period` are
 * single words that are not keys.
 */
function nameWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

/**
 * True when a column name marks it as a key: it ends in id, uuid, guid, mrn, ssn, key, accession
 * (`patient_id`, `subjectId`, `HADM_ID`), starts with id/uuid/mrn/ssn, is a bare entity word
 * (`patient`, `subject`, `record`, `encounter`), or is an entity followed by a number word
 * (`patient_no`, `record number`, `case_nr`). Matching is by whole words, never by substring.
 */
export function looksLikeIdentifierName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  if (KEY_WORDS.has(last) || LEADING_KEY_WORDS.has(words[0])) return true;
  if (words.length === 1) return ENTITY_WORDS.has(last);
  return NUMBER_WORDS.has(last) && (ENTITY_WORDS.has(words[words.length - 2]) || KEY_WORDS.has(words[words.length - 2]));
}

/** Infers the kind (unless `override` is given) and builds the column from raw cell text. */
export function columnFromCells(name: string, cells: readonly string[], override: ColumnKind | undefined, origin: CellOrigin = {}): Column {
  if (override !== undefined) return buildColumn(name, cells, override, origin);
  const numeric = tryNumeric(name, cells);
  if (numeric) {
    const kind = numericColumnKind(numeric.values, cells, numeric.integer, looksLikeIdentifierName(name));
    if (kind === 'categorical') return integerCategories(name, numeric.values, cells);
    if (kind === 'identifier') return buildColumn(name, cells, 'identifier', origin);
    return numeric;
  }
  const inferred = inferTextColumn(name, cells);
  // A date column is built from the values its typing already read, not parsed a second time.
  if (inferred.dates) return datetimeColumnOf(name, inferred.dates);
  return buildColumn(name, cells, inferred.kind, origin);
}

/** The kind rules 2–8 above, for a column already known not to be numeric. */
export function inferTextKind(name: string, cells: readonly string[]): ColumnKind {
  return inferTextColumn(name, cells).kind;
}

function inferTextColumn(name: string, cells: readonly string[]): { readonly kind: ColumnKind; readonly dates?: DatetimeReading } {
  // Booleans and dates are decided first, each by a pass that stops at the first cell that is not
  // one, so that those (often long) columns skip the distinct-value count the other rules need.
  if (allBoolean(cells)) return { kind: 'boolean' };
  const dates = readDatetimeCells(cells);
  if (dates) return { kind: 'datetime', dates };
  let present = 0;
  let totalLength = 0;
  let totalWords = 0;
  let allSingleToken = true;
  for (const cell of cells) {
    if (cell.length === 0 || isMissingToken(cell)) continue;
    present++;
    totalLength += cell.length;
    const words = countWords(cell);
    totalWords += words;
    if (allSingleToken && (words > 1 || /\s/.test(cell.trim()))) allSingleToken = false;
  }
  return { kind: textKind(name, present, countDistinctPresent(cells), totalLength, totalWords, allSingleToken) };
}

/** Every present cell is true/false/yes/no (vacuously true when none is present). */
function allBoolean(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.length > 0 && !isMissingToken(cell) && parseBoolean(cell) === undefined) return false;
  return true;
}

/** Rules 4–8 from the counts of the present cells. */
function textKind(
  name: string,
  present: number,
  distinct: number,
  totalLength: number,
  totalWords: number,
  allSingleToken: boolean,
): ColumnKind {
  const allDistinct = distinct === present;
  const nearlyUnique = (allDistinct && present >= 2) || (present >= MIN_IDENTIFIER_VALUES && distinct >= NEAR_UNIQUE_SHARE * present);
  if (nearlyUnique && looksLikeIdentifierName(name)) return 'identifier';
  if (totalLength / present >= 40 || totalWords / present >= 4) return 'text';
  if (!allDistinct && (distinct <= 20 || distinct <= present / 2)) return 'categorical';
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

function tryNumeric(name: string, cells: readonly string[]): NumericColumn | undefined {
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

/**
 * Builds a column of a known kind; a present cell that is not a value of that kind is an error.
 * `datetimeFormat` reads a datetime column in that spelling instead of the one its cells suggest
 * (a synthetic table re-read with the real table's day/month order).
 */
export function buildColumn(
  name: string,
  cells: readonly string[],
  kind: ColumnKind,
  origin: CellOrigin = {},
  datetimeFormat?: string,
): Column {
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
    case 'datetime':
      return datetimeFormat === undefined ? datetimeColumn(name, cells, fail) : datetimeColumnIn(name, cells, datetimeFormat, fail);
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
      const labels = booleanLabels(cells, codes);
      return { kind, name, codes, categories: ['false', 'true'], ...(labels ? { labels } : {}) };
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

/**
 * A datetime column in the one spelling its cells share. When they share none, the error names the
 * first cell that does not fit the spelling of the first present cell.
 */
function datetimeColumn(name: string, cells: readonly string[], fail: (row: number, what: string) => MedSynthError): DatetimeColumn {
  const reading = readDatetimeCells(cells);
  const present = (cell: string): boolean => cell.length > 0 && !isMissingToken(cell);
  if (!reading) {
    const first = cells.findIndex(present);
    const own = inferDatetimeFormat([cells[first]]);
    const compiled = own?.format !== undefined ? compileDatetimeFormat(own.format) : undefined;
    const what = !own || own.iso ? 'an ISO 8601 date or date-time' : `a date in the format ${own.format ?? ''} of the column's first value`;
    for (let i = 0; i < cells.length; i++) {
      if (!present(cells[i])) continue;
      const ok = compiled ? compiled.parse(cells[i]) !== undefined : parseDatetime(cells[i]) !== undefined;
      if (!ok) throw fail(i, what);
    }
    throw fail(first, 'a date in one spelling shared by the whole column (its dates fit neither day-first nor month-first order)');
  }
  return datetimeColumnOf(name, reading);
}

function datetimeColumnOf(name: string, { guess, values }: DatetimeReading): DatetimeColumn {
  return {
    kind: 'datetime',
    name,
    values,
    precision: guess.hasTime ? 'datetime' : 'date',
    ...(guess.format !== undefined ? { format: guess.format } : {}),
    ...(guess.note !== undefined ? { formatNote: guess.note } : {}),
  };
}

function datetimeColumnIn(
  name: string,
  cells: readonly string[],
  format: string,
  fail: (row: number, what: string) => MedSynthError,
): DatetimeColumn {
  const compiled = compileDatetimeFormat(format);
  if (!compiled)
    throw new MedSynthError('BAD_USAGE', `column "${name}": ${JSON.stringify(format)} is not a datetime format`, {
      expected: 'a format such as YYYY-MM-DD, DD-Mon-YY or MM/DD/YYYY',
    });
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell.length === 0 || isMissingToken(cell)) {
      values[i] = NaN;
      continue;
    }
    const ms = compiled.parse(cell);
    if (ms === undefined) throw fail(i, `a date in the format ${format}`);
    values[i] = ms;
  }
  return { kind: 'datetime', name, values, precision: compiled.hasTime ? 'datetime' : 'date', format };
}
