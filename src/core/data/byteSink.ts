// A growable byte buffer that text is written into directly, for the table writers. Most cells are
// ASCII (numbers, dates, codes), which are copied character by character without an intermediate
// string or TextEncoder call; anything else goes through TextEncoder.encodeInto.

const encoder = new TextEncoder();

export class ByteSink {
  private buffer = new Uint8Array(1 << 16);
  private used = 0;

  /** UTF-8 bytes of a string, for text encoded once and written many times. */
  static encode(s: string): Uint8Array {
    return encoder.encode(s);
  }

  get length(): number {
    return this.used;
  }

  byte(b: number): void {
    if (this.used === this.buffer.length) this.grow(1);
    this.buffer[this.used++] = b;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.used + n > this.buffer.length) this.grow(n);
    const buf = this.buffer;
    // Short labels copy faster in a loop than through set().
    if (n < 16) for (let i = 0; i < n; i++) buf[this.used + i] = b[i];
    else buf.set(b, this.used);
    this.used += n;
  }

  /** Writes a string expected to be ASCII; falls back to UTF-8 encoding at the first other character. */
  ascii(s: string): void {
    const n = s.length;
    if (this.used + n > this.buffer.length) this.grow(n);
    const buf = this.buffer;
    const start = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.used = start;
        this.text(s);
        return;
      }
      buf[start + i] = c;
    }
    this.used = start + n;
  }

  /** Writes any string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
  text(s: string): void {
    if (this.used + s.length * 3 > this.buffer.length) this.grow(s.length * 3);
    this.used += encoder.encodeInto(s, this.buffer.subarray(this.used)).written;
  }

  /** The bytes written so far, as a new array; the buffer is then empty and reused. */
  take(): Uint8Array {
    const out = this.buffer.slice(0, this.used);
    this.used = 0;
    return out;
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.used + extra));
    next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }
}

/** Joins a stream of byte chunks into one array (one copy; none when the stream has a single chunk). */
export async function collectBytes(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of stream) {
    parts.push(part);
    total += part.length;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
