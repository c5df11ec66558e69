// The tokenizer of an autoregressive generator: a Hugging Face tokenizer.json (plus, optionally, its
// tokenizer_config.json) run by @huggingface/tokenizers behind our guard (tokenizerGuard.ts). The
// library only ever sees a checked, cleaned object; anything it throws becomes BAD_INPUT naming the
// file; its results are checked (every id an integer in [0, vocabSize)) before anyone uses them; and
// encode/decode are bounded so that no text or id list can make them run for minutes.
import { Tokenizer } from '@huggingface/tokenizers';
import { MedSynthError, throwIfAborted } from '../errors';
import { MAX_TOKENIZER_CONFIG_BYTES, guardTokenizerJson, parseJsonBytes } from './tokenizerGuard';
import type { GuardedTokenizer, TokenizerReadOptions } from './tokenizerGuard';
import type { ModelType } from './tokenizerModel';
import { isRecord } from './tokenizerErrors';
import { readTokenizerConfig, specialTokenIds } from './tokenizerConfig';
import type { SpecialTokenIds, TokenizerConfigValues } from './tokenizerConfig';

export type { TokenizerReadOptions } from './tokenizerGuard';
export type { SpecialTokenIds } from './tokenizerConfig';

/**
 * Default cap on the text encode takes, in UTF-16 units (prompts and stop strings are far shorter).
 * A split pattern with one unbounded quantifier can cost (length)^2 steps: about a second here.
 */
export const DEFAULT_MAX_TEXT_CHARS = 16_384;
/** The cap for a tokenizer whose split patterns are of degree 2 and unknown ((length)^3 steps). */
export const MAX_TEXT_CHARS_SLOW_REGEX = 512;
/** Unigram builds a lattice of up to (text length x longest token) nodes; this bounds it. */
const MAX_LATTICE_NODES = 1 << 24;
/** Characters decode may hand the decoders (ids x token length x rewrite growth). */
const MAX_DECODE_CHARS = 16 * 1024 * 1024;

export interface EncodeOptions {
  /** Add the template's special tokens (BOS...). Default true, as the Rust library does. */
  readonly addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  readonly skipSpecialTokens?: boolean;
}

export class MedSynthTokenizer {
  /** One past the largest token id: every id encode returns is below it. */
  readonly vocabSize: number;
  readonly modelType: ModelType;
  readonly specialTokens: SpecialTokenIds;
  /** Longest text encode accepts, in UTF-16 units. */
  readonly maxTextChars: number;
  /** Why maxTextChars is below the caller's cap, for the LIMIT_EXCEEDED message. */
  private readonly capReason: string;
  private readonly specialIds: ReadonlySet<number>;

  constructor(
    private readonly inner: Tokenizer,
    guarded: GuardedTokenizer,
    config: TokenizerConfigValues,
    private readonly fileName: string | undefined,
    maxTextChars: number,
  ) {
    this.vocabSize = guarded.vocabSize;
    this.modelType = guarded.model.type;
    this.specialTokens = specialTokenIds(guarded, config, (t) => this.tokenToId(t));
    const special = new Set(guarded.added.filter((t) => t.special).map((t) => t.id));
    for (const t of config.additionalSpecialTokens) {
      const id = this.tokenToId(t);
      if (id !== undefined) special.add(id);
    }
    this.specialIds = special;
    let cap = maxTextChars;
    let reason = '';
    if (guarded.regexDegree >= 2 && MAX_TEXT_CHARS_SLOW_REGEX < cap) {
      cap = MAX_TEXT_CHARS_SLOW_REGEX;
      reason = ': its split or replace pattern can backtrack for a long time on longer texts';
    }
    const lattice = Math.floor(MAX_LATTICE_NODES / Math.max(1, guarded.model.maxTokenChars));
    if (guarded.model.type === 'Unigram' && lattice < cap) {
      cap = lattice;
      reason = `: its longest token (${guarded.model.maxTokenChars} characters) makes the Unigram lattice large`;
    }
    this.maxTextChars = cap;
    this.capReason = reason;
  }

  tokenToId(token: string): number | undefined {
    const id = this.inner.token_to_id(token);
    return Number.isSafeInteger(id) && (id as number) >= 0 && (id as number) < this.vocabSize ? id : undefined;
  }

  idToToken(id: number): string | undefined {
    if (!Number.isSafeInteger(id) || id < 0 || id >= this.vocabSize) return undefined;
    const t = this.inner.id_to_token(id);
    return typeof t === 'string' ? t : undefined;
  }

  encode(text: string, opts: EncodeOptions = {}): Int32Array {
    if (typeof text !== 'string') throw new MedSynthError('BAD_USAGE', `encode takes a string, got ${typeof text}`);
    if (text.length > this.maxTextChars) {
      throw new MedSynthError(
        'LIMIT_EXCEEDED',
        `a text of ${text.length} characters is longer than this tokenizer accepts (${this.maxTextChars})${this.capReason}`,
        {
          file: this.fileName,
          expected: `at most ${this.maxTextChars} characters, or a larger maxTextChars`,
        },
      );
    }
    // The Rust library only ever sees well-formed Unicode; lone surrogates become U+FFFD as they would there.
    const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    let ids: unknown[];
    try {
      ids = this.inner.encode(wellFormed, { add_special_tokens: opts.addSpecialTokens ?? true }).ids;
    } catch (e) {
      throw this.libraryError('encode', e);
    }
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new MedSynthError('BAD_INPUT', `the tokenizer turned part of the text into no token id (no unk_token for it?)`, {
          file: this.fileName,
          expected: 'a tokenizer whose vocabulary or unk_token covers every text',
        });
      }
      out[i] = id;
    }
    return out;
  }

  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    // A UTF-16 unit encodes to at most 3 bytes, so byte-level tokenizers give at most ~3 ids per unit.
    const maxIds = 4 * this.maxTextChars;
    if (ids.length > maxIds) {
      throw new MedSynthError('LIMIT_EXCEEDED', `${ids.length} ids are more than decode accepts (${maxIds})`, {
        file: this.fileName,
        expected: `at most ${maxIds} ids`,
      });
    }
    const kept: number[] = [];
    let chars = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const token = this.idToToken(id);
      if (token === undefined) {
        throw new MedSynthError('BAD_INPUT', `id ${String(id)} at position ${i} is not a token id of this tokenizer`, {
          file: this.fileName,
          expected: `an id in [0, ${this.vocabSize}) that has a token`,
        });
      }
      if (opts.skipSpecialTokens && this.specialIds.has(id)) continue;
      chars += token.length;
      kept.push(id);
    }
    if (chars > MAX_DECODE_CHARS)
      throw new MedSynthError('LIMIT_EXCEEDED', `decoding ${ids.length} ids would make ${chars} characters`, {
        file: this.fileName,
        expected: `at most ${MAX_DECODE_CHARS}`,
      });
    if (kept.length === 0) return '';
    try {
      const text = this.inner.decode(kept, { skip_special_tokens: false });
      if (typeof text !== 'string') throw new TypeError(`decode returned ${typeof text}`);
      return text;
    } catch (e) {
      throw this.libraryError('decode', e);
    }
  }

  private libraryError(what: string, e: unknown): MedSynthError {
    if (e instanceof MedSynthError) return e;
    const why = e instanceof Error ? e.message : String(e);
    return new MedSynthError(
      'BAD_INPUT',
      `the tokenizer failed to ${what}: ${why.slice(0, 200)}`,
      { file: this.fileName, expected: 'a tokenizer.json the tokenizers library can run' },
      { cause: e },
    );
  }
}

/**
 * Loads a tokenizer.json (and optionally the tokenizer_config.json beside it). Throws BAD_INPUT for a
 * broken file (naming the JSON path and what was expected), UNSUPPORTED for a component type or
 * variant the library does not implement, LIMIT_EXCEEDED past a size cap, CANCELLED on abort.
 */
export function loadTokenizer(
  bytes: Uint8Array,
  opts: TokenizerReadOptions = {},
  configBytes?: Uint8Array,
  configFileName?: string,
): MedSynthTokenizer {
  const maxTextChars = opts.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  if (!(Number.isSafeInteger(maxTextChars) && maxTextChars >= 1))
    throw new MedSynthError('BAD_USAGE', `maxTextChars must be an integer of at least 1, got ${maxTextChars}`);
  for (const [name, v] of [
    ['maxBytes', opts.maxBytes],
    ['maxVocab', opts.maxVocab],
  ] as const) {
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1))
      throw new MedSynthError('BAD_USAGE', `${name} must be an integer of at least 1, got ${v}`);
  }
  const guarded = guardTokenizerJson(bytes, opts);
  let rawConfig: unknown = {};
  if (configBytes !== undefined) {
    rawConfig = parseJsonBytes(configBytes, configFileName, MAX_TOKENIZER_CONFIG_BYTES, 'tokenizer_config.json');
    if (!isRecord(rawConfig))
      throw new MedSynthError('BAD_INPUT', 'tokenizer_config.json is not a JSON object', {
        file: configFileName,
        expected: 'a JSON object',
      });
  }
  const config = readTokenizerConfig(rawConfig as Record<string, unknown>, configFileName, guarded);
  throwIfAborted(opts.signal);
  let inner: Tokenizer;
  try {
    inner = new Tokenizer(guarded.json, config.forLibrary);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MedSynthError(
      'BAD_INPUT',
      `the tokenizers library refused it: ${why.slice(0, 200)}`,
      { file: opts.fileName, expected: 'a tokenizer.json the tokenizers library can load' },
      { cause: e },
    );
  }
  return new MedSynthTokenizer(inner, guarded, config, opts.fileName, maxTextChars);
}
