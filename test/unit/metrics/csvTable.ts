// Builds Table objects from the simple reference CSV fixtures (no quoted fields) with explicit column
// kinds, so the metric tests do not depend on the data area's type inference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Column, ColumnKind, Table } from '../../../src/core/data/table/table';

export const REFERENCE_DIR = join(__dirname, '..', '..', 'fixtures', 'reference');

export function loadReferenceJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, file), 'utf8')) as T;
}

export function loadReferenceTable(file: string, types: Readonly<Record<string, ColumnKind>> = {}): Table {
  const lines = readFileSync(join(REFERENCE_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const cells = lines.slice(1).map((l) => l.split(','));
  const columns = header.map((name, c) =>
    buildColumn(
      name,
      types[name] ?? 'numeric',
      cells.map((row) => row[c] ?? ''),
    ),
  );
  return { rowCount: cells.length, columns };
}

export function buildColumn(name: string, kind: ColumnKind, raw: readonly string[]): Column {
  switch (kind) {
    case 'numeric':
      return { kind, name, integer: false, values: Float64Array.from(raw, (s) => (s === '' ? Number.NaN : Number(s))) };
    case 'datetime':
      return {
        kind,
        name,
        precision: 'date',
        values: Float64Array.from(raw, (s) => (s === '' ? Number.NaN : Date.parse(`${s}T00:00:00Z`))),
      };
    case 'categorical':
    case 'boolean': {
      const categories: string[] = kind === 'boolean' ? ['false', 'true'] : [];
      const codes = Int32Array.from(raw, (s) => {
        if (s === '') return -1;
        let k = categories.indexOf(s);
        if (k < 0) k = categories.push(s) - 1;
        return k;
      });
      return { kind, name, codes, categories };
    }
    case 'identifier':
    case 'text':
      return { kind, name, values: raw.map((s) => (s === '' ? null : s)) };
  }
}

/** A numeric-only table from columns of numbers (NaN = missing). */
export function numericTable(columns: Readonly<Record<string, readonly number[]>>): Table {
  const cols = Object.entries(columns).map(([name, v]): Column => ({
    kind: 'numeric',
    name,
    integer: false,
    values: Float64Array.from(v),
  }));
  return { rowCount: Object.values(columns)[0]?.length ?? 0, columns: cols };
}

/** A categorical-only table from columns of labels ('' = missing). */
export function categoricalTable(columns: Readonly<Record<string, readonly string[]>>): Table {
  const cols = Object.entries(columns).map(([name, v]) => buildColumn(name, 'categorical', v));
  return { rowCount: Object.values(columns)[0]?.length ?? 0, columns: cols };
}
