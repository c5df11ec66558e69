// CSV dialects met in real files: trailing empty fields left out (Debian's distro-info), '#' lines
// before the header (matplotlib's sample data), blank-separated columns (scikit-learn's linnerud),
// ';' with decimal commas and Windows-1252 text. Every cell is compared with pandas.read_csv given
// the arguments a user would pick by hand (test/fixtures/tables/dialects/reference.json, written by
// test/reference/dialectsReference.py); what must fail fails with a one-line error naming the line
// and the flag to pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import type { TableDialect } from '../../../src/core/data/table/readSettings';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { isMedSynthError } from '../../../src/core/errors';

const DIR = join(__dirname, '..', '..', 'fixtures', 'tables', 'dialects');

interface RefTable {
  readonly file: string;
  readonly read_csv: Readonly<Record<string, string>>;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly dtype: string; readonly values: readonly (string | number | null)[] }[];
}
const reference = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { tables: RefTable[] };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The dialect a user would pass for each file: the same arguments pandas was given. */
const GIVEN: Readonly<Record<string, TableDialect>> = {
  'trailing_fields.csv': { delimiter: ',' },
  'comments.csv': { delimiter: ',', comment: '#' },
  'whitespace.csv': { delimiter: 'whitespace' },
  'semicolon_decimal.csv': { delimiter: ';' },
  'latin1.csv': { encoding: 'latin1' },
  'linnerud_physiological.csv': { delimiter: 'whitespace' },
};

/** What the reader must say it assumed when it is given nothing (checked by hand against each file). */
const NOTES: Readonly<Record<string, readonly RegExp[]>> = {
  'trailing_fields.csv': [/^4 rows had fewer fields than the header's 7 \(first on line 3\): the missing trailing fields read as empty$/],
  'comments.csv': [/^skipped 2 comment lines starting with '#' before the header \(lines 1-2\)/],
  'whitespace.csv': [/separated by blanks \(sniffed\); pass --delimiter/],
  'semicolon_decimal.csv': [/^read decimal commas \(1,5 = 1\.5\) in columns "weight_kg", "height_m"$/],
  'latin1.csv': [/^read as Windows-1252 \(Latin-1\): the file is not UTF-8 \(byte 0xFC on line 2\); pass --encoding/],
  'linnerud_physiological.csv': [/separated by blanks/],
};

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function cellOf(column: Column, row: number): string | number | null {
  switch (column.kind) {
    case 'numeric':
    case 'datetime':
      return Number.isNaN(column.values[row]) ? null : column.values[row];
    case 'categorical':
    case 'boolean':
      return column.codes[row] < 0 ? null : column.categories[column.codes[row]];
    case 'identifier':
    case 'text':
      return column.values[row];
  }
}

function assertSameAsPandas(table: Table, ref: RefTable, how: string): void {
  assert.equal(table.rowCount, ref.rows, `${ref.file} (${how}): rows`);
  assert.deepEqual(
    table.columns.map((c) => c.name),
    ref.columns.map((c) => c.name),
    `${ref.file} (${how}): names`,
  );
  ref.columns.forEach((rc, j) => {
    const column = table.columns[j];
    rc.values.forEach((expected, r) => {
      const actual = cellOf(column, r);
      const what = `${ref.file} (${how}) ${rc.name} row ${r}`;
      if (expected === null) assert.equal(actual, null, what);
      else if (typeof expected === 'number') assert.equal(typeof actual === 'string' ? Number(actual) : actual, expected, what);
      else if (column.kind === 'datetime') assert.equal(actual, Date.parse(expected), what);
      else assert.equal(actual, expected, what);
    });
  });
}

async function rejects(input: string | Uint8Array, opts: TableDialect, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(parseTable(typeof input === 'string' ? enc(input) : input, { fileName: 'mem.csv', ...opts }), (e: unknown) => {
    assert.ok(isMedSynthError(e), String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return true;
  });
}

describe('CSV dialects against pandas.read_csv', () => {
  for (const ref of reference.tables) {
    const bytes = new Uint8Array(readFileSync(join(DIR, ref.file)));
    it(`${ref.file}: sniffed, every cell as pandas (${JSON.stringify(ref.read_csv)}), with a note`, async () => {
      const table = await parseTable(bytes, { fileName: ref.file });
      assertSameAsPandas(table, ref, 'sniffed');
      const notes = table.provenance?.notes ?? [];
      for (const pattern of NOTES[ref.file])
        assert.ok(
          notes.some((n) => pattern.test(n)),
          `${ref.file}: no note like ${pattern} in ${JSON.stringify(notes)}`,
        );
    });
    it(`${ref.file}: the same with the dialect given, and in chunks of 1 and 7 bytes`, async () => {
      assertSameAsPandas(await parseTable(bytes, { fileName: ref.file, ...GIVEN[ref.file] }), ref, 'given');
      for (const size of [1, 7])
        assertSameAsPandas(await parseTable(chunked(bytes, size), { fileName: ref.file }), ref, `chunks of ${size}`);
    });
  }
});

describe('CSV dialects: edges', () => {
  it('a file that needs no guess carries no notes', async () => {
    const t = await parseTable(enc('a,b\n1,2\n'), { fileName: 'mem.csv' });
    assert.equal(t.provenance?.notes, undefined);
  });

  it("a single '#' line shaped like the rows after it is the header, not a comment", async () => {
    const t = await parseTable(enc('#id,age\n1,40\n2,50\n'), { fileName: 'mem.csv' });
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['#id', 'age'],
    );
  });

  it("'#' lines after the header are data unless a comment prefix is given; a given prefix skips lines anywhere", async () => {
    const text = 'code,n\nA1,1\n#B2,2\nC3,3\n';
    assert.equal((await parseTable(enc(text), { fileName: 'mem.csv' })).rowCount, 3);
    assert.equal((await parseTable(enc(text), { fileName: 'mem.csv', comment: '#' })).rowCount, 2);
  });

  it('a comment prefix of two characters is found even when a chunk boundary cuts it', async () => {
    const bytes = enc('// exported 2024\na,b\n1,2\n// page 2\n3,4\n');
    for (const size of [1, 2, 3, 5]) {
      const t = await parseTable(chunked(bytes, size), { fileName: 'mem.csv', comment: '//' });
      assert.equal(t.rowCount, 2, `chunks of ${size}`);
      assert.deepEqual(
        t.columns.map((c) => c.name),
        ['a', 'b'],
      );
    }
  });

  it("decimal commas are read only when a ';' column uses them consistently", async () => {
    // '2.5' beside '1,5' is no consistent spelling: the column stays as written.
    const t = await parseTable(enc('a;b\n1,5;1,5\n2.5;2\n'), { fileName: 'mem.csv' });
    assert.equal(t.columns[0].kind === 'numeric', false);
    assert.deepEqual(Array.from((t.columns[1] as { values: Float64Array }).values), [1.5, 2]);
    // With ',' as the delimiter there are no decimal commas to read.
    const c = await parseTable(enc('a,b\n"1,5",2\n'), { fileName: 'mem.csv' });
    assert.notEqual(c.columns[0].kind, 'numeric');
  });

  it('a short row is padded; a long one names its line, the counts and --delimiter', async () => {
    const t = await parseTable(enc('a,b,c\n1,2\n3,4,5\n'), { fileName: 'mem.csv' });
    assert.equal(t.rowCount, 2);
    await rejects(
      'a,b\n1,2\n3,4,5\n',
      {},
      'BAD_INPUT',
      /^mem\.csv, line 3: row has 3 fields, but the header \(line 1\) has 2 \(expected 2 fields; quote fields that contain the delimiter \(','\), or pass --delimiter/,
    );
    // A '#' line after the header that does not fit: the hint is --comment.
    await rejects(
      'a,b\n1,2\n# note, with, commas\n',
      {},
      'BAD_INPUT',
      /line 3: row has 3 fields.*pass --comment '#' if lines starting with '#' are comments/,
    );
    // Values with blanks in a blank-separated file: more words than the header.
    await rejects(
      'age weight\n61 72 kg\n',
      { delimiter: 'whitespace' },
      'BAD_INPUT',
      /line 2: row has 3 fields.*runs of blanks.*--delimiter/,
    );
  });

  it('UTF-8 characters followed by a byte that is not UTF-8 are neither encoding: the line and --encoding', async () => {
    const mixed = new Uint8Array([...enc('name,city\nM\u00fcller,Z\u00fcrich\nx,Gen'), 0xe8, ...enc('ve\n')]);
    await rejects(
      mixed,
      {},
      'BAD_INPUT',
      /mem\.csv, line 3: is neither UTF-8 nor Windows-1252 \(Latin-1\) text: line 2 holds UTF-8 characters but byte 0xE8 on line 3 is not UTF-8.*--encoding latin1/,
    );
    // Forced, the same bytes read: every byte as Windows-1252.
    const forced = await parseTable(mixed, { fileName: 'mem.csv', encoding: 'latin1' });
    assert.equal(cellOf(forced.columns[1], 1), 'Gen\u00e8ve');
  });

  it('a UTF-8 character after a Latin-1 byte, or a byte Windows-1252 leaves undefined, is refused too', async () => {
    const late = new Uint8Array([...enc('a,b\nx,caf'), 0xe9, ...enc('\ny,Z\u00fcrich\n')]);
    await rejects(late, {}, 'BAD_INPUT', /line 3: is neither UTF-8 nor Windows-1252.*mixed encodings/);
    await rejects(
      new Uint8Array([...enc('a,b\nx,'), 0xe9, 0x81, 0x0a]),
      {},
      'BAD_INPUT',
      /line 2: .*byte 0x81 on line 2 is neither UTF-8 nor a Windows-1252 character/,
    );
  });

  it('a UTF-8 BOM means UTF-8: a Latin-1 byte after it is refused, not guessed', async () => {
    await rejects(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('a\n'), 0xe9, 0x0a]), {}, 'BAD_INPUT', /is not valid UTF-8.*--encoding latin1/);
  });

  it('the encoding verdict does not depend on where chunks are cut', async () => {
    const verdict = async (bytes: Uint8Array, size: number): Promise<string> => {
      try {
        const t = await parseTable(chunked(bytes, size), { fileName: 'mem.csv' });
        return `${cellOf(t.columns[1], 0)} ${t.provenance?.notes?.[0] ?? ''}`;
      } catch (e) {
        return isMedSynthError(e) ? e.message : String(e);
      }
    };
    const cases = [
      // A Latin-1 byte that looks like the lead of a 3-byte UTF-8 character, its follower in the next chunk.
      new Uint8Array([...enc('a,b\nx,caf'), 0xe9, ...enc('\n')]),
      // A Latin-1 byte, then a UTF-8 character cut in two by a chunk boundary: mixed.
      new Uint8Array([...enc('a,b\nx,'), 0xe9, ...enc('\ny,'), 0xc3, 0xa9, ...enc('\n')]),
      // A BOM cut in two, then a Latin-1 byte: the BOM says UTF-8, so it is refused.
      new Uint8Array([0xef, 0xbb, 0xbf, ...enc('a,b\nx,'), 0xe9, ...enc('\n')]),
    ];
    for (const bytes of cases) {
      const whole = await verdict(bytes, bytes.length);
      for (const size of [1, 2, 3]) assert.equal(await verdict(bytes, size), whole, `chunks of ${size}: ${Array.from(bytes).join(' ')}`);
    }
    assert.match(await verdict(cases[0], 1), /^café read as Windows-1252/);
    assert.match(await verdict(cases[1], 1), /line 3: .*mixed encodings/);
    assert.match(await verdict(cases[2], 1), /is not valid UTF-8/);
  });

  it('bad dialect values are usage errors naming the choices', async () => {
    await rejects('a\n1\n', { delimiter: ';;' }, 'BAD_USAGE', /^delimiter ";;" cannot separate fields \(expected one character/);
    await rejects('a\n1\n', { delimiter: '"' }, 'BAD_USAGE', /cannot separate fields/);
    await rejects(
      'a\n1\n',
      { encoding: 'utf-16' },
      'BAD_USAGE',
      /^encoding "utf-16" is not one the table readers know \(expected utf-8, latin1 or windows-1252\)/,
    );
    await rejects('a\n1\n', { comment: '' }, 'BAD_USAGE', /^comment prefix "" cannot mark comment lines/);
  });

  it("'tab' and '\\t' as typed in a shell mean the tab character", async () => {
    for (const delimiter of ['tab', '\\t', '\t']) {
      const t = await parseTable(enc('a\tb\n1\t2\n'), { fileName: 'mem.csv', delimiter });
      assert.deepEqual(
        t.columns.map((c) => c.name),
        ['a', 'b'],
      );
    }
  });
});
