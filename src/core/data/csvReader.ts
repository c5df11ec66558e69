// Reads delimited text (CSV, TSV, semicolon or pipe separated) from a byte stream into a RawTable.
// The first row is the header. The delimiter is sniffed from the first 64 KiB unless the caller
// fixes it; every later row must have as many fields as the header.

import type { RawTable } from './rawTable';
import type { TableLimitOptions } from './limits';
import { badInput, throwIfAborted } from '../errors';
import { CsvTokenizer } from './csvTokenizer';
import { RowBudget } from './limits';
import { normalizeHeader } from './rawTable';
import { Utf8ChunkDecoder } from './textDecoding';

export const SNIFFED_DELIMITERS: readonly string[] = [',', '\t', ';', '|'];

const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 50;

export interface DelimitedOptions extends TableLimitOptions {
  readonly fileName?: string;
  /** A fixed delimiter; when absent it is sniffed among SNIFFED_DELIMITERS. */
  readonly delimiter?: string;
  readonly signal?: AbortSignal;
}

export interface DelimitedTable extends RawTable {
  readonly delimiter: string;
}

export async function readDelimited(chunks: AsyncIterable<Uint8Array>, opts: DelimitedOptions): Promise<DelimitedTable> {
  const { fileName, signal } = opts;
  const budget = new RowBudget(opts, fileName);
  const decoder = new Utf8ChunkDecoder(fileName);
  let names: string[] | undefined;
  let headerLine = 1;
  let cells: string[][] = [];
  const lines: number[] = [];
  let rows = 0;

  const onRecord = (fields: string[], line: number): void => {
    if (names === undefined) {
      budget.setColumns(fields.length);
      names = normalizeHeader(fields, fileName, line);
      headerLine = line;
      cells = names.map(() => []);
      return;
    }
    if (fields.length !== names.length) {
      throw badInput(`row has ${fields.length} field${fields.length === 1 ? '' : 's'}, but the header (line ${headerLine}) has ${names.length}`, {
        file: fileName,
        line,
        expected: `${names.length} fields; quote fields that contain the delimiter`,
      });
    }
    if (!budget.admitRow()) {
      tokenizer?.stop();
      return;
    }
    for (let j = 0; j < fields.length; j++) cells[j].push(fields[j]);
    lines.push(line);
    rows++;
  };

  let tokenizer: CsvTokenizer | undefined;
  let delimiter = opts.delimiter;
  let pending = '';
  for await (const chunk of chunks) {
    throwIfAborted(signal);
    if (budget.full) break;
    const text = decoder.decode(chunk);
    if (tokenizer) {
      tokenizer.feed(text);
      continue;
    }
    pending += text;
    // A fixed delimiter needs no sample: tokenize at once (headRows can then stop early).
    if (pending.length >= SNIFF_BYTES || delimiter !== undefined) {
      delimiter ??= sniffDelimiter(pending, false);
      tokenizer = new CsvTokenizer(delimiter.charCodeAt(0), onRecord, fileName, budget.maxColumns);
      tokenizer.feed(pending);
      pending = '';
    }
  }
  // With headRows reached, the rest of the input (and a last character cut in two) is never decoded.
  if (!budget.full) pending += decoder.end();
  if (!tokenizer) {
    delimiter ??= sniffDelimiter(pending, true);
    tokenizer = new CsvTokenizer(delimiter.charCodeAt(0), onRecord, fileName, budget.maxColumns);
    tokenizer.feed(pending);
  }
  if (!budget.full) tokenizer.end();
  if (names === undefined) {
    throw badInput('the file is empty: there is no header row and no data', { file: fileName, expected: 'a header row and at least one data row' });
  }
  if (rows === 0) {
    throw badInput(`the file has a header row (${names.length} column${names.length === 1 ? '' : 's'}) but no data rows`, {
      file: fileName,
      line: headerLine,
      expected: 'at least one data row',
    });
  }
  return { names, cells, lines, delimiter: delimiter ?? ',' };
}

/**
 * Picks the candidate that splits every sampled line (outside quotes) into the same number of
 * fields, preferring the one giving the most fields; ties go to the earlier candidate (comma
 * first). Without a consistent candidate, the one most frequent in the header line wins.
 * `complete` says whether the sample is the whole input (else its last line may be cut off).
 */
export function sniffDelimiter(sample: string, complete: boolean, candidates: readonly string[] = SNIFFED_DELIMITERS): string {
  const codes = candidates.map((c) => c.charCodeAt(0));
  const counts: number[][] = [];
  let current = codes.map(() => 0);
  let inQuotes = false;
  let lineHasContent = false;
  for (let i = 0; i < sample.length && counts.length < SNIFF_LINES; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    if (inQuotes) continue;
    if (c === 0x0a || c === 0x0d) {
      if (lineHasContent) counts.push(current);
      current = codes.map(() => 0);
      lineHasContent = false;
      continue;
    }
    lineHasContent = true;
    const k = codes.indexOf(c);
    if (k >= 0) current[k]++;
  }
  if (lineHasContent && complete && counts.length < SNIFF_LINES) counts.push(current);
  if (counts.length === 0) return candidates[0];
  let best = -1;
  let bestFields = 0;
  for (let k = 0; k < codes.length; k++) {
    const header = counts[0][k];
    if (header === 0) continue;
    if (counts.every((line) => line[k] === header) && header > bestFields) {
      best = k;
      bestFields = header;
    }
  }
  if (best >= 0) return candidates[best];
  let most = 0;
  for (let k = 1; k < codes.length; k++) if (counts[0][k] > counts[0][most]) most = k;
  return candidates[most];
}
