// Dates in the spellings clinical exports use (datetimeInference.ts, datetimeFormat.ts): each column
// of test/fixtures/tables/clinical_dates.csv against the instants Python's datetime.strptime reads
// with the column's explicit format (test/reference/tablesFixtures.py writes both), the format found,
// and writing back in the source's spelling.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { columnFromCells } from '../../../src/core/data/table/columnInference';
import { conformTable } from '../../../src/core/data/table/conform';
import { compileDatetimeFormat } from '../../../src/core/data/table/datetimeFormat';
import { describeTable } from '../../../src/core/data/table/describe';
import { humanInspect } from '../../../src/core/data/inspectText';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'tables');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'clinical_dates.json'), 'utf8')) as {
  rows: number;
  columns: { name: string; strptime: string; format: string; epochMs: (number | null)[] }[];
};
const sourceText = readFileSync(join(FIXTURES, 'clinical_dates.csv'), 'utf8');
const sourceRows = sourceText
  .trim()
  .split('\n')
  .map((l) => l.split(','));
const read = (): Promise<Table> => parseTable(readFileSync(join(FIXTURES, 'clinical_dates.csv')), { fileName: 'clinical_dates.csv' });
const csv = (text: string, types?: Record<string, string>): Promise<Table> =>
  parseTable(new TextEncoder().encode(text), { fileName: 'mem.csv', types: types as Record<string, never> });

describe('clinical_dates.csv against Python datetime.strptime', () => {
  it('reads every column as a datetime in the expected format, at the instants Python reads', async () => {
    const t = await read();
    assert.equal(t.rowCount, reference.rows);
    for (const ref of reference.columns) {
      const c = t.columns.find((x) => x.name === ref.name);
      assert.ok(c?.kind === 'datetime', `${ref.name} is ${c?.kind}`);
      assert.equal(c.format, ref.format, `${ref.name} format (Python ${ref.strptime})`);
      assert.deepEqual(
        [...c.values].map((v) => (Number.isNaN(v) ? null : v)),
        ref.epochMs,
        ref.name,
      );
      const hasTime = /%[HI]/.test(ref.strptime);
      assert.equal(c.precision, hasTime ? 'datetime' : 'date', `${ref.name} precision`);
    }
  });

  it('reads two-digit years with the POSIX pivot: 68 is 2068, 69 is 1969', async () => {
    const t = await read();
    const c = t.columns.find((x) => x.name === 'dmon_yy');
    assert.ok(c?.kind === 'datetime');
    assert.equal(sourceRows[1][0], '31-Dec-68');
    assert.equal(new Date(c.values[0]).getUTCFullYear(), 2068);
    assert.equal(sourceRows[2][0], '31-Dec-69');
    assert.equal(new Date(c.values[1]).getUTCFullYear(), 1969);
  });

  it('says when day/month order was a guess, and inspect shows the format', async () => {
    const d = describeTable(await read());
    const ambiguous = d.columns.find((c) => c.name === 'ambiguous_date');
    assert.equal(ambiguous?.format, 'MM/DD/YYYY');
    assert.match(ambiguous?.formatNote ?? '', /month first/);
    const us = d.columns.find((c) => c.name === 'us_date');
    assert.equal(us?.format, 'MM/DD/YYYY');
    assert.equal(us?.formatNote, undefined);
    const text = humanInspect({ path: 'clinical_dates.csv', format: 'csv', rows: d.rows, columns: d.columns });
    assert.match(text, /dmon_yy +datetime +missing 4 +format DD-Mon-YY\n/);
    assert.match(text, /ambiguous_date +datetime +missing 0 +format MM\/DD\/YYYY \(every value fits both/);
  });

  it('writes every column back in its source spelling (the commonest offset for mixed offsets)', async () => {
    assert.match(reference.columns.find((c) => c.name === 'iso_offset')?.format ?? '', /^YYYY-MM-DDTHH:mm:ss[+-]\d\d:\d\d$/);
    const t = await read();
    const written = new TextDecoder()
      .decode(await serializeTable(t, 'csv'))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    assert.deepEqual(written[0], sourceRows[0]);
    const offsetColumn = sourceRows[0].indexOf('iso_offset');
    const offsetRef = reference.columns.find((c) => c.name === 'iso_offset');
    assert.ok(offsetRef);
    // The commonest offset, which the reference script counted from the raw text.
    const zone = offsetRef.format.slice(-6);
    const zoneMs = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    for (let r = 1; r < sourceRows.length; r++) {
      for (let j = 0; j < sourceRows[0].length; j++) {
        if (j !== offsetColumn) {
          assert.equal(written[r][j], sourceRows[r][j], `row ${r} column ${sourceRows[0][j]}`);
          continue;
        }
        // The same instant at the format's offset, computed here by plain arithmetic.
        const ms: number | null = offsetRef.epochMs[r - 1];
        const want: string = ms === null ? '' : `${new Date(ms + zoneMs).toISOString().slice(0, 19)}${zone}`;
        assert.equal(written[r][j], want, `row ${r} iso_offset`);
      }
    }
    // JSON Lines uses the same spelling.
    const jsonl = new TextDecoder().decode(await serializeTable(t, 'jsonl')).split('\n')[0];
    assert.equal((JSON.parse(jsonl) as Record<string, string>).dmon_yy, '31-Dec-68');
  });
});

describe('datetime inference rules', () => {
  const kind = (cells: string[]): string => columnFromCells('d', cells, undefined).kind;

  it('a first field above 12 means day first; a second above 12 month first; both means not a date', () => {
    const dayFirst = columnFromCells('d', ['25/12/2003', '01/02/2003'], undefined);
    assert.ok(dayFirst.kind === 'datetime' && dayFirst.format === 'DD/MM/YYYY');
    assert.equal(dayFirst.values[1], Date.UTC(2003, 1, 1));
    const monthFirst = columnFromCells('d', ['12/25/2003', '01/02/2003'], undefined);
    assert.ok(monthFirst.kind === 'datetime' && monthFirst.format === 'MM/DD/YYYY');
    assert.equal(monthFirst.values[1], Date.UTC(2003, 0, 2));
    assert.notEqual(kind(['25/12/2003', '12/25/2003']), 'datetime');
    // 31 February is not a date in any order.
    assert.notEqual(kind(['31/02/2003', '25/12/2003']), 'datetime');
  });

  it('unpadded day and month read as M/D/YYYY and are written unpadded', async () => {
    const t = await csv('d\n9/19/2003\n10/5/2003\n');
    const c = t.columns[0];
    assert.ok(c.kind === 'datetime' && c.format === 'M/D/YYYY');
    assert.deepEqual([...c.values], [Date.UTC(2003, 8, 19), Date.UTC(2003, 9, 5)]);
    assert.equal(new TextDecoder().decode(await serializeTable(t, 'csv')), 'd\n9/19/2003\n10/5/2003\n');
  });

  it('12-hour clocks: 12 AM is midnight, 12 PM noon, and 13 PM is not a time', () => {
    const c = columnFromCells('t', ['9/19/2003 12:00 AM', '9/19/2003 12:30 PM', '9/19/2003 1:05 pm'], undefined);
    assert.ok(c.kind === 'datetime' && c.format === 'M/D/YYYY h:mm A');
    assert.deepEqual([...c.values], [Date.UTC(2003, 8, 19, 0, 0), Date.UTC(2003, 8, 19, 12, 30), Date.UTC(2003, 8, 19, 13, 5)]);
    assert.notEqual(kind(['9/19/2003 13:00 PM', '9/19/2003 1:00 PM']), 'datetime');
    assert.equal(compileDatetimeFormat('MM/DD/YYYY hh:mm a')?.format(Date.UTC(2003, 8, 19, 0, 7)), '09/19/2003 12:07 am');
    assert.equal(compileDatetimeFormat('MM/DD/YYYY hh:mm'), undefined, 'a 12-hour clock needs AM/PM');
  });

  it('month names in any case, written in the column’s case', () => {
    const c = columnFromCells('d', ['19-SEP-03', '01-JAN-04'], undefined);
    assert.ok(c.kind === 'datetime' && c.format === 'DD-MON-YY');
    assert.equal(compileDatetimeFormat('DD-MON-YY')?.format(Date.UTC(2004, 0, 1)), '01-JAN-04');
    assert.notEqual(kind(['19-Sek-03', '01-Jan-04']), 'datetime');
  });

  it('one spelling per column: mixing layouts is not a date column, mixed ISO spellings still are', () => {
    assert.notEqual(kind(['19-Sep-03', '2003-09-19']), 'datetime');
    assert.notEqual(kind(['19-Sep-03', '19-Sep-2003']), 'datetime');
    const iso = columnFromCells('d', ['2003-09-19', '2003-09-19T10:15:00Z'], undefined);
    assert.ok(iso.kind === 'datetime' && iso.format === undefined && iso.precision === 'datetime');
  });

  it('a forced datetime names the first cell outside the column’s spelling', async () => {
    await assert.rejects(csv('d\n19-Sep-03\n2003-09-19\n', { d: 'datetime' }), (e: unknown) => {
      assert.ok(isMedSynthError(e) && e.code === 'BAD_INPUT');
      assert.match(e.message, /line 3: column "d", row 2: "2003-09-19" is not a date in the format DD-Mon-YY/);
      return true;
    });
    await assert.rejects(
      csv('d\n05/06/2003\n25/12/2003\n12/25/2003\n', { d: 'datetime' }),
      /row 2: "25\/12\/2003" is not a date in the format MM\/DD\/YYYY/,
    );
  });
});

describe('conformTable and datetime spellings', () => {
  it("re-reads a synthetic table's dates in the real table's day/month order", async () => {
    const real = await csv('d\n25/12/2003\n01/02/2003\n');
    // Every day is at most 12, so on its own this table reads month first.
    const synthetic = await csv('d\n03/04/2005\n11/02/2004\n');
    const own = synthetic.columns[0];
    assert.ok(own.kind === 'datetime' && own.format === 'MM/DD/YYYY');
    const conformed = conformTable(synthetic, real).columns[0];
    assert.ok(conformed.kind === 'datetime' && conformed.format === 'DD/MM/YYYY');
    assert.deepEqual([...conformed.values], [Date.UTC(2005, 3, 3), Date.UTC(2004, 1, 11)]);
    // A table spelled differently altogether keeps its own (unambiguous) reading.
    const iso = conformTable(await csv('d\n2005-04-03\n'), real).columns[0];
    assert.ok(iso.kind === 'datetime');
    assert.deepEqual([...iso.values], [Date.UTC(2005, 3, 3)]);
  });
});

describe('datetime format strings', () => {
  it('compile only when they name one year, month and day and a consistent time', () => {
    for (const bad of ['', 'YYYY-MM', 'foo', 'YYYY-MM-DD ss', 'YYYY-MM-DD HH', 'YYYY-MM-DDZ', 'YYYY-YY-MM-DD', 'DD/MM/YYYY HH:mm:SSS']) {
      assert.equal(compileDatetimeFormat(bad), undefined, bad);
    }
    for (const good of [
      'YYYY-MM-DD',
      'DD-Mon-YY',
      'M/D/YYYY H:mm',
      'YYYY-MM-DDTHH:mm:ss.SSS-05:30',
      'DD.MM.YYYY HH:mm:ss',
      'YYYY-MM-DD HH:mm:ss+0200',
    ]) {
      assert.ok(compileDatetimeFormat(good), good);
    }
  });

  it('print the smallest unit they name, and parse back what they print', () => {
    const ms = Date.UTC(2003, 8, 19, 10, 15, 42, 987);
    const cases: [string, string, number][] = [
      ['YYYY-MM-DD HH:mm', '2003-09-19 10:15', 60_000],
      ['YYYY-MM-DDTHH:mm:ssZ', '2003-09-19T10:15:42Z', 1000],
      ['YYYY-MM-DDTHH:mm:ss.S', '2003-09-19T10:15:42.9', 100],
      ['YYYY-MM-DDTHH:mm:ss.SSS-05:30', '2003-09-19T04:45:42.987-05:30', 1],
      ['DD-Mon-YYYY', '19-Sep-2003', 86_400_000],
    ];
    for (const [format, text, unit] of cases) {
      const f = compileDatetimeFormat(format);
      assert.ok(f);
      assert.equal(f.format(ms), text, format);
      assert.equal(f.resolutionMs, unit, format);
      assert.equal(f.parse(text), Math.floor(ms / unit) * unit, format);
    }
    // Any offset of the format's style is read; the format's own offset is used for writing.
    assert.equal(compileDatetimeFormat('YYYY-MM-DDTHH:mm:ss+02:00')?.parse('2003-09-19T10:15:00-01:00'), Date.UTC(2003, 8, 19, 11, 15));
  });
});

describe('datetime inference on generated cells', () => {
  it('never throws, and a column read with a format prints back to text that reads the same instants', () => {
    // A fixed linear congruential generator keeps the cells the same on every run.
    let seed = 4242;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
    const two = (): string => String(rand(32)).padStart(rand(3) === 0 ? 1 : 2, '0');
    const pieces = [
      (): string => `${1990 + rand(40)}-${two()}-${two()}`,
      (): string => `${two()}/${two()}/${pick(['', '19', '20'])}${two()}`,
      (): string => `${two()}-${pick(['Jan', 'SEP', 'feb', 'Xyz'])}-${pick(['', '20'])}${two()}`,
      (): string => `${two()}.${two()}.${1990 + rand(40)}`,
    ];
    const times = [
      '',
      ` ${two()}:${two()}`,
      ` ${two()}:${two()} ${pick(['AM', 'PM', 'pm'])}`,
      `T${two()}:${two()}:${two()}`,
      `T${two()}:${two()}:${two()}.${rand(1000)}Z`,
      `T${two()}:${two()}:${two()}${pick(['+', '-'])}${two()}:${pick(['00', '30'])}`,
    ];
    let formatted = 0;
    for (let t = 0; t < 3000; t++) {
      const shape = pick(pieces);
      const time = rand(times.length);
      const cells = Array.from({ length: 1 + rand(6) }, () =>
        rand(8) === 0 ? '' : shape() + (rand(10) === 0 ? pick(times) : times[time].replace(/\d\d/g, () => two())),
      );
      const c = columnFromCells('d', cells, undefined);
      if (c.kind !== 'datetime' || c.format === undefined) continue;
      const f = compileDatetimeFormat(c.format);
      assert.ok(f, c.format);
      for (let i = 0; i < cells.length; i++) {
        if (Number.isNaN(c.values[i])) continue;
        const text = f.format(c.values[i]);
        assert.equal(f.parse(text), c.values[i], `${JSON.stringify(cells)} -> ${c.format}: ${text}`);
      }
      formatted++;
    }
    assert.ok(formatted > 100, `${formatted} generated columns were read with a format`);
  });
});
