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
import type { ReadDataset } from '../storage/datasets';

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

/**
 * A dataset of another modality already in memory (the full loop's image parts), with its modality
 * and the name reports and manifests record for it.
 */
export interface LoadedDataset {
  readonly dataset: unknown;
  readonly modality: ModalityDefinition;
  readonly name: string;
  readonly sha256?: string;
}

/** A path to read, or a table or other dataset in memory. */
export type TableInput = string | LoadedTable | LoadedDataset;

/** True for an input in memory (a table or another dataset), false for a path to read. */
export function isLoadedTable(input: TableInput): input is LoadedTable | LoadedDataset {
  return typeof input !== 'string';
}

export function isLoadedDataset(input: TableInput): input is LoadedDataset {
  return typeof input !== 'string' && 'dataset' in input;
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
  if (isLoadedDataset(input)) throw new MedSynthError('BAD_USAGE', `${input.name} holds ${input.modality.noun}, not a table`);
  const { table, name, sha256 } = input;
  return { ...table, provenance: { ...table.provenance, file: name, ...(sha256 !== undefined ? { sha256 } : {}) } };
}

/** The modality of a fit input: a table in memory is a table; a path is looked up by its name. */
export function inputModality(input: TableInput): ModalityDefinition {
  if (isLoadedDataset(input)) return input.modality;
  const path = inputPath(input);
  const found = path === undefined ? requireModality('table') : modalityForPath(path);
  if (!found) throw new MedSynthError('UNSUPPORTED', 'no registered modality reads this file', { file: inputLabel(input) });
  return found;
}

/** A dataset in memory as a job's input: named as the caller asked (the modality's withName), nothing read. */
export function namedInMemory(input: LoadedDataset): ReadDataset {
  const dataset = input.modality.withName?.(input.dataset, input.name, input.sha256) ?? input.dataset;
  return { modality: input.modality, dataset, sha256: input.sha256, notes: [], files: [] };
}
