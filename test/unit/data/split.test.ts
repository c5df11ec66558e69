// splitTable: sizes are round(fraction × rows) by hand, every row lands in exactly one part (checked
// by hashing each row's cells, as multisets), the row order inside each part is the source's, the same
// seed reproduces the split and another seed changes it; bad fractions and tiny parts are BAD_USAGE.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { chooseHoldoutRows, holdoutRowCount, splitTable } from '../../../src/core/data/table/split';
import type { Column, Table } from '../../../src/core/data/table/table';

/** A table with one column of each kind; row r is recognisable by its id `r<r>` and its values. */
function sampleTable(rows: number): Table {
  const ids = Array.from({ length: rows }, (_, r) => `r${r}`);
  const columns: Column[] = [
    { kind: 'identifier', name: 'id', values: ids },
    {
      kind: 'numeric',
      name: 'age',
      values: Float64Array.from({ length: rows }, (_, r) => (r % 7 === 3 ? NaN : 20 + (r % 50) + (r % 2) * 0.5)),
      integer: false,
    },
    {
      kind: 'datetime',
      name: 'admitted',
      values: Float64Array.from({ length: rows }, (_, r) => Date.UTC(2024, 0, 1 + (r % 300))),
      precision: 'date',
    },
    {
      kind: 'categorical',
      name: 'sex',
      codes: Int32Array.from({ length: rows }, (_, r) => (r % 11 === 0 ? -1 : r % 3)),
      categories: ['F', 'M', 'X'],
    },
    { kind: 'boolean', name: 'smoker', codes: Int32Array.from({ length: rows }, (_, r) => r % 2), categories: ['false', 'true'] },
    { kind: 'text', name: 'note', values: ids.map((id, r) => (r % 5 === 0 ? null : `note ${id}`)) },
  ];
  return { rowCount: rows, columns };
}

function cell(c: Column, r: number): string {
  switch (c.kind) {
    case 'numeric':
    case 'datetime':
      return String(c.values[r]);
    case 'categorical':
    case 'boolean':
      return c.codes[r] < 0 ? '<missing>' : c.categories[c.codes[r]];
    default:
      return c.values[r] ?? '<null>';
  }
}

function rowHashes(t: Table): string[] {
  return Array.from({ length: t.rowCount }, (_, r) =>
    createHash('sha256')
      .update(JSON.stringify(t.columns.map((c) => cell(c, r))))
      .digest('hex'),
  );
}

function ids(t: Table): string[] {
  const c = t.columns[0];
  assert.ok(c.kind === 'identifier');
  return c.values.map((v) => v ?? '');
}

function badUsage(e: unknown): boolean {
  return e instanceof MedSynthError && e.code === 'BAD_USAGE';
}

describe('splitTable', () => {
  it('holds out round(fraction × rows) rows (hand-computed sizes)', () => {
    // 0.2 × 500 = 100; 0.25 × 10 = 2.5 rounds up to 3; 0.9 × 10 = 9 leaves 1 → too small (below).
    const cases: readonly [number, number, number][] = [
      [500, 0.2, 100],
      [569, 0.2, 114], // 113.8
      [10, 0.25, 3],
      [10, 0.5, 5],
      [1000, 0.9, 900],
      [37, 0.1, 4], // 3.7
    ];
    for (const [rows, fraction, held] of cases) {
      assert.equal(holdoutRowCount(rows, fraction), held, `${fraction} of ${rows}`);
      const { train, holdout } = splitTable(sampleTable(rows), { holdoutFraction: fraction, seed: 1 });
      assert.equal(holdout.rowCount, held);
      assert.equal(train.rowCount, rows - held);
      for (const part of [train, holdout])
        for (const c of part.columns) assert.equal('codes' in c ? c.codes.length : c.values.length, part.rowCount, c.name);
    }
  });

  it('puts every row in exactly one part, keeping the source order and every column kind', () => {
    const table = sampleTable(240);
    const { train, holdout } = splitTable(table, { holdoutFraction: 0.3, seed: 99 });
    const all = [...rowHashes(train), ...rowHashes(holdout)].sort();
    assert.deepEqual(all, rowHashes(table).sort());
    const trainIds = new Set(ids(train));
    assert.equal(ids(holdout).filter((id) => trainIds.has(id)).length, 0);
    // Row order within each part is the original order: the ids' row numbers increase.
    for (const part of [train, holdout]) {
      const rows = ids(part).map((id) => Number(id.slice(1)));
      assert.deepEqual(
        rows,
        [...rows].sort((a, b) => a - b),
      );
    }
    assert.deepEqual(
      train.columns.map((c) => c.kind),
      table.columns.map((c) => c.kind),
    );
    const sex = holdout.columns[3];
    assert.ok(sex.kind === 'categorical');
    assert.deepEqual(sex.categories, ['F', 'M', 'X']);
  });

  it('is reproducible for a seed and changes with the seed', () => {
    const table = sampleTable(300);
    const a = ids(splitTable(table, { holdoutFraction: 0.2, seed: 42 }).holdout);
    const b = ids(splitTable(table, { holdoutFraction: 0.2, seed: 42 }).holdout);
    const c = ids(splitTable(table, { holdoutFraction: 0.2, seed: 43 }).holdout);
    const d = ids(splitTable(table, { holdoutFraction: 0.2, seed: 42 + 2 ** 32 }).holdout);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(a, d, 'seeds that differ above 2^32 give different splits');
    // The choice depends only on (rows, count, seed), not on the cells.
    assert.deepEqual(chooseHoldoutRows(300, 60, 42), chooseHoldoutRows(300, 60, 42));
  });

  it('spreads the holdout over the whole table (no block of rows)', () => {
    // Over 200 seeds, each of 50 rows should be held out about 20% of the time; a shuffle that
    // ignored part of the table would leave some row near 0 or 1.
    const counts = new Array<number>(50).fill(0);
    for (let seed = 0; seed < 200; seed++) chooseHoldoutRows(50, 10, seed).forEach((m, r) => (counts[r] += m));
    for (const n of counts) assert.ok(n > 15 && n < 70, `a row held out ${n} of 200 times`);
  });

  it('rejects a fraction outside (0, 0.9], a part under 2 rows and a bad seed (BAD_USAGE)', () => {
    const table = sampleTable(10);
    for (const fraction of [0, -0.1, 0.91, 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => splitTable(table, { holdoutFraction: fraction, seed: 1 }),
        (e: unknown) => badUsage(e) && /holdout fraction/.test((e as Error).message),
        String(fraction),
      );
    }
    assert.throws(
      () => splitTable(table, { holdoutFraction: 0.9, seed: 1 }),
      (e: unknown) => badUsage(e) && /1 training and 9 holdout/.test((e as Error).message),
    );
    assert.throws(
      () => splitTable(table, { holdoutFraction: 0.1, seed: 1 }),
      (e: unknown) => badUsage(e) && /at least 2/.test((e as Error).message),
    );
    assert.throws(() => splitTable(sampleTable(3), { holdoutFraction: 0.5, seed: 1 }), badUsage);
    assert.throws(() => splitTable(table, { holdoutFraction: 0.5, seed: -1 }), badUsage);
    assert.throws(() => splitTable(table, { holdoutFraction: 0.5, seed: 1.5 }), badUsage);
  });
});
