// Random component combinations on the three fixtures (seeded, so a failure replays): each either
// loads and then encodes hostile texts to ids in [0, vocabSize) and decodes them, or ends in a
// MedSynthError. This reaches the library with many more valid-but-odd tokenizers than byte mutation
// of the JSON does. Nothing here is compared with a reference: the invariants are the test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { loadTokenizer } from '../../../src/core/text/tokenizer';
import { FuzzRandom } from '../../fuzz/random';

const DIR = join(__dirname, '..', '..', 'fixtures', 'text');
const BASES = ['bpe-bytelevel', 'wordpiece-bert', 'unigram-metaspace'].map((f) => readFileSync(join(DIR, `${f}.tokenizer.json`), 'utf8'));
const TEXTS = [
  '',
  'the patient has a fever',
  'Hello  World!\n\t72 bpm',
  '🫀 naïve café 心脏',
  '\ud800x\udc00',
  'x'.repeat(3000),
  ' '.repeat(500) + '.',
  '<|endoftext|>[CLS]<s>',
];

function randomValue(rng: FuzzRandom): unknown {
  return rng.pick<unknown>([
    true,
    false,
    null,
    0,
    1,
    -1,
    3,
    1e9,
    'x',
    '',
    '▁',
    '##',
    ' ',
    [],
    {},
    { String: ' ' },
    { Regex: '\\s+' },
    { Regex: '(a+)+' },
    { Regex: '' },
    ['[CLS]', 2],
  ]);
}

const NORMALIZERS = [
  'BertNormalizer',
  'Precompiled',
  'Replace',
  'NFC',
  'NFD',
  'NFKC',
  'NFKD',
  'Strip',
  'StripAccents',
  'Lowercase',
  'Prepend',
  'Sequence',
  'Foo',
];
const PRE = [
  'BertPreTokenizer',
  'ByteLevel',
  'Whitespace',
  'WhitespaceSplit',
  'Metaspace',
  'Split',
  'Punctuation',
  'Digits',
  'Replace',
  'FixedLength',
  'Sequence',
];
const POST = ['TemplateProcessing', 'ByteLevel', 'BertProcessing', 'RobertaProcessing', 'Sequence'];
const DEC = ['ByteLevel', 'WordPiece', 'Metaspace', 'BPEDecoder', 'CTC', 'Replace', 'Fuse', 'Strip', 'ByteFallback', 'Sequence'];
const FIELDS = [
  'pattern',
  'content',
  'prepend',
  'replacement',
  'prepend_scheme',
  'behavior',
  'invert',
  'length',
  'lowercase',
  'strip_accents',
  'individual_digits',
  'use_regex',
  'add_prefix_space',
  'sep',
  'cls',
  'single',
  'prefix',
  'start',
  'stop',
  'cleanup',
];
const CHILDREN: Record<string, string> = {
  normalizer: 'normalizers',
  pre_tokenizer: 'pretokenizers',
  post_processor: 'processors',
  decoder: 'decoders',
};

function component(rng: FuzzRandom, kind: string, types: readonly string[], depth: number): Record<string, unknown> {
  const type = rng.pick(types);
  const c: Record<string, unknown> = { type };
  if (type === 'Sequence')
    c[CHILDREN[kind]] = depth > 2 ? [] : Array.from({ length: rng.below(3) + 1 }, () => component(rng, kind, types, depth + 1));
  for (let i = rng.below(4); i > 0; i--) c[rng.pick(FIELDS)] = randomValue(rng);
  return c;
}

describe('random tokenizer components', () => {
  it('600 seeded combinations load or fail typed; loaded ones keep ids in range', () => {
    const rng = new FuzzRandom(20261128);
    let loaded = 0;
    for (let n = 0; n < 600; n++) {
      const json = JSON.parse(rng.pick(BASES)) as Record<string, unknown>;
      if (rng.chance(0.6)) json.normalizer = component(rng, 'normalizer', NORMALIZERS, 0);
      if (rng.chance(0.6)) json.pre_tokenizer = component(rng, 'pre_tokenizer', PRE, 0);
      if (rng.chance(0.4)) json.post_processor = component(rng, 'post_processor', POST, 0);
      if (rng.chance(0.5)) json.decoder = component(rng, 'decoder', DEC, 0);
      const bytes = new TextEncoder().encode(JSON.stringify(json));
      let tok;
      try {
        tok = loadTokenizer(bytes, { fileName: `case${n}` });
      } catch (e) {
        assert.ok(e instanceof MedSynthError, `case ${n}: ${String(e)}\n${JSON.stringify(json).slice(0, 600)}`);
        continue;
      }
      loaded++;
      for (const text of TEXTS) {
        let ids: Int32Array;
        try {
          ids = tok.encode(text);
        } catch (e) {
          assert.ok(e instanceof MedSynthError, `case ${n} encode ${JSON.stringify(text.slice(0, 20))}: ${String(e)}`);
          continue;
        }
        for (const id of ids) assert.ok(id >= 0 && id < tok.vocabSize, `case ${n}: id ${id}`);
        assert.equal(typeof tok.decode(ids), 'string');
        assert.equal(typeof tok.decode(ids, { skipSpecialTokens: true }), 'string');
      }
    }
    assert.ok(loaded > 50, `only ${loaded} combinations loaded`);
  });
});
