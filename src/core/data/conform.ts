// Re-reads a table (typically synthetic output, or a holdout file) with the real table's schema, so
// that metrics compare like with like: the same columns in the same order, of the same kinds, and
// categorical codes that mean the same category in both tables.

import type { Column, ColumnSchema, Table } from './table';
import { MedSynthError } from '../errors';
import { buildColumn } from './columnInference';
import { cellText } from './tableWriter';

/** A column schema that also carries a categorical column's category order. */
export interface ConformSchema extends ColumnSchema {
  readonly categories?: readonly string[];
}

/** The schema of a table including category orders, for conformTable. */
export function conformSchemaOf(table: Table): ConformSchema[] {
  return table.columns.map((c) =>
    c.kind === 'categorical' || c.kind === 'boolean' ? { name: c.name, kind: c.kind, categories: c.categories } : { name: c.name, kind: c.kind },
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
  const columns = target.map((s): Column => {
    const column = byName.get(s.name);
    if (!column) {
      throw new MedSynthError('BAD_INPUT', `the table has no column "${s.name}"`, {
        file,
        expected: `the columns of the real table: ${target.map((t) => JSON.stringify(t.name)).join(', ')}`,
      });
    }
    return conformColumn(column, s, table.rowCount, file);
  });
  return { rowCount: table.rowCount, columns, ...(table.provenance ? { provenance: table.provenance } : {}) };
}

function isTable(x: readonly ConformSchema[] | Table): x is Table {
  return !Array.isArray(x);
}

function conformColumn(column: Column, s: ConformSchema, rows: number, fileName: string | undefined): Column {
  if (s.kind === 'categorical') return withCategoryOrder(column, s.categories ?? [], rows, fileName);
  if (column.kind === s.kind) return column;
  const cells = new Array<string>(rows);
  for (let r = 0; r < rows; r++) cells[r] = cellText(column, r);
  return buildColumn(s.name, cells, s.kind, { fileName });
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
