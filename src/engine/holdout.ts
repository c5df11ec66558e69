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
import { asTable } from '../core/modalities/table/tableModality';
import type { Column, Table } from '../core/data/table/table';
import { sha256File } from '../storage/atomic';
import { readTableFile } from '../storage/tables';
import type { EngineProgress } from './progress';
import { inputModality } from './tableInput';

/** The share held out when the caller does not say: enough rows for a stable comparison, most left to fit. */
export const DEFAULT_HOLDOUT_FRACTION = 0.2;

/** Below this many rows a holdout would leave too little to fit on or to compare with. */
export const MIN_ROWS_FOR_HOLDOUT = 10;

export interface HoldoutPreparation {
  /** The whole source table, as read. */
  readonly source: Table;
  readonly sourceRows: number;
  readonly sourceSha256?: string;
  /** The two parts, in memory only; absent when no holdout was made. */
  readonly parts?: { readonly train: Table; readonly holdout: Table };
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
  // The split comes from the dataset's modality (the registry); reading and trimming are still table-only.
  const split = requireSplit(inputModality(opts.dataset), opts.dataset);
  opts.onProgress?.({ phase: 'read', message: `reading ${opts.dataset}` });
  const source = await readTableFile(opts.dataset, { ...opts.read, ...opts.limits, signal: opts.signal });
  throwIfAborted(opts.signal);
  const base = { source, sourceRows: source.rowCount, sourceSha256: source.provenance?.sha256 };
  if (opts.holdoutFraction === 0) return { ...base, skipped: 'disabled (holdout fraction 0)' };
  const skip = (why: string): HoldoutPreparation => {
    opts.onLog?.('warn', `no holdout: ${why}`);
    return { ...base, skipped: why };
  };
  if (source.rowCount < MIN_ROWS_FOR_HOLDOUT) {
    return skip(
      `the dataset has ${source.rowCount} rows and a holdout needs at least ${MIN_ROWS_FOR_HOLDOUT}; privacy is judged against the training rows only`,
    );
  }
  opts.onProgress?.({
    phase: 'split',
    message: `holding out ${opts.holdoutFraction} of ${source.rowCount} rows (seed ${opts.seed}) in memory`,
  });
  let parts: { readonly train: Table; readonly holdout: Table };
  try {
    const made = split(source, { holdoutFraction: opts.holdoutFraction, seed: opts.seed });
    parts = { train: asTable(made.train), holdout: asTable(made.holdout) };
  } catch (e) {
    if (isMedSynthError(e) && e.code === 'BAD_USAGE') return skip(e.message);
    throw e;
  }
  throwIfAborted(opts.signal);
  // The parts are no file's bytes (no name, no hash of their own), but what the reader assumed reading
  // the source holds for them too, so the report can say it next to the training and holdout rows.
  const notes = source.provenance?.notes;
  const noted = (t: Table): Table => (notes && notes.length > 0 ? { ...t, provenance: { notes } } : t);
  return { ...base, parts: { train: noted(dropUnusedCategories(parts.train)), holdout: noted(parts.holdout) } };
}

/**
 * The training part with categories that none of its rows use removed. A label that occurs only in
 * the holdout would otherwise reach the generator's manifest, and a rare label can identify a patient
 * the generator never saw. The holdout is conformed to the training part's categories when evaluated.
 */
export function dropUnusedCategories(table: Table): Table {
  const columns = table.columns.map((c): Column => {
    if (c.kind !== 'categorical') return c;
    const used = new Uint8Array(c.categories.length);
    for (const code of c.codes) if (code >= 0) used[code] = 1;
    if (used.every((u) => u === 1)) return c;
    const recode = new Int32Array(c.categories.length).fill(-1);
    const categories: string[] = [];
    c.categories.forEach((label, i) => {
      if (used[i] === 1) recode[i] = categories.push(label) - 1;
    });
    return { ...c, categories, codes: c.codes.map((code) => (code >= 0 ? recode[code] : code)) };
  });
  return { ...table, columns };
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
export function partName(datasetName: string, part: 'training' | 'holdout', rows: number, sourceRows: number, seed: number): string {
  return `${datasetName} (${part} part: ${rows} of ${sourceRows} rows, seed ${seed})`;
}

const PART_NAME = /^(.+) \((training|holdout) part: (\d+) of (\d+) rows, seed (\d+)\)$/;

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
  datasetName: string = basename(prep.source.provenance?.file ?? 'dataset'),
): HoldoutRecord {
  if (!prep.parts) return { fraction, skipped: prep.skipped ?? 'not made' };
  return {
    fraction,
    seed,
    sourceRows: prep.sourceRows,
    trainRows: prep.parts.train.rowCount,
    holdoutRows: prep.parts.holdout.rowCount,
    reproduce: reproduceCommand(datasetName, fraction, seed),
  };
}

/**
 * Re-hashes the source at the end of a run. Nothing reads the source after the first read, so a file
 * that vanished or changed meanwhile (an export still being written, say) would go unnoticed while
 * run.json claimed its hash: that run fails instead, naming the file.
 */
export async function verifySourceUnchanged(dataset: string, sha256: string | undefined, signal?: AbortSignal): Promise<void> {
  if (sha256 === undefined) return;
  const now = await sha256File(dataset, signal);
  if (now !== sha256)
    throw new MedSynthError(
      'BAD_INPUT',
      'the dataset changed while the run was in progress; run again on a file that is not being written',
      { file: dataset },
    );
}
