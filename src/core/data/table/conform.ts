// Re-reads a table (typically synthetic output, or a holdout file) with the real table's schema, so
// that metrics compare like with like: the same columns in the same order, of the same kinds, and
// categorical codes that mean the same category in both tables.

import type { Column, ColumnSchema, Table } from './table';
import { MedSynthError } from '../../errors';
import { buildColumn } from './columnInference';
import { cellText } from './tableWriter';

/** A column schema that also carries a categorical column's category order. */
export interface ConformSchema extends ColumnSchema {
  readonly categories?: readonly string[];
}

/** The schema of a table including category orders, for conformTable. */
export function conformSchemaOf(table: Table): ConformSchema[] {
  return table.columns.map((c) =>
    c.kind === 'categorical' || c.kind === 'boolean'
      ? { name: c.name, kind: c.kind, categories: c.categories }
      : c.kind === 'datetime' && c.format !== undefined
        ? { name: c.name, kind: c.kind, format: c.format }
        : { name: c.name, kind: c.kind },
  );
}

/**
 * Returns a table with exactly the schema's columns, in the schema's order, each of the schema's
 * kind. Categorical codes follow the schema's category order (taken from the real table when a
 * Table is passed), with categories the schema has never seen appended in first-seen order.
 * Columns the schema lacks are left out; a schema column the table lacks is a BAD_INPUT, as is a
 * cell that cannot be read as the schema's kind.
 */
export function conformTable(table: Table, schema: readonly ConformSchema[] | Table): Table {
  const target = isTable(schema) ? conformSchemaOf(schema) : schema;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const file = table.provenance?.file;
  const missing = target.filter((s) => !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) throw mismatchError(missing, target, table, file);
  const columns = target.map((s): Column => conformColumn(byName.get(s.name) as Column, s, table.rowCount, file));
  return { rowCount: table.rowCount, columns, ...(table.provenance ? { provenance: table.provenance } : {}) };
}

/** How many column names a mismatch error spells out before it only counts the rest. */
export const MISMATCH_NAMES_SHOWN = 5;

/** "a", "b", "c", "d", "e" and 26 more: a wide table's mismatch stays one readable line. */
export function nameSome(names: readonly string[], shown = MISMATCH_NAMES_SHOWN): string {
  const listed = names
    .slice(0, shown)
    .map((n) => JSON.stringify(n))
    .join(', ');
  return names.length > shown ? `${listed} and ${names.length - shown} more` : listed;
}

/**
 * The table lacks some of the real table's columns: say which (the first few, and how many more), and
 * which columns it has instead, so a wrong pick (another table, another version) is recognised at once.
 */
function mismatchError(
  missing: readonly string[],
  target: readonly ConformSchema[],
  table: Table,
  file: string | undefined,
): MedSynthError {
  const what =
    missing.length === 1
      ? `the table has no column ${JSON.stringify(missing[0])}`
      : `the table lacks ${missing.length} of the real table's ${target.length} columns: ${nameSome(missing)}`;
  const wanted = new Set(target.map((t) => t.name));
  const extra = table.columns.map((c) => c.name).filter((n) => !wanted.has(n));
  const instead =
    extra.length > 0
      ? `; it has ${extra.length === 1 ? 'a column' : `${extra.length} columns`} the real table lacks: ${nameSome(extra)}`
      : '';
  return new MedSynthError('BAD_INPUT', `${what}${instead}`, {
    file,
    expected: `the ${target.length} columns of the real table (${nameSome(target.map((t) => t.name))})`,
  });
}

function isTable(x: readonly ConformSchema[] | Table): x is Table {
  return !Array.isArray(x);
}

function conformColumn(column: Column, s: ConformSchema, rows: number, fileName: string | undefined): Column {
  if (s.kind === 'categorical') return withCategoryOrder(column, s.categories ?? [], rows, fileName);
  const cellsOf = (): string[] => {
    const cells = new Array<string>(rows);
    for (let r = 0; r < rows; r++) cells[r] = cellText(column, r);
    return cells;
  };
  if (
    column.kind === 'datetime' &&
    s.kind === 'datetime' &&
    s.format !== undefined &&
    column.format !== undefined &&
    column.format !== s.format
  ) {
    // A datetime re-read in another spelling (a few synthetic rows whose days all fit 1-12 guess
    // month first) is printed back as read and read again in the schema's spelling; a table that is
    // simply spelled differently (ISO against DD/MM/YYYY) keeps its own reading.
    try {
      return buildColumn(s.name, cellsOf(), 'datetime', { fileName }, s.format);
    } catch {
      return column;
    }
  }
  if (column.kind === s.kind) return column;
  return buildColumn(s.name, cellsOf(), s.kind, { fileName }, s.kind === 'datetime' ? s.format : undefined);
}

function withCategoryOrder(column: Column, order: readonly string[], rows: number, fileName: string | undefined): Column {
  const categories = [...order];
  const index = new Map(categories.map((c, i) => [c, i]));
  const codeOf = (label: string): number => {
    let code = index.get(label);
    if (code === undefined) {
      code = categories.length;
      categories.push(label);
      index.set(label, code);
    }
    return code;
  };
  const codes = new Int32Array(rows);
  if (column.kind === 'categorical' || column.kind === 'boolean') {
    // Map each source code once rather than each row.
    const remap = column.categories.map((label) => codeOf(label));
    for (let r = 0; r < rows; r++) codes[r] = column.codes[r] < 0 ? -1 : remap[column.codes[r]];
  } else {
    const cells = new Array<string>(rows);
    for (let r = 0; r < rows; r++) cells[r] = cellText(column, r);
    const built = buildColumn(column.name, cells, 'categorical', { fileName });
    if (built.kind !== 'categorical') throw new Error('unreachable: buildColumn returned another kind');
    const remap = built.categories.map((label) => codeOf(label));
    for (let r = 0; r < rows; r++) codes[r] = built.codes[r] < 0 ? -1 : remap[built.codes[r]];
  }
  return { kind: 'categorical', name: column.name, codes, categories };
}
