// A bounds-checked Snappy decompressor for untrusted Parquet pages. It parses the stream exactly as
// hyparquet's snappyUncompress does, but refuses any literal or copy that would write past the
// declared size (hyparquet keeps looping over writes a typed array silently drops, which a corrupt
// page turns into seconds of work) and any stream that does not fill the size exactly. A page it
// accepts is then decompressed by hyparquet with every write in bounds.

import type { MedSynthError } from '../../errors';

const WORD_MASK = [0, 0xff, 0xffff, 0xffffff, 0xffffffff];

export function checkedSnappy(input: Uint8Array, size: number, bad: (why: string) => MedSynthError): Uint8Array {
  const output = new Uint8Array(size);
  const n = input.length;
  let pos = 0;
  let out = 0;
  // The preamble is the uncompressed length as a varint; like hyparquet, only its end matters.
  while (pos < n) if (input[pos++] < 128) break;
  if (size > 0 && pos >= n) throw bad('a Snappy page without data');
  while (pos < n) {
    const c = input[pos++];
    if (pos >= n) throw bad('a Snappy page without its end');
    let len: number;
    if ((c & 0x3) === 0) {
      len = (c >>> 2) + 1;
      if (len > 60) {
        if (pos + 3 >= n) throw bad('a Snappy literal past the page');
        const lengthSize = len - 60;
        len = input[pos] + (input[pos + 1] << 8) + (input[pos + 2] << 16) + (input[pos + 3] << 24);
        len = (len & WORD_MASK[lengthSize]) + 1;
        pos += lengthSize;
      }
      // A 4-byte length can read as negative (hyparquet would then step backwards through the input).
      if (len <= 0 || pos + len > n || out + len > size) throw bad('a Snappy literal past the page');
      output.set(input.subarray(pos, pos + len), out);
      pos += len;
      out += len;
      continue;
    }
    let offset: number;
    if ((c & 0x3) === 1) {
      len = ((c >>> 2) & 0x7) + 4;
      offset = input[pos] + ((c >>> 5) << 8);
      pos++;
    } else if ((c & 0x3) === 2) {
      if (n <= pos + 1) throw bad('a Snappy copy past the page');
      len = (c >>> 2) + 1;
      offset = input[pos] + (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (n <= pos + 3) throw bad('a Snappy copy past the page');
      len = (c >>> 2) + 1;
      offset = input[pos] + (input[pos + 1] << 8) + (input[pos + 2] << 16) + (input[pos + 3] << 24);
      pos += 4;
    }
    if (!(offset > 0) || offset > out || out + len > size) throw bad('a Snappy copy outside the page');
    for (let i = 0; i < len; i++) output[out + i] = output[out - offset + i];
    out += len;
  }
  if (out !== size) throw bad(`a Snappy page of ${out} bytes declared as ${size}`);
  return output;
}
