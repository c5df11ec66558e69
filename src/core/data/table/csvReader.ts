// Reads delimited text (CSV, TSV, semicolon, pipe or whitespace separated) from a byte stream into a
// RawTable. The first row after any leading comment lines is the header. Unless the caller fixes
// them, the delimiter is sniffed from the first 64 KiB, leading '#' lines are taken as comments, and
// a file that is not UTF-8 is read as Windows-1252; each guess acted on becomes a note. Rows shorter
// than the header only lack trailing fields (spreadsheets and distro-info write them so) and are
// padded with empty cells; a longer row is an error naming its line and the flag that may fix it.

import type { RawTable } from './rawTable';
import type { TableLimitOptions } from '../limits';
import type { TableDialect } from './readSettings';
import { badInput, throwIfAborted } from '../../errors';
import { CsvTokenizer, WHITESPACE } from './csvTokenizer';
import { DETECTED_COMMENT, leadingComments, readDecimalCommas, sniffDelimiter } from './csvDialect';
import { RowBudget } from '../limits';
import { normalizeHeader } from './rawTable';
import { resolveDialect } from './readSettings';
import { TableTextDecoder } from './textDecoding';

export { SNIFFED_DELIMITERS, sniffDelimiter } from './csvDialect';

const SNIFF_BYTES = 64 * 1024;
/** Prefixes that often mark comment lines: a longer row starting with one gets a --comment hint. */
const COMMENT_LOOKS = ['#', '//', '%', ';'];

export interface DelimitedOptions extends TableLimitOptions, TableDialect {
  readonly fileName?: string;
  readonly signal?: AbortSignal;
}

export interface DelimitedTable extends RawTable {
  /** The delimiter used: one character, or 'whitespace'. */
  readonly delimiter: string;
  /** The encoding the text was read in. */
  readonly encoding: 'utf-8' | 'windows-1252';
  /** What the reader assumed or repaired, in words a user can act on (empty when nothing). */
  readonly notes: readonly string[];
}

export async function readDelimited(chunks: AsyncIterable<Uint8Array>, opts: DelimitedOptions): Promise<DelimitedTable> {
  const { fileName, signal } = opts;
  const dialect = resolveDialect(opts);
  const budget = new RowBudget(opts, fileName);
  const decoder = new TableTextDecoder(fileName, dialect.encoding);
  let names: string[] | undefined;
  let headerLine = 1;
  let cells: string[][] = [];
  const lines: number[] = [];
  let rows = 0;
  let shortRows = 0;
  let firstShortLine = 0;
  let delimiter = dialect.delimiter;
  let comments = 0;
  let firstComment = 0;

  const onRecord = (fields: string[], line: number): void => {
    if (names === undefined) {
      budget.setColumns(fields.length);
      names = normalizeHeader(fields, fileName, line);
      headerLine = line;
      cells = names.map(() => []);
      return;
    }
    if (fields.length > names.length) {
      const prefix = COMMENT_LOOKS.find((p) => fields[0].startsWith(p));
      throw badInput(`row has ${fields.length} fields, but the header (line ${headerLine}) has ${names.length}`, {
        file: fileName,
        line,
        expected:
          prefix !== undefined
            ? `${names.length} fields; pass --comment '${prefix}' if lines starting with '${prefix}' are comments`
            : `${names.length} fields; quote fields that contain the delimiter (${delimiterName(delimiter)}), or pass --delimiter if it is another one`,
      });
    }
    if (!budget.admitRow()) {
      tokenizer?.stop();
      return;
    }
    const n = fields.length;
    for (let j = 0; j < n; j++) cells[j].push(fields[j]);
    if (n < cells.length) {
      if (shortRows++ === 0) firstShortLine = line;
      for (let j = n; j < cells.length; j++) cells[j].push('');
    }
    lines.push(line);
    rows++;
  };
  const onComment = (line: number): void => {
    if (comments++ === 0) firstComment = line;
  };

  let tokenizer: CsvTokenizer | undefined;
  let detectedComment = false;
  let sniffed = false;
  let pending = '';
  const start = (complete: boolean): boolean => {
    let comment = dialect.comment;
    if (comment === undefined) {
      const leading = leadingComments(pending, complete, delimiter);
      if (leading.undecided && pending.length < SNIFF_BYTES) return false;
      if (leading.count > 0) comment = DETECTED_COMMENT;
      detectedComment = leading.count > 0;
    }
    if (delimiter === undefined) {
      if (!complete && pending.length < SNIFF_BYTES) return false;
      delimiter = sniffDelimiter(pending, complete, undefined, comment);
      sniffed = true;
    }
    tokenizer = new CsvTokenizer({
      delimiter,
      onRecord,
      fileName,
      maxFields: budget.maxColumns,
      comment,
      commentScope: detectedComment ? 'leading' : 'all',
      onComment,
    });
    tokenizer.feed(pending);
    pending = '';
    return true;
  };

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
    start(false);
  }
  // With headRows reached, the rest of the input (and a last character cut in two) is never decoded.
  if (!budget.full) pending += decoder.end();
  if (!tokenizer) start(true);
  const t = tokenizer as CsvTokenizer | undefined;
  if (t && !budget.full) t.end();
  if (names === undefined) {
    throw badInput('the file is empty: there is no header row and no data', {
      file: fileName,
      expected: 'a header row and at least one data row',
    });
  }
  if (rows === 0) {
    throw badInput(`the file has a header row (${names.length} column${names.length === 1 ? '' : 's'}) but no data rows`, {
      file: fileName,
      line: headerLine,
      expected: 'at least one data row',
    });
  }
  const used = delimiter ?? ',';
  const notes: string[] = [];
  if (decoder.assumed) notes.push(decoder.assumed);
  if (detectedComment && comments > 0) {
    notes.push(
      `skipped ${plural(comments, 'comment line')} starting with '${DETECTED_COMMENT}' before the header (line${comments === 1 ? ` ${firstComment}` : `s ${firstComment}-${firstComment + comments - 1}`}); pass --comment to choose the prefix`,
    );
  }
  if (sniffed && used === WHITESPACE) notes.push('fields are separated by blanks (sniffed); pass --delimiter to choose another delimiter');
  if (shortRows > 0) {
    notes.push(
      `${plural(shortRows, 'row')} had fewer fields than the header's ${names.length} (first on line ${firstShortLine}): the missing trailing fields read as empty`,
    );
  }
  if (used === ';') {
    const changed = readDecimalCommas(names, cells);
    if (changed.length > 0)
      notes.push(
        `read decimal commas (1,5 = 1.5) in ${changed.length === 1 ? 'column' : 'columns'} ${changed.map((c) => JSON.stringify(c)).join(', ')}`,
      );
  }
  return { names, cells, lines, delimiter: used, encoding: decoder.encoding, notes };
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function delimiterName(d: string | undefined): string {
  if (d === undefined) return "','";
  if (d === WHITESPACE) return 'runs of blanks';
  if (d === '\t') return 'tab';
  return `'${d}'`;
}
