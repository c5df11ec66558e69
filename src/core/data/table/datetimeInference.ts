// Finds the one spelling every present date in a column is written in: ISO 8601 (2003-09-19,
// 2003-09-19T10:15:00+02:00, 2003-09-19 10:15), DD-Mon-YY(YY) (19-Sep-03), or day, month and year as
// numbers (09/19/2003, 19.09.2003), each optionally followed by a time (24-hour, or 12-hour with
// AM/PM). For numeric day/month/year the order comes from the values: a first field above 12 means
// day first, a second field above 12 means month first (US), and when every value fits both the
// column is read month first and says so in its note. ISO values in mixed spellings (some with seconds, some with a zone) stay datetimes, read
// by the ISO reader and written back in the canonical ISO form, as before formats were kept.

import { isMissingToken, parseDatetime } from './cellValues';
import { compileDatetimeFormat } from './datetimeFormat';

export interface DatetimeGuess {
  /** The column's spelling (see datetimeFormat.ts); absent for ISO values in mixed spellings. */
  readonly format?: string;
  /** Why an ambiguous reading was chosen, for users to check. */
  readonly note?: string;
  readonly hasTime: boolean;
  /** True for ISO 8601 layouts (error messages say "ISO 8601" for these). */
  readonly iso: boolean;
}

const ISO_DATE = /^(\d{4})([-/])(\d{2})\2(\d{2})/;
const NUMERIC_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/;
const MONTH_NAME_DATE = /^(\d{1,2})([- ])([A-Za-z]{3})\2(\d{4}|\d{2})(?![\dA-Za-z])/;
const TIME =
  /(?:([T ])(\d{1,2}):(\d{2})(?::(\d{2})(?:([.,])(\d{1,9}))?)?(?:( ?)(AM|PM|am|pm))?( ?)(Z|[+-]\d\d:\d\d|[+-]\d{4}|[+-]\d\d)?)?$/y;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface Shape {
  /** Everything about the spelling except the numbers themselves, padding and the offset's value. */
  readonly key: string;
  readonly layout: 'iso' | 'numeric' | 'monthName';
  readonly dateSep: string;
  readonly yearDigits: number;
  /** Numeric layout: the first and second fields. */
  readonly first: number;
  readonly second: number;
  readonly monthCase?: 'Mon' | 'MON' | 'mon';
  readonly unpaddedDate: boolean;
  readonly unpaddedHour: boolean;
  readonly time?: {
    readonly sep: string;
    readonly seconds: boolean;
    readonly fracSep: string;
    readonly fracDigits: number;
    /**
     * '' for a 24-hour clock, else the space before the marker and 'A' (AM/PM) or 'a' (am/pm); the
     * case does not count in the shape (a column may mix them), the first value's is written.
     */
    readonly meridiem: string;
    readonly zoneSpace: string;
    readonly zone: string;
  };
}

/** The shape of a bare ISO date (2003-09-19 or 2003/09/19), the commonest spelling, shared by every such cell. */
const BARE_ISO_DATE: Readonly<Record<string, Shape>> = {
  '-': { key: 'iso|-|4|', layout: 'iso', dateSep: '-', yearDigits: 4, first: 0, second: 0, unpaddedDate: false, unpaddedHour: false },
  '/': { key: 'iso|/|4|', layout: 'iso', dateSep: '/', yearDigits: 4, first: 0, second: 0, unpaddedDate: false, unpaddedHour: false },
};

/** Where a bare ISO date and a bare numeric date have their digits. */
const BARE_ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];
const BARE_NUMERIC_DIGITS = [0, 1, 3, 4, 6, 7, 8, 9];

const isDigit = (cell: string, i: number): boolean => {
  const c = cell.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * The shape of a cell that is exactly DDDD-DD-DD or DDDD/DD/DD, which shapeOf's regular expressions
 * give as well; checked by character codes because the shape pass visits every cell of the column.
 */
function bareIsoDateShape(cell: string): Shape | undefined {
  if (cell.length !== 10) return undefined;
  const sep = cell[4];
  if ((sep !== '-' && sep !== '/') || cell[7] !== sep) return undefined;
  for (const i of BARE_ISO_DIGITS) if (!isDigit(cell, i)) return undefined;
  return BARE_ISO_DATE[sep];
}

/** Shapes of bare padded numeric dates (09/19/2003), one per separator and first and second field. */
const bareNumericShapes = new Map<number, Shape>();

/**
 * The shape of a cell that is exactly DD/DD/DDDD with '/', '.' or '-' twice (09/19/2003, 19.09.2003),
 * which shapeOf's regular expressions give as well; the shapes are shared, since they differ only in
 * the separator and the two leading fields.
 */
function bareNumericDateShape(cell: string): Shape | undefined {
  if (cell.length !== 10) return undefined;
  const sep = cell[2];
  if ((sep !== '/' && sep !== '.' && sep !== '-') || cell[5] !== sep) return undefined;
  for (const i of BARE_NUMERIC_DIGITS) if (!isDigit(cell, i)) return undefined;
  const first = (cell.charCodeAt(0) - 48) * 10 + cell.charCodeAt(1) - 48;
  const second = (cell.charCodeAt(3) - 48) * 10 + cell.charCodeAt(4) - 48;
  const id = sep.charCodeAt(0) * 10_000 + first * 100 + second;
  let shape = bareNumericShapes.get(id);
  if (!shape) {
    const key = `numeric|${sep}|4|`;
    shape = { key, layout: 'numeric', dateSep: sep, yearDigits: 4, first, second, unpaddedDate: false, unpaddedHour: false };
    bareNumericShapes.set(id, shape);
  }
  return shape;
}

function shapeOf(cell: string): Shape | undefined {
  const bare = bareIsoDateShape(cell) ?? bareNumericDateShape(cell);
  if (bare) return bare;
  const text = cell.trim();
  let layout: Shape['layout'];
  let m = ISO_DATE.exec(text);
  let first = 0;
  let second = 0;
  let monthCase: Shape['monthCase'];
  let unpaddedDate = false;
  if (m) layout = 'iso';
  else if ((m = NUMERIC_DATE.exec(text))) {
    layout = 'numeric';
    first = Number(m[1]);
    second = Number(m[3]);
    unpaddedDate = m[1].length === 1 || m[3].length === 1;
  } else if ((m = MONTH_NAME_DATE.exec(text))) {
    layout = 'monthName';
    if (!MONTHS.includes(m[3].toLowerCase())) return undefined;
    monthCase = m[3] === m[3].toUpperCase() ? 'MON' : m[3] === m[3].toLowerCase() ? 'mon' : 'Mon';
    unpaddedDate = m[1].length === 1;
  } else return undefined;
  const dateSep = m[2];
  const yearDigits = layout === 'iso' ? 4 : m[4].length;
  TIME.lastIndex = m[0].length;
  const t = TIME.exec(text);
  if (!t) return undefined;
  const time =
    t[1] === undefined
      ? undefined
      : {
          sep: t[1],
          seconds: t[4] !== undefined,
          fracSep: t[5] ?? '',
          fracDigits: t[6]?.length ?? 0,
          meridiem: t[8] === undefined ? '' : `${t[7] ?? ''}${t[8] === t[8].toUpperCase() ? 'A' : 'a'}`,
          zoneSpace: t[9],
          zone: t[10] ?? '',
        };
  const zoneStyle = !time || time.zone === '' ? '' : time.zone === 'Z' ? 'Z' : time.zone.includes(':') ? ':' : String(time.zone.length);
  const timeKey = time
    ? `${time.sep}${time.seconds}${time.fracSep}${time.fracDigits}${time.meridiem.toUpperCase()}${time.zoneSpace ?? ''}${zoneStyle}`
    : '';
  return {
    key: `${layout}|${dateSep}|${yearDigits}|${timeKey}`,
    layout,
    dateSep,
    yearDigits,
    first,
    second,
    monthCase,
    unpaddedDate,
    unpaddedHour: t[2] !== undefined && t[2].length === 1,
    time,
  };
}

/** The format all present cells share, or undefined when they are not all dates of one spelling. */
export function inferDatetimeFormat(cells: readonly string[]): DatetimeGuess | undefined {
  return readDatetimeCells(cells)?.guess;
}

/** A column's datetime spelling and its cells read in it (NaN where a cell is missing). */
export interface DatetimeReading {
  readonly guess: DatetimeGuess;
  readonly values: Float64Array;
}

const present = (cell: string): boolean => cell.length > 0 && !isMissingToken(cell);

/**
 * inferDatetimeFormat's guess together with the values it checked, so that typing a date column
 * parses each cell once rather than once to decide and again to build the column.
 */
export function readDatetimeCells(cells: readonly string[]): DatetimeReading | undefined {
  let shape: Shape | undefined;
  let sameShape = true;
  let unpaddedDate = false;
  let unpaddedHour = false;
  let maxFirst = 0;
  let maxSecond = 0;
  const offsets = new Map<string, number>();
  for (const cell of cells) {
    if (!present(cell)) continue;
    const s = shapeOf(cell);
    if (!s) return undefined;
    if (!shape) shape = s;
    else if (s !== shape && s.key !== shape.key) {
      // Only ISO values may mix spellings; they are then read one by one by the ISO reader.
      if (s.layout !== 'iso' || shape.layout !== 'iso') return undefined;
      sameShape = false;
    }
    if (s.unpaddedDate) unpaddedDate = true;
    if (s.unpaddedHour) unpaddedHour = true;
    if (s.first > maxFirst) maxFirst = s.first;
    if (s.second > maxSecond) maxSecond = s.second;
    const zone = s.time?.zone;
    if (zone && zone !== 'Z') offsets.set(zone, (offsets.get(zone) ?? 0) + 1);
  }
  if (!shape) return { guess: { hasTime: false, iso: true }, values: new Float64Array(cells.length).fill(NaN) };
  if (!sameShape) return lenientIso(cells);
  let note: string | undefined;
  let date: string;
  const y = shape.yearDigits === 4 ? 'YYYY' : 'YY';
  const [mm, dd] = unpaddedDate ? ['M', 'D'] : ['MM', 'DD'];
  const sep = shape.dateSep;
  if (shape.layout === 'iso') date = `YYYY${sep}MM${sep}DD`;
  else if (shape.layout === 'monthName') date = `${dd}${sep}${shape.monthCase}${sep}${y}`;
  else if (maxFirst > 12 && maxSecond > 12) return undefined;
  else if (maxFirst > 12) date = `${dd}${sep}${mm}${sep}${y}`;
  else {
    date = `${mm}${sep}${dd}${sep}${y}`;
    if (maxSecond <= 12) note = `every value fits both day-first and month-first order; read month first (${date}, US order)`;
  }
  const format = date + timeFormat(shape, unpaddedHour, offsets);
  const compiled = compileDatetimeFormat(format);
  if (!compiled) return undefined;
  // An impossible date (2023-02-30) in any cell means the column is not dates of this format.
  const values = parsePresent(cells, (cell) => compiled.parse(cell));
  if (!values) return shape.layout === 'iso' ? lenientIso(cells) : undefined;
  return { guess: { format, hasTime: compiled.hasTime, iso: shape.layout === 'iso', ...(note ? { note } : {}) }, values };
}

function timeFormat(shape: Shape, unpaddedHour: boolean, offsets: ReadonlyMap<string, number>): string {
  const t = shape.time;
  if (!t) return '';
  const hour = t.meridiem === '' ? 'HH' : 'hh';
  let out = `${t.sep}${unpaddedHour ? hour.slice(1) : hour}:mm`;
  if (t.seconds) out += ':ss';
  if (t.fracDigits > 0) out += `${t.fracSep}${'S'.repeat(t.fracDigits)}`;
  out += t.meridiem;
  if (t.zone === '') return out;
  if (t.zone === 'Z') return `${out}${t.zoneSpace}Z`;
  // Values keep their own offsets when read; synthetic values are written in the commonest one.
  let best = '';
  let bestCount = 0;
  for (const [zone, n] of offsets) {
    if (n > bestCount) {
      best = zone;
      bestCount = n;
    }
  }
  return `${out}${t.zoneSpace}${best}`;
}

function lenientIso(cells: readonly string[]): DatetimeReading | undefined {
  let hasTime = false;
  const values = parsePresent(cells, (cell) => {
    const d = parseDatetime(cell);
    if (d) hasTime ||= d.hasTime;
    return d?.ms;
  });
  if (!values) return undefined;
  return { guess: { hasTime, iso: true }, values };
}

/** Epoch ms of every present cell (NaN for missing ones), or undefined as soon as one does not parse. */
function parsePresent(cells: readonly string[], parse: (cell: string) => number | undefined): Float64Array | undefined {
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!present(cell)) {
      values[i] = NaN;
      continue;
    }
    const ms = parse(cell);
    if (ms === undefined) return undefined;
    values[i] = ms;
  }
  return values;
}
