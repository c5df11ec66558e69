// An RFC 4180 tokenizer that is fed decoded text in chunks of any size. All of its state (the
// partial field, whether it is inside quotes, the line it is on) survives between chunks, so a chunk
// may end anywhere: in a field, inside quotes, between a quote and its escaping twin, or between CR
// and LF. Records are handed to a callback with the physical line they started on, so that errors
// further along (ragged rows, unreadable values) can name the line a user sees in an editor.
// Two dialects beyond RFC 4180: 'whitespace' separates fields by runs of blanks (leading and
// trailing blanks on a line make no field), and a comment prefix skips lines that start with it,
// either anywhere or only before the header.

import { badInput } from '../../errors';
import { MAX_FIELD_CHARS, fieldTooLong, limitError } from '../limits';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: either the closing quote or the first of an escaped pair. */
  QuoteInQuoted,
  /** A CR just ended a record; a following LF belongs to it. */
  AfterCr,
  /** Whitespace dialect: blanks after a field; the next field or the line end follows. */
  Blank,
  /** Inside a comment line, up to its line end. */
  Comment,
}

/** Receives each record; `fields` is reused afterwards, so a sink must copy what it keeps. */
export type RecordSink = (fields: string[], line: number) => void;

/** The delimiter value that means runs of spaces and tabs. */
export const WHITESPACE = 'whitespace';

export interface TokenizerOptions {
  /** One character, or WHITESPACE. */
  readonly delimiter: string;
  readonly onRecord: RecordSink;
  readonly fileName?: string;
  /** More fields than this in one record is LIMIT_EXCEEDED (the reader passes its column cap). */
  readonly maxFields?: number;
  /** Lines starting with this prefix are skipped. */
  readonly comment?: string;
  /** 'leading': only comment lines before the first record are skipped (detected '#' lines). */
  readonly commentScope?: 'leading' | 'all';
  /** Told the line of each comment line skipped. */
  readonly onComment?: (line: number) => void;
}

export class CsvTokenizer {
  private state: State = State.FieldStart;
  private field = '';
  private readonly fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** Blank lines (no character at all between line ends) are skipped, as pandas does. */
  private recordHasContent = false;
  /** Set by stop(): the sink has what it needs (headRows), so the rest of the text is ignored. */
  private stopped = false;
  private readonly delimiter: number;
  private readonly whitespace: boolean;
  private readonly onRecord: RecordSink;
  private readonly fileName: string | undefined;
  private readonly maxFields: number;
  private comment: string | undefined;
  private readonly leadingOnly: boolean;
  /** The start of a chunk's last line that may be a comment prefix cut in two; scanned with the next chunk. */
  private carry = '';

  constructor(private readonly opts: TokenizerOptions) {
    this.whitespace = opts.delimiter === WHITESPACE;
    this.delimiter = this.whitespace ? -1 : opts.delimiter.charCodeAt(0);
    this.onRecord = opts.onRecord;
    this.fileName = opts.fileName;
    this.maxFields = opts.maxFields ?? Infinity;
    this.comment = opts.comment === '' ? undefined : opts.comment;
    this.leadingOnly = opts.commentScope === 'leading';
  }

  feed(text: string): void {
    if (this.carry !== '') {
      text = this.carry + text;
      this.carry = '';
    }
    this.scan(text, false);
    // A record only grows across chunks, so checking at a chunk's end bounds the fields kept.
    if (this.fields.length > this.maxFields) {
      throw limitError('maxColumns', this.maxFields, 'columns', this.fileName);
    }
  }

  private scan(text: string, final: boolean): void {
    const n = text.length;
    const delim = this.delimiter;
    const ws = this.whitespace;
    const delimChar = ws ? ' ' : String.fromCharCode(delim);
    let nextDelim = -1;
    let nextTab = ws ? -1 : n;
    let nextLf = -1;
    let nextCr = -1;
    let i = 0;
    while (i < n && !this.stopped) {
      switch (this.state) {
        case State.AfterCr: {
          if (text.charCodeAt(i) === LF) i++;
          this.state = State.FieldStart;
          break;
        }
        case State.Comment: {
          const lf = text.indexOf('\n', i);
          const cr = text.indexOf('\r', i);
          const j = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
          if (j < 0) return;
          this.opts.onComment?.(this.line);
          this.endRecord();
          this.state = text.charCodeAt(j) === CR ? State.AfterCr : State.FieldStart;
          i = j + 1;
          break;
        }
        case State.Blank: {
          const c = text.charCodeAt(i);
          if (c === SPACE || c === TAB) {
            i++;
          } else if (c === LF || c === CR) {
            this.endRecord(true);
            this.state = c === CR ? State.AfterCr : State.FieldStart;
            i++;
          } else {
            this.state = State.FieldStart;
          }
          break;
        }
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          const lineStart = !this.recordHasContent && this.fields.length === 0;
          if (lineStart && this.comment !== undefined && c === this.comment.charCodeAt(0)) {
            const rest = n - i;
            if (rest < this.comment.length && !final && this.comment.startsWith(text.slice(i))) {
              this.carry = text.slice(i);
              return;
            }
            if (text.startsWith(this.comment, i)) {
              this.state = State.Comment;
              i += this.comment.length;
              break;
            }
          }
          if (ws && (c === SPACE || c === TAB)) {
            // Blanks before a line's first field make no field.
            i++;
          } else if (c === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            this.recordHasContent = true;
            i++;
          } else if (c === delim) {
            this.fields.push('');
            this.recordHasContent = true;
            i++;
          } else if (c === LF || c === CR) {
            this.endRecord();
            this.state = c === CR ? State.AfterCr : State.FieldStart;
            i++;
          } else {
            this.state = State.Unquoted;
            this.recordHasContent = true;
          }
          break;
        }
        case State.Unquoted: {
          // Find the end of the field with native searches; the positions of the next delimiter
          // and line ends are cached so that each is searched for once per occurrence.
          if (nextDelim < i) nextDelim = indexOrEnd(text, delimChar, i);
          if (nextTab < i) nextTab = indexOrEnd(text, '\t', i);
          if (nextLf < i) nextLf = indexOrEnd(text, '\n', i);
          if (nextCr < i) nextCr = indexOrEnd(text, '\r', i);
          const sep = nextDelim < nextTab ? nextDelim : nextTab;
          const j = sep < nextLf ? (sep < nextCr ? sep : nextCr) : nextLf < nextCr ? nextLf : nextCr;
          this.field += text.slice(i, j);
          if (j === n) {
            this.checkFieldLength();
            return;
          }
          this.fields.push(this.field);
          this.field = '';
          const c = text.charCodeAt(j);
          if (c === delim) {
            this.state = State.FieldStart;
            this.recordHasContent = true;
          } else if (ws && (c === SPACE || c === TAB)) {
            this.state = State.Blank;
            this.recordHasContent = true;
          } else {
            this.endRecord(true);
            this.state = c === CR ? State.AfterCr : State.FieldStart;
          }
          i = j + 1;
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          this.countLines(text, i, end);
          this.field += text.slice(i, end);
          if (q < 0) {
            this.checkFieldLength();
            return;
          }
          this.state = State.QuoteInQuoted;
          i = q + 1;
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else if (c === delim || (ws && (c === SPACE || c === TAB))) {
            this.fields.push(this.field);
            this.field = '';
            this.state = c === delim ? State.FieldStart : State.Blank;
            i++;
          } else if (c === LF || c === CR) {
            this.fields.push(this.field);
            this.field = '';
            this.endRecord(true);
            this.state = c === CR ? State.AfterCr : State.FieldStart;
            i++;
          } else {
            throw badInput(`unexpected character ${JSON.stringify(text[i])} after a closing quote`, {
              file: this.fileName,
              line: this.line,
              expected: `the delimiter or a line end after a quoted field; a quote inside quotes is written ""${ws ? '' : ', or pass --delimiter if the file uses another one'}`,
            });
          }
          break;
        }
      }
    }
  }

  /** Ignores all further text: the sink has read as many records as it wants. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * A field only grows across chunks, so its length is checked at a chunk's end: a file with no
   * delimiter or line end (or an unclosed quote) must not grow one string past V8's limit.
   */
  private checkFieldLength(): void {
    if (this.field.length > MAX_FIELD_CHARS) throw fieldTooLong(this.fileName, this.recordLine, 'a field');
  }

  /** Flushes the last record; a file need not end with a line break. */
  end(): void {
    if (this.carry !== '') {
      const rest = this.carry;
      this.carry = '';
      this.scan(rest, true);
    }
    switch (this.state) {
      case State.Quoted:
        throw badInput('unterminated quoted field: the file ends inside quotes', {
          file: this.fileName,
          line: this.quoteLine,
          expected: 'a closing quote',
        });
      case State.QuoteInQuoted:
      case State.Unquoted:
        this.fields.push(this.field);
        this.field = '';
        this.endRecord(true);
        break;
      case State.FieldStart:
        if (this.recordHasContent) this.endRecord();
        break;
      case State.Blank:
        this.endRecord(true);
        break;
      case State.Comment:
        this.opts.onComment?.(this.line);
        break;
      case State.AfterCr:
        break;
    }
    this.state = State.FieldStart;
  }

  /** The line the tokenizer is on now (1-based); used in messages about the end of the input. */
  get currentLine(): number {
    return this.line;
  }

  private endRecord(fieldPushed = false): void {
    if (this.recordHasContent || fieldPushed) {
      // A record that ends right after a delimiter has one more, empty field.
      if (!fieldPushed) this.fields.push('');
      this.onRecord(this.fields, this.recordLine);
      // Detected comment lines are only those before the header.
      if (this.leadingOnly) this.comment = undefined;
      // The array is reused for the next record (sinks copy what they keep): one allocation fewer
      // per row matters at millions of rows.
      this.fields.length = 0;
    }
    this.recordHasContent = false;
    this.line++;
    this.recordLine = this.line;
  }

  private countLines(text: string, from: number, to: number): void {
    let k = text.indexOf('\n', from);
    while (k >= 0 && k < to) {
      this.line++;
      k = text.indexOf('\n', k + 1);
    }
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const k = text.indexOf(search, from);
  return k < 0 ? text.length : k;
}
