// conformTable (a synthetic table re-read with the real table's schema) and describeTable (what
// `inspect --json` prints). Expected values are counted by hand from the small inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { conformSchemaOf, conformTable } from '../../../src/core/data/table/conform';
import { describeTable } from '../../../src/core/data/table/describe';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { isMedSynthError } from '../../../src/core/errors';

const csv = (text: string): Promise<Table> => parseTable(new TextEncoder().encode(text), { fileName: 'mem.csv' });

describe('conformTable', () => {
  it('uses the real table kinds, column order and category order, appending unseen categories', async () => {
    const real = await csv('ward,age,smoker,id\nB,61,yes,P1\nA,70,no,P2\nB,55,no,P3\nC,40,yes,P4\n');
    // The synthetic table has its columns in another order, an extra column, a category the real
    // table lacks (D), only two of the real categories, and an all-integer "age" read as numeric.
    const synth = await csv('id,age,ward,extra,smoker\nS1,50,A,1,no\nS2,52,D,2,no\nS3,58,A,3,yes\n');
    const t = conformTable(synth, real);
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.kind]),
      [
        ['ward', 'categorical'],
        ['age', 'numeric'],
        ['smoker', 'boolean'],
        ['id', 'identifier'],
      ],
    );
    const ward = t.columns[0];
    assert.ok(ward.kind === 'categorical');
    assert.deepEqual(ward.categories, ['B', 'A', 'C', 'D']);
    assert.deepEqual([...ward.codes], [1, 3, 1]);
    assert.equal(t.rowCount, 3);
  });

  it('re-reads a column whose kind differs (categorical in synth, numeric in real)', async () => {
    const real = await csv('x\n1\n2\n3\n');
    const synth = await parseTable(new TextEncoder().encode('x\n4\n\n5\n'), { types: { x: 'categorical' } });
    const t = conformTable(synth, conformSchemaOf(real));
    const x = t.columns[0];
    assert.ok(x.kind === 'numeric');
    assert.deepEqual([...x.values], [4, 5]);
  });

  it('accepts a plain schema without categories (first-seen order)', async () => {
    const synth = await csv('c\nb\na\nb\n');
    const t = conformTable(synth, [{ name: 'c', kind: 'categorical' }]);
    const c = t.columns[0];
    assert.ok(c.kind === 'categorical');
    assert.deepEqual(c.categories, ['b', 'a']);
  });

  it('a missing column or an unreadable cell is BAD_INPUT', async () => {
    const real = await csv('a,b\n1,2\n3,4\n');
    const synth = await csv('a\n1\n2\n');
    assert.throws(
      () => conformTable(synth, real),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_INPUT' && /mem\.csv: the table has no column "b"/.test(e.message),
    );
    const words = await csv('a,b\n1,x\n2,y\n');
    assert.throws(
      () => conformTable(words, real),
      (e: unknown) => isMedSynthError(e) && /column "b", row 1: "x" is not a number/.test(e.message),
    );
  });
});

describe('describeTable', () => {
  it('counts missing and distinct values and gives bounds', async () => {
    const t = await csv('id,age,when,sex,ok\nP1,61,2023-01-02,F,yes\nP2,,2022-12-31,M,\nP3,61,,F,no\n');
    assert.deepEqual(describeTable(t), {
      rows: 3,
      format: 'csv',
      columns: [
        { name: 'id', kind: 'identifier', missing: 0, distinct: 3 },
        { name: 'age', kind: 'numeric', missing: 1, distinct: 1, min: 61, max: 61, integer: true },
        {
          name: 'when',
          kind: 'datetime',
          missing: 1,
          distinct: 2,
          min: '2022-12-31',
          max: '2023-01-02',
          precision: 'date',
          format: 'YYYY-MM-DD',
        },
        { name: 'sex', kind: 'categorical', missing: 0, distinct: 2, categories: ['F', 'M'] },
        { name: 'ok', kind: 'boolean', missing: 1, distinct: 2, categories: ['false', 'true'] },
      ],
    });
  });

  it('omits bounds for a column with no present value', async () => {
    const t = await csv('a,b\n,1\nNA,2\n');
    assert.deepEqual(describeTable(t).columns[0], { name: 'a', kind: 'numeric', missing: 2, distinct: 0, integer: true });
  });
});
