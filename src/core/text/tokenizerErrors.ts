// The typed errors of the tokenizer loader, each naming the JSON path of the offending value (e.g.
// `model.vocab["foo"]`) so a user can find it in a tokenizer.json of several megabytes.
import { MedSynthError } from '../errors';

export type JsonPath = string;

export function childPath(path: JsonPath, key: string | number): JsonPath {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}...` : key)}]`;
}

export function badAt(fileName: string | undefined, path: JsonPath, what: string, expected: string): MedSynthError {
  return new MedSynthError('BAD_INPUT', `${path || 'the top level'}: ${what}`, { file: fileName, expected });
}

export function unsupportedAt(fileName: string | undefined, path: JsonPath, what: string): MedSynthError {
  return new MedSynthError('UNSUPPORTED', `${path}: ${what}`, { file: fileName });
}

export function limitAt(fileName: string | undefined, path: JsonPath, what: string, expected: string): MedSynthError {
  return new MedSynthError('LIMIT_EXCEEDED', `${path || 'the file'}: ${what}`, { file: fileName, expected });
}

/** A short, printable rendering of a JSON value for a message. */
export function show(v: unknown): string {
  let s: string;
  try {
    s =
      typeof v === 'string'
        ? JSON.stringify(v)
        : Array.isArray(v)
          ? `an array of ${v.length}`
          : v !== null && typeof v === 'object'
            ? 'an object'
            : String(v);
  } catch {
    s = typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isId(v: unknown, maxExclusive: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v < maxExclusive;
}
