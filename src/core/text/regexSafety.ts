// Split and Replace components in a tokenizer.json carry Oniguruma regexes that the library compiles
// into JavaScript RegExps, whose backtracking engine cannot be interrupted: one hostile pattern such
// as `(a+)+$` would hang the extension on a 30-character prompt. So before the library sees a pattern
// we refuse the constructs that make backtracking super-polynomial (a repeated group that itself
// contains a quantifier or an alternation, back-references, subexpression calls) and chains of more
// than two unbounded quantifiers (polynomial backtracking of degree 3 and up). Every pattern of
// the common tokenizers (GPT-2, Llama 3, Qwen, GPT-4o style) passes; see regexSafety.test.ts.

/** Longest pattern accepted; real pre-tokenizer patterns are a few hundred characters. */
export const MAX_PATTERN_CHARS = 4096;
/** Group nesting accepted in a pattern. */
const MAX_GROUP_DEPTH = 32;

/**
 * Unbounded quantifiers (*, +, {n,}) one alternative may chain: the pattern's "degree". Scanning a
 * text of n characters can cost about n^(degree + 1) steps when the quantified characters overlap and
 * the match fails later (`\s*\s*x` over spaces is cubic). Degree 3 and up is refused; degree 2 is
 * what Llama 3 and GPT-4o style patterns need, so a pattern of degree 2 that is not one of the known
 * published patterns (KNOWN_PATTERNS) gets a short text cap instead (tokenizer.ts).
 */
export const MAX_UNBOUNDED_PER_ALTERNATIVE = 2;

/** Published pre-tokenizer patterns of degree 2 whose backtracking is linear in practice. */
export const KNOWN_PATTERNS: ReadonlySet<string> = new Set([
  // Llama 3
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  // Qwen 2
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  // GPT-4o (o200k)
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
]);

export interface PatternAnalysis {
  /** Why the pattern is refused, or undefined when it may be compiled. */
  readonly reason?: string;
  /** Most unbounded quantifiers in one alternative (0 for a pattern that cannot backtrack far). */
  readonly degree: number;
}

interface Frame {
  hasQuantifier: boolean;
  hasAlternation: boolean;
  /** Unbounded quantifiers in the current alternative of this group, and the most in any alternative. */
  branchUnbounded: number;
  maxUnbounded: number;
}

const frame = (): Frame => ({ hasQuantifier: false, hasAlternation: false, branchUnbounded: 0, maxUnbounded: 0 });
const tooMany = (i: number): string =>
  `more than ${MAX_UNBOUNDED_PER_ALTERNATIVE} unbounded quantifiers in one alternative at character ${i} (polynomial backtracking)`;

/** Why the pattern is refused, or undefined when it is safe to compile. */
export function unsafePatternReason(pattern: string): string | undefined {
  return analyzePattern(pattern).reason;
}

export function analyzePattern(pattern: string): PatternAnalysis {
  const reason = screen(pattern);
  if (reason !== undefined) return { reason, degree: Infinity };
  return { degree: degreeOf(pattern) };
}

function screen(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_CHARS) return `a pattern of ${pattern.length} characters (at most ${MAX_PATTERN_CHARS})`;
  const stack: Frame[] = [frame()];
  // Whether the last atom is a group holding a quantifier or an alternation (repeating it is unsafe).
  let lastAtomComplex = false;
  let haveAtom = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next)) return `a back-reference \\${next} at character ${i}`;
      if (next === 'k' || next === 'g') return `a named back-reference or subexpression call \\${next} at character ${i}`;
      i += 2;
      // \p{..}, \x{..}, \u{..}: skip the braces so they are not read as a quantifier.
      if ((next === 'p' || next === 'P' || next === 'x' || next === 'u') && pattern[i] === '{') {
        const close = pattern.indexOf('}', i);
        if (close < 0) return `an unterminated \\${next}{ at character ${i - 2}`;
        i = close + 1;
      }
      haveAtom = true;
      lastAtomComplex = false;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return `an unterminated character class at character ${i}`;
      i = end;
      haveAtom = true;
      lastAtomComplex = false;
      continue;
    }
    if (c === '(') {
      if (stack.length > MAX_GROUP_DEPTH) return `groups nested more than ${MAX_GROUP_DEPTH} deep`;
      stack.push(frame());
      haveAtom = false;
      i++;
      // Skip the group's kind marker: (?:, (?i:, (?=, (?!, (?<=, (?<!, (?<name>, (?>.
      if (pattern[i] === '?') {
        const m = /^\?(?:[imx-]*:|<?[=!]|<[A-Za-z_]\w*>|>|[imx-]*\))/.exec(pattern.slice(i, i + 40));
        if (!m) return `an unknown group kind at character ${i - 1}`;
        i += m[0].length;
        if (m[0].endsWith(')')) {
          // An inline flag group such as (?i) opens no group.
          stack.pop();
        }
      }
      continue;
    }
    if (c === ')') {
      if (stack.length <= 1) return `an unbalanced ')' at character ${i}`;
      const group = stack.pop() as Frame;
      const parent = stack[stack.length - 1];
      if (group.hasQuantifier) parent.hasQuantifier = true;
      parent.branchUnbounded += Math.max(group.maxUnbounded, group.branchUnbounded);
      if (parent.branchUnbounded > MAX_UNBOUNDED_PER_ALTERNATIVE) return tooMany(i);
      lastAtomComplex = group.hasQuantifier || group.hasAlternation;
      haveAtom = true;
      i++;
      continue;
    }
    if (c === '|') {
      const top = stack[stack.length - 1];
      top.hasAlternation = true;
      top.maxUnbounded = Math.max(top.maxUnbounded, top.branchUnbounded);
      top.branchUnbounded = 0;
      haveAtom = false;
      lastAtomComplex = false;
      i++;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      if (!haveAtom) return `a quantifier with nothing to repeat at character ${i}`;
      if (q.repeats && lastAtomComplex)
        return `a repeated group that contains a quantifier or an alternation at character ${i} (catastrophic backtracking)`;
      const top = stack[stack.length - 1];
      top.hasQuantifier = true;
      if (q.unbounded && ++top.branchUnbounded > MAX_UNBOUNDED_PER_ALTERNATIVE) return tooMany(i);
      i += q.length;
      // A lazy (?) or possessive (+) suffix belongs to the same quantifier.
      if (pattern[i] === '?' || pattern[i] === '+') i++;
      haveAtom = false;
      continue;
    }
    haveAtom = true;
    lastAtomComplex = false;
    i++;
  }
  if (stack.length !== 1) return 'an unclosed group';
  return undefined;
}

/** Most unbounded quantifiers in one alternative, nested groups included (the pattern passed screen). */
function degreeOf(pattern: string): number {
  const stack: Frame[] = [frame()];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i += 2;
      if ((next === 'p' || next === 'P' || next === 'x' || next === 'u') && pattern[i] === '{') i = pattern.indexOf('}', i) + 1;
      continue;
    }
    if (c === '[') {
      i = classEnd(pattern, i);
      continue;
    }
    if (c === '(') {
      const m = pattern[i + 1] === '?' ? /^\?(?:[imx-]*:|<?[=!]|<[A-Za-z_]\w*>|>|[imx-]*\))/.exec(pattern.slice(i + 1, i + 41)) : null;
      i += 1 + (m ? m[0].length : 0);
      if (!m || !m[0].endsWith(')')) stack.push(frame());
      continue;
    }
    if (c === ')') {
      const group = stack.pop() as Frame;
      stack[stack.length - 1].branchUnbounded += Math.max(group.maxUnbounded, group.branchUnbounded);
      i++;
      continue;
    }
    if (c === '|') {
      const top = stack[stack.length - 1];
      top.maxUnbounded = Math.max(top.maxUnbounded, top.branchUnbounded);
      top.branchUnbounded = 0;
      i++;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      if (q.unbounded) stack[stack.length - 1].branchUnbounded++;
      i += q.length;
      if (pattern[i] === '?' || pattern[i] === '+') i++;
      continue;
    }
    i++;
  }
  return Math.max(stack[0].maxUnbounded, stack[0].branchUnbounded);
}

/** The index just past the `]` closing the class opened at `start`, or -1; Oniguruma classes nest. */
function classEnd(pattern: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[') {
      depth++;
      // A ']' right after '[' or '[^' is a literal.
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      continue;
    }
    if (c === ']') {
      depth--;
      i++;
      if (depth === 0) return i;
      continue;
    }
    i++;
  }
  return -1;
}

function quantifierAt(pattern: string, i: number): { length: number; repeats: boolean; unbounded: boolean } | undefined {
  const c = pattern[i];
  if (c === '*' || c === '+') return { length: 1, repeats: true, unbounded: true };
  if (c === '?') return { length: 1, repeats: false, unbounded: false };
  if (c !== '{') return undefined;
  const m = /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
  if (!m || (m[1] === '' && (m[3] ?? '') === '')) return undefined; // a literal brace
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { length: m[0].length, repeats: max > 1, unbounded: max === Infinity };
}
