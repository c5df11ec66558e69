// Refusing a table over its caps before parsing it. Parsing a 437 MB CSV up to a 50-million-cell
// cap takes seconds and gigabytes (every cell becomes a string) only to fail; counting its lines
// with native byte searches takes a fraction of a second and no memory. The count is a floor, never
// an estimate: only lines that are certainly records are counted, so a refusal is proven and a file
// within the caps is never refused by it (the parser's own counting still applies afterwards).

import type { TableLimitOptions } from '../limits';
import { DEFAULT_MAX_CELLS, limitError } from '../limits';

const LF = 0x0a;
const QUOTE = 0x22;

const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Counts the lines of a byte stream that are certainly records. A line counts when it ends in LF
 * outside quotes and starts with neither a blank, a line end nor the first byte of a comment
 * prefix. For delimited text, quotes follow the tokenizer's rule: a quote opens a quoted field only
 * at a field's start (after the delimiter, a blank in the whitespace dialect, or a line end), `""`
 * inside one is an escaped quote, and line ends inside one end no record. A line that may be a
 * comment is skipped whole by the tokenizer, so a quote on one stops the count (the lines before it
 * stay counted). JSON Lines cannot hold a raw line end inside a value, so quotes are not looked at
 * there. ASCII bytes mean the same in UTF-8 and Windows-1252, so no decoding is needed.
 */
export class RecordFloor {
  private count = 0;
  private atLineStart = true;
  /** The current line certainly is a record (when it ends outside quotes). */
  private lineCounts = false;
  /** The current line starts like a comment. */
  private lineMayBeComment = false;
  private inQuotes = false;
  /** Inside quotes, the chunk ended on a quote: closing, or the first of an escaped pair. */
  private quoteAtEnd = false;
  private stopped = false;
  /** The byte before the current chunk, to tell whether a quote starts a field. */
  private previous = LF;
  /** The previous chunk ended on CR: the next must start with LF. */
  private crAtEnd = false;
  private first = true;
  private readonly commentStarts: Set<number>;

  /**
   * `delimiter`: the delimited text's separator byte, -1 for the whitespace dialect, or undefined
   * for JSON Lines.
   */
  constructor(
    private readonly delimiter: number | undefined,
    commentPrefixes: readonly string[] = ['#'],
  ) {
    this.commentStarts = new Set(commentPrefixes.filter((p) => p.length > 0).map((p) => p.charCodeAt(0) & 0xff));
  }

  /** Lines certainly holding a record so far (for delimited text the header is one of them). */
  get records(): number {
    return this.count;
  }

  /** False once the count stopped (a quote on a line that may be a comment): later chunks add nothing. */
  get counting(): boolean {
    return !this.stopped;
  }

  feed(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0 || this.stopped) return;
    if (!this.checkLineEnds(chunk)) {
      this.stopped = true;
      return;
    }
    if (this.first) {
      this.first = false;
      // The decoder drops a UTF-8 BOM, so a quote right after it starts the first field.
      if (chunk[0] === 0xef) {
        if (n < 3) {
          this.stopped = true;
          return;
        }
        if (chunk[1] === 0xbb && chunk[2] === 0xbf) {
          this.feedRest(chunk.subarray(3));
          return;
        }
      }
    }
    this.feedRest(chunk);
  }

  /**
   * A CR not followed by LF also ends a line for the tokenizer, and such a line may be a comment
   * the count cannot see: files with lone CRs are left to the parser.
   */
  private checkLineEnds(chunk: Uint8Array): boolean {
    if (this.crAtEnd && chunk[0] !== LF) return false;
    let k = chunk.indexOf(CR);
    while (k >= 0) {
      if (k + 1 === chunk.length) {
        this.crAtEnd = true;
        return true;
      }
      if (chunk[k + 1] !== LF) return false;
      k = chunk.indexOf(CR, k + 2);
    }
    this.crAtEnd = false;
    return true;
  }

  private feedRest(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    const quotes = this.delimiter !== undefined;
    let pos = 0;
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      if (chunk[0] === QUOTE) pos = 1;
      else this.inQuotes = false;
    }
    // Positions of the next quote and line feed, each searched once per occurrence.
    let nextQuote = -1;
    let nextLf = -1;
    while (pos < n) {
      if (quotes && nextQuote < pos) nextQuote = indexOrEnd(chunk, QUOTE, pos);
      if (this.inQuotes) {
        const q = nextQuote;
        if (q === n) break;
        if (q + 1 === n) {
          this.quoteAtEnd = true;
          break;
        }
        pos = chunk[q + 1] === QUOTE ? q + 2 : q + 1;
        if (chunk[q + 1] !== QUOTE) this.inQuotes = false;
        continue;
      }
      if (this.atLineStart) {
        const c = chunk[pos];
        this.lineMayBeComment = this.commentStarts.has(c);
        this.lineCounts = !this.lineMayBeComment && c !== LF && c !== CR && c !== SPACE && c !== TAB;
        this.atLineStart = false;
      }
      if (nextLf < pos) nextLf = indexOrEnd(chunk, LF, pos);
      if (quotes) {
        const q = this.openingQuote(chunk, nextQuote, nextLf);
        if (q < nextLf) {
          if (this.lineMayBeComment) {
            this.stopped = true;
            return;
          }
          this.inQuotes = true;
          pos = q + 1;
          continue;
        }
        nextQuote = q;
      }
      if (nextLf === n) break;
      if (this.lineCounts) this.count++;
      this.atLineStart = true;
      pos = nextLf + 1;
    }
    this.previous = chunk[n - 1];
  }

  /** The first quote at or after `from` (a quote position) and before `to` that starts a field, else the next quote. */
  private openingQuote(chunk: Uint8Array, from: number, to: number): number {
    let q = from;
    while (q < to) {
      const before = q > 0 ? chunk[q - 1] : this.previous;
      if (before === LF || before === CR || before === this.delimiter || (this.delimiter === -1 && (before === SPACE || before === TAB)))
        return q;
      q = indexOrEnd(chunk, QUOTE, q + 1);
    }
    return q;
  }
}

function indexOrEnd(b: Uint8Array, byte: number, from: number): number {
  const k = b.indexOf(byte, from);
  return k < 0 ? b.length : k;
}

/**
 * Whether a file of `bytes` bytes with `columns` columns could pass a cap at all: a record takes at
 * least two bytes (a character and its line end), and short rows are padded to `columns` cells.
 */
export function couldPassCaps(bytes: number, columns: number, opts: TableLimitOptions): boolean {
  const rows = Math.ceil(bytes / 2);
  const maxCells = opts.maxCells ?? DEFAULT_MAX_CELLS;
  return (opts.maxRows !== undefined && rows > opts.maxRows) || rows * Math.max(columns, 1) > maxCells;
}

/**
 * LIMIT_EXCEEDED when `dataRows` (a floor) rows of `columns` columns already pass maxRows or
 * maxCells: the same error the parser would raise. `shareRead` (bytes counted / file size) scales
 * the count up for the hint, which then suggests a cap that fits the whole file.
 */
export function checkRowFloor(dataRows: number, columns: number, opts: TableLimitOptions, fileName?: string, shareRead = 1): void {
  if (opts.headRows !== undefined) return;
  const scale = (n: number): number => roundUp(n / Math.max(shareRead, 1e-9));
  const { maxRows } = opts;
  if (maxRows !== undefined && dataRows > maxRows) throw limitError('maxRows', maxRows, 'rows', fileName, scale(dataRows));
  const maxCells = opts.maxCells ?? DEFAULT_MAX_CELLS;
  if (dataRows * columns > maxCells) throw limitError('maxCells', maxCells, 'cells (rows x columns)', fileName, scale(dataRows * columns));
}

/** Up to two significant digits, rounded up: 71_234_567 -> 72_000_000. */
function roundUp(n: number): number {
  if (n < 100) return Math.ceil(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / step) * step;
}
