// DICOMDIR (PS3.10 Basic Directory): the directory records form a tree linked by byte offsets (next
// record at the same level, first record of the level below). Offsets come from the file, so they are
// resolved only against records that exist, every record is visited at most once (a loop or a shared
// child is BAD_INPUT), and depth is bounded by the record count. Referenced File IDs are passed to the
// caller's sibling reader verbatim ('\' -> '/'): containment is the storage layer's job, not ours.
import type { DataSet } from 'dicom-parser';
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import type { ImageSet } from '../imageSet';
import type { MultiFileReadOptions } from '../readOptions';
import { readString, readStrings } from './attributes';
import type { DicomFile } from './dicomFile';
import { asDicomError, parseDicom } from './parse';
import { volumesOfFiles } from './series';

export interface DicomDirRecord {
  /** Directory Record Type (0004,1430): PATIENT, STUDY, SERIES, IMAGE, RT DOSE, ... */
  readonly type: string;
  /** Byte offset of the record's item in the DICOMDIR. */
  readonly offset: number;
  /** Referenced File ID (0004,1500) as a relative path with '/' separators, exactly as the file names it. */
  readonly referencedFileId?: string;
  readonly referencedSopClassUid?: string;
  readonly referencedTransferSyntaxUid?: string;
  /** A few descriptive attributes (PatientID, StudyDate, Modality, SeriesNumber, InstanceNumber...). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly DicomDirRecord[];
}

export interface DicomDir {
  readonly fileSetId?: string;
  readonly roots: readonly DicomDirRecord[];
  /** Every Referenced File ID in tree order, without duplicates. */
  readonly referencedFiles: readonly string[];
}

const SHOWN: readonly (readonly [string, string])[] = [
  ['x00100020', 'PatientID'],
  ['x00080020', 'StudyDate'],
  ['x00081030', 'StudyDescription'],
  ['x00200010', 'StudyID'],
  ['x00080060', 'Modality'],
  ['x00200011', 'SeriesNumber'],
  ['x0008103e', 'SeriesDescription'],
  ['x00200013', 'InstanceNumber'],
];

interface RawRecord {
  readonly offset: number;
  readonly ds: DataSet;
}

function offsetValue(ds: DataSet, tag: string): number {
  const el = ds.elements[tag];
  if (!el || el.length < 4) return 0;
  return ds.uint32(tag) ?? 0;
}

function toRecord(raw: RawRecord, children: DicomDirRecord[]): DicomDirRecord {
  const ds = raw.ds;
  const parts = readStrings(ds, 'x00041500');
  const attributes: Record<string, string> = {};
  for (const [tag, name] of SHOWN) {
    const v = readString(ds, tag);
    if (v !== undefined) attributes[name] = v;
  }
  const sop = readString(ds, 'x00041510');
  const syntax = readString(ds, 'x00041512');
  return {
    type: readString(ds, 'x00041430') ?? '',
    offset: raw.offset,
    ...(parts.length > 0 ? { referencedFileId: parts.join('/') } : {}),
    ...(sop ? { referencedSopClassUid: sop } : {}),
    ...(syntax ? { referencedTransferSyntaxUid: syntax } : {}),
    attributes,
    children,
  };
}

/** Reads the directory records of a DICOMDIR as a tree. */
export function readDicomDir(bytes: Uint8Array, opts: MultiFileReadOptions = {}): DicomDir {
  const file = opts.fileName;
  const parsed: DicomFile = parseDicom(bytes, opts);
  try {
    return buildTree(parsed.dataSet, opts);
  } catch (e) {
    throw asDicomError(e, file);
  }
}

function buildTree(ds: DataSet, opts: MultiFileReadOptions): DicomDir {
  const file = opts.fileName;
  const seq = ds.elements.x00041220;
  if (!seq)
    throw badInput('no Directory Record Sequence (0004,1220): not a DICOMDIR', { file, expected: 'a DICOMDIR (Media Storage Directory)' });
  const items = seq.items ?? [];
  const byOffset = new Map<number, RawRecord>();
  for (const item of items) {
    if (!item.dataSet) continue;
    const offset = item.dataOffset - 8;
    byOffset.set(offset, { offset, ds: item.dataSet });
  }
  const visited = new Set<number>();
  const referenced: string[] = [];
  const seen = new Set<string>();
  let steps = 0;
  // Iterative walk with an explicit stack: a hostile chain of lower-level offsets cannot overflow the call stack.
  const chain = (first: number, via: string): RawRecord[] => {
    const out: RawRecord[] = [];
    for (let at = first; at !== 0;) {
      throwIfAborted(opts.signal);
      const raw = byOffset.get(at);
      if (!raw)
        throw badInput(`${via} points to byte ${at}, where no directory record starts`, {
          file,
          offset: at,
          expected: 'the offset of a directory record item',
        });
      if (visited.has(at))
        throw badInput(`the directory record at byte ${at} is reached twice (a loop in the record offsets)`, {
          file,
          offset: at,
          expected: 'a tree of directory records',
        });
      visited.add(at);
      if (++steps > byOffset.size) throw badInput('more directory record links than records', { file });
      out.push(raw);
      via = `the next-record offset (0004,1400) of the record at byte ${at}`;
      at = offsetValue(raw.ds, 'x00041400');
    }
    return out;
  };
  let rootFirst = offsetValue(ds, 'x00041200');
  if (rootFirst === 0 && items.length > 0 && items[0].dataSet) rootFirst = items[0].dataOffset - 8;
  interface Pending {
    readonly raw: RawRecord;
    readonly children: DicomDirRecord[];
  }
  const roots: DicomDirRecord[] = [];
  const stack: { level: RawRecord[]; into: DicomDirRecord[] }[] = [
    { level: rootFirst === 0 ? [] : chain(rootFirst, 'the root offset (0004,1200)'), into: roots },
  ];
  while (stack.length > 0) {
    const { level, into } = stack.pop()!;
    // Record In-use Flag (0004,1410) 0000H marks a deleted record: skip it and what hangs below it.
    const pending: Pending[] = level
      .filter((raw) => !(raw.ds.elements.x00041410?.length >= 2 && raw.ds.uint16('x00041410') === 0))
      .map((raw) => ({ raw, children: [] }));
    for (const p of pending) into.push(toRecord(p.raw, p.children));
    for (let i = pending.length - 1; i >= 0; i--) {
      const lower = offsetValue(pending[i].raw.ds, 'x00041420');
      if (lower !== 0)
        stack.push({
          level: chain(lower, `the lower-level offset (0004,1420) of the record at byte ${pending[i].raw.offset}`),
          into: pending[i].children,
        });
    }
  }
  const collect = (records: readonly DicomDirRecord[]): void => {
    const todo = [...records].reverse();
    while (todo.length > 0) {
      const r = todo.pop()!;
      if (r.referencedFileId !== undefined && !seen.has(r.referencedFileId)) {
        seen.add(r.referencedFileId);
        referenced.push(r.referencedFileId);
      }
      for (let i = r.children.length - 1; i >= 0; i--) todo.push(r.children[i]);
    }
  };
  collect(roots);
  const fileSetId = readString(ds, 'x00041130');
  return { ...(fileSetId ? { fileSetId } : {}), roots, referencedFiles: referenced };
}

/**
 * Reads the images a DICOMDIR references through `opts.siblings` (never the file system directly) and
 * returns them as series. Sibling errors (PATH_ESCAPE for '..' or absolute names, BAD_INPUT for a
 * missing file) propagate unchanged; referenced files without pixel data are skipped.
 */
export async function readDicomDirImages(bytes: Uint8Array, opts: MultiFileReadOptions = {}): Promise<ImageSet> {
  const dir = readDicomDir(bytes, opts);
  const siblings = opts.siblings;
  if (!siblings) throw new MedSynthError('BAD_USAGE', 'reading the images of a DICOMDIR needs a sibling reader', { file: opts.fileName });
  const parsed: DicomFile[] = [];
  for (const id of dir.referencedFiles) {
    throwIfAborted(opts.signal);
    const content = await siblings(id);
    const file = parseDicom(content, { limits: opts.limits, signal: opts.signal, fileName: id });
    if (file.image) parsed.push(file);
  }
  if (parsed.length === 0)
    throw badInput(`the DICOMDIR references ${dir.referencedFiles.length} file(s), none with an image`, {
      file: opts.fileName,
      expected: 'IMAGE records that reference files with Pixel Data',
    });
  return volumesOfFiles(parsed, opts);
}
