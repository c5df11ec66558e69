// The reader against pandas.read_csv on the committed fixtures (values in
// test/fixtures/tables/reference.json, written by test/reference/tablesReference.py with the same
// missing-value tokens): shape, names, missing counts, which columns are numeric, sums, bounds and
// first/last cells.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Column } from '../../../src/core/data/table/table';
import { MISSING_TOKENS } from '../../../src/core/data/table/cellValues';
import { describeTable } from '../../../src/core/data/table/describe';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { cellText } from '../../../src/core/data/table/tableWriter';

const ROOT = join(__dirname, '..', '..', '..');

interface RefColumn {
  name: string;
  dtype: string;
  missing: number;
  distinct: number;
  first: string | number | null;
  last: string | number | null;
  sum?: number;
  min?: number;
  max?: number;
}
interface RefTable {
  file: string;
  sha256: string;
  bytes: number;
  rows: number;
  columns: RefColumn[];
}
const reference = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'tables', 'reference.json'), 'utf8')) as {
  naTokens: string[];
  tables: RefTable[];
};

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs pandas ${expected}`);
}

/** Present values of a numeric column, or of an integer-coded categorical one (labels '0', '1', ...). */
function numbers(column: Column): number[] {
  if (column.kind === 'numeric') return [...column.values].filter((v) => !Number.isNaN(v));
  if (column.kind === 'categorical') return [...column.codes].filter((c) => c >= 0).map((c) => Number(column.categories[c]));
  throw new Error('not numeric');
}

function sum(column: Column): number {
  return numbers(column).reduce((a, v) => a + v, 0);
}

function cell(column: Column, row: number, asNumber: boolean): string | number | null {
  if (column.kind === 'numeric') return Number.isNaN(column.values[row]) ? null : column.values[row];
  const text = cellText(column, row);
  return text === '' ? null : asNumber ? Number(text) : text;
}

/**
 * numericKinds.ts: integer columns with 2-10 distinct values, at most 5% of the rows distinct (or
 * two values with a repeat), are categorical; decided here from pandas' own dtype and distinct count.
 */
function isIntegerCode(rc: RefColumn, rows: number): boolean {
  const present = rows - rc.missing;
  return (
    rc.dtype.startsWith('int') &&
    rc.distinct >= 2 &&
    rc.distinct <= 10 &&
    (rc.distinct <= 0.05 * present || (rc.distinct === 2 && present > 2))
  );
}

describe('parseTable agrees with pandas.read_csv', () => {
  it('uses the same missing-value tokens as the reference script', () => {
    assert.deepEqual([...MISSING_TOKENS].sort(), [...reference.naTokens].sort());
  });

  for (const ref of reference.tables) {
    it(ref.file, async () => {
      const table = await parseTable(readFileSync(join(ROOT, ref.file)), { fileName: ref.file });
      assert.equal(table.rowCount, ref.rows);
      assert.deepEqual(
        table.columns.map((c) => c.name),
        ref.columns.map((c) => c.name),
      );
      const described = describeTable(table).columns;
      ref.columns.forEach((rc, j) => {
        const column = table.columns[j];
        const what = `${ref.file} ${rc.name}`;
        assert.equal(described[j].missing, rc.missing, `${what} missing`);
        // Numeric exactly when pandas could parse every present cell as a number, except integer codes.
        const pandasNumeric = rc.dtype.startsWith('float') || rc.dtype.startsWith('int');
        const code = isIntegerCode(rc, ref.rows);
        if (code)
          assert.equal(column.kind, 'categorical', `${what} is ${column.kind}, pandas ${rc.dtype} with ${rc.distinct} distinct values`);
        else assert.equal(column.kind === 'numeric', pandasNumeric, `${what} is ${column.kind}, pandas ${rc.dtype}`);
        if (rc.dtype.startsWith('int') && !code) assert.ok(column.kind === 'numeric' && column.integer, `${what} integer`);
        // pandas counts "yes" and "YES" apart; a boolean column has the two values true and false.
        if (column.kind !== 'boolean') assert.equal(described[j].distinct, rc.distinct, `${what} distinct`);
        if (rc.sum !== undefined) {
          close(sum(column), rc.sum, `${what} sum`);
          close(Math.min(...numbers(column)), rc.min as number, `${what} min`);
          close(Math.max(...numbers(column)), rc.max as number, `${what} max`);
        }
        if (column.kind !== 'boolean') {
          assert.equal(cell(column, 0, code), rc.first, `${what} first`);
          assert.equal(cell(column, table.rowCount - 1, code), rc.last, `${what} last`);
        }
      });
    });
  }
});
