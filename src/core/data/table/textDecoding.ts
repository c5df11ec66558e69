// Turns a byte stream into text chunk by chunk, refusing what is not text. A multi-byte character
// split across two chunks is carried over by the streaming TextDecoder; a NUL byte or an invalid
// sequence becomes a BAD_INPUT that names the byte offset, because a renamed binary file or a file
// silently read in the wrong encoding would poison every statistic computed from it. Delimited
// tables may also be Windows-1252 (what "Latin-1" exports from Excel and older hospital systems
// really are): TableTextDecoder assumes it for a file that is not UTF-8 and says so.

import { MedSynthError, badInput, throwIfAborted } from '../../errors';

export type ByteSource = Uint8Array | AsyncIterable<Uint8Array>;

export async function* byteChunks(input: ByteSource, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    throwIfAborted(signal);
    yield input;
    return;
  }
  for await (const chunk of input) {
    throwIfAborted(signal);
    yield chunk;
  }
}

export class Utf8ChunkDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private offset = 0;
  /** The bytes of a character the last chunk began but did not finish (the decoder holds them). */
  carry: Uint8Array = EMPTY;

  constructor(private readonly fileName?: string) {}

  /** Bytes decoded so far. */
  get bytesRead(): number {
    return this.offset;
  }

  decode(chunk: Uint8Array): string {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw badInput('contains NUL bytes: this is a binary file, not delimited text', {
        file: this.fileName,
        offset: this.offset + nul,
        expected: 'UTF-8 text',
      });
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw this.invalid(chunk);
    }
    this.offset += chunk.length;
    this.carry = incompleteTail(chunk, this.carry);
    return text;
  }

  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw badInput('ends in the middle of a UTF-8 character', { file: this.fileName, offset: this.offset, expected: 'UTF-8 text' });
    }
  }

  private invalid(chunk: Uint8Array): Error {
    // The decoder refused, so some sequence is invalid: look for it from the carried bytes on.
    const k = firstInvalidUtf8Strict(this.carry.length > 0 ? concat(this.carry, chunk) : chunk);
    const at = (k < 0 ? this.carry.length : k) - this.carry.length;
    return badInput('is not valid UTF-8 text (a binary file, or text saved in another encoding such as Latin-1)', {
      file: this.fileName,
      offset: this.offset + at,
      expected: 'UTF-8 text; re-save the file as UTF-8, or pass --encoding latin1',
    });
  }
}

/** The encodings a table may be read in; 'windows-1252' also stands for Latin-1 (ISO-8859-1). */
export type TableEncoding = 'utf-8' | 'windows-1252';

const ENCODING_NAMES: Readonly<Record<string, TableEncoding>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

/** The accepted spellings, for usage messages. */
export const ENCODING_CHOICES = 'utf-8, latin1 or windows-1252';

/** The encoding a user named, or BAD_USAGE naming the choices. Absent means: detect. */
export function tableEncoding(name: string | undefined): TableEncoding | undefined {
  if (name === undefined) return undefined;
  const encoding = ENCODING_NAMES[name.trim().toLowerCase()];
  if (!encoding)
    throw new MedSynthError('BAD_USAGE', `encoding ${JSON.stringify(name)} is not one the table readers know`, {
      expected: ENCODING_CHOICES,
    });
  return encoding;
}

/** Bytes that Windows-1252 leaves undefined: a file holding them is not Windows-1252 text either. */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Decodes a delimited table. With no encoding given, the file is read as UTF-8 until its first byte
 * that is not UTF-8; if everything before it was ASCII (so both readings agree) and there is no
 * UTF-8 BOM, the whole file is read as Windows-1252 and `assumed` says so. A file mixing valid UTF-8
 * characters with such bytes, or holding bytes Windows-1252 does not define, is neither: BAD_INPUT
 * naming the line. A given encoding is used as it is.
 */
export class TableTextDecoder {
  private utf8: Utf8ChunkDecoder | undefined;
  private cp1252: TextDecoder | undefined;
  private offset = 0;
  /** Lines completed before the current chunk, so that messages can name a line. */
  private lineBase = 1;
  /** The line of the first non-ASCII byte seen while reading as UTF-8 (a real UTF-8 character). */
  private firstUtf8Line: number | undefined;
  private bom = false;
  /** Reading as assumed Windows-1252: continuation bytes that would complete a UTF-8 character. */
  private awaited = 0;
  /** Set when Windows-1252 was assumed rather than given: a note for the user. */
  assumed: string | undefined;

  constructor(
    private readonly fileName?: string,
    private readonly forced?: TableEncoding,
  ) {
    if (forced === 'windows-1252') this.cp1252 = new TextDecoder('windows-1252');
    else this.utf8 = new Utf8ChunkDecoder(fileName);
  }

  get encoding(): TableEncoding {
    return this.cp1252 ? 'windows-1252' : 'utf-8';
  }

  decode(chunk: Uint8Array): string {
    const text = this.cp1252 ? this.decode1252(chunk) : this.decodeUtf8(chunk);
    this.lineBase += countLineFeeds(chunk, 0, chunk.length);
    this.offset += chunk.length;
    return text;
  }

  end(): string {
    return this.utf8 ? this.utf8.end() : (this.cp1252?.decode() ?? '');
  }

  private decodeUtf8(chunk: Uint8Array): string {
    const utf8 = this.utf8 as Utf8ChunkDecoder;
    // The BOM's three bytes may come in separate chunks.
    for (let i = 0; this.offset + i < 3 && i < chunk.length; i++)
      this.bom = chunk[i] === [0xef, 0xbb, 0xbf][this.offset + i] && (this.offset + i === 0 || this.bom);
    const carried = utf8.carry;
    try {
      const text = utf8.decode(chunk);
      if (this.forced === undefined) {
        // Pure ASCII with nothing carried in decodes to one character per byte, so only other text
        // needs a look; a character counts once decoded whole (a lead byte alone may prove invalid).
        if (this.firstUtf8Line === undefined && (text.length !== chunk.length || carried.length > 0) && NON_ASCII.test(text))
          this.noteNonAscii(chunk, chunk.length);
      }
      return text;
    } catch (e) {
      if (this.forced !== undefined || this.bom || !isInvalidUtf8(e)) throw e;
      // The bytes of a character begun in the previous chunk were held back by the UTF-8 decoder:
      // they are read again, as Windows-1252, with this chunk.
      const bytes = carried.length > 0 ? concat(carried, chunk) : chunk;
      const at = Math.max(0, firstInvalidUtf8Strict(bytes));
      if (this.firstUtf8Line === undefined) this.noteNonAscii(bytes, at);
      const line = this.lineBase + countLineFeeds(bytes, 0, at);
      if (this.firstUtf8Line !== undefined) {
        throw this.neither(
          `line ${this.firstUtf8Line} holds UTF-8 characters but byte 0x${hex(bytes[at])} on line ${line} is not UTF-8 (mixed encodings)`,
          line,
        );
      }
      this.utf8 = undefined;
      this.cp1252 = new TextDecoder('windows-1252');
      this.assumed = `read as Windows-1252 (Latin-1): the file is not UTF-8 (byte 0x${hex(bytes[at])} on line ${line}); pass --encoding to choose the encoding`;
      return this.decode1252(bytes);
    }
  }

  private decode1252(chunk: Uint8Array): string {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw badInput('contains NUL bytes: this is a binary file, not delimited text', {
        file: this.fileName,
        offset: this.offset + nul,
        expected: 'text',
      });
    }
    if (this.forced === undefined) this.checkAssumed1252(chunk);
    return (this.cp1252 as TextDecoder).decode(chunk, { stream: true });
  }

  /**
   * An assumed Windows-1252 must not hide undefined bytes or UTF-8 characters further on; a UTF-8
   * sequence may be cut by a chunk boundary, so the continuation bytes still awaited carry over.
   */
  private checkAssumed1252(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c < 0x80) {
        this.awaited = 0;
        continue;
      }
      const line = (): number => this.lineBase + countLineFeeds(chunk, 0, i);
      if (UNDEFINED_IN_1252.has(c))
        throw this.neither(`byte 0x${hex(c)} on line ${line()} is neither UTF-8 nor a Windows-1252 character`, line());
      if (this.awaited > 0 && (c & 0xc0) === 0x80) {
        if (--this.awaited === 0) {
          throw this.neither(
            `line ${line()} holds a UTF-8 character, but the file was read as Windows-1252 because of an earlier byte (mixed encodings)`,
            line(),
          );
        }
        continue;
      }
      this.awaited = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    }
  }

  private noteNonAscii(chunk: Uint8Array, end: number): void {
    for (let i = 0; i < end; i++) {
      if (chunk[i] >= 0x80) {
        this.firstUtf8Line = this.lineBase + countLineFeeds(chunk, 0, i);
        return;
      }
    }
  }

  private neither(what: string, line: number): MedSynthError {
    return badInput(`is neither UTF-8 nor Windows-1252 (Latin-1) text: ${what}`, {
      file: this.fileName,
      line,
      expected: 'one encoding throughout; re-save the file as UTF-8, or pass --encoding latin1 or --encoding utf-8 to force one',
    });
  }
}

const EMPTY = new Uint8Array(0);
const NON_ASCII = /[\u0080-\uffff]/;

/** The bytes at the end of `chunk` (after `carried`) that begin a UTF-8 character not finished yet. */
function incompleteTail(chunk: Uint8Array, carried: Uint8Array): Uint8Array {
  // Only the last three bytes matter; a short chunk may continue what the carried bytes began.
  const b = chunk.length >= 3 || carried.length === 0 ? chunk.subarray(Math.max(0, chunk.length - 3)) : concat(carried, chunk);
  for (let k = 1; k <= Math.min(3, b.length); k++) {
    const c = b[b.length - k];
    if ((c & 0xc0) === 0x80) continue;
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
    return len > k ? b.slice(b.length - k) : EMPTY;
  }
  return EMPTY;
}

/** The first byte that does not start a valid UTF-8 sequence within `b` (an unfinished last one included), or -1. */
function firstInvalidUtf8Strict(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function isInvalidUtf8(e: unknown): boolean {
  return e instanceof MedSynthError && e.message.includes('is not valid UTF-8');
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/** Line feeds in b[from, to), found with native searches. */
export function countLineFeeds(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  let k = b.indexOf(0x0a, from);
  while (k >= 0 && k < to) {
    n++;
    k = b.indexOf(0x0a, k + 1);
  }
  return n;
}
