// The tokenizer loader against an independent reference: test/reference/tokenizer_reference.py
// implements GPT-2 byte-level BPE, BERT WordPiece and SentencePiece Unigram from their definitions
// (Debian has no python3-tokenizers) and wrote the made-up fixtures and the expected ids/decodings in
// test/fixtures/text/tokenizer_expected.json.
//
// One derivation by hand, to check the reference itself (bpe-bytelevel, text "the patient"):
// the GPT-2 split gives "the", " patient"; bytes map to "the", "Ġpatient". Merge ids follow the merge
// list from 256: Ġt 256, he 257, Ġthe 258, Ġa 259, at 260, en 261, Ġp 262, Ġpat 263, ien 264,
// Ġpatien 265, Ġpatient 266. "the": pairs (t,h) none, (h,e) rank 1 -> [t, he]; (t,he) is no merge
// -> ids [116, 257]. "Ġpatient": lowest ranks in turn (a,t)=4 -> at; (e,n)=5 -> en; (Ġ,p)=6 -> Ġp;
// (Ġp,at)=7 -> Ġpat; (i,en)=8 -> ien; (Ġpat,ien)=9 -> Ġpatien; (Ġpatien,t)=10 -> Ġpatient -> [266].
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTokenizer } from '../../../src/core/text/tokenizer';

const DIR = join(__dirname, '..', '..', 'fixtures', 'text');
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));

interface Case {
  readonly text: string;
  readonly ids: number[];
  readonly decoded: string;
  readonly decodedSkip?: string;
}
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'tokenizer_expected.json'), 'utf8')) as Record<'bpe' | 'wordpiece' | 'unigram', Case[]>;
const FILES = { bpe: 'bpe-bytelevel', wordpiece: 'wordpiece-bert', unigram: 'unigram-metaspace' } as const;

describe('tokenizer.json against the from-definition reference', () => {
  for (const [kind, file] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    it(`${file}: encode and decode ${EXPECTED[kind].length} texts as the reference does`, () => {
      const tok = loadTokenizer(read(`${file}.tokenizer.json`), { fileName: `${file}.tokenizer.json` });
      assert.equal(tok.vocabSize, kind === 'bpe' ? 301 : 40);
      for (const c of EXPECTED[kind]) {
        const ids = tok.encode(c.text);
        assert.ok(ids instanceof Int32Array);
        assert.deepEqual(Array.from(ids), c.ids, `${kind} ids of ${JSON.stringify(c.text)}`);
        assert.equal(tok.decode(ids), c.decoded, `${kind} decode of ${JSON.stringify(c.text)}`);
        if (c.decodedSkip !== undefined) assert.equal(tok.decode(ids, { skipSpecialTokens: true }), c.decodedSkip);
      }
    });
  }

  it('the hand derivation above', () => {
    const tok = loadTokenizer(read('bpe-bytelevel.tokenizer.json'));
    assert.deepEqual(Array.from(tok.encode('the patient')), [116, 257, 266]);
  });

  it('addSpecialTokens: false leaves out the template tokens ([CLS] 2, [SEP] 3)', () => {
    const tok = loadTokenizer(read('wordpiece-bert.tokenizer.json'));
    assert.deepEqual(Array.from(tok.encode('the patient', { addSpecialTokens: false })), [5, 6]);
    assert.deepEqual(Array.from(tok.encode('the patient')), [2, 5, 6, 3]);
  });

  it('special token ids come from tokenizer_config.json, then from the usual names', () => {
    const withConfig = loadTokenizer(read('bpe-bytelevel.tokenizer.json'), {}, read('bpe-bytelevel.tokenizer_config.json'));
    assert.deepEqual(withConfig.specialTokens, { bos: 300, eos: 300 });
    assert.deepEqual(loadTokenizer(read('bpe-bytelevel.tokenizer.json')).specialTokens, { eos: 300 });
    assert.deepEqual(loadTokenizer(read('unigram-metaspace.tokenizer.json')).specialTokens, { bos: 1, eos: 2, unk: 0 });
    assert.deepEqual(loadTokenizer(read('wordpiece-bert.tokenizer.json')).specialTokens, { pad: 0, unk: 1 });
  });

  it('lone surrogates encode as U+FFFD (as the Rust library, which only sees well-formed text)', () => {
    const tok = loadTokenizer(read('bpe-bytelevel.tokenizer.json'));
    // U+FFFD is EF BF BD; bytes_to_unicode keeps 0xBF and 0xBD and maps 0xEF to itself: ids 239, 191, 189.
    assert.deepEqual(Array.from(tok.encode('\ud800')), [239, 191, 189]);
    assert.deepEqual(Array.from(tok.encode('a\udc00')), [97, 239, 191, 189]);
  });

  it('an empty text and an empty id list', () => {
    const tok = loadTokenizer(read('bpe-bytelevel.tokenizer.json'));
    assert.equal(tok.encode('').length, 0);
    assert.equal(tok.decode([]), '');
    assert.equal(tok.decode(new Int32Array(0)), '');
  });
});
