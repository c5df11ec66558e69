// Date spellings typed by the shortcuts for bare dates (2003-09-19, 09/19/2003: checked by character
// codes, not by the regular expressions) must be typed exactly like the same dates in any other
// spelling: mixed with unpadded, padded-with-spaces, timed or other-layout cells, the column's format
// follows the rules in datetimeInference.ts. Expected formats and instants are worked out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnFromCells } from '../../../src/core/data/table/columnInference';
import { inferDatetimeFormat } from '../../../src/core/data/table/datetimeInference';

const formatOf = (cells: string[]): string | undefined => inferDatetimeFormat(cells)?.format;

describe('bare date spellings', () => {
  it('padded numeric dates take the order their fields allow', () => {
    assert.equal(formatOf(['09/19/2003', '01/02/2004']), 'MM/DD/YYYY');
    assert.equal(formatOf(['19.09.2003', '01.02.2004']), 'DD.MM.YYYY');
    assert.equal(formatOf(['01-02-2003', '03-04-2004']), 'MM-DD-YYYY');
    assert.equal(inferDatetimeFormat(['19-09-2003', '09-19-2003']), undefined, 'both fields above 12: no order fits');
  });

  it('one unpadded or space-padded cell changes the format as it would without the shortcut', () => {
    assert.equal(formatOf(['09/19/2003', '9/19/2003']), 'M/D/YYYY');
    assert.equal(formatOf(['2003-09-19', ' 2003-09-20 ']), 'YYYY-MM-DD');
    assert.equal(formatOf(['2003/09/19', '2003/09/20']), 'YYYY/MM/DD');
    assert.equal(inferDatetimeFormat(['2003/09/19', '2003/9/20']), undefined, 'ISO layouts need two-digit months');
  });

  it('mixing a bare date with a timed one: ISO stays a datetime without a format, other layouts are no dates', () => {
    const iso = inferDatetimeFormat(['2003-09-19', '2003-09-19T10:15:00Z']);
    assert.deepEqual(iso, { hasTime: true, iso: true });
    assert.equal(inferDatetimeFormat(['09/19/2003', '09/19/2003 10:15']), undefined);
    assert.equal(inferDatetimeFormat(['12/31/2003', '2003-12-31']), undefined);
    assert.equal(inferDatetimeFormat(['2003-02-30']), undefined, 'an impossible ISO date is no date');
    assert.equal(inferDatetimeFormat(['02/30/2003']), undefined, 'an impossible date is no date');
  });

  it('reads the instants the spelling names, missing cells as NaN', () => {
    const c = columnFromCells('seen', ['09/19/2003', '', 'NA', '12/31/1999', '02/29/2000'], undefined);
    assert.equal(c.kind, 'datetime');
    if (c.kind !== 'datetime') return;
    assert.equal(c.format, 'MM/DD/YYYY');
    assert.deepEqual([...c.values], [Date.UTC(2003, 8, 19), NaN, NaN, Date.UTC(1999, 11, 31), Date.UTC(2000, 1, 29)]);
    const d = columnFromCells('seen', ['0050-01-02', '2003-09-19'], undefined);
    assert.ok(d.kind === 'datetime' && d.values[0] === new Date('0050-01-02T00:00:00Z').getTime());
  });
});
