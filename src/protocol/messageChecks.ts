// Small structural checks shared by the panel protocol validators. The host runs them on every message
// a webview posts, because a webview is untrusted input just like a file on disk.

/** Longest string (column name, label) the host accepts from a webview. */
export const MAX_MESSAGE_STRING = 1024;

export function isRecord(x: unknown): x is Readonly<Record<string, unknown>> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A request id: a non-negative safe integer, so ids cannot collide through floats or strings. */
export function isRequestId(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

export function isBoundedInt(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max;
}

export function isShortString(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_MESSAGE_STRING;
}

/** Exhaustiveness guard for switches over tagged unions: adding a variant breaks the build. */
export function assertNever(x: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(x)}`);
}
