// The split job: read a table, split it into train and holdout parts (src/core/data/split.ts) and
// write both. The pair is written as a unit: both parts go to hidden temporary names beside their
// destinations and are renamed into place only when both are complete, so a failure or cancel leaves
// neither file. The source is only read.
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import { inferTableFormat } from '../core/data/table/format';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { checkHoldoutFraction, splitTable } from '../core/data/table/split';
import type { Table } from '../core/data/table/table';
import { ioError } from '../storage/atomic';
import { readTableFile, writeTableFile } from '../storage/tables';
import type { EngineProgress } from './progress';

export interface SplitFileOptions {
  readonly input: string;
  readonly train: string;
  readonly holdout: string;
  readonly holdoutFraction: number;
  readonly seed: number;
  readonly limits?: ReadLimits;
  /** The CSV dialect and column kinds given by the user (CLI --delimiter/--encoding/--comment/--types, medsynth.columns). */
  readonly read?: TableReadSettings;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
}

export interface SplitFileResult {
  readonly input: string;
  readonly train: string;
  readonly holdout: string;
  readonly holdoutFraction: number;
  readonly seed: number;
  readonly rows: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  /** SHA-256 of the source bytes that were split. */
  readonly sourceSha256?: string;
}

/** Throws BAD_USAGE unless the outputs are table files distinct from each other and from the input. */
export function checkSplitOutputs(input: string, train: string, holdout: string): void {
  for (const [flag, out] of [
    ['train', train],
    ['holdout', holdout],
  ] as const) {
    if (!inferTableFormat(out))
      throw new MedSynthError('BAD_USAGE', `split: cannot tell the --${flag} format from '${out}' (use .csv, .tsv, .parquet or .jsonl)`);
    if (resolve(out) === resolve(input))
      throw new MedSynthError('BAD_USAGE', `split: --${flag} must differ from the input; sources are never overwritten`);
  }
  if (resolve(train) === resolve(holdout)) throw new MedSynthError('BAD_USAGE', 'split: --train and --holdout must be different files');
}

/** A hidden temporary name beside `path` that keeps its extension, so the writer picks the same format. */
function pairTempPath(path: string): string {
  return join(dirname(path), `.${basename(path, extname(path))}.${process.pid}.${randomBytes(4).toString('hex')}.partial${extname(path)}`);
}

/** Writes two tables so that either both appear at their paths or neither does (barring a crash between the renames). */
export async function writeTablePair(
  first: readonly [string, Table],
  second: readonly [string, Table],
  signal?: AbortSignal,
): Promise<void> {
  const parts = [first, second].map(([path, table]) => ({ path: resolve(path), temp: pairTempPath(resolve(path)), table }));
  const renamed: string[] = [];
  try {
    for (const p of parts) await writeTableFile(p.temp, p.table, signal);
    throwIfAborted(signal);
    for (const p of parts) {
      try {
        await rename(p.temp, p.path);
      } catch (e) {
        throw ioError('cannot move the table into place', p.path, e);
      }
      renamed.push(p.path);
    }
  } catch (e) {
    await Promise.all(parts.map((p) => rm(p.temp, { force: true }).catch(() => undefined)));
    // A first part already in place without its partner would be a half-written split.
    if (renamed.length < parts.length) await Promise.all(renamed.map((p) => rm(p, { force: true }).catch(() => undefined)));
    throw e;
  }
}

export async function splitTableFile(opts: SplitFileOptions): Promise<SplitFileResult> {
  checkSplitOutputs(opts.input, opts.train, opts.holdout);
  checkHoldoutFraction(opts.holdoutFraction);
  opts.onProgress?.({ phase: 'read', message: `reading ${opts.input}` });
  const table = await readTableFile(opts.input, { ...opts.read, ...opts.limits, signal: opts.signal });
  throwIfAborted(opts.signal);
  opts.onProgress?.({ phase: 'split', message: `holding out ${opts.holdoutFraction} of ${table.rowCount} rows (seed ${opts.seed})` });
  const { train, holdout } = splitTable(table, { holdoutFraction: opts.holdoutFraction, seed: opts.seed });
  opts.onProgress?.({ phase: 'write', message: `writing ${opts.train} and ${opts.holdout}` });
  await writeTablePair([opts.train, train], [opts.holdout, holdout], opts.signal);
  return {
    input: resolve(opts.input),
    train: resolve(opts.train),
    holdout: resolve(opts.holdout),
    holdoutFraction: opts.holdoutFraction,
    seed: opts.seed,
    rows: table.rowCount,
    trainRows: train.rowCount,
    holdoutRows: holdout.rowCount,
    sourceSha256: table.provenance?.sha256,
  };
}
