// Checks the "model" (vocabulary and merges) and "added_tokens" of a tokenizer.json and returns a
// clean copy of the model for the library: ids are integers below the vocabulary cap (the library
// builds an id -> token array and a hostile 2^40 id would make loops over it endless), token strings
// are bounded, BPE merges name tokens that exist and produce a token that exists (the Rust library's
// own rule), and fields the library would read as `undefined` get the Rust defaults.
import { throwIfAborted } from '../errors';
import { badAt, childPath, isId, isRecord, limitAt, show, unsupportedAt } from './tokenizerErrors';

/** Default cap on vocabulary entries, merges and the largest id + 1. */
export const DEFAULT_MAX_VOCAB = 1_000_000;
/** Characters of one vocabulary or added token; real ones are under a hundred. */
export const MAX_TOKEN_CHARS = 1024;
/**
 * Characters of all added tokens together. The library indexes them in a trie of plain objects, one
 * per character (about 180 bytes each): 2 million characters cost 350 MiB. Real files hold well
 * under 100,000.
 */
export const MAX_ADDED_TOKEN_CHARS = 500_000;
/** Characters of all Unigram pieces together (the library builds a trie of them); XLM-R has ~2 million. */
export const MAX_UNIGRAM_CHARS = 8_000_000;
/** Longest word WordPiece examines (its cost grows with the cube of this); BERT uses 100. */
export const MAX_WORDPIECE_WORD_CHARS = 256;

export type ModelType = 'BPE' | 'WordPiece' | 'Unigram' | 'WordLevel';

export interface CheckedModel {
  readonly type: ModelType;
  /** The object handed to the library (a copy with defaults filled in). */
  readonly model: Record<string, unknown>;
  /** token -> id for the vocabulary (not the added tokens). */
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkToken: string | undefined;
  /** One past the largest id. */
  readonly idLimit: number;
  /** Longest token, in UTF-16 units. */
  readonly maxTokenChars: number;
}

export interface AddedTokenInfo {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
}

interface ModelContext {
  readonly fileName: string | undefined;
  readonly maxVocab: number;
  readonly signal: AbortSignal | undefined;
}

export function checkModel(value: unknown, ctx: ModelContext): CheckedModel {
  const file = ctx.fileName;
  if (!isRecord(value)) throw badAt(file, 'model', `model is ${show(value)}`, 'an object with "type" and "vocab"');
  const type = modelType(value, ctx);
  if (type === 'Unigram') return checkUnigram(value, ctx);
  const vocab = checkVocabObject(value.vocab, ctx);
  let maxTokenChars = 0;
  let idLimit = 0;
  for (const [token, id] of vocab) {
    maxTokenChars = Math.max(maxTokenChars, token.length);
    idLimit = Math.max(idLimit, id + 1);
  }
  const unk = value.unk_token;
  if (unk !== undefined && unk !== null && typeof unk !== 'string')
    throw badAt(file, 'model.unk_token', `unk_token is ${show(unk)}`, 'a string or null');
  const model: Record<string, unknown> = { type, vocab: value.vocab };
  if (type === 'WordPiece') {
    const prefix = value.continuing_subword_prefix ?? '##';
    if (typeof prefix !== 'string' || prefix.length > 16)
      throw badAt(file, 'model.continuing_subword_prefix', `prefix is ${show(prefix)}`, 'a string of at most 16 characters');
    const maxChars = value.max_input_chars_per_word ?? 100;
    if (!(Number.isSafeInteger(maxChars) && (maxChars as number) >= 1 && (maxChars as number) <= MAX_WORDPIECE_WORD_CHARS)) {
      throw badAt(
        file,
        'model.max_input_chars_per_word',
        `max_input_chars_per_word is ${show(maxChars)}`,
        `an integer in [1, ${MAX_WORDPIECE_WORD_CHARS}]`,
      );
    }
    const unkToken = typeof unk === 'string' ? unk : '[UNK]';
    if (!vocab.has(unkToken))
      throw badAt(file, 'model.unk_token', `WordPiece unk_token ${show(unkToken)} is not in model.vocab`, 'a token of model.vocab');
    Object.assign(model, { unk_token: unkToken, continuing_subword_prefix: prefix, max_input_chars_per_word: maxChars });
    return { type, model, vocab, unkToken, idLimit, maxTokenChars };
  }
  if (type === 'WordLevel') {
    return { type, model, vocab, unkToken: typeof unk === 'string' ? unk : undefined, idLimit, maxTokenChars };
  }
  // BPE
  const dropout = value.dropout;
  if (dropout !== undefined && dropout !== null && dropout !== 0 && dropout !== 1)
    throw unsupportedAt(file, 'model.dropout', `BPE dropout ${show(dropout)} (random merges) is not supported`);
  const prefix = value.continuing_subword_prefix;
  if (prefix !== undefined && prefix !== null && prefix !== '')
    throw unsupportedAt(file, 'model.continuing_subword_prefix', `BPE continuing_subword_prefix ${show(prefix)} is not supported`);
  for (const field of ['end_of_word_suffix', 'continuing_subword_suffix'] as const) {
    const v = value[field];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 16))
      throw badAt(file, `model.${field}`, `${field} is ${show(v)}`, 'a string of at most 16 characters, or null');
  }
  for (const field of ['fuse_unk', 'byte_fallback', 'ignore_merges'] as const) {
    const v = value[field];
    if (v !== undefined && v !== null && typeof v !== 'boolean')
      throw badAt(file, `model.${field}`, `${field} is ${show(v)}`, 'true or false');
  }
  const merges = checkMerges(value.merges, vocab, value.end_of_word_suffix, ctx);
  Object.assign(model, {
    unk_token: unk ?? null,
    merges,
    end_of_word_suffix: value.end_of_word_suffix ?? null,
    continuing_subword_suffix: value.continuing_subword_suffix ?? null,
    fuse_unk: value.fuse_unk ?? false,
    byte_fallback: value.byte_fallback ?? false,
    ignore_merges: value.ignore_merges ?? false,
  });
  return { type, model, vocab, unkToken: typeof unk === 'string' ? unk : undefined, idLimit, maxTokenChars };
}

function modelType(value: Record<string, unknown>, ctx: ModelContext): ModelType {
  const t = value.type;
  if (t === 'BPE' || t === 'WordPiece' || t === 'Unigram' || t === 'WordLevel') return t;
  if (t !== undefined) {
    if (typeof t !== 'string') throw badAt(ctx.fileName, 'model.type', `type is ${show(t)}`, 'BPE, WordPiece, Unigram or WordLevel');
    throw unsupportedAt(
      ctx.fileName,
      'model.type',
      `model type ${show(t)} is not supported (supported: BPE, WordPiece, Unigram, WordLevel)`,
    );
  }
  // Old serializations omit the type: the Rust library tells the models apart by their fields.
  if (Array.isArray(value.vocab)) return 'Unigram';
  if (value.merges !== undefined) return 'BPE';
  if (value.continuing_subword_prefix !== undefined || value.max_input_chars_per_word !== undefined) return 'WordPiece';
  return 'WordLevel';
}

function checkVocabObject(vocab: unknown, ctx: ModelContext): Map<string, number> {
  const file = ctx.fileName;
  if (!isRecord(vocab)) throw badAt(file, 'model.vocab', `vocab is ${show(vocab)}`, 'an object of token -> id');
  const out = new Map<string, number>();
  let n = 0;
  for (const token in vocab) {
    if (!Object.prototype.hasOwnProperty.call(vocab, token)) continue;
    if (++n > ctx.maxVocab)
      throw limitAt(
        file,
        'model.vocab',
        `more than ${ctx.maxVocab} vocabulary entries`,
        `at most ${ctx.maxVocab} entries, or a larger maxVocab`,
      );
    if ((n & 0xffff) === 0) throwIfAborted(ctx.signal);
    const id = vocab[token];
    const at = childPath('model.vocab', token);
    if (!isId(id, ctx.maxVocab)) throw badAt(file, at, `id ${show(id)}`, `an integer id in [0, ${ctx.maxVocab})`);
    if (token.length > MAX_TOKEN_CHARS)
      throw badAt(file, at, `a token of ${token.length} characters`, `at most ${MAX_TOKEN_CHARS} characters`);
    out.set(token, id);
  }
  return out;
}

function checkMerges(merges: unknown, vocab: ReadonlyMap<string, number>, suffix: unknown, ctx: ModelContext): unknown[] {
  const file = ctx.fileName;
  if (merges === undefined || merges === null) return [];
  if (!Array.isArray(merges))
    throw badAt(file, 'model.merges', `merges is ${show(merges)}`, 'an array of "a b" strings or ["a", "b"] pairs');
  if (merges.length > ctx.maxVocab)
    throw limitAt(file, 'model.merges', `${merges.length} merges`, `at most ${ctx.maxVocab} merges, or a larger maxVocab`);
  const pairs = merges.length > 0 && Array.isArray(merges[0]);
  const has = (t: string): boolean => vocab.has(t) || (typeof suffix === 'string' && suffix !== '' && vocab.has(t + suffix));
  merges.forEach((m: unknown, i) => {
    if ((i & 0xffff) === 0) throwIfAborted(ctx.signal);
    const at = childPath('model.merges', i);
    let parts: unknown[];
    if (pairs) {
      if (!Array.isArray(m)) throw badAt(file, at, `merge ${show(m)} in a list of pairs`, 'a ["a", "b"] pair like the first merge');
      parts = m;
    } else {
      if (typeof m !== 'string') throw badAt(file, at, `merge ${show(m)}`, 'an "a b" string like the first merge');
      parts = m.split(' ');
    }
    if (parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string' || parts[0] === '' || parts[1] === '') {
      throw badAt(file, at, `merge ${show(m)} is not two tokens`, pairs ? '["a", "b"]' : '"a b" with exactly one space');
    }
    const [a, b] = parts as [string, string];
    if (!has(a)) throw badAt(file, at, `merge ${show(m)} names ${show(a)}, which is not in model.vocab`, 'merges of vocabulary tokens');
    if (!has(b)) throw badAt(file, at, `merge ${show(m)} names ${show(b)}, which is not in model.vocab`, 'merges of vocabulary tokens');
    if (!has(a + b))
      throw badAt(
        file,
        at,
        `merge ${show(m)} makes ${show(a + b)}, which is not in model.vocab`,
        'merges whose result is a vocabulary token',
      );
  });
  return merges;
}

function checkUnigram(value: Record<string, unknown>, ctx: ModelContext): CheckedModel {
  const file = ctx.fileName;
  const vocab = value.vocab;
  if (!Array.isArray(vocab) || vocab.length === 0)
    throw badAt(file, 'model.vocab', `Unigram vocab is ${show(vocab)}`, 'a non-empty array of [token, score] pairs');
  if (vocab.length > ctx.maxVocab)
    throw limitAt(file, 'model.vocab', `${vocab.length} vocabulary entries`, `at most ${ctx.maxVocab} entries, or a larger maxVocab`);
  const map = new Map<string, number>();
  let maxTokenChars = 0;
  let chars = 0;
  vocab.forEach((entry: unknown, i) => {
    if ((i & 0xffff) === 0) throwIfAborted(ctx.signal);
    const at = childPath('model.vocab', i);
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== 'string' ||
      typeof entry[1] !== 'number' ||
      !Number.isFinite(entry[1])
    ) {
      throw badAt(file, at, `entry ${show(entry)}`, '[token, finite score]');
    }
    const token = entry[0];
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS)
      throw badAt(file, at, `a token of ${token.length} characters`, `1 to ${MAX_TOKEN_CHARS} characters`);
    chars += token.length;
    if (chars > MAX_UNIGRAM_CHARS)
      throw limitAt(file, at, `the pieces up to here hold ${chars} characters`, `at most ${MAX_UNIGRAM_CHARS} characters in all pieces`);
    // The library keeps the last id of a repeated piece; so do we.
    map.set(token, i);
    maxTokenChars = Math.max(maxTokenChars, token.length);
  });
  const unkId = value.unk_id;
  if (unkId === undefined || unkId === null) throw unsupportedAt(file, 'model.unk_id', 'a Unigram model without unk_id is not supported');
  if (!isId(unkId, vocab.length)) throw badAt(file, 'model.unk_id', `unk_id ${show(unkId)}`, `an integer in [0, ${vocab.length})`);
  if (value.byte_fallback === true) throw unsupportedAt(file, 'model.byte_fallback', 'Unigram byte_fallback is not supported');
  const unkToken = (vocab[unkId] as [string, number])[0];
  return { type: 'Unigram', model: { type: 'Unigram', vocab, unk_id: unkId }, vocab: map, unkToken, idLimit: vocab.length, maxTokenChars };
}

export function checkAddedTokens(value: unknown, ctx: ModelContext, maxAdded: number): AddedTokenInfo[] {
  const file = ctx.fileName;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badAt(file, 'added_tokens', `added_tokens is ${show(value)}`, 'an array of {id, content, ...}');
  if (value.length > maxAdded) throw limitAt(file, 'added_tokens', `${value.length} added tokens`, `at most ${maxAdded} added tokens`);
  let chars = 0;
  return value.map((t: unknown, i): AddedTokenInfo => {
    const at = childPath('added_tokens', i);
    if (!isRecord(t)) throw badAt(file, at, `added token ${show(t)}`, 'an object {id, content, special, ...}');
    if (!isId(t.id, ctx.maxVocab)) throw badAt(file, childPath(at, 'id'), `id ${show(t.id)}`, `an integer id in [0, ${ctx.maxVocab})`);
    const content = t.content;
    if (typeof content !== 'string' || content.length === 0 || content.length > MAX_TOKEN_CHARS) {
      throw badAt(file, childPath(at, 'content'), `content ${show(content)}`, `a string of 1 to ${MAX_TOKEN_CHARS} characters`);
    }
    chars += content.length;
    if (chars > MAX_ADDED_TOKEN_CHARS)
      throw limitAt(
        file,
        at,
        `the added tokens up to here hold ${chars} characters`,
        `at most ${MAX_ADDED_TOKEN_CHARS} characters in all added tokens`,
      );
    for (const flag of ['single_word', 'lstrip', 'rstrip', 'normalized', 'special'] as const) {
      const v = t[flag];
      if (v !== undefined && typeof v !== 'boolean') throw badAt(file, childPath(at, flag), `${flag} is ${show(v)}`, 'true or false');
    }
    return { id: t.id, content, special: t.special === true };
  });
}
