// Fuzz target 'tokenizer': loadTokenizer on one tokenizer.json, then encode a fixed set of hostile
// texts (long words, many Unicode categories, lone surrogates, added-token look-alikes) and decode the
// results. An accepted tokenizer must give integer ids in [0, vocabSize) and strings back; anything
// other than a MedSynthError is a bug. Structured cases: deep nesting, huge vocabularies, hostile
// merges, giant added_tokens, catastrophic regexes, hostile ids and rewrite bombs.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTokenizer } from '../../../src/core/text/tokenizer';
import type { FuzzRandom } from '../random';
import { structuredManifest } from '../structured';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'text');
const enc = new TextEncoder();
/** A smaller vocabulary cap than the default 1e6, so that the cap is reached inside the worker's time bound. */
const MAX_VOCAB = 200_000;
const dec = new TextDecoder();

const TEXTS = [
  '',
  'the patient has a fever',
  'x'.repeat(4000),
  '🫀'.repeat(500),
  '\ud800a\udc00b\udbff',
  ' '.repeat(2000) + 'a' + '\n'.repeat(500),
  'Ωμέγα 心脏 ١٢٣ \u0301\u0301 \u200b\ufeff \u0000\u001f ½² ﬁ ß İ <|endoftext|>[CLS]<s></s>',
  '<|endoftext|>'.repeat(100),
  'a1!'.repeat(1500),
];

async function loadCorpus(): Promise<Uint8Array[]> {
  const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.tokenizer.json')).sort();
  return Promise.all(names.map(async (n) => new Uint8Array(await readFile(join(FIXTURES, n)))));
}

const REGEXES = ['(a+)+$', '(\\s|\\S)*x', '(a|aa)+b', '(.*)*\\1', '\\p{L}+| ?\\p{N}+', '', '[', '(?<=a+)b', '\\s*[\\r\\n]+', '(?i:a|b)?c'];

function parsed(base: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(dec.decode(base)) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function buildStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const json = parsed(base);
  if (!json || rng.chance(0.3)) return structuredManifest(rng, base);
  const model = (json.model ?? {}) as Record<string, unknown>;
  const out = (how: string): Built => ({ bytes: enc.encode(JSON.stringify(json)), how: [how] });
  switch (rng.below(8)) {
    case 0: {
      const n = rng.pick([10_000, 100_000, MAX_VOCAB + 1]);
      const body = Array.from({ length: n }, (_, i) => `"t${i}":${rng.chance(0.001) ? rng.pick([-1, 2 ** 40, 1.5]) : i}`).join(',');
      return {
        bytes: enc.encode(
          `{"model":{"type":"${rng.pick(['WordLevel', 'BPE', 'WordPiece'])}","unk_token":"t0","vocab":{${body}},"merges":[]}}`,
        ),
        how: [`hugeVocab:${n}`],
      };
    }
    case 1: {
      const tokens = Object.keys((model.vocab as Record<string, number> | undefined) ?? {});
      const n = rng.pick([10, 1000, 100_000]);
      model.merges = Array.from({ length: n }, () => {
        const a = rng.chance(0.9) ? (rng.pick(tokens) ?? 'a') : 'zz';
        const b = rng.chance(0.9) ? (rng.pick(tokens) ?? 'b') : '';
        return rng.chance(0.5) ? `${a} ${b}` : [a, b];
      });
      return out(`hostileMerges:${n}`);
    }
    case 2: {
      const [n, len] = rng.pick([
        [1000, 20],
        [2000, 1025],
        [50_000, 1],
        [300_001, 1],
      ]);
      json.added_tokens = Array.from({ length: n }, (_, i) => ({
        id: rng.chance(0.99) ? i % 1000 : rng.pick([-1, 2 ** 40]),
        content: `${'a'.repeat(len)}${i}`,
        special: rng.chance(0.5),
      }));
      return out(`giantAddedTokens:${n}x${len}`);
    }
    case 3: {
      const pattern = rng.chance(0.7) ? { Regex: rng.pick(REGEXES) } : { String: rng.pick(['', ' ', 'a'.repeat(300)]) };
      const kind = rng.pick(['normalizer', 'pre_tokenizer', 'decoder']);
      json[kind] =
        kind === 'pre_tokenizer'
          ? { type: 'Split', pattern, behavior: rng.pick(['Isolated', 'Removed', 'Contiguous']), invert: rng.chance(0.5) }
          : { type: 'Replace', pattern, content: rng.pick(['', 'x', 'xxxxxxxxxx']) };
      return out(`regex:${kind}:${JSON.stringify(pattern).slice(0, 40)}`);
    }
    case 4: {
      const v = rng.pick([-1, 2 ** 40, 2 ** 32 - 1, 999_999, 1.5, '1', null]);
      if (rng.chance(0.5) && model.vocab && typeof model.vocab === 'object' && !Array.isArray(model.vocab))
        (model.vocab as Record<string, unknown>)[`k${rng.below(100)}`] = v;
      else json.added_tokens = [{ id: v, content: '<x>', special: true }];
      return out(`hostileId:${String(v)}`);
    }
    case 5: {
      const depth = rng.pick([3, 5, 50]);
      let n: unknown = { type: rng.pick(['Lowercase', 'NFKC', 'Strip']) };
      // Two children per level only while shallow: a shared child is written out in full each time.
      for (let i = 0; i < depth; i++) n = { type: 'Sequence', normalizers: i < 8 ? [n, n] : [n] };
      json.normalizer = n;
      return out(`sequenceDepth:${depth}`);
    }
    case 6: {
      const choice = rng.below(4);
      if (choice === 0) json.pre_tokenizer = { type: 'FixedLength', length: rng.pick([0, -1, 1, 1e9]) };
      else if (choice === 1) json.decoder = { type: 'Strip', content: ' ', start: rng.pick([0, 1e6, 1e12]), stop: 1 };
      else if (choice === 2)
        Object.assign(model, { max_input_chars_per_word: rng.pick([0, 256, 1e9]), continuing_subword_prefix: rng.pick([null, '', '##']) });
      else
        json.pre_tokenizer = {
          type: 'Metaspace',
          replacement: rng.pick(['', '▁', '▁'.repeat(100)]),
          prepend_scheme: rng.pick(['always', 'sometimes']),
        };
      return out(`oddField:${choice}`);
    }
    default: {
      const n = rng.pick([2, 4, 8]);
      json.normalizer = {
        type: 'Sequence',
        normalizers: Array.from({ length: n }, () => ({
          type: rng.pick(['Replace', 'Prepend']),
          pattern: { Regex: rng.pick(['a*', '', '.']) },
          content: 'xy',
          prepend: 'p',
        })),
      };
      return out(`rewriteBomb:${n}`);
    }
  }
}

async function execute(bytes: Uint8Array): Promise<'ok' | 'skipped'> {
  const tok = loadTokenizer(bytes, { fileName: 'fuzz.tokenizer.json', maxVocab: MAX_VOCAB });
  if (!(Number.isSafeInteger(tok.vocabSize) && tok.vocabSize >= 0)) throw new Error(`vocabSize ${tok.vocabSize}`);
  for (const [key, id] of Object.entries(tok.specialTokens)) {
    if (!(Number.isSafeInteger(id) && id >= 0 && id < tok.vocabSize))
      throw new Error(`special token ${key} id ${String(id)} outside [0, ${tok.vocabSize})`);
  }
  for (const text of TEXTS) {
    let ids: Int32Array;
    try {
      ids = tok.encode(text, { addSpecialTokens: text.length % 2 === 0 });
    } catch (e) {
      // A typed refusal of one text (no unk token for it) is a valid answer; the next text still runs.
      if (e instanceof Error && e.name === 'MedSynthError') continue;
      throw e;
    }
    for (const id of ids) if (!(id >= 0 && id < tok.vocabSize)) throw new Error(`id ${id} outside [0, ${tok.vocabSize})`);
    // Decoding what encode returned must never be refused.
    let back: unknown;
    let skipped: unknown;
    try {
      back = tok.decode(ids);
      skipped = tok.decode(ids, { skipSpecialTokens: true });
    } catch (e) {
      throw new Error(`decode of encode's own ids failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof back !== 'string' || typeof skipped !== 'string') throw new Error('decode did not return a string');
  }
  return 'ok';
}

export const tokenizerTarget: FuzzTargetSpec = {
  name: 'tokenizer',
  extension: 'json',
  loadCorpus,
  buildStructured,
  execute: (bytes) => execute(bytes),
};
