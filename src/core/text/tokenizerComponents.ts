// Checks the normalizer, pre-tokenizer, post-processor and decoder of a tokenizer.json before the
// library builds them: every field the library reads has the type it expects (a wrong one would be a
// TypeError, an endless loop, or an out-of-memory deep inside it), the component types are the ones it
// implements, Sequence nesting is bounded (the library recurses), every regex passes regexSafety, and
// the Replace/Prepend/Metaspace rewrites together cannot blow a short text up into gigabytes.
import { KNOWN_PATTERNS, analyzePattern } from './regexSafety';
import { badAt, childPath, isRecord, show, unsupportedAt } from './tokenizerErrors';
import type { JsonPath } from './tokenizerErrors';

/** Sequence components nested inside one another. */
export const MAX_SEQUENCE_DEPTH = 4;
/** Components in one tokenizer, all kinds together. */
export const MAX_COMPONENTS = 128;
/** Characters of a Replace content, Prepend text, Strip content or similar literal. */
export const MAX_LITERAL_CHARS = 256;
/** How much all rewrites together may multiply a text's length (product of 1 + content length). */
export const MAX_GROWTH = 64;

export type ComponentKind = 'normalizer' | 'pre_tokenizer' | 'post_processor' | 'decoder';

export interface ComponentContext {
  readonly fileName: string | undefined;
  /** Whether a token string is in the vocabulary or the added tokens. */
  readonly hasToken: (token: string) => boolean;
  count: number;
  growth: number;
  /** Highest degree (regexSafety.ts) of a Regex the text goes through, known patterns counted as 1. */
  regexDegree: number;
}

type FieldType = 'bool' | 'string' | 'int' | 'pattern' | 'behavior' | 'scheme' | 'token' | 'tokenPair' | 'template' | 'specialTokens';
type Spec = Readonly<Record<string, FieldType>>;

const NORMALIZERS: Readonly<Record<string, Spec>> = {
  BertNormalizer: { clean_text: 'bool', handle_chinese_chars: 'bool', strip_accents: 'bool', lowercase: 'bool' },
  Precompiled: { precompiled_charsmap: 'string' },
  Replace: { pattern: 'pattern', content: 'string' },
  NFC: {},
  NFD: {},
  NFKC: {},
  NFKD: {},
  StripAccents: {},
  Lowercase: {},
  Strip: { strip_left: 'bool', strip_right: 'bool' },
  Prepend: { prepend: 'string' },
};
const PRE_TOKENIZERS: Readonly<Record<string, Spec>> = {
  BertPreTokenizer: {},
  Whitespace: {},
  WhitespaceSplit: {},
  ByteLevel: { add_prefix_space: 'bool', trim_offsets: 'bool', use_regex: 'bool' },
  Metaspace: { replacement: 'string', str_rep: 'string', prepend_scheme: 'scheme', add_prefix_space: 'bool', split: 'bool' },
  Split: { pattern: 'pattern', behavior: 'behavior', invert: 'bool' },
  Punctuation: { behavior: 'behavior' },
  Digits: { individual_digits: 'bool' },
  Replace: { pattern: 'pattern', content: 'string' },
  FixedLength: { length: 'int' },
};
const POST_PROCESSORS: Readonly<Record<string, Spec>> = {
  TemplateProcessing: { single: 'template', pair: 'template', special_tokens: 'specialTokens' },
  ByteLevel: { add_prefix_space: 'bool', trim_offsets: 'bool', use_regex: 'bool' },
  BertProcessing: { sep: 'tokenPair', cls: 'tokenPair' },
  RobertaProcessing: { sep: 'tokenPair', cls: 'tokenPair', trim_offsets: 'bool', add_prefix_space: 'bool' },
};
const DECODERS: Readonly<Record<string, Spec>> = {
  ByteLevel: { add_prefix_space: 'bool', trim_offsets: 'bool', use_regex: 'bool' },
  WordPiece: { prefix: 'string', cleanup: 'bool' },
  Metaspace: { replacement: 'string', str_rep: 'string', prepend_scheme: 'scheme', add_prefix_space: 'bool', split: 'bool' },
  BPEDecoder: { suffix: 'string' },
  CTC: { pad_token: 'string', word_delimiter_token: 'string', cleanup: 'bool' },
  Replace: { pattern: 'pattern', content: 'string' },
  Fuse: {},
  ByteFallback: {},
  Strip: { content: 'string', start: 'int', stop: 'int' },
};
const TABLES: Readonly<Record<ComponentKind, Readonly<Record<string, Spec>>>> = {
  normalizer: NORMALIZERS,
  pre_tokenizer: PRE_TOKENIZERS,
  post_processor: POST_PROCESSORS,
  decoder: DECODERS,
};
/** The field holding a Sequence's children, per kind. */
const SEQUENCE_FIELD: Readonly<Record<ComponentKind, string>> = {
  normalizer: 'normalizers',
  pre_tokenizer: 'pretokenizers',
  post_processor: 'processors',
  decoder: 'decoders',
};
/** Behaviors the library reproduces; the others it documents as diverging from the Rust library. */
const BEHAVIORS = ['Removed', 'Isolated'];

/** Checks one component (null is allowed: no such step); throws BAD_INPUT or UNSUPPORTED naming its path. */
export function checkComponent(kind: ComponentKind, value: unknown, path: JsonPath, ctx: ComponentContext, depth = 0): void {
  if (value === null || value === undefined) return;
  const file = ctx.fileName;
  if (!isRecord(value)) throw badAt(file, path, `${kind} is ${show(value)}`, `an object with a "type", or null`);
  if (++ctx.count > MAX_COMPONENTS)
    throw badAt(
      file,
      path,
      `more than ${MAX_COMPONENTS} components`,
      `at most ${MAX_COMPONENTS} normalizers, pre-tokenizers, post-processors and decoders`,
    );
  const type = value.type;
  if (typeof type !== 'string') throw badAt(file, childPath(path, 'type'), `type is ${show(type)}`, `a ${kind} type name`);
  if (type === 'Sequence') {
    if (depth >= MAX_SEQUENCE_DEPTH)
      throw badAt(
        file,
        path,
        `Sequence nested more than ${MAX_SEQUENCE_DEPTH} deep`,
        `at most ${MAX_SEQUENCE_DEPTH} nested Sequence components`,
      );
    const field = SEQUENCE_FIELD[kind];
    const children = value[field];
    const childrenPath = childPath(path, field);
    if (!Array.isArray(children)) throw badAt(file, childrenPath, `${field} is ${show(children)}`, `an array of ${kind} objects`);
    children.forEach((child, i) => {
      if (child === null) throw badAt(file, childPath(childrenPath, i), 'a null step in a Sequence', `a ${kind} object`);
      checkComponent(kind, child, childPath(childrenPath, i), ctx, depth + 1);
    });
    return;
  }
  const spec = TABLES[kind][type];
  if (!spec)
    throw unsupportedAt(
      file,
      childPath(path, 'type'),
      `${kind} type ${show(type)} is not supported (supported: ${[...Object.keys(TABLES[kind]), 'Sequence'].join(', ')})`,
    );
  for (const [field, fieldType] of Object.entries(spec)) {
    const v = value[field];
    if (v === undefined || (v === null && fieldType !== 'pattern' && fieldType !== 'template')) continue;
    checkField(kind, type, fieldType, v, childPath(path, field), ctx);
  }
  checkRequired(kind, type, value, path, ctx);
}

function checkRequired(kind: ComponentKind, type: string, value: Record<string, unknown>, path: JsonPath, ctx: ComponentContext): void {
  const file = ctx.fileName;
  const content = typeof value.content === 'string' ? value.content : '';
  if (type === 'Replace') {
    if (value.pattern === undefined)
      throw badAt(file, childPath(path, 'pattern'), 'Replace without a pattern', 'a {"String": ...} or {"Regex": ...} pattern');
    multiplyGrowth(ctx, 1 + content.length, path);
  }
  if (type === 'Split' && value.pattern === undefined)
    throw badAt(file, childPath(path, 'pattern'), 'Split without a pattern', 'a {"String": ...} or {"Regex": ...} pattern');
  if (type === 'Prepend') {
    if (typeof value.prepend !== 'string') throw badAt(file, childPath(path, 'prepend'), `prepend is ${show(value.prepend)}`, 'a string');
    multiplyGrowth(ctx, 2, path);
  }
  if (type === 'Metaspace') {
    const rep = value.replacement ?? '\u2581';
    const strRep = value.str_rep ?? rep;
    if (typeof rep !== 'string' || rep.length === 0 || typeof strRep !== 'string' || strRep.length === 0) {
      throw badAt(file, childPath(path, 'replacement'), `replacement is ${show(rep)}`, 'a non-empty string');
    }
    multiplyGrowth(ctx, 1 + Math.max(rep.length, strRep.length), path);
  }
  if (type === 'FixedLength' && !(Number.isSafeInteger(value.length) && (value.length as number) >= 1)) {
    throw badAt(file, childPath(path, 'length'), `length is ${show(value.length)}`, 'an integer of at least 1');
  }
  if (type === 'TemplateProcessing' && value.single === undefined)
    throw badAt(file, childPath(path, 'single'), 'TemplateProcessing without a "single" template', 'an array of template items');
  if ((type === 'BertProcessing' || type === 'RobertaProcessing') && (value.sep === undefined || value.cls === undefined)) {
    throw badAt(file, path, `${type} without "sep" and "cls"`, '["token", id] pairs for sep and cls');
  }
  if (kind === 'decoder' && type === 'Strip' && typeof value.content === 'string' && value.content.length !== 1) {
    throw badAt(file, childPath(path, 'content'), `content is ${show(value.content)}`, 'a single character');
  }
}

function multiplyGrowth(ctx: ComponentContext, factor: number, path: JsonPath): void {
  ctx.growth *= factor;
  if (ctx.growth > MAX_GROWTH) {
    throw badAt(
      ctx.fileName,
      path,
      `the Replace, Prepend and Metaspace rewrites together could make a text ${ctx.growth} times longer`,
      `rewrites that grow a text at most ${MAX_GROWTH} times`,
    );
  }
}

function checkField(kind: ComponentKind, type: string, fieldType: FieldType, v: unknown, path: JsonPath, ctx: ComponentContext): void {
  const file = ctx.fileName;
  switch (fieldType) {
    case 'bool':
      if (typeof v !== 'boolean') throw badAt(file, path, `${show(v)} is not a boolean`, 'true or false');
      return;
    case 'string':
      if (typeof v !== 'string') throw badAt(file, path, `${show(v)} is not a string`, 'a string');
      // The Precompiled charsmap is a base64 blob the library ignores; everything else is a literal.
      if (type !== 'Precompiled' && v.length > MAX_LITERAL_CHARS)
        throw badAt(file, path, `a string of ${v.length} characters`, `at most ${MAX_LITERAL_CHARS} characters`);
      return;
    case 'int':
      if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1_000_000))
        throw badAt(file, path, `${show(v)} is not a small non-negative integer`, 'an integer in [0, 1000000]');
      return;
    case 'scheme':
      if (v !== 'always' && v !== 'never' && v !== 'first')
        throw badAt(file, path, `prepend_scheme ${show(v)}`, '"always", "never" or "first"');
      return;
    case 'behavior':
      if (typeof v !== 'string') throw badAt(file, path, `behavior is ${show(v)}`, 'a split behavior name');
      if (!BEHAVIORS.includes(v))
        throw unsupportedAt(file, path, `split behavior ${show(v)} is not supported (supported: ${BEHAVIORS.join(', ')})`);
      return;
    case 'pattern':
      checkPattern(v, path, ctx, kind);
      return;
    case 'token':
      if (typeof v !== 'string' || !ctx.hasToken(v))
        throw badAt(file, path, `token ${show(v)} is not in the vocabulary or the added tokens`, 'a token of model.vocab or added_tokens');
      return;
    case 'tokenPair':
      if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || !Number.isSafeInteger(v[1]))
        throw badAt(file, path, `${show(v)} is not a [token, id] pair`, '["token", id]');
      checkField(kind, type, 'token', v[0], childPath(path, 0), ctx);
      return;
    case 'template':
      checkTemplate(v, path, ctx);
      return;
    case 'specialTokens':
      if (!isRecord(v)) throw badAt(file, path, `special_tokens is ${show(v)}`, 'an object of {id, ids, tokens}');
      return;
  }
}

function checkPattern(v: unknown, path: JsonPath, ctx: ComponentContext, kind: ComponentKind): void {
  const file = ctx.fileName;
  if (!isRecord(v)) throw badAt(file, path, `pattern is ${show(v)}`, 'a {"String": ...} or {"Regex": ...} object');
  if (typeof v.String === 'string') {
    if (v.String.length === 0) throw badAt(file, childPath(path, 'String'), 'an empty String pattern', 'a non-empty string');
    if (v.String.length > MAX_LITERAL_CHARS)
      throw badAt(file, childPath(path, 'String'), `a pattern of ${v.String.length} characters`, `at most ${MAX_LITERAL_CHARS} characters`);
    return;
  }
  if (typeof v.Regex === 'string') {
    const { reason, degree } = analyzePattern(v.Regex);
    if (reason) throw unsupportedAt(file, childPath(path, 'Regex'), `regex ${show(v.Regex)} is refused: ${reason}`);
    // Decoders see the whole generated text (up to millions of characters), so only patterns that
    // cannot backtrack over it are allowed there.
    if (kind === 'decoder' && degree > 0)
      throw unsupportedAt(file, childPath(path, 'Regex'), `decoder regex ${show(v.Regex)} with an unbounded quantifier is not supported`);
    ctx.regexDegree = Math.max(ctx.regexDegree, KNOWN_PATTERNS.has(v.Regex) ? 1 : degree);
    return;
  }
  throw badAt(file, path, `pattern ${show(v)} has neither a String nor a Regex`, 'a {"String": ...} or {"Regex": ...} object');
}

function checkTemplate(v: unknown, path: JsonPath, ctx: ComponentContext): void {
  const file = ctx.fileName;
  if (!Array.isArray(v) || v.length > 64)
    throw badAt(file, path, `template is ${show(v)}`, 'an array of at most 64 {"SpecialToken": ...} or {"Sequence": ...} items');
  v.forEach((item: unknown, i) => {
    const at = childPath(path, i);
    const special = isRecord(item) ? item.SpecialToken : undefined;
    const sequence = isRecord(item) ? item.Sequence : undefined;
    if (isRecord(special)) {
      checkField('post_processor', 'TemplateProcessing', 'token', special.id, childPath(childPath(at, 'SpecialToken'), 'id'), ctx);
      if (special.type_id !== undefined)
        checkField(
          'post_processor',
          'TemplateProcessing',
          'int',
          special.type_id,
          childPath(childPath(at, 'SpecialToken'), 'type_id'),
          ctx,
        );
    } else if (isRecord(sequence)) {
      if (sequence.id !== 'A' && sequence.id !== 'B')
        throw badAt(file, childPath(childPath(at, 'Sequence'), 'id'), `sequence id ${show(sequence.id)}`, '"A" or "B"');
      if (sequence.type_id !== undefined)
        checkField('post_processor', 'TemplateProcessing', 'int', sequence.type_id, childPath(childPath(at, 'Sequence'), 'type_id'), ctx);
    } else {
      throw badAt(file, at, `template item ${show(item)}`, '{"SpecialToken": {"id": ...}} or {"Sequence": {"id": "A"}}');
    }
  });
}
