// The in-memory table model. Columns are typed arrays so that metrics and fitters can run over
// 100k-row EHR extracts without boxing; missing values are explicit in every kind.

export type ColumnKind = 'numeric' | 'categorical' | 'datetime' | 'boolean' | 'identifier' | 'text';

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  /** NaN marks a missing value. */
  readonly values: Float64Array;
  /** True when every present value is an integer (written back without a decimal point). */
  readonly integer: boolean;
}

export interface DatetimeColumn {
  readonly kind: 'datetime';
  readonly name: string;
  /** Milliseconds since the Unix epoch, UTC; NaN marks a missing value. */
  readonly values: Float64Array;
  /** 'date' when every value had no time part (written back as YYYY-MM-DD unless `format` says otherwise). */
  readonly precision: 'date' | 'datetime';
  /**
   * The source's spelling, e.g. 'YYYY-MM-DD', 'DD-Mon-YY', 'MM/DD/YYYY', 'YYYY-MM-DDTHH:mm:ss+02:00'
   * (tokens in datetimeFormat.ts); values are written back in it. Absent: canonical ISO 8601.
   */
  readonly format?: string;
  /** Why an ambiguous spelling was read as it was (day/month order), for `inspect` to show. */
  readonly formatNote?: string;
}

export interface CategoricalColumn {
  readonly kind: 'categorical' | 'boolean';
  readonly name: string;
  /** Index into `categories`; -1 marks a missing value. */
  readonly codes: Int32Array;
  /** Category labels in first-seen order; for booleans exactly ['false', 'true']. */
  readonly categories: readonly string[];
  /**
   * Booleans only: how the source spelled false and true, e.g. ['no', 'yes'] or ['False', 'True'], so
   * that CSV and JSON Lines write them back the same way (Parquet keeps real booleans). Absent:
   * 'false' and 'true'.
   */
  readonly labels?: readonly [string, string];
}

export interface TextColumn {
  readonly kind: 'identifier' | 'text';
  readonly name: string;
  /** null marks a missing value. */
  readonly values: readonly (string | null)[];
}

export type Column = NumericColumn | DatetimeColumn | CategoricalColumn | TextColumn;

export type TableFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl';

export interface TableProvenance {
  readonly file?: string;
  readonly format?: TableFormat;
  readonly sha256?: string;
  readonly bytes?: number;
  /** What the reader assumed or repaired (encoding, comment lines, padded rows), for the user to see. */
  readonly notes?: readonly string[];
}

export interface Table {
  readonly rowCount: number;
  readonly columns: readonly Column[];
  readonly provenance?: TableProvenance;
}

/** A column name and kind: what `inspect` reports and what overrides and conforming use. */
export interface ColumnSchema {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Datetime columns: the spelling of their values (DatetimeColumn.format). */
  readonly format?: string;
}

export function tableSchema(table: Table): ColumnSchema[] {
  return table.columns.map((c) =>
    c.kind === 'datetime' && c.format !== undefined ? { name: c.name, kind: c.kind, format: c.format } : { name: c.name, kind: c.kind },
  );
}

export function isMissing(column: Column, row: number): boolean {
  switch (column.kind) {
    case 'numeric':
    case 'datetime':
      return Number.isNaN(column.values[row]);
    case 'categorical':
    case 'boolean':
      return column.codes[row] < 0;
    case 'identifier':
    case 'text':
      return column.values[row] === null;
  }
}

export function missingCount(column: Column): number {
  let n = 0;
  const rows = 'codes' in column ? column.codes.length : column.values.length;
  for (let i = 0; i < rows; i++) if (isMissing(column, i)) n++;
  return n;
}
