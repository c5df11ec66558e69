// The bounds-checked Snappy decoder used on untrusted Parquet pages, on streams assembled by hand
// from the Snappy format description (tag byte: low two bits 00 literal, 01 copy with 1-byte
// offset, 10 copy with 2-byte offset; a short literal's length-1 sits in the upper six bits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedSnappy } from '../../../src/core/data/table/snappyCheck';
import { MedSynthError, badInput } from '../../../src/core/errors';

const bad = (why: string): MedSynthError => badInput(why);
const ascii = (b: Uint8Array): string => String.fromCharCode(...b);
const refused =
  (pattern: RegExp) =>
  (e: unknown): boolean =>
    e instanceof MedSynthError && e.code === 'BAD_INPUT' && pattern.test(e.message);

test('decodes literals and overlapping copies', () => {
  // Preamble 5, literal of 5 ((5 - 1) << 2 = 0x10) "hello".
  assert.equal(ascii(checkedSnappy(Uint8Array.from([5, 0x10, 104, 101, 108, 108, 111]), 5, bad)), 'hello');
  // Preamble 6, literal "ab" (0x04), then a 1-byte-offset copy of 4 bytes from 2 back (0x01, 2):
  // the copy overlaps what it writes, giving "abab" after "ab".
  assert.equal(ascii(checkedSnappy(Uint8Array.from([6, 0x04, 97, 98, 0x01, 2]), 6, bad)), 'ababab');
  // The same with a 2-byte-offset copy: length 4 -> (4 - 1) << 2 | 2 = 0x0e, offset 2 as 02 00.
  assert.equal(ascii(checkedSnappy(Uint8Array.from([6, 0x04, 97, 98, 0x0e, 2, 0]), 6, bad)), 'ababab');
});

test('refuses writes past the declared size, which the unchecked decoder loops over', () => {
  assert.throws(() => checkedSnappy(Uint8Array.from([6, 0x04, 97, 98, 0x01, 2]), 5, bad), refused(/copy outside the page/));
  assert.throws(() => checkedSnappy(Uint8Array.from([5, 0x10, 104, 101, 108, 108, 111]), 4, bad), refused(/literal past the page/));
});

test('refuses a 4-byte literal length that reads as negative, copies from before the start, and short streams', () => {
  // Tag 0xfc: a literal whose length-1 follows in 4 bytes; fe ff ff ff is -2 as a signed 32-bit value.
  assert.throws(() => checkedSnappy(Uint8Array.from([1, 0xfc, 0xfe, 0xff, 0xff, 0xff, 0]), 1, bad), refused(/literal past the page/));
  assert.throws(() => checkedSnappy(Uint8Array.from([4, 0x01, 3]), 4, bad), refused(/copy outside the page/));
  assert.throws(() => checkedSnappy(Uint8Array.from([4, 0x01, 0, 0]), 4, bad), refused(/copy outside the page/));
  assert.throws(() => checkedSnappy(Uint8Array.from([6, 0x04, 97, 98]), 6, bad), refused(/2 bytes declared as 6/));
});
