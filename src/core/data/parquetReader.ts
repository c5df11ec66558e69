// Reads a Parquet file (whole bytes: its index sits in the footer) with hyparquet into a RawTable.
// Values become cell text and go through the same inference as CSV, so a table reads the same
// whatever format it was saved in. Column kinds recorded by our own writer (key-value metadata
// `medsynth.columns`) are honoured, so csv -> parquet -> csv keeps every kind.

import type { ColumnKind } from './table';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import type { RawTable } from './rawTable';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { MedSynthError, badInput, throwIfAborted } from '../errors';
import { formatDatetime } from './cellValues';
import { isColumnKind } from './columnInference';
import { normalizeHeader, rowLimitError } from './rawTable';

export const PARQUET_KINDS_KEY = 'medsynth.columns';

export interface ParquetOptions {
  readonly fileName?: string;
  readonly maxRows?: number;
  readonly signal?: AbortSignal;
}

export async function readParquet(bytes: Uint8Array, opts: ParquetOptions): Promise<RawTable> {
  const { fileName, maxRows, signal } = opts;
  throwIfAborted(signal);
  if (bytes.length === 0) throw badInput('the file is empty', { file: fileName, expected: 'a Parquet file' });
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(buffer);
  } catch (e) {
    throw badInput(`is not a readable Parquet file (${messageOf(e)})`, { file: fileName, expected: "a Parquet file ending in 'PAR1'" });
  }
  const rowCount = Number(metadata.num_rows);
  if (maxRows !== undefined && rowCount > maxRows) throw rowLimitError(maxRows, fileName);
  const top = parquetSchema(metadata).children;
  const names = normalizeHeader(top.map((c) => c.element.name), fileName);
  let rows: unknown[][] = [];
  try {
    await parquetRead({
      file: buffer,
      metadata,
      onComplete: (r: unknown[][]) => {
        rows = r;
      },
    });
  } catch (e) {
    throw new MedSynthError('UNSUPPORTED', `cannot decode the Parquet data (${messageOf(e)})`, {
      file: fileName,
      expected: 'plain, dictionary or delta encodings, compressed with snappy or uncompressed',
    });
  }
  throwIfAborted(signal);
  if (rows.length === 0) throw badInput('the Parquet file has columns but no rows', { file: fileName, expected: 'at least one row' });
  const cells = top.map((column, j) => {
    const isDate = isDateColumn(column);
    const out = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = cellText(rows[i][j], isDate);
    return out;
  });
  return { names, cells, recordedKinds: recordedKinds(metadata) };
}

function isDateColumn(column: SchemaTree): boolean {
  const e = column.element;
  return e.converted_type === 'DATE' || e.logical_type?.type === 'DATE';
}

function cellText(v: unknown, isDate: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return formatDatetime(v.getTime(), isDate ? 'date' : 'datetime');
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

function recordedKinds(metadata: FileMetaData): Record<string, ColumnKind> | undefined {
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === PARQUET_KINDS_KEY);
  if (!entry?.value) return undefined;
  try {
    const parsed: unknown = JSON.parse(entry.value);
    if (!Array.isArray(parsed)) return undefined;
    const kinds: Record<string, ColumnKind> = {};
    for (const item of parsed as unknown[]) {
      if (item && typeof item === 'object' && 'name' in item && 'kind' in item) {
        const { name, kind } = item as { name: unknown; kind: unknown };
        if (typeof name === 'string' && isColumnKind(kind)) kinds[name] = kind;
      }
    }
    return kinds;
  } catch {
    // Metadata written by someone else under our key: ignore it and infer instead.
    return undefined;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
