// The file-system edge of the image, signal and text readers. Core readers take bytes; this module
// reads the file (and, for multi-file formats, its siblings through resolveInside, so a header or a
// DICOMDIR naming '../../etc/passwd' or a symlink out of the folder ends in PATH_ESCAPE), hashes what
// it read for provenance, and dispatches by dataset kind. Source files are only ever opened for reading.

import { createHash } from 'node:crypto';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DatasetKind } from '../core/data/datasetKind';
import { datasetKindOf } from '../core/data/datasetKind';
import { describeImageSet, describeSignalSet } from '../core/data/datasetSummary';
import { decodeLimit } from '../core/data/decodeLimits';
import type { DecodeLimits } from '../core/data/decodeLimits';
import type { ImageSet } from '../core/data/imageSet';
import type { SiblingReader } from '../core/data/readOptions';
import type { SignalSet } from '../core/data/signalSet';
import { MedSynthError, isMedSynthError, throwIfAborted } from '../core/errors';
import { readDicomDirImages } from '../core/data/dicom/dicomdir';
import { readDicomFile } from '../core/data/dicom/image';
import { parseDicom } from '../core/data/dicom/parse';
import { readDicomSeries } from '../core/data/dicom/series';
import { hasWaveform, readDicomWaveform } from '../core/data/dicom/waveform';
import { readNifti } from '../core/data/nifti/niftiReader';
import { readRaster } from '../core/data/raster/rasterReader';
import { readWfdbRecord } from '../core/data/wfdb/record';
import { readEdf } from '../core/data/edf/edfReader';
import { loadTokenizer } from '../core/text/tokenizer';
import type { ModalityDefinition } from '../core/modalities/modality';
import { requireModality, requireModalityForKind } from '../core/modalities/registry';
import { ioError } from './atomic';
import { readTableFile } from './tables';
import type { ReadTableOptions } from './tables';
import { resolveInside } from './paths';

export interface FileProvenance {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

export type NonTableDataset =
  | { readonly kind: 'image'; readonly format: DatasetKind; readonly set: ImageSet; readonly provenance: readonly FileProvenance[] }
  | { readonly kind: 'signal'; readonly format: DatasetKind; readonly set: SignalSet; readonly provenance: readonly FileProvenance[] }
  | {
      readonly kind: 'tokenizer';
      readonly format: 'tokenizer';
      readonly vocabSize: number;
      readonly specialTokens: unknown;
      readonly provenance: readonly FileProvenance[];
    };

export interface ReadDatasetOptions {
  readonly limits?: DecodeLimits;
  readonly signal?: AbortSignal;
}

/** The most DICOM files one folder read takes (a series folder, not a whole PACS export). */
export const MAX_SERIES_FILES = 10_000;

/**
 * Reads one file whole. The files of one dataset (a file, its siblings, a folder's DICOM files) may
 * together hold at most maxDecompressedBytes: checked from the sizes on disk before each read, so a
 * DICOMDIR naming ten thousand large files or a huge folder ends in LIMIT_EXCEEDED, not in exhausted memory.
 */
async function readWhole(path: string, opts: ReadDatasetOptions, provenance: FileProvenance[]): Promise<Uint8Array> {
  throwIfAborted(opts.signal);
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new MedSynthError('BAD_USAGE', 'is a folder, not a file', { file: path });
    size = s.size;
  } catch (e) {
    if (isMedSynthError(e)) throw e;
    throw ioError('cannot read the file', path, e);
  }
  const cap = decodeLimit(opts.limits, 'maxDecompressedBytes');
  const before = provenance.reduce((n, p) => n + p.bytes, 0);
  if (before + size > cap) {
    const what = before === 0 ? `the file has ${size} bytes` : `with this file the dataset's files hold ${before + size} bytes`;
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `${what}, more than the limit ${cap} set by the option maxDecompressedBytes (VS Code setting medsynth.maxDecompressedBytes, CLI --max-decompressed-bytes)`,
      { file: path },
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path, { signal: opts.signal });
  } catch (e) {
    throwIfAborted(opts.signal);
    throw ioError('cannot read the file', path, e);
  }
  provenance.push({ file: path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Sibling files of a multi-file dataset, contained in `folder`; a missing one is BAD_INPUT naming it. */
export function siblingReader(folder: string, opts: ReadDatasetOptions, provenance: FileProvenance[], referencedBy: string): SiblingReader {
  return async (relativePath) => {
    const path = resolveInside(folder, relativePath);
    try {
      return await readWhole(path, opts, provenance);
    } catch (e) {
      if (isMedSynthError(e) && e.code === 'BAD_USAGE') {
        throw new MedSynthError('BAD_INPUT', `names the file ${JSON.stringify(relativePath)}, which cannot be read (${e.message})`, {
          file: referencedBy,
        });
      }
      throw e;
    }
  };
}

/** Reads an image, signal or tokenizer file (or a folder of DICOM files) by its kind. */
export async function readDatasetFile(path: string, opts: ReadDatasetOptions = {}): Promise<NonTableDataset> {
  const provenance: FileProvenance[] = [];
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    (e: unknown) => {
      throw ioError('cannot read the dataset', path, e);
    },
  );
  if (isFolder) return readDicomFolder(path, opts, provenance);
  const head = await readHead(path);
  const kind = datasetKindOf(path, head);
  if (!kind || kind === 'table') {
    throw new MedSynthError('UNSUPPORTED', 'not an image, signal or tokenizer file MedSynth knows', {
      file: path,
      expected: '.dcm, DICOMDIR, .nii, .nii.gz, .hdr, .png, .jpg, .hea, .edf, .bdf or tokenizer.json',
    });
  }
  const readOpts = { fileName: path, limits: opts.limits, signal: opts.signal };
  const siblings = siblingReader(dirname(path), opts, provenance, path);
  const bytes = await readWhole(path, opts, provenance);
  switch (kind) {
    case 'dicom': {
      // A waveform file (ECG and other PS3.3 C.10.9 waveforms) without Pixel Data is a signal dataset.
      const set = await readDicomFile(bytes, readOpts);
      return set.modality === 'signal'
        ? { kind: 'signal', format: kind, set, provenance }
        : { kind: 'image', format: kind, set, provenance };
    }
    case 'dicomdir':
      return { kind: 'image', format: kind, set: await readDicomDirImages(bytes, { ...readOpts, siblings }), provenance };
    case 'nifti':
      return { kind: 'image', format: kind, set: await readNifti(bytes, { ...readOpts, siblings }), provenance };
    case 'raster':
      return { kind: 'image', format: kind, set: await readRaster(bytes, readOpts), provenance };
    case 'wfdb':
      return { kind: 'signal', format: kind, set: await readWfdbRecord(bytes, { ...readOpts, siblings }), provenance };
    case 'edf':
      return { kind: 'signal', format: kind, set: await readEdf(bytes, readOpts), provenance };
    case 'tokenizer': {
      // tokenizer_config.json beside it names the special tokens; it is optional.
      const configPath = join(dirname(path), 'tokenizer_config.json');
      const config = await stat(configPath).then(
        (st) => (st.isFile() ? siblings('tokenizer_config.json') : undefined),
        () => undefined,
      );
      const tok = loadTokenizer(bytes, readOpts, config, config ? configPath : undefined);
      return { kind: 'tokenizer', format: kind, vocabSize: tok.vocabSize, specialTokens: tok.specialTokens, provenance };
    }
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(132);
      const { bytesRead } = await fh.read(buf, 0, 132, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw ioError('cannot read the file', path, e);
  }
}

/** A folder of DICOM files (any names; non-DICOM files are skipped) read as series. */
async function readDicomFolder(folder: string, opts: ReadDatasetOptions, provenance: FileProvenance[]): Promise<NonTableDataset> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch (e) {
    throw ioError('cannot list the folder', folder, e);
  }
  const dicomdir = names.find((n) => n.toLowerCase() === 'dicomdir');
  if (dicomdir) return readDatasetFile(join(folder, dicomdir), opts);
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const kind = datasetKindOf(name, await readHead(path));
    if (kind !== 'dicom') continue;
    if (files.length >= MAX_SERIES_FILES)
      throw new MedSynthError('LIMIT_EXCEEDED', `the folder holds more than ${MAX_SERIES_FILES} DICOM files`, {
        file: folder,
        expected: 'one series or study per folder',
      });
    files.push({ name: basename(path), bytes: await readWhole(path, opts, provenance) });
  }
  if (files.length === 0) return readImageFolder(folder, names, opts, provenance);
  // A folder of waveform files (ECGs, no pixel data) is a signal dataset: one record per multiplex group.
  const waveforms = files.every((f) => {
    const parsed = parseDicom(f.bytes, { fileName: join(folder, f.name), limits: opts.limits, signal: opts.signal });
    return hasWaveform(parsed) && !parsed.pixelData;
  });
  if (waveforms) {
    const records = [];
    for (const f of files)
      records.push(
        ...(await readDicomWaveform(f.bytes, { fileName: join(folder, f.name), limits: opts.limits, signal: opts.signal })).records,
      );
    return { kind: 'signal', format: 'dicom', set: { modality: 'signal', records }, provenance };
  }
  return {
    kind: 'image',
    format: 'dicom',
    set: await readDicomSeries(files, { fileName: folder, limits: opts.limits, signal: opts.signal }),
    provenance,
  };
}

/** The most image files one folder of PNG/JPEG/NIfTI images takes. */
export const MAX_IMAGE_FOLDER_FILES = 10_000;

/**
 * A folder of PNG, JPEG or NIfTI files (a set of slices or photographs): every file is one image of
 * the set, in name order. Other files (a README, a CSV of labels) are skipped.
 */
async function readImageFolder(
  folder: string,
  names: readonly string[],
  opts: ReadDatasetOptions,
  provenance: FileProvenance[],
): Promise<NonTableDataset> {
  const images: ImageSet['images'][number][] = [];
  for (const name of names) {
    const path = join(folder, name);
    const kind = datasetKindOf(name, await readHead(path));
    if (kind !== 'raster' && kind !== 'nifti') continue;
    if (images.length >= MAX_IMAGE_FOLDER_FILES)
      throw new MedSynthError('LIMIT_EXCEEDED', `the folder holds more than ${MAX_IMAGE_FOLDER_FILES} image files`, {
        file: folder,
        expected: 'a folder of at most 10000 images',
      });
    const bytes = await readWhole(path, opts, provenance);
    const readOpts = { fileName: path, limits: opts.limits, signal: opts.signal };
    const set =
      kind === 'raster'
        ? await readRaster(bytes, readOpts)
        : await readNifti(bytes, { ...readOpts, siblings: siblingReader(folder, opts, provenance, path) });
    images.push(...set.images);
  }
  if (images.length === 0)
    throw new MedSynthError('UNSUPPORTED', 'the folder holds no DICOM, PNG, JPEG or NIfTI files, DICOMDIR or generator manifest', {
      file: folder,
    });
  return {
    kind: 'image',
    format: datasetKindOf(names.find((n) => datasetKindOf(n) !== undefined) ?? '') ?? 'raster',
    set: { modality: 'image', images },
    provenance,
  };
}

/**
 * One hash for a dataset of several files: the SHA-256 of "sha256  name" lines (file base names, in
 * the order read), so the same files give the same hash wherever the folder lies.
 */
export function datasetSha256(provenance: readonly FileProvenance[]): string | undefined {
  if (provenance.length === 0) return undefined;
  if (provenance.length === 1) return provenance[0].sha256;
  const hash = createHash('sha256');
  for (const p of provenance) hash.update(`${p.sha256}  ${basename(p.file)}\n`);
  return hash.digest('hex');
}

/** The datasetSha256 of files read again now (the end of a run checks its source did not change). */
export async function rehashDataset(files: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
  const provenance: FileProvenance[] = [];
  for (const file of files) {
    throwIfAborted(signal);
    let bytes: Buffer;
    try {
      bytes = await readFile(file, { signal });
    } catch (e) {
      throwIfAborted(signal);
      throw ioError('cannot read the file again', file, e);
    }
    provenance.push({ file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  }
  return datasetSha256(provenance);
}

/** The summary `medsynth inspect` prints and VS Code's Inspect Dataset shows (no patient identifiers). */
export function describeDataset(path: string, d: NonTableDataset): Record<string, unknown> {
  const common = {
    kind: 'dataset',
    path,
    format: d.format,
    files: d.provenance.map((p) => ({ file: p.file, bytes: p.bytes, sha256: p.sha256 })),
  };
  if (d.kind === 'image') return { ...common, ...describeImageSet(d.set) };
  if (d.kind === 'signal') return { ...common, ...describeSignalSet(d.set) };
  return { ...common, kind: 'tokenizer', modality: 'text', vocabSize: d.vocabSize, specialTokens: d.specialTokens };
}

/** JSON.stringify replacer: NaN and infinities (empty or all-missing ranges) are written as null on purpose. */
export function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** A dataset an engine job reads from a path: what was read, its modality and what provenance records. */
export interface ReadDataset {
  readonly modality: ModalityDefinition;
  readonly dataset: unknown;
  readonly sha256?: string;
  readonly notes: readonly string[];
  /** The files read, in order (their hashes make `sha256`); empty for a dataset given in memory. */
  readonly files: readonly string[];
}

/**
 * Reads any dataset a job may take: a table file (by name, or a file no other reader claims) through
 * the table reader with `table` options, a folder or an image/signal/tokenizer file through
 * readDatasetFile; the modality is the registry's for what was read.
 */
export async function readDataset(
  path: string,
  opts: { readonly table?: ReadTableOptions; readonly decode?: ReadDatasetOptions } = {},
): Promise<ReadDataset> {
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const kind = isFolder ? undefined : datasetKindOf(path, await readHead(path).catch(() => undefined));
  if (!isFolder && (kind === undefined || kind === 'table')) {
    const table = await readTableFile(path, opts.table);
    return {
      modality: requireModalityForKind('table'),
      dataset: table,
      sha256: table.provenance?.sha256,
      notes: table.provenance?.notes ?? [],
      files: [path],
    };
  }
  const read = await readDatasetFile(path, opts.decode);
  if (read.kind === 'tokenizer')
    throw new MedSynthError('UNSUPPORTED', 'a tokenizer is not a dataset to fit or evaluate on', { file: path });
  return {
    modality: requireModality(read.kind, path),
    dataset: read.set,
    sha256: datasetSha256(read.provenance),
    notes: [],
    files: read.provenance.map((p) => p.file),
  };
}
