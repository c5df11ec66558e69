// How one cell's text is read as a value of each column kind, and written back. Kept in one place
// so that the reader, the writers and conformTable agree on every token.

import { compileDatetimeFormat, offsetMinutesOf, utcMillis } from './datetimeFormat';

/**
 * Cells that mean "missing", compared after trimming surrounding whitespace (so a blank or
 * whitespace-only cell is missing too). 'None' is deliberately absent: in clinical exports it is
 * usually an answer ("comorbidities: None"), not a missing value.
 */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'n/a', '#N/A', '<NA>', 'NaN', 'nan', 'null', 'NULL'];

const missingSet = new Set(MISSING_TOKENS);

export function isMissingToken(cell: string): boolean {
  if (cell.length > 4) {
    // Only whitespace around a short token can still be missing; skip the trim for long cells.
    const c0 = cell.charCodeAt(0);
    const cn = cell.charCodeAt(cell.length - 1);
    if (c0 > 32 && cn > 32) return false;
  }
  return missingSet.has(cell.trim());
}

const INFINITY = /^\s*([+-]?)(?:inf|infinity)\s*$/i;
/** Powers of ten that are exact doubles (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * A decimal number (optional sign, fraction, exponent; surrounding whitespace allowed) or
 * ±inf/infinity; undefined otherwise. Hex, octal, binary, thousands separators and decimal commas
 * are not numbers. This is a hand-written scanner rather than a regular expression because it runs
 * once per cell: with at most 15 significant digits and a power of ten up to 22 the value is one
 * correctly rounded IEEE operation on exact operands (Clinger's fast path), so it equals Number(cell);
 * longer numbers fall back to Number after the grammar check.
 */
export function parseNumber(cell: string): number | undefined {
  let i = 0;
  let end = cell.length;
  while (i < end && cell.charCodeAt(i) <= 32) i++;
  while (end > i && cell.charCodeAt(end - 1) <= 32) end--;
  if (i === end) return undefined;
  let c = cell.charCodeAt(i);
  const negative = c === 45;
  if (c === 43 || c === 45) i++;
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  for (; i < end; i++) {
    c = cell.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    digits++;
    if (mantissa > 0) significant++;
  }
  if (i < end && cell.charCodeAt(i) === 46) {
    for (i++; i < end; i++) {
      c = cell.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      mantissa = mantissa * 10 + c;
      digits++;
      scale++;
      if (mantissa > 0) significant++;
    }
  }
  if (digits === 0) return parseInfinity(cell);
  let exponent = 0;
  if (i < end && (cell.charCodeAt(i) | 0x20) === 101) {
    i++;
    let expNegative = false;
    c = cell.charCodeAt(i);
    if (c === 43 || c === 45) {
      expNegative = c === 45;
      i++;
    }
    const start = i;
    for (; i < end; i++) {
      c = cell.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (exponent < 100000) exponent = exponent * 10 + c;
    }
    if (i === start) return undefined;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return undefined;
  const e10 = exponent - scale;
  let v: number;
  if (significant <= 15 && e10 >= -22 && e10 <= 22) v = e10 < 0 ? mantissa / POW10[-e10] : mantissa * POW10[e10];
  else v = Math.abs(Number(cell));
  return negative ? -v : v;
}

function parseInfinity(cell: string): number | undefined {
  const m = INFINITY.exec(cell);
  if (!m) return undefined;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** Integers print without a decimal point; other numbers in JavaScript's shortest round-trip form. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return '';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

const TRUE = /^\s*(?:true|yes)\s*$/i;
const FALSE = /^\s*(?:false|no)\s*$/i;

/**
 * Textual booleans only: true/false and yes/no in any letter case. Single letters (T/F, Y/N) are
 * not booleans because a column of only "F" is far more often sex than a flag; 0/1 columns are
 * integer codes, categorical by numericKinds.ts, with the labels '0' and '1'.
 */
export function parseBoolean(cell: string): boolean | undefined {
  if (TRUE.test(cell)) return true;
  if (FALSE.test(cell)) return false;
  return undefined;
}

/** The other word of a boolean pair, in the same letter case: a column of only 'Yes' writes false as 'No'. */
function counterpart(label: string): string {
  const lower = label.toLowerCase();
  const word = lower === 'yes' ? 'no' : lower === 'no' ? 'yes' : lower === 'true' ? 'false' : 'true';
  if (label === label.toUpperCase()) return word.toUpperCase();
  if (label[0] === label[0].toUpperCase()) return `${word[0].toUpperCase()}${word.slice(1)}`;
  return word;
}

/**
 * How a boolean column's cells spell false and true: the most frequent trimmed spelling of each
 * (ties: the first seen), e.g. ['no', 'yes'], so synthetic values read like the source's. `codes` are
 * the column's codes (0 false, 1 true, -1 missing) for the same cells. A value that never occurs takes
 * the counterpart of the other's spelling. Undefined for 'false'/'true' themselves, the writers' default.
 */
export function booleanLabels(cells: readonly string[], codes: Int32Array): readonly [string, string] | undefined {
  const counts = [new Map<string, number>(), new Map<string, number>()];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code !== 0 && code !== 1) continue;
    const spelling = cells[i].trim();
    counts[code].set(spelling, (counts[code].get(spelling) ?? 0) + 1);
  }
  const dominant = (m: Map<string, number>): string | undefined => {
    let best: string | undefined;
    let most = 0;
    for (const [spelling, n] of m) {
      if (n > most) {
        best = spelling;
        most = n;
      }
    }
    return best;
  };
  const no = dominant(counts[0]);
  const yes = dominant(counts[1]);
  if (no === undefined && yes === undefined) return undefined;
  const labels: [string, string] = [no ?? counterpart(yes as string), yes ?? counterpart(no as string)];
  return labels[0] === 'false' && labels[1] === 'true' ? undefined : labels;
}

const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$/;

export interface ParsedDatetime {
  /** Milliseconds since the epoch, UTC. */
  readonly ms: number;
  readonly hasTime: boolean;
}

/**
 * ISO 8601 dates (YYYY-MM-DD) and date-times (YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:MM]]).
 * A time without an offset is read as UTC. Impossible dates (2023-02-30) are not dates.
 */
export function parseDatetime(cell: string): ParsedDatetime | undefined {
  const m = ISO.exec(cell);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4] === undefined) {
    const ms = utcMillis(year, month, day, 0, 0, 0, 0, 0);
    return ms === undefined ? undefined : { ms, hasTime: false };
  }
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  const zone = m[8];
  const offset = zone === undefined || zone === 'Z' ? 0 : offsetMinutesOf(zone);
  const ms = utcMillis(year, month, day, Number(m[4]), Number(m[5]), second, millis, offset);
  return ms === undefined ? undefined : { ms, hasTime: true };
}

/**
 * In `format` when one is given (datetimeFormat.ts). Otherwise 'date' precision prints YYYY-MM-DD,
 * and 'datetime' YYYY-MM-DDTHH:MM:SS[.sss] in UTC without a zone suffix, the form the reader takes
 * as UTC.
 */
export function formatDatetime(ms: number, precision: 'date' | 'datetime', format?: string): string {
  if (Number.isNaN(ms)) return '';
  const compiled = format === undefined ? undefined : compileDatetimeFormat(format);
  if (compiled) return compiled.format(ms);
  const iso = new Date(ms).toISOString();
  if (precision === 'date') return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}
