// Parquet against an independent implementation: DuckDB (its Node package, a devDependency). Files
// DuckDB writes must read through parseTable with the values DuckDB itself reads back from them, and
// files our writer makes must read in DuckDB with the values and types our Table holds. Until now
// Parquet was only round-tripped through our own writer and reader, which cannot catch a mistake the
// two share (a date off by one day, a swapped null mask, a dictionary page read in the wrong order).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';

type DuckValue = string | number | bigint | boolean | Date | null;
interface DuckRows {
  readonly names: string[];
  readonly types: string[];
  readonly rows: Record<string, DuckValue>[];
}
type Query = (sql: string) => Promise<DuckRows>;

const ROOT = join(__dirname, '..', '..', '..');

/** Loads DuckDB, or says why it cannot (the bindings are prebuilt for a few platforms only). */
async function openDuckdb(): Promise<{ query: Query; version: string } | string> {
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const query: Query = async (sql) => {
      const reader = await connection.runAndReadAll(sql);
      return {
        names: reader.columnNames(),
        types: reader.columnTypes().map(String),
        rows: reader.getRowObjectsJS() as Record<string, DuckValue>[],
      };
    };
    const version = String((await query('SELECT version() AS v')).rows[0].v);
    return { query, version };
  } catch (e) {
    return `@duckdb/node-api cannot load here (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** One cell of our Table as a plain value: numbers, epoch milliseconds, booleans, strings or null. */
function ourCell(column: Column, row: number): string | number | boolean | null {
  switch (column.kind) {
    case 'numeric':
    case 'datetime':
      return Number.isNaN(column.values[row]) ? null : column.values[row];
    case 'boolean':
      return column.codes[row] < 0 ? null : column.categories[column.codes[row]] === 'true';
    case 'categorical':
      return column.codes[row] < 0 ? null : column.categories[column.codes[row]];
    case 'identifier':
    case 'text':
      return column.values[row];
  }
}

/** DuckDB's JS value in the same plain terms (DATE and TIMESTAMP come back as UTC Dates). */
function duckCell(v: DuckValue): string | number | boolean | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function assertSameTable(ours: Table, duck: DuckRows, label: string): void {
  assert.deepEqual(
    ours.columns.map((c) => c.name),
    duck.names,
    `${label}: column names`,
  );
  assert.equal(ours.rowCount, duck.rows.length, `${label}: row count`);
  for (const column of ours.columns) {
    for (let i = 0; i < ours.rowCount; i++) {
      const want = duckCell(duck.rows[i][column.name]);
      const got = ourCell(column, i);
      // An integer key (a unique INTEGER named id) is read as an identifier: its text is DuckDB's number.
      const sameKey = column.kind === 'identifier' && typeof want === 'number' && got === String(want);
      if (got !== want && !sameKey) assert.fail(`${label}: column ${column.name} row ${i}: ours ${String(got)}, DuckDB ${String(want)}`);
    }
  }
}

const kindsOf = (t: Table): Record<string, string> => Object.fromEntries(t.columns.map((c) => [c.name, c.kind]));

// Every value is written here as a SQL literal, so what DuckDB stores is fixed by this text, not
// by our code; NULLs sit in every column, at the first row, the last row and inside.
const LITERAL_ROWS = `
  SELECT * FROM (VALUES
    (NULL::INTEGER, 1::BIGINT, 0.5::DOUBLE, 'alpha', DATE '1969-12-31', TIMESTAMP '2020-02-29 23:59:59.125', true),
    (-7, 9007199254740991, -1.25e-300, 'beta', DATE '2000-02-29', NULL, false),
    (2147483647, -9007199254740991, NULL, NULL, DATE '1900-01-01', TIMESTAMP '1970-01-01 00:00:00', NULL),
    (0, NULL, 1e300, 'alpha', NULL, TIMESTAMP '1999-12-31 12:00:00.5', true),
    (-2147483648, 42, 3.141592653589793, 'gamma é ü', DATE '2262-04-11', TIMESTAMP '2038-01-19 03:14:08', false),
    (12, 0, -0.0, 'beta', DATE '2024-01-15', TIMESTAMP '2024-01-15 08:30:00', NULL)
  ) AS t(i32, i64, f64, label, day, stamp, flag)`;

describe('Parquet cross-check with DuckDB', () => {
  let duck: { query: Query; version: string } | string;
  let dir = '';
  before(async () => {
    duck = await openDuckdb();
    dir = mkdtempSync(join(tmpdir(), 'medsynth-duckdb-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const withDuck = (t: { skip: (message: string) => void }): Query | undefined => {
    if (typeof duck === 'string') {
      t.skip(duck);
      return undefined;
    }
    return duck.query;
  };

  for (const [label, options] of [
    ['snappy, data page v1', 'COMPRESSION snappy'],
    ['uncompressed, data page v2', 'COMPRESSION uncompressed, PARQUET_VERSION v2'],
    ['snappy, no dictionary', 'COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 1'],
  ] as const) {
    it(`reads what DuckDB writes (${label}): ints, bigints, doubles, strings, dates, timestamps, booleans, nulls`, async (t) => {
      const query = withDuck(t);
      if (!query) return;
      const file = join(dir, `literals-${label.replace(/\W+/g, '-')}.parquet`);
      await query(`COPY (${LITERAL_ROWS}) TO '${file}' (FORMAT parquet, ${options})`);
      const table = await parseTable(readFileSync(file), { fileName: 'duck.parquet' });
      assertSameTable(table, await query(`SELECT * FROM read_parquet('${file}')`), label);
      // The kinds follow the Parquet types, not a guess from the first rows.
      assert.deepEqual(kindsOf(table), {
        i32: 'numeric',
        i64: 'numeric',
        f64: 'numeric',
        label: 'categorical',
        day: 'datetime',
        stamp: 'datetime',
        flag: 'boolean',
      });
      const day = table.columns[4];
      assert.ok(day.kind === 'datetime' && day.precision === 'date', 'a DATE column keeps date precision');
      // Hand-computed anchors, independent of both readers: 1969-12-31 is day -1 of the epoch.
      assert.equal(ourCell(day, 0), -86_400_000);
      assert.equal(ourCell(table.columns[5], 0), Date.UTC(2020, 1, 29, 23, 59, 59, 125));
    });
  }

  it('reads a DuckDB file of several row groups row for row', async (t) => {
    const query = withDuck(t);
    if (!query) return;
    const file = join(dir, 'groups.parquet');
    const rows = `SELECT i::INTEGER AS id, (i * 0.37 - 100)::DOUBLE AS x, CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || (i % 5) END AS grade,
      DATE '2001-01-01' + (i % 4000)::INTEGER AS visit, (i % 3 = 0) AS flagged FROM range(25000) r(i)`;
    await query(`COPY (${rows}) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    const groups = await query(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${file}')`);
    assert.ok(Number(groups.rows[0].n) > 1, 'the file has more than one row group');
    const table = await parseTable(readFileSync(file), { fileName: 'groups.parquet' });
    assertSameTable(table, await query(`SELECT * FROM read_parquet('${file}')`), 'row groups');
  });

  it('refuses a DuckDB file compressed with a codec we do not decode, with a typed error', async (t) => {
    const query = withDuck(t);
    if (!query) return;
    const file = join(dir, 'zstd.parquet');
    await query(`COPY (${LITERAL_ROWS}) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    await assert.rejects(
      parseTable(readFileSync(file), { fileName: 'zstd.parquet' }),
      (e: unknown) => isMedSynthError(e) && e.code === 'UNSUPPORTED' && /ZSTD/.test(e.message),
    );
  });

  for (const rel of ['test/fixtures/tables/clinical_mixed.csv', 'samples/workspace/patients.csv', 'test/fixtures/tables/diabetes.csv']) {
    it(`DuckDB reads what we write identically: ${rel}`, async (t) => {
      const query = withDuck(t);
      if (!query) return;
      const table = await parseTable(readFileSync(join(ROOT, rel)), { fileName: rel });
      const file = join(dir, `ours-${rel.replace(/\W+/g, '-')}.parquet`);
      writeFileSync(file, await serializeTable(table, 'parquet'));
      const duckRows = await query(`SELECT * FROM read_parquet('${file}')`);
      assertSameTable(table, duckRows, rel);
      // Each kind maps to the Parquet type the writer documents, as DuckDB sees it.
      const expected = table.columns.map((c) => {
        if (c.kind === 'numeric')
          return c.integer && c.values.every((v) => Number.isNaN(v) || Math.abs(v) <= 2 ** 31 - 1) ? 'INTEGER' : 'DOUBLE';
        if (c.kind === 'datetime') return c.precision === 'date' ? 'DATE' : 'TIMESTAMP';
        if (c.kind === 'boolean') return 'BOOLEAN';
        return 'VARCHAR';
      });
      assert.deepEqual(duckRows.types, expected, `${rel}: DuckDB's column types`);
    });
  }
});
