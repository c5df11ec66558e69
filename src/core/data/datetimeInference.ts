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
  /^(?:([T ])(\d{1,2}):(\d{2})(?::(\d{2})(?:([.,])(\d{1,9}))?)?(?:( ?)(AM|PM|am|pm))?( ?)(Z|[+-]\d\d:\d\d|[+-]\d{4}|[+-]\d\d)?)?$/;
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

function shapeOf(cell: string): Shape | undefined {
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
  const t = TIME.exec(text.slice(m[0].length));
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
  const key = [
    layout,
    dateSep,
    yearDigits,
    time ? [time.sep, time.seconds, time.fracSep, time.fracDigits, time.meridiem.toUpperCase(), time.zoneSpace, zoneStyle].join('') : '',
  ].join('|');
  return {
    key,
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
  let shape: Shape | undefined;
  let sameShape = true;
  let unpaddedDate = false;
  let unpaddedHour = false;
  let maxFirst = 0;
  let maxSecond = 0;
  const offsets = new Map<string, number>();
  for (const cell of cells) {
    if (cell.length === 0 || isMissingToken(cell)) continue;
    const s = shapeOf(cell);
    if (!s) return undefined;
    if (!shape) shape = s;
    else if (s.key !== shape.key) {
      // Only ISO values may mix spellings; they are then read one by one by the ISO reader.
      if (s.layout !== 'iso' || shape.layout !== 'iso') return undefined;
      sameShape = false;
    }
    unpaddedDate ||= s.unpaddedDate;
    unpaddedHour ||= s.unpaddedHour;
    maxFirst = Math.max(maxFirst, s.first);
    maxSecond = Math.max(maxSecond, s.second);
    const zone = s.time?.zone;
    if (zone && zone !== 'Z') offsets.set(zone, (offsets.get(zone) ?? 0) + 1);
  }
  if (!shape) return { hasTime: false, iso: true };
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
  for (const cell of cells) {
    if (cell.length === 0 || isMissingToken(cell)) continue;
    // An impossible date (2023-02-30) in any cell means the column is not dates of this format.
    if (compiled.parse(cell) === undefined) return shape.layout === 'iso' ? lenientIso(cells) : undefined;
  }
  return { format, hasTime: compiled.hasTime, iso: shape.layout === 'iso', ...(note ? { note } : {}) };
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

function lenientIso(cells: readonly string[]): DatetimeGuess | undefined {
  let hasTime = false;
  for (const cell of cells) {
    if (cell.length === 0 || isMissingToken(cell)) continue;
    const d = parseDatetime(cell);
    if (!d) return undefined;
    hasTime ||= d.hasTime;
  }
  return { hasTime, iso: true };
}
