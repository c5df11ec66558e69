// Test helpers: sibling readers that behave like the storage layer's (a name leaving the folder is
// PATH_ESCAPE, a missing file BAD_INPUT), over a fixtures folder or an in-memory map.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MedSynthError } from '../../../src/core/errors';
import type { SiblingReader } from '../../../src/core/data/readOptions';

export const WFDB_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'wfdb');
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function refuseEscape(name: string): void {
  if (name.includes('..') || name.startsWith('/') || name.includes('\\'))
    throw new MedSynthError('PATH_ESCAPE', `'${name}' leaves the record's folder`, { file: name });
}

export function folderSiblings(dir: string = WFDB_FIXTURES): SiblingReader {
  return async (name) => {
    refuseEscape(name);
    try {
      return new Uint8Array(await readFile(join(dir, name)));
    } catch {
      throw new MedSynthError('BAD_INPUT', `missing file '${name}'`, { file: name });
    }
  };
}

export function mapSiblings(files: Record<string, Uint8Array | number[]>): SiblingReader {
  return async (name) => {
    refuseEscape(name);
    const f = files[name];
    if (f === undefined) throw new MedSynthError('BAD_INPUT', `missing file '${name}'`, { file: name });
    return f instanceof Uint8Array ? f : Uint8Array.from(f);
  };
}

export async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(WFDB_FIXTURES, name)));
}
