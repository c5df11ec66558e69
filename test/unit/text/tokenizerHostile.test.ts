// Hostile and broken tokenizer.json files: each ends in the right MedSynthError code with a message
// naming the file and the JSON path, quickly, and never in a TypeError, a RangeError or a hang.
// Expected codes and paths are written by hand from the checks' definitions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { loadTokenizer } from '../../../src/core/text/tokenizer';
import type { TokenizerReadOptions } from '../../../src/core/text/tokenizer';

const DIR = join(__dirname, '..', '..', 'fixtures', 'text');
const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;
const BPE = (): Record<string, unknown> => fixture('bpe-bytelevel.tokenizer.json');
const WP = (): Record<string, unknown> => fixture('wordpiece-bert.tokenizer.json');
const UNI = (): Record<string, unknown> => fixture('unigram-metaspace.tokenizer.json');
const model = (t: Record<string, unknown>): Record<string, unknown> => t.model as Record<string, unknown>;

function throwsWith(fn: () => unknown, code: string, pattern?: RegExp): MedSynthError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

const load = (json: unknown, opts: TokenizerReadOptions = {}): ReturnType<typeof loadTokenizer> =>
  loadTokenizer(enc(json), { fileName: 'tok.json', ...opts });

describe('tokenizer.json guard', () => {
  it('1e6-deep nesting is refused by the byte scan, before JSON.parse', () => {
    const deep = `{"model":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    const e = throwsWith(() => load(deep), 'BAD_INPUT', /tok\.json.*nests more than 64 levels/);
    assert.equal(e.location.offset, 9 + 63);
    // Brackets inside strings do not count.
    const t = BPE();
    (t as Record<string, unknown>).comment = '['.repeat(100_000);
    assert.equal(load(t).vocabSize, 301);
  });

  it('size cap, invalid UTF-8, truncated JSON, not an object', () => {
    throwsWith(() => load(BPE(), { maxBytes: 1000 }), 'LIMIT_EXCEEDED', /larger than the tokenizer\.json size limit 1000/);
    const bytes = enc(BPE());
    const bad = bytes.slice();
    bad[100] = 0xff;
    assert.equal(throwsWith(() => loadTokenizer(bad, { fileName: 'tok.json' }), 'BAD_INPUT', /not valid UTF-8/).location.offset, 100);
    throwsWith(() => load(JSON.stringify(BPE()).slice(0, 1000)), 'BAD_INPUT', /tok\.json: tokenizer\.json is not valid JSON/);
    // Cut inside a two-byte character: the UTF-8 check sees it first.
    const cut = bytes.indexOf(0xc4);
    assert.equal(throwsWith(() => loadTokenizer(bytes.subarray(0, cut + 1)), 'BAD_INPUT', /not valid UTF-8/).location.offset, cut);
    throwsWith(() => load('[1,2]'), 'BAD_INPUT', /the top level: the file holds an array/);
    throwsWith(() => load('{}'), 'BAD_INPUT', /model: model is undefined/);
  });

  it('vocabulary ids: -1, 2^40, 1.5 and "3" name the entry; the vocabulary cap', () => {
    for (const id of [-1, 2 ** 40, 1.5, '3']) {
      const t = BPE();
      (model(t).vocab as Record<string, unknown>).foo = id;
      throwsWith(() => load(t), 'BAD_INPUT', /model\.vocab\.foo: id/);
    }
    const t = WP();
    (model(t).vocab as Record<string, unknown>)['a b'] = -1;
    throwsWith(() => load(t), 'BAD_INPUT', /model\.vocab\["a b"\]: id -1/);
    // 256 byte tokens + 39 merged ones.
    throwsWith(() => load(BPE(), { maxVocab: 294 }), 'LIMIT_EXCEEDED', /more than 294 vocabulary entries/);
  });

  it('a vocabulary of 2e6 entries passes the default cap of 1e6', () => {
    const vocab = Array.from({ length: 2_000_000 }, (_, i) => `"t${i}":${i}`).join(',');
    throwsWith(
      () => load(`{"model":{"type":"WordLevel","unk_token":"t0","vocab":{${vocab}}}}`),
      'LIMIT_EXCEEDED',
      /more than 1000000 vocabulary entries/,
    );
  });

  it('merges that name unknown tokens or make unknown tokens; malformed merges', () => {
    const cases: [unknown, RegExp][] = [
      ['Ġ zz', /model\.merges\[3\]: merge "Ġ zz" names "zz", which is not in model\.vocab/],
      ['Ġ v', /model\.merges\[3\]: merge "Ġ v" makes "Ġv"/],
      ['a  b', /not two tokens/],
      [['a', 'b'], /merge an array of 2 \(expected an "a b" string like the first merge\)/],
      [7, /merge 7/],
    ];
    for (const [merge, pattern] of cases) {
      const t = BPE();
      (model(t).merges as unknown[])[3] = merge;
      throwsWith(() => load(t), 'BAD_INPUT', pattern);
    }
  });

  it('unknown model and component types are UNSUPPORTED, naming the type', () => {
    const t = BPE();
    model(t).type = 'Foo';
    throwsWith(() => load(t), 'UNSUPPORTED', /model\.type: model type "Foo" is not supported/);
    for (const [kind, type] of [
      ['normalizer', 'Bogus'],
      ['pre_tokenizer', 'UnicodeScripts'],
      ['post_processor', 'X'],
      ['decoder', 'Y'],
    ]) {
      const u = BPE();
      u[kind] = { type };
      throwsWith(() => load(u), 'UNSUPPORTED', new RegExp(`${kind}\\.type: ${kind} type "${type}" is not supported`));
    }
    const u = BPE();
    u.pre_tokenizer = { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false };
    throwsWith(() => load(u), 'UNSUPPORTED', /split behavior "MergedWithPrevious"/);
  });

  it('Sequence nesting is bounded; a component of the wrong shape names its path', () => {
    let n: unknown = { type: 'Lowercase' };
    for (let i = 0; i < 6; i++) n = { type: 'Sequence', normalizers: [n] };
    const t = BPE();
    t.normalizer = n;
    throwsWith(() => load(t), 'BAD_INPUT', /Sequence nested more than 4 deep/);
    t.normalizer = { type: 'Sequence', normalizers: [{ type: 'Strip', strip_left: 'yes' }] };
    throwsWith(() => load(t), 'BAD_INPUT', /normalizer\.normalizers\[0\]\.strip_left: "yes" is not a boolean/);
    t.normalizer = null;
    t.pre_tokenizer = { type: 'FixedLength', length: 0 };
    throwsWith(() => load(t), 'BAD_INPUT', /pre_tokenizer\.length: length is 0/);
    t.pre_tokenizer = { type: 'Metaspace', replacement: '' };
    throwsWith(() => load(t), 'BAD_INPUT', /replacement/);
  });

  it('hostile regexes are refused before the library compiles them; real ones load', () => {
    const t = BPE();
    t.pre_tokenizer = { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false };
    throwsWith(() => load(t), 'UNSUPPORTED', /pre_tokenizer\.pattern\.Regex: regex "\(a\+\)\+\$" is refused: a repeated group/);
    // Llama 3's pre-tokenizer: its Split pattern, then byte-level mapping without the GPT-2 regex.
    const llama3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    t.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: llama3 }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    };
    const tok = load(t);
    // Split by hand: "hello", " world", "123", "4" (digits in runs of at most 3); "hello" 281 and
    // "Ġworld" 286 are vocabulary tokens, "123" has no merge (1 2 3 -> ids 49 50 51), "4" is 52.
    assert.deepEqual(Array.from(tok.encode('hello world1234')), [281, 286, 49, 50, 51, 52]);
  });

  it('Replace rewrites that could grow a text without bound are refused', () => {
    const t = BPE();
    t.normalizer = {
      type: 'Sequence',
      normalizers: [1, 2, 3].map(() => ({ type: 'Replace', pattern: { Regex: 'a*' }, content: 'xxxxxxx' })),
    };
    throwsWith(() => load(t), 'BAD_INPUT', /512 times longer/);
  });

  it('WordPiece, Unigram and added-token fields', () => {
    let t = WP();
    model(t).max_input_chars_per_word = 1e9;
    throwsWith(() => load(t), 'BAD_INPUT', /model\.max_input_chars_per_word/);
    t = WP();
    model(t).unk_token = '[NOPE]';
    throwsWith(() => load(t), 'BAD_INPUT', /WordPiece unk_token "\[NOPE\]" is not in model\.vocab/);
    t = UNI();
    model(t).vocab = [];
    throwsWith(() => load(t), 'BAD_INPUT', /model\.vocab: Unigram vocab/);
    t = UNI();
    (model(t).vocab as unknown[])[5] = ['x', 'NaN'];
    throwsWith(() => load(t), 'BAD_INPUT', /model\.vocab\[5\]: entry/);
    t = UNI();
    model(t).unk_id = 40;
    throwsWith(() => load(t), 'BAD_INPUT', /model\.unk_id: unk_id 40/);
    t = BPE();
    (t.added_tokens as Record<string, unknown>[])[0].id = 2 ** 40;
    throwsWith(() => load(t), 'BAD_INPUT', /added_tokens\[0\]\.id: id 1099511627776/);
    t = BPE();
    t.added_tokens = Array.from({ length: 300_001 }, (_, i) => ({ id: i % 1000, content: `<${i}>` }));
    throwsWith(() => load(t), 'LIMIT_EXCEEDED', /300001 added tokens/);
    t = BPE();
    t.added_tokens = Array.from({ length: 600 }, (_, i) => ({ id: 301 + i, content: `${i}`.padEnd(1000, 'x') }));
    throwsWith(() => load(t), 'LIMIT_EXCEEDED', /added_tokens\[500\]: the added tokens up to here hold 501000 characters/);
    t = WP();
    (t.post_processor as Record<string, unknown[]>).single[0] = { SpecialToken: { id: '[BOS]', type_id: 0 } };
    throwsWith(() => load(t), 'BAD_INPUT', /post_processor\.single\[0\]\.SpecialToken\.id: token "\[BOS\]" is not in the vocabulary/);
  });

  it('tokenizer_config.json errors name that file', () => {
    throwsWith(
      () => loadTokenizer(enc(BPE()), {}, enc({ bos_token: 5 }), 'cfg.json'),
      'BAD_INPUT',
      /cfg\.json: bos_token: 5 is not a token/,
    );
    throwsWith(
      () => loadTokenizer(enc(BPE()), {}, enc('{'), 'cfg.json'),
      'BAD_INPUT',
      /cfg\.json: tokenizer_config\.json is not valid JSON/,
    );
  });

  it('an aborted signal cancels', () => {
    const ac = new AbortController();
    ac.abort();
    throwsWith(() => load(BPE(), { signal: ac.signal }), 'CANCELLED');
  });
});

describe('encode and decode bounds', () => {
  const tok = loadTokenizer(enc(BPE()), { fileName: 'tok.json', maxTextChars: 1000 });

  it('a text past maxTextChars is LIMIT_EXCEEDED; so is an id list past it', () => {
    throwsWith(() => tok.encode('a'.repeat(1001)), 'LIMIT_EXCEEDED', /1001 characters is longer than this tokenizer accepts \(1000\)/);
    assert.equal(tok.encode('a'.repeat(1000)).length, 1000);
    throwsWith(() => tok.decode(new Int32Array(4001)), 'LIMIT_EXCEEDED', /4001 ids are more than decode accepts \(4000\)/);
  });

  it('ids out of range or not integers are BAD_INPUT, not a crash', () => {
    for (const id of [-1, 301, 2 ** 40, 1.5, Number.NaN])
      throwsWith(() => tok.decode([104, id]), 'BAD_INPUT', /at position 1 is not a token id/);
  });

  it('a vocabulary with a gap: the missing id is BAD_INPUT in decode', () => {
    const t = loadTokenizer(
      enc({
        model: { type: 'WordLevel', vocab: { '<unk>': 0, a: 1, b: 5 }, unk_token: '<unk>' },
        pre_tokenizer: { type: 'WhitespaceSplit' },
      }),
    );
    assert.equal(t.vocabSize, 6);
    // WordLevel by hand: "a b c" -> a 1, b 5, c unknown -> <unk> 0.
    assert.deepEqual(Array.from(t.encode('a b c')), [1, 5, 0]);
    assert.equal(t.decode([1, 5]), 'a b');
    throwsWith(() => t.decode([3]), 'BAD_INPUT', /id 3 at position 0/);
  });

  it('a WordLevel text with no unk_token to fall back on is BAD_INPUT', () => {
    const t = loadTokenizer(enc({ model: { type: 'WordLevel', vocab: { a: 0 } }, pre_tokenizer: { type: 'WhitespaceSplit' } }), {
      fileName: 'wl.json',
    });
    throwsWith(() => t.encode('a b'), 'BAD_INPUT', /wl\.json: the tokenizer turned part of the text into no token id/);
  });

  it('hostile strings encode to ids in range and decode back (byte-level BPE is lossless)', () => {
    const strings = [
      'x'.repeat(1000),
      '🫀'.repeat(400),
      '\u0000\u0001\u200b\ufeff',
      ' '.repeat(999) + 'a',
      '\u0301'.repeat(500),
      '각'.repeat(100),
      '<|endoftext|>'.repeat(50),
    ];
    for (const s of strings) {
      const ids = tok.encode(s);
      assert.ok(ids.every((id) => id >= 0 && id < tok.vocabSize));
      assert.equal(tok.decode(ids), s);
    }
  });
});

describe('memory bounds of the library indexes', () => {
  it('Unigram pieces are capped in total characters (the library builds a trie of them)', () => {
    const vocab = [['<unk>', 0], ...Array.from({ length: 8000 }, (_, i) => [`${i}`.padEnd(1001, 'y'), -1])];
    // '<unk>' is 5 characters, each piece 1001: 5 + 1001 x 7992 = 7,999,997 fits, piece 7993 makes 8,000,998.
    throwsWith(
      () => load({ model: { type: 'Unigram', unk_id: 0, vocab } }),
      'LIMIT_EXCEEDED',
      /model\.vocab\[7993\]: the pieces up to here hold 8000998 characters/,
    );
  });
});
