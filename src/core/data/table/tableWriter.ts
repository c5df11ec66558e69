// Writes a Table as CSV, TSV, JSON Lines or Parquet bytes. Text formats: integers print without a
// decimal point, datetimes in the column's `format` (the source's spelling) or else as ISO 8601
// (YYYY-MM-DD for date precision, else YYYY-MM-DDTHH:MM:SS[.sss] in UTC), booleans in the column's `labels` (the source's
// spelling, e.g. no/yes) or else as true/false, and a missing value as an empty cell (null in JSON Lines).
//
// Text is produced in chunks of rows straight into a reused byte buffer: one string for a
// million-row CSV passes V8's maximum string length ("Invalid string length"), and building rows by
// string concatenation spent more time in the garbage collector than in formatting numbers. Each
// column gets a cell writer once (categories pre-encoded, quoting only for columns that can need
// it), so the per-cell work is the number-to-text conversion itself.

import type { CategoricalColumn, Column, Table, TableFormat } from './table';
import { MedSynthError, throwIfAborted } from '../../errors';
import { formatDatetime, formatNumber } from './cellValues';
import { writeParquet } from './parquetWriter';
import { ByteSink, collectBytes } from '../byteSink';

const CHECK_EVERY = 4096;
/** A chunk is handed out once the buffer holds this much, at a row boundary. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface SerializeChunkOptions {
  /** Write the header line (CSV/TSV); false for the continuation of a table written in parts. */
  readonly header?: boolean;
  readonly signal?: AbortSignal;
}

export async function serializeTable(table: Table, format: TableFormat, signal?: AbortSignal): Promise<Uint8Array> {
  return collectBytes(serializeTableChunks(table, format, { signal }));
}

/**
 * The bytes of `table` in `format`, in chunks of a few MiB; their concatenation is what
 * serializeTable returns. With `header: false` the CSV/TSV header line is left out, so a table
 * decoded in row blocks can be written block after block. Parquet comes as one chunk.
 */
export async function* serializeTableChunks(
  table: Table,
  format: TableFormat,
  opts: SerializeChunkOptions = {},
): AsyncGenerator<Uint8Array> {
  const { signal } = opts;
  throwIfAborted(signal);
  switch (format) {
    case 'csv':
    case 'tsv':
      yield* delimitedChunks(table, format === 'csv' ? ',' : '\t', opts.header ?? true, signal);
      return;
    case 'jsonl':
      yield* jsonLineChunks(table, signal);
      return;
    case 'parquet':
      if (opts.header === false) throw new MedSynthError('BAD_USAGE', 'a Parquet file cannot be written in row parts');
      yield writeParquet(table, signal);
      return;
    default:
      throw new MedSynthError('BAD_USAGE', `cannot write tables as ${JSON.stringify(format)}`, { expected: 'csv, tsv, jsonl or parquet' });
  }
}

/** The text of one cell as the CSV writer prints it; '' for a missing value. */
export function cellText(column: Column, row: number): string {
  switch (column.kind) {
    case 'numeric':
      return formatNumber(column.values[row]);
    case 'datetime':
      return formatDatetime(column.values[row], column.precision, column.format);
    case 'categorical':
    case 'boolean': {
      const code = column.codes[row];
      return code < 0 ? '' : writtenLabels(column)[code];
    }
    case 'identifier':
    case 'text':
      return column.values[row] ?? '';
  }
}

/** The text each code is written as: a boolean's source spelling when it has one, else the category labels. */
function writtenLabels(column: CategoricalColumn): readonly string[] {
  return column.kind === 'boolean' && column.labels !== undefined ? column.labels : column.categories;
}

type CellWriter = (sink: ByteSink, row: number) => void;

function* delimitedChunks(table: Table, delimiter: string, header: boolean, signal?: AbortSignal): Generator<Uint8Array> {
  const special = delimiter === ',' ? /[",\r\n]|^\s|\s$/ : /["\t\r\n]|^\s|\s$/;
  const quote = (s: string): string => (special.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const sink = new ByteSink();
  if (header) {
    sink.text(table.columns.map((c) => quote(c.name)).join(delimiter));
    sink.byte(0x0a);
  }
  const writers = table.columns.map((c) => delimitedCell(c, quote));
  const sep = delimiter.charCodeAt(0);
  const last = writers.length - 1;
  for (let r = 0; r < table.rowCount; r++) {
    if (r % CHECK_EVERY === 0) throwIfAborted(signal);
    for (let j = 0; j < last; j++) {
      writers[j](sink, r);
      sink.byte(sep);
    }
    if (last >= 0) writers[last](sink, r);
    sink.byte(0x0a);
    if (sink.length >= CHUNK_BYTES) yield sink.take();
  }
  if (sink.length > 0) yield sink.take();
}

/**
 * Numbers never contain a delimiter, quote, line end or surrounding space, so they are written
 * without the quoting test; datetimes only when a format has a space or comma (quoted then); category
 * labels are quoted and encoded once.
 */
function delimitedCell(column: Column, quote: (s: string) => string): CellWriter {
  switch (column.kind) {
    case 'numeric': {
      const values = column.values;
      return (sink, r) => {
        const v = values[r];
        if (v === v) writeNumber(sink, v);
      };
    }
    case 'datetime': {
      const values = column.values;
      const format = datetimeFormatter(column.precision, column.format);
      // 'DD Mon YYYY' has no delimiter, but a format with ',' would need quoting in CSV.
      const needsQuote = column.format !== undefined && quote(column.format) !== column.format;
      return (sink, r) => {
        const v = values[r];
        if (v === v) sink.ascii(needsQuote ? quote(format(v)) : format(v));
      };
    }
    case 'categorical':
    case 'boolean': {
      const codes = column.codes;
      const encoded = writtenLabels(column).map((c) => ByteSink.encode(quote(c)));
      return (sink, r) => {
        const code = codes[r];
        if (code >= 0) sink.bytes(encoded[code]);
      };
    }
    case 'identifier':
    case 'text': {
      const values = column.values;
      return (sink, r) => {
        const v = values[r];
        if (v !== null && v !== undefined && v.length > 0) sink.text(quote(v));
      };
    }
  }
}

/** Exact powers of ten 10^0 … 10^15, and room for the digits of one integer below 2^53. */
const POW10 = Array.from({ length: 16 }, (_, d) => 10 ** d);
const digitScratch = new Uint8Array(16);

/** Writes the decimal digits of a non-negative integer below 2^53; `width` pads with leading zeros. */
function writeDigits(sink: ByteSink, x: number, width: number): void {
  let n = 0;
  // Integer arithmetic for the last nine digits or so; floating-point % is several times slower.
  while (x >= 2147483648) {
    const q = Math.floor(x / 10);
    digitScratch[n++] = 0x30 + (x - q * 10);
    x = q;
  }
  let i = x | 0;
  do {
    const q = (i / 10) | 0;
    digitScratch[n++] = 0x30 + i - q * 10;
    i = q;
  } while (i > 0);
  for (; n < width; n++) digitScratch[n] = 0x30;
  while (n > 0) sink.byte(digitScratch[--n]);
}

/**
 * Writes String(v) for a number (±Infinity as formatNumber prints them) without making the string.
 * Table values are mostly short decimals (rounded measurements): for the smallest d with
 * k = round(|v|·10^d) < 10^15 and k / 10^d === |v|, the decimal k·10^-d has at most 15 significant
 * digits and is the only such decimal that rounds to v, so it is the shortest round-trip text that
 * Number.prototype.toString prints, in fixed notation for 1e-6 <= |v| < 1e21. Anything else goes
 * through String(v).
 */
export function writeNumber(sink: ByteSink, v: number): void {
  const a = v < 0 ? -v : v;
  if (a === 0) {
    sink.byte(0x30);
    return;
  }
  if (a >= 1e-6 && a < 1e15) {
    for (let d = 0; d < POW10.length; d++) {
      const f = POW10[d];
      const k = Math.round(a * f);
      if (k >= 1e15) break;
      if (k / f === a) {
        if (v < 0) sink.byte(0x2d);
        // k / f is below 10^15 / f, so its rounding never reaches the next integer.
        const whole = Math.trunc(k / f);
        writeDigits(sink, whole, 1);
        if (d > 0) {
          sink.byte(0x2e);
          writeDigits(sink, k - whole * f, d);
        }
        return;
      }
    }
  }
  sink.ascii(formatNumber(v));
}

/** Dates repeat across rows (admission days, birth dates), so their text is cached per column. */
function datetimeFormatter(precision: 'date' | 'datetime', spelling: string | undefined): (ms: number) => string {
  const cache = new Map<number, string>();
  return (ms) => {
    let s = cache.get(ms);
    if (s === undefined) {
      s = formatDatetime(ms, precision, spelling);
      if (cache.size >= 65_536) cache.clear();
      cache.set(ms, s);
    }
    return s;
  };
}

function* jsonLineChunks(table: Table, signal?: AbortSignal): Generator<Uint8Array> {
  // JSON.stringify of a row object orders keys as the object does (integer-like names first) and
  // keeps the last of repeated names; a probe object with the same keys gives that exact order.
  const probe: Record<string, number> = {};
  table.columns.forEach((c, j) => {
    probe[c.name] = j;
  });
  const order = Object.keys(probe).map((k) => probe[k]);
  const writers = order.map((j, k) => jsonCell(table.columns[j], `${k === 0 ? '{' : ','}${JSON.stringify(table.columns[j].name)}:`));
  const sink = new ByteSink();
  for (let r = 0; r < table.rowCount; r++) {
    if (r % CHECK_EVERY === 0) throwIfAborted(signal);
    if (writers.length === 0) sink.byte(0x7b);
    for (const w of writers) w(sink, r);
    sink.byte(0x7d);
    sink.byte(0x0a);
    if (sink.length >= CHUNK_BYTES) yield sink.take();
  }
  if (sink.length > 0) yield sink.take();
}

/** Writes `"name":value` (with its leading '{' or ','), the value as JSON.stringify prints it. */
function jsonCell(column: Column, key: string): CellWriter {
  const prefix = ByteSink.encode(key);
  const NULL = 'null';
  switch (column.kind) {
    case 'numeric': {
      const values = column.values;
      return (sink, r) => {
        sink.bytes(prefix);
        const v = values[r];
        // JSON has no infinities; the reader parses these strings back as numbers.
        if (v !== v) sink.ascii(NULL);
        else if (Number.isFinite(v)) writeNumber(sink, v);
        else sink.ascii(JSON.stringify(formatNumber(v)));
      };
    }
    case 'datetime': {
      const values = column.values;
      const format = datetimeFormatter(column.precision, column.format);
      return (sink, r) => {
        sink.bytes(prefix);
        const v = values[r];
        sink.ascii(v !== v ? NULL : `"${format(v)}"`);
      };
    }
    case 'boolean':
    case 'categorical': {
      const codes = column.codes;
      const nullBytes = ByteSink.encode(NULL);
      if (column.kind === 'boolean' && column.labels === undefined) {
        const [no, yes] = ['false', 'true'].map((s) => ByteSink.encode(s));
        return (sink, r) => {
          sink.bytes(prefix);
          const code = codes[r];
          sink.bytes(code < 0 ? nullBytes : code === 1 ? yes : no);
        };
      }
      // A boolean the source spelled no/yes stays a string in that spelling, as CSV writes it.
      const encoded = writtenLabels(column).map((c) => ByteSink.encode(JSON.stringify(c)));
      return (sink, r) => {
        sink.bytes(prefix);
        const code = codes[r];
        sink.bytes(code < 0 ? nullBytes : encoded[code]);
      };
    }
    case 'identifier':
    case 'text': {
      const values = column.values;
      return (sink, r) => {
        sink.bytes(prefix);
        const v = values[r];
        sink.text(v === null || v === undefined ? NULL : JSON.stringify(v));
      };
    }
  }
}
