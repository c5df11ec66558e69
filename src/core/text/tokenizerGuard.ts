// The checks a tokenizer.json passes before any third-party code sees it: a size cap, strict UTF-8,
// a nesting-depth scan of the raw bytes (so no recursive walk, ours or the library's, can exhaust the
// stack), JSON.parse, then the schema of every part the library reads (tokenizerModel.ts,
// tokenizerComponents.ts). What comes out is a clean object for the library plus what we need to
// check its results.
import { MedSynthError, throwIfAborted } from '../errors';
import type { ReadOptions } from '../data/readOptions';
import { checkComponent } from './tokenizerComponents';
import type { ComponentContext } from './tokenizerComponents';
import { badAt, isRecord, limitAt, show } from './tokenizerErrors';
import { checkAddedTokens, checkModel, DEFAULT_MAX_VOCAB } from './tokenizerModel';
import type { AddedTokenInfo, CheckedModel } from './tokenizerModel';

/** Default cap on a tokenizer.json's size: the largest common ones (Gemma, Llama 3) are ~35 MB. */
export const DEFAULT_MAX_TOKENIZER_BYTES = 64 * 1024 * 1024;
/** Default cap on a tokenizer_config.json's size (chat templates make some ~100 KB). */
export const MAX_TOKENIZER_CONFIG_BYTES = 4 * 1024 * 1024;
/** JSON nesting accepted; a real tokenizer.json nests about 8 levels. */
export const MAX_JSON_DEPTH = 64;
/** Added tokens accepted. */
export const MAX_ADDED_TOKENS = 300_000;

export interface TokenizerReadOptions extends ReadOptions {
  /** Refuse a tokenizer.json larger than this. Default DEFAULT_MAX_TOKENIZER_BYTES. */
  readonly maxBytes?: number;
  /** Refuse vocabularies (and merges, and ids) beyond this many entries. Default DEFAULT_MAX_VOCAB. */
  readonly maxVocab?: number;
  /** Longest text encode accepts, in UTF-16 units. Default DEFAULT_MAX_TEXT_CHARS (tokenizer.ts). */
  readonly maxTextChars?: number;
}

export interface GuardedTokenizer {
  /** The object handed to the library's Tokenizer constructor. */
  readonly json: Record<string, unknown>;
  readonly model: CheckedModel;
  readonly added: readonly AddedTokenInfo[];
  /** One past the largest id of the vocabulary and the added tokens. */
  readonly vocabSize: number;
  /** How much the configured rewrites may multiply a text's length (at most MAX_GROWTH). */
  readonly growth: number;
  /** Highest backtracking degree of the regexes encode runs (regexSafety.ts). */
  readonly regexDegree: number;
}

/** Bytes -> parsed JSON, with the size cap, strict UTF-8 and the depth bound. */
export function parseJsonBytes(bytes: Uint8Array, fileName: string | undefined, maxBytes: number, what: string): unknown {
  if (bytes.length > maxBytes) {
    throw limitAt(
      fileName,
      '',
      `${bytes.length} bytes is larger than the ${what} size limit ${maxBytes}`,
      `at most ${maxBytes} bytes, or a larger maxBytes`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MedSynthError('BAD_INPUT', `${what} is not valid UTF-8`, {
      file: fileName,
      offset: firstInvalidUtf8(bytes),
      expected: 'UTF-8 JSON',
    });
  }
  const deep = deepestOffset(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    const offset = new TextEncoder().encode(text.slice(0, deep)).length;
    throw new MedSynthError('BAD_INPUT', `${what} nests more than ${MAX_JSON_DEPTH} levels deep`, {
      file: fileName,
      offset,
      expected: `JSON nested at most ${MAX_JSON_DEPTH} levels`,
    });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MedSynthError(
      'BAD_INPUT',
      `${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      { file: fileName, expected: 'a JSON object' },
      { cause: e },
    );
  }
}

export function guardTokenizerJson(bytes: Uint8Array, opts: TokenizerReadOptions = {}): GuardedTokenizer {
  const fileName = opts.fileName;
  const maxVocab = opts.maxVocab ?? DEFAULT_MAX_VOCAB;
  throwIfAborted(opts.signal);
  const root = parseJsonBytes(bytes, fileName, opts.maxBytes ?? DEFAULT_MAX_TOKENIZER_BYTES, 'tokenizer.json');
  throwIfAborted(opts.signal);
  if (!isRecord(root)) throw badAt(fileName, '', `the file holds ${show(root)}`, 'a tokenizer.json object with "model"');
  const ctx = { fileName, maxVocab, signal: opts.signal };
  const model = checkModel(root.model, ctx);
  const added = checkAddedTokens(root.added_tokens, ctx, MAX_ADDED_TOKENS);
  throwIfAborted(opts.signal);
  const addedContents = new Set(added.map((t) => t.content));
  if (model.unkToken !== undefined && !model.vocab.has(model.unkToken) && !addedContents.has(model.unkToken)) {
    throw badAt(
      fileName,
      'model.unk_token',
      `unk_token ${show(model.unkToken)} is neither in model.vocab nor in added_tokens`,
      'a token of the vocabulary',
    );
  }
  const components: ComponentContext = {
    fileName,
    hasToken: (t) => model.vocab.has(t) || addedContents.has(t),
    count: 0,
    growth: 1,
    regexDegree: 0,
  };
  for (const kind of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const)
    checkComponent(kind, root[kind], kind, components);
  const vocabSize = added.reduce((n, t) => Math.max(n, t.id + 1), model.idLimit);
  const json: Record<string, unknown> = {
    version: typeof root.version === 'string' ? root.version : '1.0',
    // Copies of the checked fields only, so nothing unchecked reaches the library.
    added_tokens: (root.added_tokens === undefined || root.added_tokens === null
      ? []
      : (root.added_tokens as Record<string, unknown>[])
    ).map((t) => ({
      id: t.id,
      content: t.content,
      single_word: t.single_word ?? false,
      lstrip: t.lstrip ?? false,
      rstrip: t.rstrip ?? false,
      normalized: t.normalized ?? !(t.special === true),
      special: t.special ?? false,
    })),
    normalizer: root.normalizer ?? null,
    pre_tokenizer: root.pre_tokenizer ?? null,
    post_processor: root.post_processor ?? null,
    decoder: root.decoder ?? null,
    model: model.model,
  };
  return { json, model, added, vocabSize, growth: components.growth, regexDegree: components.regexDegree };
}

/**
 * The offset (in UTF-16 units of the text) where nesting first passes maxDepth, or -1. Linear and
 * iterative: strings are skipped so brackets inside them do not count.
 */
export function deepestOffset(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Bisect for the shortest prefix that fails even as the start of a stream: its last byte is the bad one.
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return Math.max(0, hi - 1);
}
