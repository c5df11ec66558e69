// Writes a Table as CSV, TSV, JSON Lines or Parquet bytes. Text formats: integers print without a
// decimal point, datetimes as ISO 8601 (YYYY-MM-DD for date precision, else YYYY-MM-DDTHH:MM:SS[.sss]
// in UTC), booleans as true/false, and a missing value as an empty cell (null in JSON Lines).

import type { Column, Table, TableFormat } from './table';
import { MedSynthError, throwIfAborted } from '../errors';
import { formatDatetime, formatNumber } from './cellValues';
import { writeParquet } from './parquetWriter';

const CHECK_EVERY = 4096;

export async function serializeTable(table: Table, format: TableFormat, signal?: AbortSignal): Promise<Uint8Array> {
  throwIfAborted(signal);
  switch (format) {
    case 'csv':
      return encode(delimitedLines(table, ',', signal));
    case 'tsv':
      return encode(delimitedLines(table, '\t', signal));
    case 'jsonl':
      return encode(jsonLines(table, signal));
    case 'parquet':
      return writeParquet(table, signal);
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
      return formatDatetime(column.values[row], column.precision);
    case 'categorical':
    case 'boolean': {
      const code = column.codes[row];
      return code < 0 ? '' : column.categories[code];
    }
    case 'identifier':
    case 'text':
      return column.values[row] ?? '';
  }
}

function delimitedLines(table: Table, delimiter: string, signal?: AbortSignal): string[] {
  const special = delimiter === ',' ? /[",\r\n]|^\s|\s$/ : /["\t\r\n]|^\s|\s$/;
  const quote = (s: string): string => (special.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const out: string[] = [table.columns.map((c) => quote(c.name)).join(delimiter)];
  for (let r = 0; r < table.rowCount; r++) {
    if (r % CHECK_EVERY === 0) throwIfAborted(signal);
    let line = '';
    for (let j = 0; j < table.columns.length; j++) {
      if (j > 0) line += delimiter;
      line += quote(cellText(table.columns[j], r));
    }
    out.push(line);
  }
  return out;
}

function jsonLines(table: Table, signal?: AbortSignal): string[] {
  const out: string[] = [];
  for (let r = 0; r < table.rowCount; r++) {
    if (r % CHECK_EVERY === 0) throwIfAborted(signal);
    const row: Record<string, unknown> = {};
    for (const c of table.columns) row[c.name] = jsonValue(c, r);
    out.push(JSON.stringify(row));
  }
  return out;
}

function jsonValue(column: Column, row: number): unknown {
  switch (column.kind) {
    case 'numeric': {
      const v = column.values[row];
      if (Number.isNaN(v)) return null;
      // JSON has no infinities; the reader parses these strings back as numbers.
      return Number.isFinite(v) ? v : formatNumber(v);
    }
    case 'datetime':
      return Number.isNaN(column.values[row]) ? null : formatDatetime(column.values[row], column.precision);
    case 'boolean':
      return column.codes[row] < 0 ? null : column.codes[row] === 1;
    case 'categorical':
      return column.codes[row] < 0 ? null : column.categories[column.codes[row]];
    case 'identifier':
    case 'text':
      return column.values[row];
  }
}

function encode(lines: string[]): Uint8Array {
  return new TextEncoder().encode(lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
