// Reads JSON Lines (one JSON object per line) from a byte stream into a RawTable. Columns are the
// union of the objects' keys in first-seen order; a key absent from a line is a missing cell. Values
// become cell text so the same inference rules apply as for CSV: numbers and booleans print in JSON
// form, null is missing, nested objects and arrays keep their JSON text.

import type { RawTable } from './rawTable';
import { badInput, throwIfAborted } from '../errors';
import { normalizeHeader, rowLimitError } from './rawTable';
import { Utf8ChunkDecoder } from './textDecoding';

export interface JsonLinesOptions {
  readonly fileName?: string;
  readonly maxRows?: number;
  readonly signal?: AbortSignal;
}

export async function readJsonLines(chunks: AsyncIterable<Uint8Array>, opts: JsonLinesOptions): Promise<RawTable> {
  const { fileName, maxRows, signal } = opts;
  const decoder = new Utf8ChunkDecoder(fileName);
  const index = new Map<string, number>();
  const names: string[] = [];
  const cells: string[][] = [];
  const lines: number[] = [];
  let rows = 0;
  let lineNo = 0;
  let carry = '';

  const onLine = (text: string): void => {
    lineNo++;
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
    if (maxRows !== undefined && rows >= maxRows) throw rowLimitError(maxRows, fileName);
    for (const [key, v] of Object.entries(value)) {
      let j = index.get(key);
      if (j === undefined) {
        j = names.length;
        index.set(key, j);
        names.push(key);
        cells.push(new Array<string>(rows).fill(''));
      }
      cells[j].push(cellText(v));
    }
    rows++;
    for (const column of cells) if (column.length < rows) column.push('');
    lines.push(lineNo);
  };

  for await (const chunk of chunks) {
    throwIfAborted(signal);
    const text = carry + decoder.decode(chunk);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      onLine(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry !== '') onLine(carry);
  if (rows === 0) {
    throw badInput('the file is empty: it holds no JSON object', { file: fileName, expected: 'one JSON object per line' });
  }
  return { names: normalizeHeader(names, fileName), cells, lines, rowCount: rows };
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
