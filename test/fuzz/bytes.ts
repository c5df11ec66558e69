// Small helpers shared by the fuzz targets and the tests that build hostile inputs.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The parts one after another in a new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** concatBytes for many parts (200k PNG chunks): an array, not call arguments, so the stack cannot overflow. */
export function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every file under `dir` whose name `match` accepts (all by default), sorted; a missing folder gives none. */
export async function filesUnder(dir: string, match: (name: string) => boolean = () => true): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path, match)));
    else if (entry.isFile() && match(entry.name)) out.push(path);
  }
  return out.sort();
}
