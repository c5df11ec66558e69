// A JSON-ready summary of a table: what `medsynth inspect --json` prints and what the preview shows
// above the rows. Datetime bounds are ISO strings so the JSON reads without a date library; the
// column's own spelling is given beside them as `format`.

import type { ColumnKind, Table, TableFormat } from './table';
import { missingCount } from './table';
import { formatDatetime } from './cellValues';

/** Categories are listed only up to this many, to keep `inspect` output readable. */
export const MAX_LISTED_CATEGORIES = 50;

export interface ColumnDescription {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly missing: number;
  /** Distinct present values. */
  readonly distinct: number;
  /** Numeric: a number; datetime: an ISO string. Absent when the column has no present value. */
  readonly min?: number | string;
  readonly max?: number | string;
  /** Numeric only. */
  readonly integer?: boolean;
  /** Datetime only. */
  readonly precision?: 'date' | 'datetime';
  /** Datetime only: the spelling the values were read in and synthetic values are written in. */
  readonly format?: string;
  /** Datetime only: how an ambiguous spelling (day/month order) was read. */
  readonly formatNote?: string;
  /** Categorical and boolean: labels in code order, when there are at most MAX_LISTED_CATEGORIES. */
  readonly categories?: readonly string[];
}

export interface TableDescription {
  readonly rows: number;
  readonly format?: TableFormat;
  readonly columns: readonly ColumnDescription[];
}

export function describeTable(table: Table): TableDescription {
  const columns = table.columns.map((c): ColumnDescription => {
    const base = { name: c.name, kind: c.kind, missing: missingCount(c) };
    switch (c.kind) {
      case 'numeric':
      case 'datetime': {
        const seen = new Set<number>();
        let min = Infinity;
        let max = -Infinity;
        for (const v of c.values) {
          if (Number.isNaN(v)) continue;
          seen.add(v);
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const bounds =
          seen.size === 0
            ? {}
            : c.kind === 'numeric'
              ? { min, max }
              : { min: formatDatetime(min, c.precision), max: formatDatetime(max, c.precision) };
        const extra =
          c.kind === 'numeric'
            ? { integer: c.integer }
            : {
                precision: c.precision,
                ...(c.format !== undefined ? { format: c.format } : {}),
                ...(c.formatNote !== undefined ? { formatNote: c.formatNote } : {}),
              };
        return { ...base, distinct: seen.size, ...bounds, ...extra };
      }
      case 'categorical':
      case 'boolean': {
        const used = new Set<number>();
        for (const code of c.codes) if (code >= 0) used.add(code);
        return { ...base, distinct: used.size, ...(c.categories.length <= MAX_LISTED_CATEGORIES ? { categories: c.categories } : {}) };
      }
      case 'identifier':
      case 'text': {
        const seen = new Set<string>();
        for (const v of c.values) if (v !== null) seen.add(v);
        return { ...base, distinct: seen.size };
      }
    }
  });
  return { rows: table.rowCount, ...(table.provenance?.format ? { format: table.provenance.format } : {}), columns };
}
