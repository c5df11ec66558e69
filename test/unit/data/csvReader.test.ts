// The delimited-text reader: RFC 4180 quoting, line ends, BOM, delimiter sniffing, chunk boundaries
// anywhere, and the typed errors for bad files. Expected values are written out by hand from the
// input text (RFC 4180 section 2), never taken from the reader itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDelimited, sniffDelimiter } from '../../../src/core/data/table/csvReader';
import { isMedSynthError } from '../../../src/core/errors';

const BAD = join(__dirname, '..', '..', 'fixtures', 'tables', 'bad');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function* chunksOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
}

async function read(
  text: string | Uint8Array,
  cuts: readonly number[] = [],
  delimiter?: string,
  encoding?: string,
): Promise<{ names: readonly string[]; rows: string[][]; lines: number[]; delimiter: string; notes: readonly string[] }> {
  const bytes = typeof text === 'string' ? enc(text) : text;
  const t = await readDelimited(chunksOf(bytes, cuts), { fileName: 'mem.csv', delimiter, encoding });
  const n = t.cells[0].length;
  const rows = Array.from({ length: n }, (_, r) => t.cells.map((c) => c[r]));
  return { names: t.names, rows, lines: Array.from(t.lines ?? []), delimiter: t.delimiter, notes: t.notes };
}

async function rejects(
  text: string | Uint8Array,
  code: string,
  pattern: RegExp,
  cuts: readonly number[] = [],
  encoding?: string,
): Promise<void> {
  await assert.rejects(read(text, cuts, undefined, encoding), (e: unknown) => {
    assert.ok(isMedSynthError(e), String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

// Quotes with an embedded delimiter, an escaped quote, a CRLF inside quotes, multi-byte UTF-8
// (2, 3 and 4 bytes), a BOM, CRLF record ends, an empty quoted field and no final line end.
const TRICKY = '\uFEFFname,note,city\r\n"Smith, J","said ""hi""\r\nthen left",Zürich\r\n李,"",🚑 ward\r\n"x",y,z';
const TRICKY_ROWS = [
  ['Smith, J', 'said "hi"\r\nthen left', 'Zürich'],
  ['李', '', '🚑 ward'],
  ['x', 'y', 'z'],
];

describe('readDelimited: RFC 4180', () => {
  it('reads quoted fields, escaped quotes, embedded line ends, BOM and CRLF', async () => {
    const t = await read(TRICKY);
    assert.deepEqual(t.names, ['name', 'note', 'city']);
    assert.deepEqual(t.rows, TRICKY_ROWS);
    // The second record spans lines 2-3, so the third starts on line 4.
    assert.deepEqual(t.lines, [2, 4, 5]);
  });

  it('gives the same result for every split of the bytes into two and three chunks', async () => {
    const bytes = enc(TRICKY);
    for (let a = 0; a <= bytes.length; a++) {
      assert.deepEqual((await read(bytes, [a])).rows, TRICKY_ROWS, `split at byte ${a}`);
    }
    for (let a = 1; a < bytes.length; a += 3) {
      for (let b = a; b <= bytes.length; b += 5) assert.deepEqual((await read(bytes, [a, b])).rows, TRICKY_ROWS, `split at ${a}, ${b}`);
    }
  });

  it('reads one-byte chunks', async () => {
    const bytes = enc(TRICKY);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    assert.deepEqual((await read(bytes, cuts)).rows, TRICKY_ROWS);
  });

  it('accepts LF, CRLF and CR line ends, skips blank lines, keeps a trailing empty field', async () => {
    const expected = [
      ['1', ''],
      ['3', '4'],
    ];
    for (const eol of ['\n', '\r\n', '\r']) {
      const t = await read(`a,b${eol}1,${eol}${eol}3,4${eol}`);
      assert.deepEqual(t.rows, expected, JSON.stringify(eol));
    }
  });

  it('keeps a quote in the middle of an unquoted field literally', async () => {
    assert.deepEqual((await read('a,b\n5" tall,x\n')).rows, [['5" tall', 'x']]);
  });

  it('names empty header cells column_N and trims names', async () => {
    assert.deepEqual((await read(' id ,,x\n1,2,3\n')).names, ['id', 'column_2', 'x']);
  });
});

describe('readDelimited: delimiter sniffing', () => {
  for (const [label, d] of [
    ['comma', ','],
    ['tab', '\t'],
    ['semicolon', ';'],
    ['pipe', '|'],
  ] as const) {
    it(`finds the ${label}`, async () => {
      const text =
        ['id', 'note', 'value'].join(d) +
        '\n' +
        ['1', '"a, b; c | d\te"', d === ',' ? '"2,5"' : '2,5'].join(d) +
        '\n' +
        ['2', 'plain', '3'].join(d) +
        '\n';
      const t = await read(text);
      assert.equal(t.delimiter, d);
      assert.deepEqual(t.names, ['id', 'note', 'value']);
      // In a semicolon file a column of decimal commas reads as decimal points.
      assert.deepEqual(t.rows[0], ['1', 'a, b; c | d\te', d === ';' ? '2.5' : '2,5']);
    });
  }

  it('prefers the delimiter that splits every line the same way', () => {
    // Semicolon-separated with decimal commas: commas vary per line, semicolons do not.
    assert.equal(sniffDelimiter('a;b;c\n1,5;2;3,25\n4;5,5;6\n', true), ';');
    assert.equal(sniffDelimiter('single\n1\n2\n', true), ',');
  });

  it('uses a fixed delimiter when given', async () => {
    assert.deepEqual((await read('a;b\n1;2\n', [], ',')).names, ['a;b']);
  });
});

describe('readDelimited: bad input', () => {
  const file = (name: string): Uint8Array => readFileSync(join(BAD, name));

  it('a row longer than the header names the line, the field counts and --delimiter', async () => {
    await rejects(
      file('ragged.csv'),
      'BAD_INPUT',
      /mem\.csv, line 3: row has 4 fields, but the header \(line 1\) has 3 \(expected .*--delimiter/,
    );
    // A multi-line quoted field before the ragged row must not throw the line count off.
    await rejects('a,b\n"x\ny",1\n2,3,4\n', 'BAD_INPUT', /line 4: row has 3 fields,/);
  });

  it('an unterminated quote names the line where the quote opened', async () => {
    await rejects(file('unterminated.csv'), 'BAD_INPUT', /line 3: unterminated quoted field/);
  });

  it('text after a closing quote is refused', async () => {
    await rejects(file('bad_quote.csv'), 'BAD_INPUT', /line 2: unexpected character "t" after a closing quote/);
  });

  it('NUL bytes mean a binary file, with the byte offset', async () => {
    await rejects(file('binary.csv'), 'BAD_INPUT', /byte 3: contains NUL bytes: this is a binary file/);
  });

  it('invalid UTF-8 (a Latin-1 file) with encoding utf-8 forced names the offending byte, in any chunking', async () => {
    await rejects(file('garbled.csv'), 'BAD_INPUT', /byte 11: is not valid UTF-8.*--encoding latin1/, [], 'utf-8');
    await rejects(file('garbled.csv'), 'BAD_INPUT', /byte 11: is not valid UTF-8/, [5, 11, 12], 'utf-8');
  });

  it('a UTF-8 character cut off by the end of the file is refused', async () => {
    await rejects(new Uint8Array([0x61, 0x0a, 0xe6, 0x9d]), 'BAD_INPUT', /ends in the middle of a UTF-8 character/);
  });

  it('says whether the file is empty or has only a header', async () => {
    await rejects(file('empty.csv'), 'BAD_INPUT', /the file is empty/);
    await rejects('\uFEFF\n\n', 'BAD_INPUT', /the file is empty/);
    await rejects(file('header_only.csv'), 'BAD_INPUT', /line 1: the file has a header row \(3 columns\) but no data rows/);
  });

  it('refuses duplicate column names', async () => {
    await rejects(file('duplicate_header.csv'), 'BAD_INPUT', /duplicate column name "age" \(columns 1 and 3\)/);
  });

  it('stops at maxRows with LIMIT_EXCEEDED naming the option', async () => {
    await assert.rejects(readDelimited(chunksOf(enc('a\n1\n2\n3\n'), []), { maxRows: 2 }), (e: unknown) => {
      assert.ok(isMedSynthError(e));
      assert.equal(e.code, 'LIMIT_EXCEEDED');
      assert.match(e.message, /more than 2 rows.*maxRows/);
      return true;
    });
    assert.equal((await readDelimited(chunksOf(enc('a\n1\n2\n'), []), { maxRows: 2 })).cells[0].length, 2);
  });
});
