// The file-system edge of the table reader and writers. Reading streams the file (a 1 GB extract
// never sits in memory twice) and hashes the very bytes it parses, so the provenance SHA-256 in
// manifests and reports is the hash of what was actually read. Writing is atomic.

import type { ColumnKind, Table, TableFormat } from '../core/data/table';
import type { TableLimitOptions } from '../core/data/limits';
import type { TableDialect } from '../core/data/readSettings';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { MedSynthError, isMedSynthError, throwIfAborted } from '../core/errors';
import { inferTableFormat } from '../core/data/format';
import { parseTable } from '../core/data/tableReader';
import { serializeTableChunks } from '../core/data/tableWriter';
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
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new MedSynthError('BAD_USAGE', 'is a folder, not a table file', { file: path, expected: 'a .csv, .tsv, .parquet or .jsonl file' });
  } catch (e) {
    if (isMedSynthError(e)) throw e;
    throw ioError('cannot read the table', path, e);
  }
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
