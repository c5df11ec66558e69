// The full loop's holdout: before fitting, a seeded share of the dataset's rows is set aside so that
// the report can ask whether synthetic rows sit closer to the patients the generator was trained on
// than to patients it never saw (privacy.dcr's shareCloserToTrain; 0.5 = no closer). The two parts
// are written as train.csv and holdout.csv into the run folder: they are copies of real rows, which
// run.json states, and they never leave the run folder.
import { basename, join } from 'node:path';
import { isMedSynthError, MedSynthError, throwIfAborted } from '../core/errors';
import type { TableLimitOptions } from '../core/data/limits';
import { checkHoldoutFraction, splitTable } from '../core/data/split';
import { sha256File } from '../storage/atomic';
import { readTableFile } from '../storage/tables';
import type { EngineProgress } from './progress';
import { writeTablePair } from './split';

/** The share held out when the caller does not say: enough rows for a stable comparison, most left to fit. */
export const DEFAULT_HOLDOUT_FRACTION = 0.2;

/** Below this many rows a holdout would leave too little to fit on or to compare with. */
export const MIN_ROWS_FOR_HOLDOUT = 10;

/** What run.json says about the real rows it holds. */
export const REAL_ROWS_NOTICE =
  'train.csv and holdout.csv are copies of real rows of the dataset (the part the generator was fitted on and the part held out from it): keep this run folder as protected as the dataset itself and do not share it as synthetic data.';

export interface HoldoutPreparation {
  /** The two parts, written in the split folder; absent when no holdout was made. */
  readonly parts?: { readonly train: string; readonly holdout: string; readonly trainRows: number; readonly holdoutRows: number };
  /** Why no holdout was made. */
  readonly skipped?: string;
  readonly sourceRows?: number;
  readonly sourceSha256?: string;
}

export type HoldoutRecord =
  | {
      readonly fraction: number;
      readonly seed: number;
      readonly sourceRows: number;
      readonly trainRows: number;
      readonly holdoutRows: number;
      readonly files: { readonly train: 'train.csv'; readonly holdout: 'holdout.csv' };
      readonly containsRealRows: true;
      readonly notice: string;
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
  /** A hidden folder beside the run's work folder; created here, removed by the caller. */
  readonly splitDir: string;
  readonly limits?: Pick<TableLimitOptions, 'maxRows' | 'maxCells'>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
  readonly onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Reads the dataset and writes its train and holdout parts as CSV into `splitDir`. A table with fewer
 * than 10 rows, or one where the fraction leaves a part with fewer than 2 rows, gets no holdout: the run
 * goes on against the whole table and the reason is returned (and logged) for run.json.
 */
export async function prepareHoldout(opts: PrepareHoldoutOptions): Promise<HoldoutPreparation> {
  if (opts.holdoutFraction === 0) return { skipped: 'disabled (holdout fraction 0)' };
  // Progress says 'split' throughout, so the phases after it (read, fit, write, ...) keep their meaning.
  opts.onProgress?.({ phase: 'split', message: `reading ${basename(opts.dataset)} to hold out ${opts.holdoutFraction} of its rows` });
  const table = await readTableFile(opts.dataset, { ...opts.limits, signal: opts.signal });
  throwIfAborted(opts.signal);
  const source = { sourceRows: table.rowCount, sourceSha256: table.provenance?.sha256 };
  const skip = (why: string): HoldoutPreparation => {
    opts.onLog?.('warn', `no holdout: ${why}`);
    return { ...source, skipped: why };
  };
  if (table.rowCount < MIN_ROWS_FOR_HOLDOUT) {
    return skip(`the dataset has ${table.rowCount} rows and a holdout needs at least ${MIN_ROWS_FOR_HOLDOUT}; privacy is judged against the training rows only`);
  }
  let parts: ReturnType<typeof splitTable>;
  try {
    parts = splitTable(table, { holdoutFraction: opts.holdoutFraction, seed: opts.seed });
  } catch (e) {
    if (isMedSynthError(e) && e.code === 'BAD_USAGE') return skip(e.message);
    throw e;
  }
  opts.onProgress?.({ phase: 'split', message: `writing ${parts.train.rowCount} training and ${parts.holdout.rowCount} holdout rows` });
  const train = join(opts.splitDir, 'train.csv');
  const holdout = join(opts.splitDir, 'holdout.csv');
  await writeTablePair([train, parts.train], [holdout, parts.holdout], opts.signal);
  return { ...source, parts: { train, holdout, trainRows: parts.train.rowCount, holdoutRows: parts.holdout.rowCount } };
}

/** The run.json entry for a prepared (or skipped) holdout. */
export function holdoutRecord(prep: HoldoutPreparation, fraction: number, seed: number): HoldoutRecord {
  if (!prep.parts) return { fraction, skipped: prep.skipped ?? 'not made' };
  return {
    fraction,
    seed,
    sourceRows: prep.sourceRows ?? prep.parts.trainRows + prep.parts.holdoutRows,
    trainRows: prep.parts.trainRows,
    holdoutRows: prep.parts.holdoutRows,
    files: { train: 'train.csv', holdout: 'holdout.csv' },
    containsRealRows: true,
    notice: REAL_ROWS_NOTICE,
  };
}

/**
 * Re-hashes the source at the end of a run. With a holdout nothing reads the source after the split,
 * so a file that vanished or changed meanwhile (an export still being written, say) would go
 * unnoticed while run.json claimed its hash: that run fails instead, naming the file.
 */
export async function verifySourceUnchanged(dataset: string, sha256: string | undefined, signal?: AbortSignal): Promise<void> {
  if (sha256 === undefined) return;
  const now = await sha256File(dataset, signal);
  if (now !== sha256) throw new MedSynthError('BAD_INPUT', 'the dataset changed while the run was in progress; run again on a file that is not being written', { file: dataset });
}
