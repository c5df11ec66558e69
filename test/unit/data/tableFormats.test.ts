// Writers and the other readers: exact CSV output written out by hand, round trips
// csv -> parquet -> csv and csv -> jsonl -> csv on every fixture, JSON Lines and Parquet reading,
// format choice by extension and by content, and cancellation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { inferTableFormat } from '../../../src/core/data/table/format';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = [
  'test/fixtures/tables/breast_cancer.csv',
  'test/fixtures/tables/diabetes.csv',
  'test/fixtures/tables/clinical_mixed.csv',
  'samples/workspace/patients.csv',
];
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const readFixture = (rel: string): Promise<Table> => parseTable(readFileSync(join(ROOT, rel)), { fileName: rel });

const MIXED =
  'id,when,at,n,x,ok,cat,note\nP1,2023-01-02,2023-01-02T03:04:05,1,0.5,yes,a,"x, ""y"""\nP2,,2023-01-02T03:04:05.5+01:00,2.0,,no,b,\nP3,2024-12-31,,NA,1e3,,a,z\n';

describe('serializeTable', () => {
  it('writes CSV with integers plainly, ISO dates, booleans, empty cells and RFC 4180 quoting', async () => {
    const t = await parseTable(enc(MIXED), { fileName: 'm.csv', types: { note: 'text' } });
    // Hand-written: "2.0" is an integer (2); 1e3 is 1000; +01:00 is normalized to UTC; booleans keep the source's yes/no.
    assert.equal(
      dec(await serializeTable(t, 'csv')),
      'id,when,at,n,x,ok,cat,note\nP1,2023-01-02,2023-01-02T03:04:05,1,0.5,yes,a,"x, ""y"""\nP2,,2023-01-02T02:04:05.500,2,,no,b,\nP3,2024-12-31,,,1000,,a,z\n',
    );
    // A boolean without a recorded spelling is written true/false.
    const plain = await parseTable(enc('ok\nTRUE\nfalse\n'), { fileName: 'p.csv' });
    const ok = plain.columns[0];
    assert.ok(ok.kind === 'boolean');
    assert.equal(dec(await serializeTable({ ...plain, columns: [{ ...ok, labels: undefined }] }, 'csv')), 'ok\ntrue\nfalse\n');
  });

  it('writes TSV and JSON Lines with null for missing values', async () => {
    const t = await parseTable(enc(MIXED), { fileName: 'm.csv', types: { note: 'text' } });
    const tsv = dec(await serializeTable(t, 'tsv')).split('\n');
    // A field holding a quote is quoted in TSV too, so any RFC 4180 reader reads it back.
    assert.equal(tsv[1], 'P1\t2023-01-02\t2023-01-02T03:04:05\t1\t0.5\tyes\ta\t"x, ""y"""');
    const jsonl = dec(await serializeTable(t, 'jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(jsonl[1], { id: 'P2', when: null, at: '2023-01-02T02:04:05.500', n: 2, x: null, ok: 'no', cat: 'b', note: null });
  });

  it('refuses an unknown format', async () => {
    const t = await parseTable(enc('a\n1\n'));
    await assert.rejects(serializeTable(t, 'xlsx' as never), (e: unknown) => isMedSynthError(e) && e.code === 'BAD_USAGE');
  });

  it('stops when cancelled', async () => {
    const t = await readFixture(FIXTURES[0]);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(serializeTable(t, 'csv', ac.signal), (e: unknown) => isMedSynthError(e) && e.code === 'CANCELLED');
  });
});

describe('round trips', () => {
  for (const rel of FIXTURES) {
    it(`${rel}: csv -> parquet -> csv and csv -> jsonl -> csv give the same CSV and kinds`, async () => {
      const table = await readFixture(rel);
      const csv = dec(await serializeTable(table, 'csv'));
      const viaParquet = await parseTable(await serializeTable(table, 'parquet'), { format: 'parquet' });
      // Parquet stores real booleans, not their spelling: a yes/no column comes back as true/false.
      const unspelled = { ...table, columns: table.columns.map((c) => (c.kind === 'boolean' ? { ...c, labels: undefined } : c)) };
      assert.equal(dec(await serializeTable(viaParquet, 'csv')), dec(await serializeTable(unspelled, 'csv')));
      assert.deepEqual(
        viaParquet.columns.map((c) => c.kind),
        table.columns.map((c) => c.kind),
      );
      const viaJsonl = await parseTable(await serializeTable(table, 'jsonl'), { format: 'jsonl' });
      assert.equal(dec(await serializeTable(viaJsonl, 'csv')), csv);
      const again = await parseTable(enc(csv), { format: 'csv' });
      assert.equal(dec(await serializeTable(again, 'csv')), csv);
    });
  }

  it('the sklearn numbers survive the round trip digit for digit', async () => {
    const original = readFileSync(join(ROOT, FIXTURES[0]), 'utf8');
    const table = await readFixture(FIXTURES[0]);
    assert.equal(dec(await serializeTable(table, 'csv')), original);
  });
});

describe('JSON Lines reader', () => {
  it('takes the union of keys, in first-seen order, with absent keys missing', async () => {
    const t = await parseTable(enc('{"a": 1, "b": "x"}\n\n{"b": "y", "c": true}\r\n{"a": 2.5, "c": false, "d": {"k": [1]}}'), {
      fileName: 'x.jsonl',
    });
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.kind]),
      [
        ['a', 'numeric'],
        ['b', 'categorical'],
        ['c', 'boolean'],
        ['d', 'categorical'],
      ],
    );
    assert.equal(dec(await serializeTable(t, 'csv')), 'a,b,c,d\n1,x,,\n,y,true,\n2.5,,false,"{""k"":[1]}"\n');
  });

  it('a bad line is BAD_INPUT with its line number; so is a line that is not an object', async () => {
    await assert.rejects(
      parseTable(readFileSync(join(ROOT, 'test/fixtures/tables/bad/ragged.jsonl')), { fileName: 'ragged.jsonl' }),
      /ragged\.jsonl, line 3: line is not valid JSON/,
    );
    await assert.rejects(parseTable(enc('{"a":1}\n[1,2]\n'), { format: 'jsonl' }), /line 2: line holds an array, not an object/);
    await assert.rejects(parseTable(enc('\n\n'), { format: 'jsonl' }), /the file is empty/);
  });
});

describe('Parquet reader', () => {
  it('refuses bytes that are not Parquet', async () => {
    await assert.rejects(parseTable(enc('a,b\n1,2\n'), { fileName: 'fake.parquet' }), (e: unknown) => {
      assert.ok(isMedSynthError(e));
      assert.equal(e.code, 'BAD_INPUT');
      assert.match(e.message, /fake\.parquet: is not a readable Parquet file/);
      return true;
    });
  });

  it('applies maxRows before decoding', async () => {
    const bytes = await serializeTable(await readFixture(FIXTURES[1]), 'parquet');
    await assert.rejects(
      parseTable(bytes, { format: 'parquet', maxRows: 100 }),
      (e: unknown) => isMedSynthError(e) && e.code === 'LIMIT_EXCEEDED' && /maxRows/.test(e.message),
    );
  });

  it('lets explicit types win over the kinds recorded in the file', async () => {
    const bytes = await serializeTable(await readFixture(FIXTURES[3]), 'parquet');
    const t = await parseTable(bytes, { format: 'parquet', types: { diagnosis: 'text' } });
    assert.equal(t.columns.find((c) => c.name === 'diagnosis')?.kind, 'text');
  });
});

describe('format choice', () => {
  it('by extension', () => {
    assert.equal(inferTableFormat('a/b/C.CSV'), 'csv');
    assert.equal(inferTableFormat('x.tsv'), 'tsv');
    assert.equal(inferTableFormat('x.parquet'), 'parquet');
    assert.equal(inferTableFormat('x.ndjson'), 'jsonl');
    assert.equal(inferTableFormat('x.jsonl'), 'jsonl');
    assert.equal(inferTableFormat('x.txt'), undefined);
    assert.equal(inferTableFormat('.csv'), undefined);
  });

  it('by content when there is no format or extension', async () => {
    const t = await readFixture(FIXTURES[2]);
    assert.equal((await parseTable(await serializeTable(t, 'parquet'))).provenance?.format, 'parquet');
    assert.equal((await parseTable(await serializeTable(t, 'jsonl'))).provenance?.format, 'jsonl');
    assert.equal((await parseTable(await serializeTable(t, 'tsv'))).provenance?.format, 'tsv');
    assert.equal((await parseTable(await serializeTable(t, 'csv'), { fileName: 'noext' })).provenance?.format, 'csv');
  });

  it('a given delimiter wins over the .tsv extension; JSON Lines and Parquet ignore the CSV dialect', async () => {
    const t = await parseTable(enc('a;b\n1;2\n'), { fileName: 'x.tsv', delimiter: ';' });
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['a', 'b'],
    );
    const table = await readFixture(FIXTURES[2]);
    for (const format of ['jsonl', 'parquet'] as const) {
      const back = await parseTable(await serializeTable(table, format), { format, delimiter: ';', encoding: 'latin1', comment: '#' });
      assert.equal(back.rowCount, table.rowCount, format);
    }
    // A wrong dialect is a usage error whatever the format, before anything is read.
    await assert.rejects(
      parseTable(enc('{}\n'), { format: 'jsonl', delimiter: 'ab' }),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_USAGE',
    );
  });

  it('a cancelled signal stops reading', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(parseTable(enc('a\n1\n'), { signal: ac.signal }), (e: unknown) => isMedSynthError(e) && e.code === 'CANCELLED');
  });
});
