// The one entry point for reading a table from bytes: picks the format (given, by file extension,
// or by content), reads it into a RawTable and types the columns. Pure: the caller supplies the
// bytes or a stream of chunks (src/storage/tables.ts streams files from disk).

import type { ColumnKind, Table, TableFormat } from './table';
import type { ByteSource } from './textDecoding';
import type { RawTable } from './rawTable';
import type { TableLimitOptions } from '../limits';
import type { TableDialect } from './readSettings';
import { throwIfAborted } from '../../errors';
import { readDelimited } from './csvReader';
import { readJsonLines } from './jsonlReader';
import { readParquet } from './parquetReader';
import { typeRawTable } from './rawTable';
import { checkLimitOptions } from '../limits';
import { byteChunks } from './textDecoding';
import { inferTableFormat } from './format';
import { collectBytes } from '../byteSink';
import { resolveDialect } from './readSettings';

export interface ParseTableOptions extends TableLimitOptions, TableDialect {
  /** Used in error messages and to pick the format from the extension when `format` is absent. */
  readonly fileName?: string;
  readonly format?: TableFormat;
  /** Column kinds that replace inference, by column name. */
  readonly types?: Readonly<Record<string, ColumnKind>>;
  readonly signal?: AbortSignal;
}

export async function parseTable(input: ByteSource, opts: ParseTableOptions = {}): Promise<Table> {
  const { fileName, signal } = opts;
  checkLimitOptions(opts);
  // A wrong dialect is a usage error before any byte is read, whatever the format.
  resolveDialect(opts);
  throwIfAborted(signal);
  const chunks = byteChunks(input, signal)[Symbol.asyncIterator]();
  const first = await nextNonEmpty(chunks);
  const format = opts.format ?? (fileName !== undefined ? inferTableFormat(fileName) : undefined) ?? sniffFormat(first);
  const stream = prepend(first, chunks);
  let raw: RawTable;
  let actual: TableFormat = format;
  let notes: readonly string[] = [];
  switch (format) {
    case 'parquet':
      raw = await readParquet(await collectBytes(stream), opts);
      break;
    case 'jsonl':
      raw = await readJsonLines(stream, opts);
      break;
    case 'csv':
    case 'tsv': {
      // '.csv' files saved by a European-locale spreadsheet use semicolons, so csv sniffs too.
      const delimited = await readDelimited(stream, { ...opts, delimiter: opts.delimiter ?? (format === 'tsv' ? '\t' : undefined) });
      if (opts.format === undefined && delimited.delimiter === '\t') actual = 'tsv';
      raw = delimited;
      notes = delimited.notes;
      break;
    }
  }
  // Notes (what the reader assumed or repaired) ride on the provenance, so every caller can show them.
  return typeRawTable(raw, opts, {
    ...(fileName !== undefined ? { file: fileName } : {}),
    format: actual,
    ...(notes.length > 0 ? { notes } : {}),
  });
}

/** Parquet starts with 'PAR1'; JSON Lines with '{' (after an optional BOM and whitespace). */
function sniffFormat(first: Uint8Array | undefined): TableFormat {
  if (!first) return 'csv';
  if (first.length >= 4 && first[0] === 0x50 && first[1] === 0x41 && first[2] === 0x52 && first[3] === 0x31) return 'parquet';
  let i = first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf ? 3 : 0;
  while (i < first.length && (first[i] === 0x20 || first[i] === 0x0a || first[i] === 0x0d || first[i] === 0x09)) i++;
  return first[i] === 0x7b ? 'jsonl' : 'csv';
}

async function nextNonEmpty(it: AsyncIterator<Uint8Array>): Promise<Uint8Array | undefined> {
  for (;;) {
    const r = await it.next();
    if (r.done) return undefined;
    if (r.value.length > 0) return r.value;
  }
}

async function* prepend(first: Uint8Array | undefined, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first) yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}
