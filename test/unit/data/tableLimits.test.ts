// Resource limits of parseTable on every format: maxRows, maxCells and maxColumns end in a
// LIMIT_EXCEEDED naming the option and its VS Code setting; headRows reads only the first rows (and
// stops consuming the input) without an error; hostile text (endless fields, deep JSON, JSON Lines
// whose every line adds a key) ends in a typed error quickly. Expected counts are written by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableFormat } from '../../../src/core/data/table/table';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { DEFAULT_MAX_COLUMNS, MAX_JSON_DEPTH } from '../../../src/core/data/limits';
import { isMedSynthError } from '../../../src/core/errors';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Ten rows of two columns, as CSV. */
const TEN = `a,b\n${Array.from({ length: 10 }, (_, i) => `${i},x${i}`).join('\n')}\n`;

async function bytesAs(format: TableFormat): Promise<Uint8Array> {
  return format === 'csv' ? enc(TEN) : serializeTable(await parseTable(enc(TEN), { format: 'csv' }), format);
}

function limited(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    assert.ok(isMedSynthError(e), String(e));
    assert.equal(e.code, 'LIMIT_EXCEEDED', e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('table limits on every format', () => {
  for (const format of ['csv', 'tsv', 'jsonl', 'parquet'] as const) {
    it(`${format}: maxRows and maxCells name the option and the VS Code setting`, async () => {
      const bytes = await bytesAs(format);
      await assert.rejects(
        parseTable(bytes, { format, fileName: `t.${format}`, maxRows: 9 }),
        limited(/more than 9 rows.*option maxRows \(VS Code setting medsynth\.maxRows, CLI --max-rows\)/),
      );
      // 10 rows x 2 columns = 20 cells.
      await assert.rejects(
        parseTable(bytes, { format, maxCells: 19 }),
        limited(/more than 19 cells.*option maxCells \(VS Code setting medsynth\.maxCells, CLI --max-cells\)/),
      );
      assert.equal((await parseTable(bytes, { format, maxRows: 10, maxCells: 20 })).rowCount, 10);
    });

    it(`${format}: headRows reads the first rows without an error, even past maxRows`, async () => {
      const t = await parseTable(await bytesAs(format), { format, headRows: 3, maxRows: 5 });
      assert.equal(t.rowCount, 3);
      assert.deepEqual(Array.from(t.columns[0].kind === 'numeric' ? t.columns[0].values : []), [0, 1, 2]);
    });
  }

  it('headRows stops consuming a stream once it has its rows (fixed delimiter: no 64 KiB sniffing sample)', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield enc('a,b\n');
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield enc(`${i},y\n`);
      }
    }
    const t = await parseTable(endless(), { format: 'tsv', headRows: 2 });
    assert.equal(t.rowCount, 2);
    assert.ok(pulled < 100, `pulled ${pulled} chunks`);
  });

  it('refuses more columns than maxColumns, before building them', async () => {
    const header = Array.from({ length: DEFAULT_MAX_COLUMNS + 1 }, (_, i) => `c${i}`).join(',');
    await assert.rejects(parseTable(enc(`${header}\n`), { format: 'csv' }), limited(/more than 16384 columns.*maxColumns/));
    await assert.rejects(parseTable(enc('a,b,c\n1,2,3\n'), { format: 'csv', maxColumns: 2 }), limited(/more than 2 columns/));
    // A data row far wider than its header is refused while it is being tokenized, before it ends.
    async function* wideRow(): AsyncGenerator<Uint8Array> {
      yield enc('a\n');
      for (let i = 0; i < 100; i++) yield enc(','.repeat(10_000));
    }
    await assert.rejects(parseTable(wideRow(), { format: 'csv', maxColumns: 1000 }), limited(/more than 1000 columns/));
  });

  it('malformed limits are usage errors', async () => {
    for (const opts of [{ maxRows: -1 }, { maxCells: 0 }, { headRows: 0 }, { maxColumns: 1.5 }]) {
      await assert.rejects(parseTable(enc(TEN), opts), (e: unknown) => isMedSynthError(e) && e.code === 'BAD_USAGE');
    }
  });
});

describe('hostile text input', () => {
  it('a CSV field without end is refused past 32 MiB instead of growing one string', async () => {
    async function* noDelimiter(): AsyncGenerator<Uint8Array> {
      yield enc('a\n');
      const chunk = enc('x'.repeat(1 << 20));
      for (let i = 0; i < 40; i++) yield chunk;
    }
    await assert.rejects(parseTable(noDelimiter(), { format: 'csv' }), limited(/a field is longer than/));
  });

  it(`JSON Lines values nested deeper than ${MAX_JSON_DEPTH} levels are refused without a stack overflow`, async () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`;
    await assert.rejects(parseTable(enc(deep), { format: 'jsonl' }), limited(/nested more than 32 levels/));
    const ok = `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}1${']'.repeat(MAX_JSON_DEPTH - 1)}}\n`;
    const t = await parseTable(enc(ok), { format: 'jsonl' });
    assert.equal(t.rowCount, 1);
  });

  it('JSON Lines whose every line adds a key are refused early, not padded to rows x keys', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `{"k${i}":1}`).join('\n');
    const started = performance.now();
    await assert.rejects(parseTable(enc(lines), { format: 'jsonl' }), limited(/leave out \d+ cells/));
    assert.ok(performance.now() - started < 2000);
  });

  it('JSON Lines with keys left out now and then still read, padded with missing cells', async () => {
    const t = await parseTable(enc('{"a":1,"b":"x"}\n{"a":2}\n{"b":"y","c":true}\n'), { format: 'jsonl' });
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['a', 'b', 'c'],
    );
    assert.equal(t.rowCount, 3);
    const c = t.columns[2];
    assert.ok(c.kind === 'boolean');
    assert.deepEqual(Array.from(c.codes), [-1, -1, 1]);
  });
});
