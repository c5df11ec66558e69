// Turns a byte stream into UTF-8 text chunk by chunk, refusing what is not text. A multi-byte
// character split across two chunks is carried over by the streaming TextDecoder; a NUL byte or an
// invalid sequence becomes a BAD_INPUT that names the byte offset, because a renamed binary file or
// a Latin-1 export silently read as garbage would poison every statistic computed from it.

import { badInput, throwIfAborted } from '../errors';

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
    const at = firstInvalidUtf8(chunk);
    return badInput('is not valid UTF-8 text (a binary file, or text saved in another encoding such as Latin-1)', {
      file: this.fileName,
      offset: this.offset + Math.max(0, at),
      expected: 'UTF-8 text; re-save the file as UTF-8',
    });
  }
}

/**
 * The index of the first byte that starts an invalid UTF-8 sequence, or -1. Continuation bytes at
 * the very start are accepted because they may finish a character begun in the previous chunk.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < Math.min(3, b.length) && (b[i] & 0xc0) === 0x80) i++;
  while (i < b.length) {
    const c = b[i];
    let need: number;
    if (c < 0x80) need = 0;
    else if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return i;
    if (i + need >= b.length) return -1; // An incomplete last character may continue in the next chunk.
    for (let k = 1; k <= need; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}
