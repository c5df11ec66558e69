// The full loop's holdout: before fitting, a seeded share of the dataset's rows is set aside so that
// the report can ask whether synthetic rows sit closer to the patients the generator was trained on
// than to patients it never saw (privacy.dcr's shareCloserToTrain; 0.5 = no closer). The source is
// read once and split in memory: the two parts go to the fit and the evaluation as tables and are
// never written, because a run folder is what users share as synthetic data. run.json records the
// source's hash, the fraction and the seed, which is all `medsynth split` needs to re-derive them.
import { basename } from 'node:path';
import { isMedSynthError, MedSynthError, throwIfAborted } from '../core/errors';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { checkHoldoutFraction } from '../core/data/table/split';
import { requireSplit } from '../core/modalities/registry';
import { sha256File } from '../storage/atomic';
import { readDataset, rehashDataset } from '../storage/datasets';
import type { ModalityDefinition } from '../core/modalities/modality';
import { stat } from 'node:fs/promises';
import type { DecodeLimits } from '../core/data/decodeLimits';
import type { EngineProgress } from './progress';
import { inputModality } from './tableInput';

/** The share held out when the caller does not say: enough rows for a stable comparison, most left to fit. */
export const DEFAULT_HOLDOUT_FRACTION = 0.2;

/** Below this many rows a holdout would leave too little to fit on or to compare with. */
export const MIN_ROWS_FOR_HOLDOUT = 10;

export interface HoldoutPreparation {
  /** The source's modality (the registry's, for what was read). */
  readonly modality: ModalityDefinition;
  /** The whole source dataset, as read. */
  readonly source: unknown;
  /** Items in the source (table rows, image frames). */
  readonly sourceRows: number;
  readonly sourceSha256?: string;
  /** The files read (their hashes make sourceSha256), re-hashed when the run ends. */
  readonly sourceFiles: readonly string[];
  /** What the reader assumed or repaired. */
  readonly notes: readonly string[];
  /** The two parts, in memory only, with their item counts; absent when no holdout was made. */
  readonly parts?: { readonly train: unknown; readonly holdout: unknown; readonly trainRows: number; readonly holdoutRows: number };
  /** Why no holdout was made. */
  readonly skipped?: string;
}

export type HoldoutRecord =
  | {
      readonly fraction: number;
      readonly seed: number;
      readonly sourceRows: number;
      readonly trainRows: number;
      readonly holdoutRows: number;
      /** The command that writes the same two parts, for whoever needs them as files. */
      readonly reproduce: string;
    }
  | { readonly fraction: number; readonly skipped: string };

/** Throws BAD_USAGE unless the option is 0 (no holdout) or in (0, 0.9]. */
export function checkHoldoutOption(fraction: number): void {
  if (fraction !== 0) checkHoldoutFraction(fraction);
}

export interface PrepareHoldoutOptions {
  readonly dataset: string;
  readonly holdoutFraction: number;
  readonly seed: number;
  readonly limits?: ReadLimits;
  /** The CSV dialect and column kinds given by the user (CLI --delimiter/--encoding/--comment/--types, medsynth.columns). */
  readonly read?: TableReadSettings;
  /** Caps on decoding images and signals. */
  readonly decodeLimits?: DecodeLimits;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
  readonly onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Reads the dataset once and, unless the fraction is 0, splits it into train and holdout parts in
 * memory. A table with fewer than 10 rows, or one where the fraction leaves a part with fewer than 2
 * rows, gets no holdout: the run goes on against the whole table and the reason is returned (and
 * logged) for run.json. Nothing is written.
 */
export async function prepareHoldout(opts: PrepareHoldoutOptions): Promise<HoldoutPreparation> {
  // A file's modality is known from its name, so one without a split is refused before reading; a
  // folder's (a DICOM series, a folder of images) once read.
  const isFolder = await stat(opts.dataset).then(
    (st) => st.isDirectory(),
    () => false,
  );
  if (!isFolder) requireSplit(inputModality(opts.dataset), opts.dataset);
  opts.onProgress?.({ phase: 'read', message: `reading ${opts.dataset}` });
  const read = await readDataset(opts.dataset, {
    table: { ...opts.read, ...opts.limits, signal: opts.signal },
    decode: { limits: opts.decodeLimits, signal: opts.signal },
  });
  const split = requireSplit(read.modality, opts.dataset);
  throwIfAborted(opts.signal);
  const rowsOf = (dataset: unknown): number => read.modality.size?.(dataset).rows ?? 0;
  const sourceRows = rowsOf(read.dataset);
  const base = {
    modality: read.modality,
    source: read.dataset,
    sourceRows,
    sourceSha256: read.sha256,
    sourceFiles: read.files,
    notes: read.notes,
  };
  if (opts.holdoutFraction === 0) return { ...base, skipped: 'disabled (holdout fraction 0)' };
  const skip = (why: string): HoldoutPreparation => {
    opts.onLog?.('warn', `no holdout: ${why}`);
    return { ...base, skipped: why };
  };
  if (sourceRows < MIN_ROWS_FOR_HOLDOUT) {
    return skip(
      `the dataset has ${sourceRows} ${itemWord(read.modality)} and a holdout needs at least ${MIN_ROWS_FOR_HOLDOUT}; privacy is judged against the training ${itemWord(read.modality)} only`,
    );
  }
  opts.onProgress?.({
    phase: 'split',
    message: `holding out ${opts.holdoutFraction} of ${sourceRows} ${itemWord(read.modality)} (seed ${opts.seed}) in memory`,
  });
  let parts: { readonly train: unknown; readonly holdout: unknown };
  try {
    parts = split(read.dataset, { holdoutFraction: opts.holdoutFraction, seed: opts.seed });
  } catch (e) {
    if (isMedSynthError(e) && e.code === 'BAD_USAGE') return skip(e.message);
    throw e;
  }
  throwIfAborted(opts.signal);
  return { ...base, parts: { ...parts, trainRows: rowsOf(parts.train), holdoutRows: rowsOf(parts.holdout) } };
}

/** What a modality's items are called in messages: rows of a table, frames of images. */
export function itemWord(modality: ModalityDefinition): string {
  return modality.itemNoun ?? 'rows';
}

/** A shell word for the reproduce command: plain paths as they are, others single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `medsynth split` command that writes the parts a run fitted and evaluated on. */
export function reproduceCommand(datasetName: string, fraction: number, seed: number): string {
  return `medsynth split ${shellWord(datasetName)} --seed ${seed} --fraction ${fraction} --train <train-file> --holdout <holdout-file>`;
}

/**
 * How manifests and run.json name a part: "patients.csv (training part: 400 of 500 rows, seed 42)".
 * Reports record the parts structured instead (see `partOf`) and write them out in plain words.
 */
export function partName(
  datasetName: string,
  part: 'training' | 'holdout',
  rows: number,
  sourceRows: number,
  seed: number,
  items = 'rows',
): string {
  return `${datasetName} (${part} part: ${rows} of ${sourceRows} ${items}, seed ${seed})`;
}

const PART_NAME = /^(.+) \((training|holdout) part: (\d+) of (\d+) (?:rows|frames), seed (\d+)\)$/;

/** The part a `partName` describes, or undefined for any other name. */
export function partOf(name: string):
  | {
      readonly source: string;
      readonly role: 'training' | 'holdout';
      readonly rows: number;
      readonly sourceRows: number;
      readonly seed: number;
    }
  | undefined {
  const m = PART_NAME.exec(name);
  if (!m) return undefined;
  return { source: m[1], role: m[2] as 'training' | 'holdout', rows: Number(m[3]), sourceRows: Number(m[4]), seed: Number(m[5]) };
}

/**
 * The run.json entry for a prepared (or skipped) holdout. `datasetName` is how the run names its
 * source (relative to the workspace when inside it).
 */
export function holdoutRecord(
  prep: HoldoutPreparation,
  fraction: number,
  seed: number,
  datasetName: string = basename(prep.sourceFiles[0] ?? 'dataset'),
): HoldoutRecord {
  if (!prep.parts) return { fraction, skipped: prep.skipped ?? 'not made' };
  return {
    fraction,
    seed,
    sourceRows: prep.sourceRows,
    trainRows: prep.parts.trainRows,
    holdoutRows: prep.parts.holdoutRows,
    reproduce: reproduceCommand(datasetName, fraction, seed),
  };
}

/**
 * Re-hashes the source at the end of a run. Nothing reads the source after the first read, so a file
 * that vanished or changed meanwhile (an export still being written, say) would go unnoticed while
 * run.json claimed its hash: that run fails instead, naming the file.
 */
export async function verifySourceUnchanged(
  dataset: string,
  sha256: string | undefined,
  signal?: AbortSignal,
  files: readonly string[] = [dataset],
): Promise<void> {
  if (sha256 === undefined) return;
  const now = files.length <= 1 ? await sha256File(files[0] ?? dataset, signal) : await rehashDataset(files, signal);
  if (now !== sha256)
    throw new MedSynthError(
      'BAD_INPUT',
      'the dataset changed while the run was in progress; run again on a file that is not being written',
      { file: dataset },
    );
}
