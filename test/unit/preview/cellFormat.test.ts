// The table preview shows cells as the source file spells them: a datetime column read from
// '19-Sep-03' or '09/19/2003' shows those very strings, not ISO, and a boolean read as no/yes shows
// no/yes. The expected texts are the cells typed into the CSV below.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { formatCell, formatDatetime } from '../../../src/core/preview/cellFormat';
import { buildTablePreview } from '../../../src/core/preview/tablePreview';

const ROWS = [
  ['19-Sep-03', '09/19/2003', '2003-09-19T08:30:00+02:00', '19.09.2003 14:05', '2003-09-19', 'no'],
  ['01-Jan-99', '12/31/2003', '2003-12-31T23:59:59+02:00', '31.12.2003 09:00', '2004-01-01', 'yes'],
  ['', '01/02/2004', '', '', '', 'no'],
];
const CSV = `admitted,born,seen,moved,iso,smoker\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;

describe('preview cell text', () => {
  it('shows every datetime cell in the spelling the file uses, and booleans as the file spells them', async () => {
    const table = await parseTable(new TextEncoder().encode(CSV), { fileName: 'spellings.csv' });
    const shown = ROWS.map((_, r) => table.columns.map((c) => formatCell(c, r)));
    assert.deepEqual(shown, ROWS);
    // The first page the webview receives holds the same text.
    assert.deepEqual(buildTablePreview(table).firstRows, ROWS);
  });

  it('labels stats and histogram bins in the source spelling too', async () => {
    const table = await parseTable(new TextEncoder().encode(CSV), { fileName: 'spellings.csv' });
    const model = buildTablePreview(table, { bins: 2 });
    const born = model.columns.find((c) => c.name === 'born');
    assert.ok(born);
    assert.deepEqual([born.stats.min, born.stats.max], ['09/19/2003', '01/02/2004']);
    const smoker = model.columns.find((c) => c.name === 'smoker');
    assert.ok(smoker && smoker.histogram.type === 'categories');
    assert.deepEqual(smoker.histogram.labels, ['no', 'yes']);
    assert.deepEqual(smoker.histogram.counts, [2, 1]);
  });

  it('falls back to ISO without a format, and for a format string it cannot compile', () => {
    // 2003-09-19T06:30:00Z, by hand: 12314 days after 1970-01-01, plus 6.5 hours.
    const ms = 12314 * 86_400_000 + 6.5 * 3_600_000;
    assert.equal(formatDatetime(ms, 'datetime'), '2003-09-19T06:30:00Z');
    assert.equal(formatDatetime(ms, 'date'), '2003-09-19');
    assert.equal(formatDatetime(ms, 'datetime', 'not a format'), '2003-09-19T06:30:00Z');
    assert.equal(formatDatetime(ms, 'date', 'DD-Mon-YY'), '19-Sep-03');
    assert.equal(formatDatetime(NaN, 'date', 'DD-Mon-YY'), '');
  });
});
