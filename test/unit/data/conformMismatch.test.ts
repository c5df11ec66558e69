// A synthetic (or holdout) table whose columns do not match the real table's: the error names the first
// five missing columns and counts the rest, instead of listing every column of a wide table. The
// expected strings are written by hand from the inputs below (31 columns c01..c31, like the case).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { conformTable, nameSome } from '../../../src/core/data/table/conform';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { isMedSynthError } from '../../../src/core/errors';

const csv = (text: string): Promise<Table> => parseTable(new TextEncoder().encode(text), { fileName: 'mem.csv' });
const names = Array.from({ length: 31 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

describe('conformTable on mismatched columns', () => {
  it('names the first five of 31 missing columns, how many more, and what the table has instead', async () => {
    const real = await csv(`${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`);
    const other = await csv('x,y,z\n1,2,3\n');
    assert.throws(
      () => conformTable(other, real),
      (e: unknown) => {
        assert.ok(isMedSynthError(e));
        assert.equal(e.code, 'BAD_INPUT');
        assert.equal(
          e.message,
          'mem.csv: the table lacks 31 of the real table\'s 31 columns: "c01", "c02", "c03", "c04", "c05" and 26 more; ' +
            'it has 3 columns the real table lacks: "x", "y", "z" (expected the 31 columns of the real table ("c01", "c02", "c03", "c04", "c05" and 26 more))',
        );
        assert.ok(!e.message.includes('"c06"'), 'the sixth name is counted, not listed');
        return true;
      },
    );
  });

  it('names a single missing column plainly', async () => {
    const real = await csv('a,b\n1,2\n');
    const synth = await csv('a\n1\n');
    assert.throws(
      () => conformTable(synth, real),
      (e: unknown) =>
        isMedSynthError(e) && e.message === 'mem.csv: the table has no column "b" (expected the 2 columns of the real table ("a", "b"))',
    );
  });

  it('lists up to five names in full and counts only past five', () => {
    assert.equal(nameSome(['a', 'b', 'c', 'd', 'e']), '"a", "b", "c", "d", "e"');
    assert.equal(nameSome(['a', 'b', 'c', 'd', 'e', 'f']), '"a", "b", "c", "d", "e" and 1 more');
    assert.equal(nameSome([]), '');
  });
});
