// The regex screen for Split/Replace patterns: the pre-tokenizer patterns of common tokenizers (as
// published in their tokenizer.json files) pass; the textbook catastrophic-backtracking shapes and
// back-references are refused. Which pattern is which is written by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { KNOWN_PATTERNS, MAX_PATTERN_CHARS, analyzePattern, unsafePatternReason } from '../../../src/core/text/regexSafety';
import { DEFAULT_MAX_TEXT_CHARS, loadTokenizer } from '../../../src/core/text/tokenizer';

const SAFE = [
  // GPT-2 (the ByteLevel regex, also used as a Split pattern by some exports).
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  // Llama 3 / Qwen 2.
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  // GPT-4o style: an optional (not repeated) group with an alternation.
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  ' ',
  '\\d',
  '[\\]]+',
  '[[a-z]&&[^aeiou]]+',
  '\\x{2581}+',
  'a{2}',
  '(?i)abc',
  '(?<name>ab)c',
  '\\{+',
  '(?:ab)+',
  'a+b*|c+d*|e{1,}',
  'a+(?:b|c)d*',
];
const UNSAFE: [string, RegExp][] = [
  ['(a+)+$', /repeated group/],
  ['(a*)*b', /repeated group/],
  ['(a|a)*b', /repeated group/],
  ['(?:\\s|\\w)+x', /repeated group/],
  ['((ab)*c)+', /repeated group/],
  ['(a?){30}', /repeated group/],
  ['\\s*\\s*\\s*x', /more than 2 unbounded quantifiers/],
  ['a+(?:b*c+)', /more than 2 unbounded quantifiers/],
  ['x|a+b*c{2,}', /more than 2 unbounded quantifiers/],
  ['(a)\\1', /back-reference/],
  ['(?<x>a)\\k<x>', /named back-reference/],
  ['(a)\\g<1>', /subexpression call/],
  ['(a', /unclosed group/],
  ['a)', /unbalanced/],
  ['[abc', /unterminated character class/],
  ['*a', /nothing to repeat/],
  ['(?Pa)', /unknown group kind/],
  ['\\p{L', /unterminated/],
  ['a'.repeat(MAX_PATTERN_CHARS + 1), /characters/],
  ['('.repeat(40) + ')'.repeat(40), /nested more than/],
];

describe('regex safety screen', () => {
  it('accepts the patterns of real tokenizers', () => {
    for (const p of SAFE) assert.equal(unsafePatternReason(p), undefined, p);
  });
  it('refuses catastrophic backtracking, back-references and malformed patterns', () => {
    for (const [p, why] of UNSAFE) assert.match(unsafePatternReason(p) ?? 'accepted', why, p.slice(0, 40));
  });
});

describe('pattern degree and the text cap it sets', () => {
  it('degree counts unbounded quantifiers per alternative, nested groups included', () => {
    assert.equal(analyzePattern('abc|d?').degree, 0);
    assert.equal(analyzePattern(' ?\\p{L}+|\\s+').degree, 1);
    assert.equal(analyzePattern('a+(?:b|c*)d?').degree, 2);
    assert.equal(analyzePattern('\\s*\\s*x').degree, 2);
  });

  it('an unknown degree-2 split pattern caps encode at 512 characters; a known one does not', () => {
    const base = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'fixtures', 'text', 'bpe-bytelevel.tokenizer.json'), 'utf8'),
    ) as Record<string, unknown>;
    const withSplit = (regex: string): ReturnType<typeof loadTokenizer> => {
      base.pre_tokenizer = {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', use_regex: false },
        ],
      };
      return loadTokenizer(new TextEncoder().encode(JSON.stringify(base)), { fileName: 'tok.json' });
    };
    const slow = withSplit('\\s*\\s*x');
    assert.equal(slow.maxTextChars, 512);
    // 512 spaces with no x: the cubic worst case at the cap still ends quickly. No split matches, so
    // the 512 'Ġ' go to BPE whole and the merge (Ġ, Ġ) pairs them: 256 ids.
    assert.equal(slow.encode(' '.repeat(512)).length, 256);
    assert.throws(
      () => slow.encode(' '.repeat(513)),
      (e: unknown) => e instanceof MedSynthError && e.code === 'LIMIT_EXCEEDED' && /can backtrack/.test(e.message),
    );
    const llama3 = [...KNOWN_PATTERNS][0];
    assert.equal(withSplit(llama3).maxTextChars, DEFAULT_MAX_TEXT_CHARS);
    assert.equal(withSplit(' ?\\p{L}+|\\s+').maxTextChars, DEFAULT_MAX_TEXT_CHARS);
  });

  it('a decoder regex with an unbounded quantifier is UNSUPPORTED; a literal one loads', () => {
    const base = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'fixtures', 'text', 'bpe-bytelevel.tokenizer.json'), 'utf8'),
    ) as Record<string, unknown>;
    base.decoder = { type: 'Replace', pattern: { Regex: ' +' }, content: ' ' };
    assert.throws(
      () => loadTokenizer(new TextEncoder().encode(JSON.stringify(base))),
      (e: unknown) => e instanceof MedSynthError && e.code === 'UNSUPPORTED' && /decoder\.pattern\.Regex/.test(e.message),
    );
    base.decoder = { type: 'Replace', pattern: { Regex: 'Ġ' }, content: ' ' };
    assert.equal(loadTokenizer(new TextEncoder().encode(JSON.stringify(base))).decode([286]), ' world');
  });
});
