// The file-system edge of the table reader and writers. Reading streams the file (a 1 GB extract
// never sits in memory twice) and hashes the very bytes it parses, so the provenance SHA-256 in
// manifests and reports is the hash of what was actually read. Writing is atomic.

import type { ColumnKind, Table, TableFormat } from '../core/data/table/table';
import type { TableLimitOptions } from '../core/data/limits';
import type { TableDialect } from '../core/data/table/readSettings';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { MedSynthError, isMedSynthError, throwIfAborted } from '../core/errors';
import { inferTableFormat } from '../core/data/table/format';
import { readDelimited } from '../core/data/table/csvReader';
import { WHITESPACE } from '../core/data/table/csvTokenizer';
import { checkParquetTail } from '../core/data/table/parquetReader';
import { RecordFloor, checkRowFloor, couldPassCaps } from '../core/data/table/rowFloor';
import { parseTable } from '../core/data/table/tableReader';
import { serializeTableChunks } from '../core/data/table/tableWriter';
import { ioError, writeFileAtomic } from './atomic';

export interface ReadTableOptions extends TableLimitOptions, TableDialect {
  /** Overrides the format given by the extension (and content sniffing when there is none). */
  readonly format?: TableFormat;
  readonly types?: Readonly<Record<string, ColumnKind>>;
  readonly signal?: AbortSignal;
}

const CHUNK_BYTES = 1 << 20;

export async function readTableFile(path: string, opts: ReadTableOptions = {}): Promise<Table> {
  throwIfAborted(opts.signal);
  let size: number | undefined;
  try {
    const s = await stat(path);
    if (s.isDirectory())
      throw new MedSynthError('BAD_USAGE', 'is a folder, not a table file', {
        file: path,
        expected: 'a .csv, .tsv, .parquet or .jsonl file',
      });
    // A pipe cannot be read twice: only a regular file is looked at before parsing.
    if (s.isFile()) size = s.size;
  } catch (e) {
    if (isMedSynthError(e)) throw e;
    throw ioError('cannot read the table', path, e);
  }
  if (size !== undefined) await refuseOverCaps(path, size, opts);
  const hash = createHash('sha256');
  let bytes = 0;
  let complete = false;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, signal: opts.signal });
    try {
      for await (const chunk of stream) {
        const b = chunk as Buffer;
        hash.update(b);
        bytes += b.length;
        yield new Uint8Array(b.buffer, b.byteOffset, b.length);
      }
      complete = true;
    } catch (e) {
      throwIfAborted(opts.signal);
      throw ioError('cannot read the table', path, e);
    } finally {
      stream.destroy();
    }
  }
  const table = await parseTable(hashed(), {
    fileName: path,
    format: opts.format,
    types: opts.types,
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    comment: opts.comment,
    maxRows: opts.maxRows,
    maxCells: opts.maxCells,
    maxColumns: opts.maxColumns,
    headRows: opts.headRows,
    signal: opts.signal,
  });
  // A preview (headRows) may stop before the end: the hash of a prefix is no file's hash, so none is given.
  if (!complete) return { ...table, provenance: { ...table.provenance, file: path } };
  return { ...table, provenance: { ...table.provenance, file: path, sha256: hash.digest('hex'), bytes } };
}

/** The prefix read for the header's column count, and the tail read for a Parquet footer. */
const PREFIX_BYTES = 1 << 20;
const PARQUET_TAIL_BYTES = 1 << 20;

/**
 * Refuses a table over maxRows/maxCells before parsing it, where its size on disk allows that:
 * Parquet from its footer's declared counts, delimited text and JSON Lines from a floor of their
 * records counted at byte-search speed (core/data/rowFloor.ts), stopping as soon as a cap is
 * proven passed. Anything this look cannot settle (an unreadable prefix, quotes that may hide line
 * ends) is left to the parser, which counts as it reads; its errors are the ones the user sees.
 */
async function refuseOverCaps(path: string, size: number, opts: ReadTableOptions): Promise<void> {
  if (opts.headRows !== undefined || size === 0) return;
  const format = opts.format ?? inferTableFormat(path);
  if (format === undefined) return;
  try {
    if (format === 'parquet') {
      checkParquetTail(await readRange(path, Math.max(0, size - PARQUET_TAIL_BYTES), size), { ...opts, fileName: path });
      return;
    }
    const { columns, delimiter } = await headerOf(await readRange(path, 0, Math.min(size, PREFIX_BYTES)), path, format, opts);
    if (!couldPassCaps(size, columns, opts)) return;
    const floor = new RecordFloor(delimiter, opts.comment !== undefined ? ['#', opts.comment] : ['#']);
    const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, signal: opts.signal });
    let read = 0;
    try {
      for await (const chunk of stream) {
        const b = chunk as Buffer;
        floor.feed(b);
        read += b.length;
        // Delimited text counts its header line among the records.
        checkRowFloor(format === 'jsonl' ? floor.records : floor.records - 1, columns, opts, path, read / size);
        if (!floor.counting) break;
      }
    } finally {
      stream.destroy();
    }
  } catch (e) {
    throwIfAborted(opts.signal);
    if (isMedSynthError(e) && (e.code === 'LIMIT_EXCEEDED' || e.code === 'CANCELLED')) throw e;
  }
}

/** The column count from a file's first bytes and, for delimited text, the delimiter byte (-1: blanks). */
async function headerOf(
  prefix: Uint8Array,
  path: string,
  format: TableFormat,
  opts: ReadTableOptions,
): Promise<{ columns: number; delimiter?: number }> {
  const dialect = { delimiter: opts.delimiter, encoding: opts.encoding, comment: opts.comment };
  if (format === 'jsonl') {
    const head = await parseTable(prefix, { fileName: path, format, headRows: 1, maxColumns: opts.maxColumns });
    return { columns: head.columns.length };
  }
  const head = await readDelimited(
    (async function* (): AsyncGenerator<Uint8Array> {
      yield prefix;
    })(),
    {
      ...dialect,
      delimiter: dialect.delimiter ?? (format === 'tsv' ? '\t' : undefined),
      fileName: path,
      headRows: 1,
      maxColumns: opts.maxColumns,
    },
  );
  return { columns: head.names.length, delimiter: head.delimiter === WHITESPACE ? -1 : head.delimiter.charCodeAt(0) };
}

async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const out = new Uint8Array(end - start);
    let at = 0;
    while (at < out.length) {
      const { bytesRead } = await handle.read(out, at, out.length - at, start + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return out.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** Writes `table` in the format named by the extension of `path`, atomically. */
export async function writeTableFile(path: string, table: Table, signal?: AbortSignal): Promise<void> {
  const format = inferTableFormat(path);
  if (!format) {
    throw new MedSynthError('BAD_USAGE', 'cannot tell the table format from the file extension', {
      file: path,
      expected: '.csv, .tsv, .parquet or .jsonl',
    });
  }
  // Streamed in chunks: one string or buffer for a multi-million-row CSV would pass V8's limits.
  await writeFileAtomic(path, serializeTableChunks(table, format, { signal }), signal);
}
