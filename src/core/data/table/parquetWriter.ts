// Writes a Table as Parquet with hyparquet-writer. Every column is OPTIONAL (nullable) so missing
// values stay missing. Physical types: integer numeric columns that fit INT32 as INT32, other
// numbers as DOUBLE, date-precision datetimes as DATE, other datetimes as TIMESTAMP_MILLIS, booleans
// as BOOLEAN, everything else as UTF-8 strings. The column kinds are also stored in key-value
// metadata so that our reader restores them exactly (an identifier stays an identifier).

import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import type { Column, Table } from './table';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { throwIfAborted } from '../../errors';
import { PARQUET_KINDS_KEY } from './parquetReader';

const INT32_MAX = 2 ** 31 - 1;

export function writeParquet(table: Table, signal?: AbortSignal): Uint8Array {
  throwIfAborted(signal);
  const schema: SchemaElement[] = [{ name: 'root', num_children: table.columns.length }];
  const columnData: ColumnSource[] = [];
  for (const column of table.columns) {
    throwIfAborted(signal);
    const { element, data } = parquetColumn(column, table.rowCount);
    schema.push(element);
    columnData.push({ name: column.name, data });
  }
  const kinds = JSON.stringify(table.columns.map((c) => ({ name: c.name, kind: c.kind })));
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    kvMetadata: [{ key: PARQUET_KINDS_KEY, value: kinds }],
    createdBy: 'medsynth',
  });
  return new Uint8Array(buffer);
}

function parquetColumn(column: Column, rows: number): { element: SchemaElement; data: unknown[] } {
  const name = column.name;
  const optional = 'OPTIONAL' as const;
  switch (column.kind) {
    case 'numeric': {
      const v = column.values;
      let int32 = column.integer;
      for (let i = 0; int32 && i < rows; i++) if (Math.abs(v[i]) > INT32_MAX) int32 = false;
      const data = Array.from(v, (x) => (Number.isNaN(x) ? null : x));
      return { element: { name, type: int32 ? 'INT32' : 'DOUBLE', repetition_type: optional }, data };
    }
    case 'datetime': {
      const data = Array.from(column.values, (x) => (Number.isNaN(x) ? null : new Date(x)));
      const element: SchemaElement =
        column.precision === 'date'
          ? { name, type: 'INT32', converted_type: 'DATE', repetition_type: optional }
          : { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: optional };
      return { element, data };
    }
    case 'boolean':
      return {
        element: { name, type: 'BOOLEAN', repetition_type: optional },
        data: Array.from(column.codes, (c) => (c < 0 ? null : c === 1)),
      };
    case 'categorical':
      return {
        element: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: optional },
        data: Array.from(column.codes, (c) => (c < 0 ? null : column.categories[c])),
      };
    case 'identifier':
    case 'text':
      return { element: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: optional }, data: [...column.values] };
  }
}
