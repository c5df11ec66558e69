// Reading a medsynth.json manifest (a generator's or an embedder's) as untrusted JSON: each field
// checked with its JSON path in the error (MANIFEST_INVALID naming the file and what was expected),
// paths kept inside the manifest's folder (PATH_ESCAPE), values described briefly whatever their size
// or depth. manifestValidation.ts and embedder/embedderManifest.ts both read through ManifestReader.
import { MedSynthError } from '../errors';

type Json = Readonly<Record<string, unknown>>;

/**
 * A short description of a JSON value for an error message. JSON.stringify would recurse natively
 * into a hostile value nested a million deep and overflow the stack, and could be megabytes long.
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v !== null && typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The nesting depth of a parsed JSON value (a scalar is 0), without recursion, stopping past `limit`. */
export function jsonNestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Field readers for one manifest file: `source` names it in errors, `folder` names where its paths must stay. */
export class ManifestReader {
  constructor(
    readonly source: string,
    readonly folder: string,
  ) {}

  fail(path: string, message: string, expected?: string): MedSynthError {
    return new MedSynthError('MANIFEST_INVALID', `${path}: ${message}`, { file: this.source, ...(expected ? { expected } : {}) });
  }

  object(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(path, 'is not an object', 'an object');
    return v as Json;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw this.fail(path, 'is not a non-empty string', 'a string');
    return v;
  }

  optionalString(v: unknown, path: string): string | undefined {
    return v === undefined ? undefined : this.string(v, path);
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
      throw this.fail(path, `is ${describeValue(v)}`, `one of ${allowed.join(', ')}`);
    return v as T;
  }

  integer(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw this.fail(path, `is ${describeValue(v)}`, `an integer in [${min}, ${max}]`);
    return v;
  }

  number(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(path, `is ${describeValue(v)}`, 'a finite number');
    return v;
  }

  array(v: unknown, path: string, maxLength: number): readonly unknown[] {
    if (!Array.isArray(v) || v.length > maxLength) throw this.fail(path, 'is not an array', `an array of at most ${maxLength} items`);
    return v;
  }

  /**
   * A path relative to the manifest's folder: not absolute, no '..' segment, no backslash, drive letter,
   * colon or NUL, and normalized (no empty or '.' segments). Storage still resolves it with
   * resolveInside, which also refuses symbolic links out.
   */
  relativePath(v: unknown, path: string): string {
    const p = this.string(v, path);
    const segments = p.split('/');
    const escapes = p.startsWith('/') || p.includes('\\') || p.includes('\0') || p.includes(':') || segments.some((s) => s === '..');
    if (escapes)
      throw new MedSynthError('PATH_ESCAPE', `${path}: "${p}" leaves the ${this.folder}`, {
        file: this.source,
        expected: `a path relative to the ${this.folder}`,
      });
    if (segments.some((s) => s === '' || s === '.'))
      throw this.fail(path, `"${p}" is not a normalized relative path`, 'a path like model.onnx');
    return p;
  }
}
