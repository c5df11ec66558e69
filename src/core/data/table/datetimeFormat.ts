// Datetime spellings: a format string such as 'DD-Mon-YY' or 'YYYY-MM-DDTHH:mm:ss+02:00' is compiled
// once into a parser and a printer, so that a column read in one spelling is written back in the same
// spelling (synthetic.csv looks like the source file). Tokens:
//   YYYY four-digit year; YY two-digit year (69-99 -> 1969-1999, 00-68 -> 2000-2068, the POSIX and
//        Python strptime %y pivot, so the Python references read the same years);
//   MM / M   month, two digits / one or two digits; DD / D day, likewise;
//   Mon / MON / mon  English three-letter month, read in any case and written in the token's case;
//   HH / H   hour (24-hour clock); hh / h hour of a 12-hour clock, with A (AM/PM) or a (am/pm);
//   mm minutes; ss seconds; S..S fraction digits (1-9);
//   Z        a literal 'Z' (UTC); an offset such as +02:00, +0200 or +02: values may carry any offset
//            of that style, and are written in the offset shown;
//   - / . space T : ,  literal characters.
// A format without an offset or Z reads times as UTC, as the ISO reader does.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;

type Token =
  | { readonly t: 'YYYY' | 'YY' | 'MM' | 'M' | 'DD' | 'D' | 'HH' | 'H' | 'hh' | 'h' | 'A' | 'a' | 'mm' | 'ss' | 'Z' }
  | { readonly t: 'Mon'; readonly case: 'title' | 'upper' | 'lower' }
  | { readonly t: 'S'; readonly digits: number }
  | { readonly t: 'offset'; readonly style: 'colon' | 'compact' | 'hours'; readonly minutes: number; readonly text: string }
  | { readonly t: 'literal'; readonly text: string };

export interface CompiledDatetimeFormat {
  /** The format string this was compiled from. */
  readonly pattern: string;
  /** True when the format has a time of day (precision 'datetime'). */
  readonly hasTime: boolean;
  /** The smallest unit the format prints: a day, a minute, a second or a fraction of one. */
  readonly resolutionMs: number;
  /** Milliseconds since the epoch, UTC; undefined when the cell is not a valid date in this format. */
  parse(cell: string): number | undefined;
  format(ms: number): string;
}

const TOKEN = /YYYY|YY|MM|Mon|MON|mon|M|DD|D|HH|H|hh|h|A|a|mm|ss|S{1,9}|Z|[+-]\d\d:\d\d|[+-]\d{4}|[+-]\d\d|[-/. T:,]/y;

function tokenize(format: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < format.length) {
    const m = TOKEN.exec(format);
    if (!m) return undefined;
    const s = m[0];
    if (s === 'Mon' || s === 'MON' || s === 'mon') tokens.push({ t: 'Mon', case: s === 'Mon' ? 'title' : s === 'MON' ? 'upper' : 'lower' });
    else if (s[0] === 'S') tokens.push({ t: 'S', digits: s.length });
    else if (s[0] === '+' || (s[0] === '-' && s.length > 1)) tokens.push(offsetToken(s));
    else if (/^[-/. T:,]$/.test(s)) tokens.push({ t: 'literal', text: s });
    else tokens.push({ t: s as 'YYYY' });
  }
  return tokens;
}

/** Minutes east of UTC of an offset written +HH:MM, +HHMM or +HH. */
export function offsetMinutesOf(text: string): number {
  const digits = text.slice(1).replace(':', '');
  return (text[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0));
}

function offsetToken(text: string): Token {
  const style = text.includes(':') ? 'colon' : text.length === 5 ? 'compact' : 'hours';
  return { t: 'offset', style, minutes: offsetMinutesOf(text), text };
}

const PATTERN: Record<string, string> = {
  YYYY: '(\\d{4})',
  YY: '(\\d{2})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  DD: '(\\d{2})',
  D: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  hh: '(\\d{2})',
  h: '(\\d{1,2})',
  A: '([AaPp][Mm])',
  a: '([AaPp][Mm])',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  Z: 'Z',
};
const OFFSET_PATTERN = { colon: '([+-]\\d\\d:\\d\\d)', compact: '([+-]\\d{4})', hours: '([+-]\\d\\d)' };

const compiled = new Map<string, CompiledDatetimeFormat | null>();

/** The parser and printer of a format string; undefined when the string is not a valid format. */
export function compileDatetimeFormat(format: string): CompiledDatetimeFormat | undefined {
  const hit = compiled.get(format);
  if (hit !== undefined) return hit ?? undefined;
  const result = compile(format);
  if (compiled.size > 256) compiled.clear();
  compiled.set(format, result ?? null);
  return result;
}

function compile(format: string): CompiledDatetimeFormat | undefined {
  const tokens = tokenize(format);
  if (!tokens) return undefined;
  const has = (t: string): boolean => tokens.some((k) => k.t === t);
  const count = (ts: string[]): number => tokens.filter((k) => ts.includes(k.t)).length;
  // Exactly one year, month and day; a time needs hours and minutes; seconds need minutes.
  if (count(['YYYY', 'YY']) !== 1 || count(['MM', 'M', 'Mon']) !== 1 || count(['DD', 'D']) !== 1) return undefined;
  const hasTime = count(['HH', 'H', 'hh', 'h']) > 0;
  // A 12-hour clock needs its AM/PM marker, and the marker a 12-hour clock.
  if (count(['hh', 'h']) !== count(['A', 'a']) || count(['A', 'a']) > 1) return undefined;
  if (count(['HH', 'H', 'hh', 'h']) > 1 || count(['mm']) > 1 || count(['ss']) > 1 || count(['S']) > 1 || count(['Z', 'offset']) > 1)
    return undefined;
  if (hasTime !== has('mm') || (has('ss') && !hasTime) || (has('S') && !has('ss')) || (!hasTime && count(['Z', 'offset']) > 0))
    return undefined;
  const fraction = tokens.find((k) => k.t === 'S');
  const resolutionMs = !hasTime ? DAY_MS : fraction ? 10 ** Math.max(0, 3 - fraction.digits) : has('ss') ? 1000 : 60_000;
  const source = tokens
    .map((k) => {
      if (k.t === 'literal') return k.text.replace(/[.]/g, '\\.');
      if (k.t === 'Mon') return '([A-Za-z]{3})';
      if (k.t === 'S') return `(\\d{${k.digits}})`;
      if (k.t === 'offset') return OFFSET_PATTERN[k.style];
      return PATTERN[k.t];
    })
    .join('');
  const regex = new RegExp(`^\\s*${source}\\s*$`);
  const writeOffset = tokens.find((k): k is Extract<Token, { t: 'offset' }> => k.t === 'offset');
  return {
    pattern: format,
    hasTime,
    resolutionMs,
    parse: (cell) => parseWith(tokens, regex, cell),
    format: (ms) => printWith(tokens, ms, writeOffset?.minutes ?? 0),
  };
}

function parseWith(tokens: readonly Token[], regex: RegExp, cell: string): number | undefined {
  const m = regex.exec(cell);
  if (!m) return undefined;
  let year = NaN;
  let month = NaN;
  let day = NaN;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offset = 0;
  let hour12 = -1;
  let pm = false;
  let group = 1;
  for (const k of tokens) {
    if (k.t === 'literal' || k.t === 'Z') continue;
    const s = m[group++];
    switch (k.t) {
      case 'YYYY':
        year = Number(s);
        break;
      case 'YY':
        year = twoDigitYear(Number(s));
        break;
      case 'MM':
      case 'M':
        month = Number(s);
        break;
      case 'Mon':
        month = MONTHS.indexOf(s.toLowerCase()) + 1;
        break;
      case 'DD':
      case 'D':
        day = Number(s);
        break;
      case 'HH':
      case 'H':
        hour = Number(s);
        break;
      case 'hh':
      case 'h':
        hour12 = Number(s);
        break;
      case 'A':
      case 'a':
        pm = s[0] === 'P' || s[0] === 'p';
        break;
      case 'mm':
        minute = Number(s);
        break;
      case 'ss':
        second = Number(s);
        break;
      case 'S':
        millis = Math.floor(Number(`0.${s}`) * 1000 + 1e-6);
        break;
      case 'offset':
        offset = offsetMinutesOf(s);
        break;
    }
  }
  if (hour12 >= 0) {
    // 12 AM is midnight and 12 PM noon; 0 and 13-23 are not hours of a 12-hour clock.
    if (hour12 < 1 || hour12 > 12) return undefined;
    hour = (hour12 % 12) + (pm ? 12 : 0);
  }
  return utcMillis(year, month, day, hour, minute, second, millis, offset);
}

/** Python's strptime %y: 69-99 are 1969-1999 and 00-68 are 2000-2068. */
export function twoDigitYear(yy: number): number {
  return yy >= 69 ? 1900 + yy : 2000 + yy;
}

/** Epoch milliseconds of a civil date-time at a UTC offset; undefined for impossible dates and times. */
export function utcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes: number,
): number | undefined {
  if (!(month >= 1 && month <= 12) || !(day >= 1) || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Math.abs(offsetMinutes) > 18 * 60) return undefined;
  // This runs once per cell of a date column, so the common years skip the Date object: Date.UTC
  // reads them as given, and the day was checked against the month above, so nothing rolls over.
  if (year >= 100 && year <= 9999) return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  // Date.UTC maps years 0-99 to 1900-1999; set the full year explicitly so year 0050 stays 0050.
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  d.setUTCFullYear(year);
  return d.getTime() - offsetMinutes * 60_000;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar, the one Date uses; `month` is 1-12. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

const pad = (v: number, width: number): string => String(v).padStart(width, '0');

function printWith(tokens: readonly Token[], ms: number, offsetMinutes: number): string {
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + offsetMinutes * 60_000);
  let out = '';
  for (const k of tokens) {
    switch (k.t) {
      case 'literal':
        out += k.text;
        break;
      case 'YYYY':
        out += pad(d.getUTCFullYear(), 4);
        break;
      case 'YY':
        out += pad(((d.getUTCFullYear() % 100) + 100) % 100, 2);
        break;
      case 'MM':
      case 'M':
        out += pad(d.getUTCMonth() + 1, k.t === 'MM' ? 2 : 1);
        break;
      case 'Mon': {
        const name = MONTHS[d.getUTCMonth()];
        out += k.case === 'lower' ? name : k.case === 'upper' ? name.toUpperCase() : name[0].toUpperCase() + name.slice(1);
        break;
      }
      case 'DD':
      case 'D':
        out += pad(d.getUTCDate(), k.t === 'DD' ? 2 : 1);
        break;
      case 'HH':
      case 'H':
        out += pad(d.getUTCHours(), k.t === 'HH' ? 2 : 1);
        break;
      case 'hh':
      case 'h':
        out += pad(((d.getUTCHours() + 11) % 12) + 1, k.t === 'hh' ? 2 : 1);
        break;
      case 'A':
      case 'a': {
        const marker = d.getUTCHours() < 12 ? 'AM' : 'PM';
        out += k.t === 'A' ? marker : marker.toLowerCase();
        break;
      }
      case 'mm':
        out += pad(d.getUTCMinutes(), 2);
        break;
      case 'ss':
        out += pad(d.getUTCSeconds(), 2);
        break;
      case 'S':
        out += pad(d.getUTCMilliseconds(), 3).padEnd(k.digits, '0').slice(0, k.digits);
        break;
      case 'Z':
        out += 'Z';
        break;
      case 'offset':
        out += k.text;
        break;
    }
  }
  return out;
}
