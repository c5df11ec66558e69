// tokenizer_config.json: only the few fields we use are read, each checked and copied, so the library
// never sees the rest (chat templates, custom classes). Special tokens may be written as a string or as
// a serialized AddedToken {"content": "..."}; which ids are BOS/EOS/PAD/UNK comes from here first, then
// from the usual names among the added tokens.
import { MedSynthError } from '../errors';
import type { GuardedTokenizer } from './tokenizerGuard';
import { isRecord, show } from './tokenizerErrors';
import { MAX_TOKEN_CHARS } from './tokenizerModel';

export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
  readonly unk?: number;
}

export interface TokenizerConfigValues {
  readonly tokens: Readonly<Partial<Record<keyof SpecialTokenIds, string>>>;
  readonly additionalSpecialTokens: readonly string[];
  /** The clean config object handed to the library. */
  readonly forLibrary: Record<string, unknown>;
}

const NAMES: Readonly<Record<keyof SpecialTokenIds, readonly string[]>> = {
  bos: ['<s>', '<|begin_of_text|>', '<bos>', '<BOS>', '<|startoftext|>'],
  eos: ['</s>', '<|endoftext|>', '<|end_of_text|>', '<eos>', '<EOS>'],
  pad: ['<pad>', '[PAD]', '<|pad|>', '<PAD>', '<|padding|>'],
  unk: ['<unk>', '[UNK]', '<|unk|>', '<UNK>'],
};

function tokenText(v: unknown, field: string, file: string | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : isRecord(v) ? v.content : undefined;
  if (typeof s !== 'string' || s.length === 0 || s.length > MAX_TOKEN_CHARS) {
    throw new MedSynthError('BAD_INPUT', `${field}: ${show(v)} is not a token`, { file, expected: 'a token string or {"content": "..."}' });
  }
  return s;
}

export function readTokenizerConfig(
  raw: Record<string, unknown>,
  file: string | undefined,
  guarded: GuardedTokenizer,
): TokenizerConfigValues {
  const tokens: Partial<Record<keyof SpecialTokenIds, string>> = {};
  for (const key of ['bos', 'eos', 'pad', 'unk'] as const) {
    const t = tokenText(raw[`${key}_token`], `${key}_token`, file);
    if (t !== undefined) tokens[key] = t;
  }
  const extra = raw.additional_special_tokens;
  let additionalSpecialTokens: string[] = [];
  if (extra !== undefined && extra !== null) {
    if (!Array.isArray(extra) || extra.length > 100_000)
      throw new MedSynthError('BAD_INPUT', `additional_special_tokens: ${show(extra)}`, { file, expected: 'an array of tokens' });
    additionalSpecialTokens = extra.map((t: unknown, i) => tokenText(t, `additional_special_tokens[${i}]`, file) as string);
  }
  const clean = raw.clean_up_tokenization_spaces;
  if (clean !== undefined && clean !== null && typeof clean !== 'boolean') {
    throw new MedSynthError('BAD_INPUT', `clean_up_tokenization_spaces: ${show(clean)}`, { file, expected: 'true or false' });
  }
  const forLibrary: Record<string, unknown> = {
    // tokenizer.json alone decides decoding, as in the Rust library, unless the config asks for cleanup.
    clean_up_tokenization_spaces: clean ?? false,
    additional_special_tokens: [],
  };
  if (tokens.eos !== undefined) forLibrary.eos_token = tokens.eos;
  // The library runs a WordLevel model as its "Legacy" model, which takes the unknown token from here.
  if (guarded.model.type === 'WordLevel' && guarded.model.unkToken !== undefined) forLibrary.unk_token = guarded.model.unkToken;
  return { tokens, additionalSpecialTokens, forLibrary };
}

export function specialTokenIds(
  guarded: GuardedTokenizer,
  config: TokenizerConfigValues,
  idOf: (token: string) => number | undefined,
): SpecialTokenIds {
  const out: { -readonly [K in keyof SpecialTokenIds]?: number } = {};
  const added = new Map(guarded.added.map((t) => [t.content, t.id]));
  for (const key of ['bos', 'eos', 'pad', 'unk'] as const) {
    const named = config.tokens[key];
    let id = named !== undefined ? idOf(named) : undefined;
    if (id === undefined && key === 'unk' && guarded.model.unkToken !== undefined) id = idOf(guarded.model.unkToken);
    for (const name of NAMES[key]) {
      if (id !== undefined) break;
      id = added.get(name);
    }
    if (id !== undefined) out[key] = id;
  }
  return out;
}
