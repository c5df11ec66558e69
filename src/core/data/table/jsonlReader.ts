// Reads JSON Lines (one JSON object per line) from a byte stream into a RawTable. Columns are the
// union of the objects' keys in first-seen order; a key absent from a line is a missing cell. Values
// become cell text so the same inference rules apply as for CSV: numbers and booleans print in JSON
// form, null is missing, nested objects and arrays keep their JSON text.
//
// Hostile input is bounded: lines and nesting depth have caps, and columns are padded lazily (a
// column is filled up to the current row only when it gets a value, and once at the end), so a file
// whose every line adds a new key costs the cells it holds until the maxCells cap stops it.

import type { RawTable } from './rawTable';
import type { TableLimitOptions } from '../limits';
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { MAX_FIELD_CHARS, MAX_JSON_DEPTH, RowBudget, fieldTooLong } from '../limits';
import { normalizeHeader } from './rawTable';
import { Utf8ChunkDecoder } from './textDecoding';

/** Left-out cells allowed before the per-byte bound applies, and left-out cells per byte read. */
const MAX_ABSENT_CELLS_FLOOR = 1_000_000;
const MAX_ABSENT_CELLS_PER_BYTE = 16;

export interface JsonLinesOptions extends TableLimitOptions {
  readonly fileName?: string;
  readonly signal?: AbortSignal;
}

export async function readJsonLines(chunks: AsyncIterable<Uint8Array>, opts: JsonLinesOptions): Promise<RawTable> {
  const { fileName, signal } = opts;
  const budget = new RowBudget(opts, fileName);
  const decoder = new Utf8ChunkDecoder(fileName);
  const index = new Map<string, number>();
  const names: string[] = [];
  const cells: string[][] = [];
  const lines: number[] = [];
  let lineNo = 0;
  let carry = '';
  let present = 0;

  const onLine = (text: string): void => {
    lineNo++;
    if (text.length > MAX_FIELD_CHARS) throw fieldTooLong(fileName, lineNo, 'a line');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw badInput(`line is not valid JSON (${e instanceof Error ? e.message : String(e)})`, {
        file: fileName,
        line: lineNo,
        expected: 'one JSON object per line',
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw badInput(`line holds ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object`, {
        file: fileName,
        line: lineNo,
        expected: 'one JSON object per line, e.g. {"age": 61, "sex": "F"}',
      });
    }
    const row = budget.rows;
    if (!budget.admitRow()) return;
    for (const [key, v] of Object.entries(value)) {
      let j = index.get(key);
      if (j === undefined) {
        j = names.length;
        index.set(key, j);
        names.push(key);
        cells.push([]);
        budget.setColumns(names.length);
      }
      const column = cells[j];
      if (column.length < row) padTo(column, row);
      // A key repeated within one line keeps its last value, as JSON.parse does.
      column[row] = cellText(v, fileName, lineNo);
    }
    present += Object.keys(value).length;
    // Absent keys cost a cell each once padded: bound them by the bytes read so far, so a small
    // file whose every line adds a new key cannot decode to gigabytes of empty cells.
    const absent = budget.rows * names.length - present;
    if (absent > MAX_ABSENT_CELLS_FLOOR + MAX_ABSENT_CELLS_PER_BYTE * decoder.bytesRead) {
      throw new MedSynthError(
        'LIMIT_EXCEEDED',
        `the lines leave out ${absent} cells (keys missing from a line) in ${decoder.bytesRead} bytes`,
        {
          file: fileName,
          line: lineNo,
          expected: `lines sharing their keys: at most ${MAX_ABSENT_CELLS_PER_BYTE} left-out cells per byte of the file`,
        },
      );
    }
    lines.push(lineNo);
  };

  for await (const chunk of chunks) {
    throwIfAborted(signal);
    if (budget.full) break;
    // Only the new text is searched for line ends, so a very long line is scanned once, not once per chunk.
    const text = decoder.decode(chunk);
    let nl = text.indexOf('\n');
    if (nl < 0) {
      carry += text;
    } else {
      onLine(carry + text.slice(0, nl));
      let start = nl + 1;
      nl = text.indexOf('\n', start);
      while (nl >= 0 && !budget.full) {
        onLine(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      carry = text.slice(start);
    }
    if (carry.length > MAX_FIELD_CHARS) throw fieldTooLong(fileName, lineNo + 1, 'a line');
  }
  if (!budget.full) {
    carry += decoder.end();
    if (carry !== '') onLine(carry);
  }
  const rows = budget.rows;
  if (rows === 0) {
    throw badInput('the file is empty: it holds no JSON object', { file: fileName, expected: 'one JSON object per line' });
  }
  for (const column of cells) if (column.length < rows) padTo(column, rows);
  return { names: normalizeHeader(names, fileName), cells, lines, rowCount: rows };
}

/** Fills a column with empty (missing) cells up to `rows`, natively rather than one push at a time. */
function padTo(column: string[], rows: number): void {
  for (let i = column.length; i < rows; i++) column.push('');
}

function cellText(v: unknown, fileName: string | undefined, line: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // JSON.stringify recurses natively: a value nested a million deep would overflow the stack.
  if (jsonDepth(v, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new MedSynthError('LIMIT_EXCEEDED', `a value is nested more than ${MAX_JSON_DEPTH} levels deep`, {
      file: fileName,
      line,
      expected: `objects and arrays nested at most ${MAX_JSON_DEPTH} levels deep`,
    });
  }
  return JSON.stringify(v);
}

/**
 * The nesting depth of a parsed JSON value (a scalar is 0), computed without recursion and
 * stopping as soon as it passes `limit`, so measuring a hostile value costs at most its size.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    const d = depth + 1;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d]);
  }
  return deepest;
}
