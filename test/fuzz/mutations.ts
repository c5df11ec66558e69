// Byte-level mutation of real fixtures: the corruption a disk, a bad export or a hostile sender
// actually produces (flipped bits, lost or doubled chunks, truncation, two files glued together),
// plus dictionary tokens that parsers of text tables and manifests treat specially.
import type { FuzzRandom } from './random';
import { concatBytes as concat } from './bytes';

const enc = new TextEncoder();

/** Tokens with a meaning to CSV/TSV/JSONL/JSON parsers, and values that break naive number handling. */
export const DICTIONARY: readonly Uint8Array[] = [
  ...[
    '"',
    '""',
    '"\n',
    '\r',
    '\n',
    '\r\n',
    ',',
    '\t',
    ';',
    '|',
    '{',
    '}',
    '[',
    ']',
    ':',
    '\\',
    '\\u0000',
    '\\ud800',
    '1e309',
    '-1e309',
    '9007199254740993',
    '-0',
    'NaN',
    'Infinity',
    '1e-400',
    '0x7fffffff',
    '99999999999999999999999999',
    'null',
    'true',
    'false',
    '__proto__',
    'constructor',
    '{"__proto__":1}',
    '..',
    '../',
    '/etc/passwd',
    'C:\\',
    '\\\\?\\',
    '2024-02-30',
    '2024-13-01T25:61:61Z',
    '1970-01-01',
    'NA',
    '',
    ' ',
    'PAR1',
    '{"a":',
    '\u2028',
    '\ufeff',
    '\u00e9',
  ].map((t) => enc.encode(t)),
  Uint8Array.of(0x00),
  Uint8Array.of(0xef, 0xbb, 0xbf), // UTF-8 BOM
  Uint8Array.of(0xff, 0xfe), // UTF-16 LE BOM
  Uint8Array.of(0xc3), // a truncated two-byte sequence
  Uint8Array.of(0xed, 0xa0, 0x80), // an encoded surrogate: invalid UTF-8
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // beyond U+10FFFF
  Uint8Array.of(0xc0, 0xaf), // an overlong '/'
  Uint8Array.of(0xff, 0xff, 0xff, 0xff), // -1 / a huge length in binary formats
  Uint8Array.of(0x7f, 0xff, 0xff, 0xff),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), // the largest varint
  Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80), // an unterminated varint
];

export type Mutator = (rng: FuzzRandom, input: Uint8Array, corpus: readonly Uint8Array[]) => Uint8Array;

function position(rng: FuzzRandom, input: Uint8Array): number {
  return rng.below(input.length + 1);
}

const bitFlip: Mutator = (rng, input) => {
  const out = input.slice();
  const flips = 1 + rng.size(16);
  for (let i = 0; i < flips && out.length > 0; i++) out[rng.below(out.length)] ^= 1 << rng.below(8);
  return out;
};

const byteSet: Mutator = (rng, input) => {
  const out = input.slice();
  const interesting = [0x00, 0xff, 0x7f, 0x80, 0x22, 0x2c, 0x0a, 0x0d, 0x09, 0x7b, 0x5c];
  const n = 1 + rng.size(8);
  for (let i = 0; i < n && out.length > 0; i++) out[rng.below(out.length)] = rng.chance(0.5) ? rng.pick(interesting) : rng.below(256);
  return out;
};

const byteInsert: Mutator = (rng, input) => {
  const at = position(rng, input);
  const bytes = new Uint8Array(1 + rng.size(32)).map(() => rng.below(256));
  return concat(input.subarray(0, at), bytes, input.subarray(at));
};

const byteDelete: Mutator = (rng, input) => {
  const at = position(rng, input);
  const n = 1 + rng.size(Math.max(1, input.length - at));
  return concat(input.subarray(0, at), input.subarray(Math.min(input.length, at + n)));
};

const chunkDuplicate: Mutator = (rng, input) => {
  const from = position(rng, input);
  const len = rng.size(Math.min(4096, input.length - from));
  const chunk = input.subarray(from, from + len);
  const times = 1 + rng.size(rng.chance(0.1) ? 2000 : 8);
  const at = position(rng, input);
  return concat(input.subarray(0, at), ...new Array<Uint8Array>(times).fill(chunk), input.subarray(at));
};

const truncate: Mutator = (rng, input) => input.slice(0, rng.below(input.length + 1));

const truncateHead: Mutator = (rng, input) => input.slice(rng.below(input.length + 1));

const splice: Mutator = (rng, input, corpus) => {
  const other = rng.pick(corpus);
  return concat(input.subarray(0, position(rng, input)), other.subarray(rng.below(other.length + 1)));
};

const dictionaryInsert: Mutator = (rng, input) => {
  const at = position(rng, input);
  const token = rng.pick(DICTIONARY);
  const times = rng.chance(0.05) ? 1 + rng.size(100_000) : 1 + rng.size(4);
  return concat(input.subarray(0, at), ...new Array<Uint8Array>(times).fill(token), input.subarray(at));
};

const dictionaryOverwrite: Mutator = (rng, input) => {
  const token = rng.pick(DICTIONARY);
  const out = input.slice();
  out.set(token.subarray(0, out.length), Math.max(0, Math.min(out.length - token.length, rng.below(out.length + 1))));
  return out;
};

export const MUTATORS: Readonly<Record<string, Mutator>> = {
  bitFlip,
  byteSet,
  byteInsert,
  byteDelete,
  chunkDuplicate,
  truncate,
  truncateHead,
  splice,
  dictionaryInsert,
  dictionaryOverwrite,
};

/** Applies one to four random mutators in a row (stacked mutations reach deeper states). */
export function mutate(
  rng: FuzzRandom,
  input: Uint8Array,
  corpus: readonly Uint8Array[],
  maxBytes: number,
): { bytes: Uint8Array; how: string[] } {
  const names = Object.keys(MUTATORS);
  const how: string[] = [];
  let bytes = input;
  const rounds = 1 + rng.size(3);
  for (let i = 0; i < rounds; i++) {
    const name = rng.pick(names);
    bytes = MUTATORS[name](rng, bytes, corpus);
    how.push(name);
    if (bytes.length > maxBytes) bytes = bytes.subarray(0, maxBytes);
  }
  return { bytes, how };
}
