// The streaming writer: serializeTableChunks must give exactly the bytes of the straightforward
// writer it replaced (kept below as the reference: one string per row, quoted by regular expression,
// JSON.stringify per row object), on tables with every awkward value: quotes, delimiters, leading
// spaces, non-ASCII, missing values, infinities, -0, integer-like and repeated column names. Its
// chunks concatenate to serializeTable's output, `header: false` leaves out only the header line,
// and an abort stops it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column, Table } from '../../../src/core/data/table/table';
import { formatDatetime, formatNumber } from '../../../src/core/data/table/cellValues';
import { cellText, serializeTable, serializeTableChunks } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';

/** The writer as it was before streaming: the reference for the bytes. */
function referenceText(table: Table, format: 'csv' | 'tsv' | 'jsonl'): string {
  const lines: string[] = [];
  if (format === 'jsonl') {
    for (let r = 0; r < table.rowCount; r++) {
      const row: Record<string, unknown> = {};
      for (const c of table.columns) row[c.name] = jsonValue(c, r);
      lines.push(JSON.stringify(row));
    }
  } else {
    const d = format === 'csv' ? ',' : '\t';
    const special = format === 'csv' ? /[",\r\n]|^\s|\s$/ : /["\t\r\n]|^\s|\s$/;
    const quote = (s: string): string => (special.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    lines.push(table.columns.map((c) => quote(c.name)).join(d));
    for (let r = 0; r < table.rowCount; r++) lines.push(table.columns.map((c) => quote(cellText(c, r))).join(d));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function jsonValue(column: Column, row: number): unknown {
  switch (column.kind) {
    case 'numeric': {
      const v = column.values[row];
      return Number.isNaN(v) ? null : Number.isFinite(v) ? v : formatNumber(v);
    }
    case 'datetime':
      return Number.isNaN(column.values[row]) ? null : formatDatetime(column.values[row], column.precision);
    case 'boolean':
      return column.codes[row] < 0 ? null : column.codes[row] === 1;
    case 'categorical':
      return column.codes[row] < 0 ? null : column.categories[column.codes[row]];
    case 'identifier':
    case 'text':
      return column.values[row];
  }
}

const AWKWARD: Table = {
  rowCount: 6,
  columns: [
    { kind: 'numeric', name: 'x', values: Float64Array.from([1.5, NaN, Infinity, -Infinity, -0, 1e21]), integer: false },
    { kind: 'numeric', name: '7', values: Float64Array.from([1, 2, 3, 4, 5, 6]), integer: true },
    { kind: 'datetime', name: 'd', values: Float64Array.from([0, NaN, 86_400_000, 0, 1.5e12, -1e11]), precision: 'date' },
    { kind: 'datetime', name: 'ts', values: Float64Array.from([1.5e12 + 5, NaN, 0, 1, 2, 3]), precision: 'datetime' },
    { kind: 'categorical', name: 'cat, "q"', codes: Int32Array.from([0, 1, 2, -1, 3, 0]), categories: ['a', 'b,c', ' lead', 'é"x'] },
    { kind: 'boolean', name: 'ok', codes: Int32Array.from([1, 0, -1, 1, 0, 1]), categories: ['false', 'true'] },
    { kind: 'text', name: 'note', values: ['plain', null, 'tab\there', 'line\nbreak', '', 'ünï "cödé"'] },
    { kind: 'identifier', name: 'x', values: ['P1', 'P2', null, 'P4', 'P5', 'P6'] },
  ],
};

async function concat(chunks: AsyncIterable<Uint8Array>): Promise<{ text: string; count: number }> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return { text: Buffer.concat(parts).toString('utf8'), count: parts.length };
}

function bigTable(rows: number): Table {
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) values[i] = i / 7;
  return {
    rowCount: rows,
    columns: [
      { kind: 'numeric', name: 'v', values, integer: false },
      { kind: 'categorical', name: 'c', codes: Int32Array.from({ length: rows }, (_, i) => i % 3), categories: ['lo', 'mid', 'hi'] },
    ],
  };
}

describe('serializeTableChunks', () => {
  for (const format of ['csv', 'tsv', 'jsonl'] as const) {
    it(`${format}: the same bytes as the reference writer on awkward values`, async () => {
      const expected = referenceText(AWKWARD, format);
      assert.equal(new TextDecoder().decode(await serializeTable(AWKWARD, format)), expected);
      assert.equal((await concat(serializeTableChunks(AWKWARD, format))).text, expected);
    });
  }

  it('empty tables: a CSV header only, an empty JSON Lines file', async () => {
    const empty: Table = { rowCount: 0, columns: AWKWARD.columns.map((c) => ({ ...c })) };
    assert.equal(new TextDecoder().decode(await serializeTable(empty, 'csv')), referenceText(empty, 'csv'));
    assert.equal((await serializeTable(empty, 'jsonl')).length, 0);
  });

  it('a large table comes in several chunks that concatenate to the reference bytes', async () => {
    const table = bigTable(400_000);
    const { text, count } = await concat(serializeTableChunks(table, 'csv'));
    assert.ok(count > 1, `${count} chunk(s)`);
    assert.equal(text, referenceText(table, 'csv'));
  });

  it('header: false leaves out exactly the header line; Parquet cannot be written in parts', async () => {
    const full = (await concat(serializeTableChunks(AWKWARD, 'tsv'))).text;
    const rest = (await concat(serializeTableChunks(AWKWARD, 'tsv', { header: false }))).text;
    assert.equal(rest, full.slice(full.indexOf('\n') + 1));
    await assert.rejects(
      concat(serializeTableChunks(AWKWARD, 'parquet', { header: false })),
      (e: unknown) => isMedSynthError(e) && e.code === 'BAD_USAGE',
    );
  });

  it('an aborted signal stops the writer with CANCELLED', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      concat(serializeTableChunks(bigTable(10), 'csv', { signal: controller.signal })),
      (e: unknown) => isMedSynthError(e) && e.code === 'CANCELLED',
    );
  });
});
