// Reads a Parquet file (whole bytes: its index sits in the footer) with hyparquet into a RawTable.
// Values become cell text and go through the same inference as CSV, so a table reads the same
// whatever format it was saved in. Column kinds recorded by our own writer (key-value metadata
// `medsynth.columns`) are honoured, so csv -> parquet -> csv keeps every kind. The file is untrusted:
// row and cell caps apply to the declared counts before decoding, parquetGuard checks every size and
// run hyparquet would trust, and any failure inside hyparquet becomes a BAD_INPUT naming the file.

import type { ColumnKind } from './table';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import type { RawTable } from './rawTable';
import type { TableLimitOptions } from '../limits';
import type { MedSynthError } from '../../errors';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { badInput, isMedSynthError, throwIfAborted } from '../../errors';
import { RowBudget } from '../limits';
import { guardParquet } from './parquetGuard';
import { formatDatetime } from './cellValues';
import { isColumnKind } from './columnInference';
import { normalizeHeader } from './rawTable';

export const PARQUET_KINDS_KEY = 'medsynth.columns';

export interface ParquetOptions extends TableLimitOptions {
  readonly fileName?: string;
  readonly signal?: AbortSignal;
}

export async function readParquet(bytes: Uint8Array, opts: ParquetOptions): Promise<RawTable> {
  const { fileName, signal } = opts;
  throwIfAborted(signal);
  if (bytes.length === 0) throw badInput('the file is empty', { file: fileName, expected: 'a Parquet file' });
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const fail = (e: unknown): MedSynthError =>
    isMedSynthError(e)
      ? e
      : badInput(`cannot decode the Parquet data (${messageOf(e)})`, { file: fileName, expected: 'an intact Parquet file' });
  let metadata: FileMetaData;
  let top: SchemaTree[];
  try {
    metadata = withoutPageIndexes(parquetMetadata(buffer));
    top = parquetSchema(metadata).children;
  } catch (e) {
    throw badInput(`is not a readable Parquet file (${messageOf(e)})`, { file: fileName, expected: "a Parquet file ending in 'PAR1'" });
  }
  const declared = Number(metadata.num_rows);
  const groupRows = metadata.row_groups.reduce((sum, g) => sum + Number(g.num_rows), 0);
  if (!Number.isSafeInteger(declared) || declared < 0 || groupRows !== declared) {
    throw badInput(`is a corrupt Parquet file (it declares ${metadata.num_rows} rows, its row groups ${groupRows})`, {
      file: fileName,
      expected: 'an intact Parquet file',
    });
  }
  const unnamed = top.findIndex((c) => typeof c.element.name !== 'string');
  if (unnamed >= 0)
    throw badInput(`is a corrupt Parquet file (schema column ${unnamed + 1} has no name)`, {
      file: fileName,
      expected: 'an intact Parquet file',
    });
  const budget = new RowBudget(opts, fileName);
  const take = budget.checkDeclared(declared, top.length);
  const names = normalizeHeader(
    top.map((c) => c.element.name),
    fileName,
  );
  // Every size hyparquet would trust is checked first; a failure there, or any throw from
  // hyparquet itself, becomes a typed error naming the file.
  let rows: unknown[][] = [];
  try {
    guardParquet(bytes, metadata, parquetSchema(metadata), budget.maxCells, fileName);
    throwIfAborted(signal);
    await parquetRead({
      file: buffer,
      metadata,
      rowStart: 0,
      rowEnd: take,
      onComplete: (r: unknown[][]) => {
        rows = r;
      },
    });
  } catch (e) {
    throw fail(e);
  }
  throwIfAborted(signal);
  if (rows.length === 0) throw badInput('the Parquet file has columns but no rows', { file: fileName, expected: 'at least one row' });
  if (rows.length !== take) throw badInput(`is a corrupt Parquet file (${rows.length} rows decoded, ${take} declared)`, { file: fileName });
  const cells = top.map((column, j) => {
    const isDate = isDateColumn(column);
    const out = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = cellText(rows[i][j], isDate);
    return out;
  });
  return { names, cells, recordedKinds: recordedKinds(metadata) };
}

/**
 * Drops the optional page indexes so hyparquet reads each column chunk whole, exactly the bytes
 * guardParquet walked (an offset index is one more set of offsets to trust).
 */
function withoutPageIndexes(metadata: FileMetaData): FileMetaData {
  return {
    ...metadata,
    row_groups: metadata.row_groups.map((g) => ({
      ...g,
      columns: g.columns.map((c) => ({
        ...c,
        offset_index_offset: undefined,
        offset_index_length: undefined,
        column_index_offset: undefined,
        column_index_length: undefined,
      })),
    })),
  };
}

/**
 * Checks the caps against the counts a Parquet footer declares, given only the file's last bytes
 * (the footer, its length and 'PAR1'), so that the storage layer can refuse a huge file before
 * reading it whole. A tail that does not parse is left to readParquet to report.
 */
export function checkParquetTail(tail: Uint8Array, opts: ParquetOptions): void {
  let declared: number;
  let columns: number;
  try {
    const metadata = parquetMetadata(tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.byteLength) as ArrayBuffer);
    declared = Number(metadata.num_rows);
    columns = parquetSchema(metadata).children.length;
  } catch {
    return;
  }
  if (!Number.isSafeInteger(declared) || declared < 0) return;
  new RowBudget(opts, opts.fileName).checkDeclared(declared, columns);
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
