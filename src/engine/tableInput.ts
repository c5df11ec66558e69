// A table an engine job works on: either a file it reads itself, or a table already in memory. The
// full loop reads its source once and splits it in memory, so the training and holdout parts reach
// the fit and the evaluation as tables and no copy of real rows is ever written to disk.
import { basename, resolve } from 'node:path';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import type { Table } from '../core/data/table/table';
import type { TablePart } from '../core/report/model';
import { MedSynthError } from '../core/errors';
import type { ModalityDefinition } from '../core/modalities/modality';
import { modalityForPath, requireModality } from '../core/modalities/registry';
import { readTableFile } from '../storage/tables';

/** A table already in memory, with the name reports and manifests record for it. */
export interface LoadedTable {
  readonly table: Table;
  /** How the table is named where it is recorded, e.g. "patients.csv (training part: 400 of 500 rows, seed 42)". */
  readonly name: string;
  /** The SHA-256 of the file the rows came from, recorded as the table's provenance. */
  readonly sha256?: string;
  /** When the rows are a part of a file split in memory: which part (reports spell it out). */
  readonly part?: TablePart;
}

/** A path to read, or a table in memory. */
export type TableInput = string | LoadedTable;

export function isLoadedTable(input: TableInput): input is LoadedTable {
  return typeof input !== 'string';
}

/** The resolved path of a file input; undefined for a table in memory. */
export function inputPath(input: TableInput): string | undefined {
  return isLoadedTable(input) ? undefined : resolve(input);
}

/** How a job names the input in messages: the path as given, or the in-memory table's name. */
export function inputLabel(input: TableInput): string {
  return isLoadedTable(input) ? input.name : input;
}

/** The name a generator's provenance records as its training data: the file's base name, or the table's name. */
export function inputTrainedOn(input: TableInput): string {
  return isLoadedTable(input) ? input.name : basename(resolve(input));
}

/**
 * The input as a table: a file is read (with the caller's limits and signal), a table in memory is
 * returned with its recorded name and hash as provenance, so reports name it as the caller asked.
 */
export async function loadTableInput(
  input: TableInput,
  opts: { readonly limits?: ReadLimits; readonly read?: TableReadSettings; readonly signal?: AbortSignal } = {},
): Promise<Table> {
  if (!isLoadedTable(input)) return readTableFile(resolve(input), { ...opts.read, ...opts.limits, signal: opts.signal });
  const { table, name, sha256 } = input;
  return { ...table, provenance: { ...table.provenance, file: name, ...(sha256 !== undefined ? { sha256 } : {}) } };
}

/** The modality of a fit input: a table in memory is a table; a path is looked up by its name. */
export function inputModality(input: TableInput): ModalityDefinition {
  const path = inputPath(input);
  const found = path === undefined ? requireModality('table') : modalityForPath(path);
  if (!found) throw new MedSynthError('UNSUPPORTED', 'no registered modality reads this file', { file: inputLabel(input) });
  return found;
}
