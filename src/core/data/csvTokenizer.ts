// An RFC 4180 tokenizer that is fed decoded text in chunks of any size. All of its state (the
// partial field, whether it is inside quotes, the line it is on) survives between chunks, so a chunk
// may end anywhere: in a field, inside quotes, between a quote and its escaping twin, or between CR
// and LF. Records are handed to a callback with the physical line they started on, so that errors
// further along (ragged rows, unreadable values) can name the line a user sees in an editor.

import { badInput } from '../errors';
import { MAX_FIELD_CHARS, fieldTooLong, limitError } from './limits';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: either the closing quote or the first of an escaped pair. */
  QuoteInQuoted,
  /** A CR just ended a record; a following LF belongs to it. */
  AfterCr,
}

/** Receives each record; `fields` is reused afterwards, so a sink must copy what it keeps. */
export type RecordSink = (fields: string[], line: number) => void;

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

  constructor(
    private readonly delimiter: number,
    private readonly onRecord: RecordSink,
    private readonly fileName?: string,
    /** More fields than this in one record is LIMIT_EXCEEDED (the reader passes its column cap). */
    private readonly maxFields: number = Infinity,
  ) {}

  feed(text: string): void {
    this.scan(text);
    // A record only grows across chunks, so checking at a chunk's end bounds the fields kept.
    if (this.fields.length > this.maxFields) {
      throw limitError('maxColumns', this.maxFields, 'columns', this.fileName);
    }
  }

  private scan(text: string): void {
    const n = text.length;
    const delim = this.delimiter;
    const delimChar = String.fromCharCode(delim);
    let nextDelim = -1;
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
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
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
          if (nextLf < i) nextLf = indexOrEnd(text, '\n', i);
          if (nextCr < i) nextCr = indexOrEnd(text, '\r', i);
          const j = nextDelim < nextLf ? (nextDelim < nextCr ? nextDelim : nextCr) : nextLf < nextCr ? nextLf : nextCr;
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
          } else if (c === delim) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
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
              expected: 'the delimiter or a line end after a quoted field; a quote inside quotes is written ""',
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
