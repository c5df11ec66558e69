// Fuzz target `dicomdir`: readDicomDir, then readDicomDirImages with an in-memory sibling reader over
// pydicom's dicomdirtests files (names with '..', absolute or backslash-absolute paths are refused with
// PATH_ESCAPE there, as storage would). Seeds are the DICOMDIR variants; structured cases point record
// offsets at themselves, at each other in loops, far past the end, into the middle of records, and
// name files with '..', absolute paths and very long paths.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readDicomDir, readDicomDirImages } from '../../../src/core/data/dicom/dicomdir';
import type { DicomDirRecord } from '../../../src/core/data/dicom/dicomdir';
import { MedSynthError } from '../../../src/core/errors';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';
import { DICOM_DIR, FUZZ_LIMITS, checkImageSet, el, part10, text, ul } from './dicom';
import { filesUnder } from '../bytes';

const DIRTESTS = join(DICOM_DIR, 'pydicom', 'dicomdirtests');

let siblingFiles: Map<string, Uint8Array> | undefined;

async function siblings(): Promise<Map<string, Uint8Array>> {
  if (!siblingFiles) {
    siblingFiles = new Map();
    for (const p of await filesUnder(DIRTESTS)) {
      if (p.includes('DICOMDIR') || p.endsWith('.txt')) continue;
      siblingFiles.set(relative(DIRTESTS, p).split(sep).join('/'), new Uint8Array(await readFile(p)));
    }
  }
  return siblingFiles;
}

/** Offsets of every value of (0004,eeee) UL in an explicit VR little endian DICOMDIR. */
function ulValues(bytes: Uint8Array, element: number): number[] {
  const out: number[] = [];
  for (let i = 132; i + 12 <= bytes.length; i++) {
    if (
      bytes[i] === 0x04 &&
      bytes[i + 1] === 0 &&
      bytes[i + 2] === (element & 0xff) &&
      bytes[i + 3] === element >> 8 &&
      bytes[i + 4] === 0x55 &&
      bytes[i + 5] === 0x4c
    )
      out.push(i + 8);
  }
  return out;
}

function buildDicomDirStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const out = base.slice();
  const view = new DataView(out.buffer);
  const offsets = [...ulValues(out, 0x1400), ...ulValues(out, 0x1420), ...ulValues(out, 0x1200)];
  const items = ulValues(out, 0x1400).map((at) => at - 16);
  switch (rng.below(6)) {
    case 0:
    case 1: {
      if (offsets.length === 0) break;
      const n = rng.between(1, 4);
      const how: string[] = [];
      for (let k = 0; k < n; k++) {
        const at = rng.pick(offsets);
        const value = rng.pick([
          0,
          1,
          0xffffffff,
          0x7fffffff,
          out.length,
          out.length + 8,
          rng.pick(items.length > 0 ? items : [396]),
          rng.below(out.length),
        ]);
        view.setUint32(at, value, true);
        how.push(`offset@${at}=${value}`);
      }
      return { bytes: out, how };
    }
    case 2: {
      // Every record's next offset points to the record itself or to the first record: loops.
      for (const at of ulValues(out, 0x1400)) view.setUint32(at, rng.chance(0.5) ? at - 16 : (items[0] ?? 396), true);
      return { bytes: out, how: ['loops'] };
    }
    case 3: {
      // A hand-made DICOMDIR naming hostile files.
      const name = rng.pick([
        '..\\x',
        '\\etc\\passwd',
        '..\\..\\..\\..\\etc\\passwd',
        'C:\\x',
        '77654033\\..\\..\\x',
        'a\\'.repeat(5000) + 'b',
        '77654033\\CR1\\6154',
        '',
        '\\',
        '.\\77654033\\CR1\\6154',
      ]);
      const record = (next: number, file?: string): Uint8Array => {
        const body = [el(0x0004, 0x1400, 'UL', ul(next)), el(0x0004, 0x1420, 'UL', ul(0)), el(0x0004, 0x1430, 'CS', text('IMAGE'))];
        if (file !== undefined) body.push(el(0x0004, 0x1500, 'CS', text(file)));
        const content = body.reduce((a, b) => new Uint8Array([...a, ...b]), new Uint8Array(0));
        return new Uint8Array([0xfe, 0xff, 0x00, 0xe0, ...ul(content.length), ...content]);
      };
      const one = record(0, name);
      const sequence = el(0x0004, 0x1220, 'SQ', one);
      const head = el(0x0004, 0x1200, 'UL', ul(0));
      const bytes = part10('1.2.840.10008.1.2.1', new Uint8Array([...head, ...sequence]));
      return { bytes, how: [`fileId:${name.slice(0, 40)}`] };
    }
    case 4: {
      // Many records chained in one long list (bounded work, no recursion).
      const n = rng.pick([1000, 10_000, 50_000]);
      const parts: number[] = [];
      const body = el(0x0004, 0x1430, 'CS', text('SERIES'));
      const itemLength = 8 + 12 + body.length;
      const first = 132 + 12 + 28 + 12 + 12; // meta (group length + syntax) then (0004,1200) and the SQ header
      for (let i = 0; i < n; i++) {
        const next = i + 1 < n ? first + (i + 1) * itemLength : 0;
        parts.push(0xfe, 0xff, 0x00, 0xe0, ...ul(12 + body.length), ...el(0x0004, 0x1400, 'UL', ul(next)), ...body);
      }
      const sequence = el(0x0004, 0x1220, 'SQ', new Uint8Array(parts));
      return {
        bytes: part10('1.2.840.10008.1.2.1', new Uint8Array([...el(0x0004, 0x1200, 'UL', ul(first)), ...sequence])),
        how: [`chain:${n}`],
      };
    }
    default:
      break;
  }
  return { bytes: out.subarray(0, rng.below(out.length + 1)), how: ['truncated'] };
}

function checkTree(roots: readonly DicomDirRecord[]): number {
  let n = 0;
  const todo = [...roots];
  while (todo.length > 0) {
    const r = todo.pop()!;
    if (++n > 1_000_000) throw new Error('invalid DicomDir: more than a million records');
    if (typeof r.type !== 'string' || !Number.isSafeInteger(r.offset)) throw new Error(`invalid DicomDir record ${JSON.stringify(r.type)}`);
    if (r.referencedFileId !== undefined && r.referencedFileId.includes('\\')) throw new Error(`backslash in ${r.referencedFileId}`);
    todo.push(...r.children);
  }
  return n;
}

export const dicomdirTarget: FuzzTargetSpec = {
  name: 'dicomdir',
  extension: 'dicomdir',
  async loadCorpus() {
    const names = (await readdir(DIRTESTS)).filter((n) => n.startsWith('DICOMDIR')).sort();
    return Promise.all(names.map(async (n) => new Uint8Array(await readFile(join(DIRTESTS, n)))));
  },
  buildStructured: buildDicomDirStructured,
  async execute(bytes) {
    const opts = { fileName: 'DICOMDIR', limits: FUZZ_LIMITS };
    const dir = readDicomDir(bytes, opts);
    checkTree(dir.roots);
    const files = await siblings();
    const reader = async (rel: string): Promise<Uint8Array> => {
      if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.split('/').includes('..'))
        throw new MedSynthError('PATH_ESCAPE', `${rel} leaves the folder`);
      const found = files.get(rel);
      if (!found) throw new MedSynthError('BAD_INPUT', `${rel}: no such file`);
      return found;
    };
    if (dir.referencedFiles.length === 0) return 'ok';
    checkImageSet(await readDicomDirImages(bytes, { ...opts, siblings: reader }));
    return 'ok';
  },
};
