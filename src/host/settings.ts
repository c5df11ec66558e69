// The extension's settings, read once per command so a change applies to the next run without reload.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultExecutionProviders, isExecutionProviderName } from '../protocol/inference';
import type { ExecutionProviderName } from '../protocol/inference';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SAMPLES } from '../core/data/decodeLimits';
import type { DecodeLimits } from '../core/data/decodeLimits';
import { isColumnKind } from '../core/data/table/columnInference';
import type { ColumnKind } from '../core/data/table/table';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { parseQuasiIdentifiers } from '../core/metrics/metricOptions';
import type { MetricOptions } from '../core/metrics/metricOptions';
import { readTableFile } from '../storage/tables';

export interface MedSynthSettings {
  /** Tried in order; never empty (falls back to the platform default). */
  readonly executionProviders: readonly ExecutionProviderName[];
  /** Relative to the workspace folder. */
  readonly outputFolder: string;
  readonly defaultRows: number;
  readonly seed: number;
  readonly maxRows: number;
  readonly maxCells: number;
  readonly maxPixels: number;
  readonly maxSamples: number;
  readonly maxDecompressedBytes: number;
  /** Share of rows the full loop holds out from fitting, in [0, 0.9]; 0 disables the holdout. */
  readonly holdoutFraction: number;
  /**
   * The embedder folder (medsynth.embedder/1) images are compared through, as typed (absolute, or
   * relative to the workspace folder: resolveImageEmbedder); undefined = the built-in one.
   */
  readonly imageEmbedder?: string;
  /** The file format of generated images (png, dcm, nii, nii.gz, npy); checked against the generator's formats when used. */
  readonly imageFormat: string;
  /** medsynth.quasiIdentifiers, medsynth.secretColumn, medsynth.smallClass, medsynth.targetColumn, medsynth.bootstrapResamples. */
  readonly metricOptions?: MetricOptions;
  /** Why medsynth.quasiIdentifiers cannot be read, when it cannot: Evaluate and Run Full Loop refuse with it. */
  readonly metricOptionsError?: string;
}

/** medsynth.imageEmbedder as a path: relative settings are taken from the workspace folder. */
export function resolveImageEmbedder(settings: MedSynthSettings, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  if (settings.imageEmbedder === undefined) return undefined;
  return path.isAbsolute(settings.imageEmbedder) || !folder ? settings.imageEmbedder : path.join(folder.uri.fsPath, settings.imageEmbedder);
}

/** The read caps every job passes to the table readers; errors name the setting to change. */
export function tableLimits(settings: MedSynthSettings): { readonly maxRows: number; readonly maxCells: number } {
  return { maxRows: settings.maxRows, maxCells: settings.maxCells };
}

/** The caps every image, signal and text reader gets; errors name the setting to change. */
export function decodeLimits(settings: MedSynthSettings): Required<DecodeLimits> {
  return { maxPixels: settings.maxPixels, maxSamples: settings.maxSamples, maxDecompressedBytes: settings.maxDecompressedBytes };
}

export function readSettings(scope?: vscode.ConfigurationScope): MedSynthSettings {
  const config = vscode.workspace.getConfiguration('medsynth', scope);
  const providers = config.get<unknown>('executionProviders');
  const listed = Array.isArray(providers)
    ? providers.filter((p): p is ExecutionProviderName => typeof p === 'string' && isExecutionProviderName(p))
    : [];
  return {
    executionProviders: listed.length > 0 ? listed : defaultExecutionProviders(),
    outputFolder: nonEmptyString(config.get<unknown>('outputFolder')) ?? 'synthetic',
    defaultRows: positiveInt(config.get<unknown>('defaultRows')) ?? 1000,
    seed: nonNegativeInt(config.get<unknown>('seed')) ?? 42,
    maxRows: positiveInt(config.get<unknown>('maxRows')) ?? 1_000_000,
    maxCells: positiveInt(config.get<unknown>('maxCells')) ?? 50_000_000,
    maxPixels: positiveInt(config.get<unknown>('maxPixels')) ?? DEFAULT_MAX_PIXELS,
    maxSamples: positiveInt(config.get<unknown>('maxSamples')) ?? DEFAULT_MAX_SAMPLES,
    maxDecompressedBytes: positiveInt(config.get<unknown>('maxDecompressedBytes')) ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    holdoutFraction: fraction(config.get<unknown>('holdoutFraction'), 0.9) ?? 0.2,
    imageEmbedder: nonEmptyString(config.get<unknown>('imageEmbedder')),
    imageFormat: nonEmptyString(config.get<unknown>('imageFormat'))?.toLowerCase() ?? 'png',
    ...metricOptionsOf(config),
  };
}

/**
 * What Evaluate and Run Full Loop tell the privacy and utility metrics. A quasi-identifier list that cannot
 * be read is BAD_USAGE naming the setting (the command refuses with it); unset values are left out.
 */
function metricOptionsOf(config: vscode.WorkspaceConfiguration): { metricOptions?: MetricOptions; metricOptionsError?: string } {
  const qi = nonEmptyString(config.get<unknown>('quasiIdentifiers'));
  const secret = nonEmptyString(config.get<unknown>('secretColumn'));
  const target = nonEmptyString(config.get<unknown>('targetColumn'));
  const k = positiveInt(config.get<unknown>('smallClass'));
  const bootstrap = nonNegativeInt(config.get<unknown>('bootstrapResamples'));
  let quasiIdentifiers: MetricOptions['quasiIdentifiers'];
  try {
    quasiIdentifiers = qi !== undefined ? parseQuasiIdentifiers(qi, 'the setting medsynth.quasiIdentifiers') : undefined;
  } catch (e) {
    return { metricOptionsError: e instanceof Error ? e.message : String(e) };
  }
  const options: MetricOptions = {
    ...(quasiIdentifiers !== undefined ? { quasiIdentifiers } : {}),
    ...(secret !== undefined ? { secret: secret.trim() } : {}),
    ...(target !== undefined ? { target: target.trim() } : {}),
    ...(k !== undefined && k >= 2 ? { k } : {}),
    ...(bootstrap !== undefined ? { bootstrap } : {}),
  };
  return Object.keys(options).length > 0 ? { metricOptions: options } : {};
}

/** The key of medsynth.columns that applies to every table. */
export const ALL_TABLES_KEY = '*';

/** A table's key in medsynth.columns: its path relative to the workspace folder, with forward slashes. */
export function columnsKeyFor(folder: vscode.WorkspaceFolder, file: vscode.Uri): string {
  return path.relative(folder.uri.fsPath, file.fsPath).split(path.sep).join('/');
}

/**
 * The column kinds medsynth.columns gives a table: the "*" entry's, then the table's own entry on top
 * (a table's own setting wins). When `columns` is given, "*" entries for columns the table lacks are
 * left out, since "*" means "wherever such a column exists"; a table's own entry is kept whole so a
 * misspelt column there is reported, not ignored. Entries that are not a known kind are skipped (a
 * hand-edited settings.json must not stop a run; the settings editor flags them). Undefined = none.
 */
export function columnTypesFor(
  folder: vscode.WorkspaceFolder,
  file: vscode.Uri,
  columns?: readonly string[],
): Record<string, ColumnKind> | undefined {
  const setting = vscode.workspace.getConfiguration('medsynth', folder.uri).get<unknown>('columns');
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) return undefined;
  const entries = setting as Record<string, unknown>;
  const types: Record<string, ColumnKind> = {};
  const all = kindsOf(entries[ALL_TABLES_KEY]);
  for (const [column, kind] of Object.entries(all)) if (!columns || columns.includes(column)) types[column] = kind;
  Object.assign(types, kindsOf(entries[columnsKeyFor(folder, file)]));
  return Object.keys(types).length > 0 ? types : undefined;
}

/**
 * The read settings a job passes for one dataset: for the table reader (the modality that reads files
 * by their content is the one TableReadSettings is for), the user's column kinds; none for a folder or
 * a dataset of another modality.
 */
export async function datasetReadSettings(
  folder: vscode.WorkspaceFolder,
  dataset: { readonly uri: vscode.Uri; readonly isFolder: boolean; readonly modality: { readonly readsUnnamedFiles?: boolean } },
  signal?: AbortSignal,
): Promise<TableReadSettings | undefined> {
  if (dataset.isFolder || dataset.modality.readsUnnamedFiles !== true) return undefined;
  return tableReadSettings(folder, dataset.uri, signal);
}

/**
 * The read settings a job passes for one table: the user's column kinds, when any. A "*" entry needs
 * the table's column names, so only then is the first row read (a failure there is left to the job's
 * own read, which reports it properly).
 */
export async function tableReadSettings(
  folder: vscode.WorkspaceFolder,
  file: vscode.Uri,
  signal?: AbortSignal,
): Promise<TableReadSettings | undefined> {
  const setting = vscode.workspace.getConfiguration('medsynth', folder.uri).get<unknown>('columns');
  const hasAll =
    typeof setting === 'object' &&
    setting !== null &&
    Object.keys(kindsOf((setting as Record<string, unknown>)[ALL_TABLES_KEY])).length > 0;
  const columns = hasAll
    ? await readTableFile(file.fsPath, { headRows: 1, signal }).then(
        (t) => t.columns.map((c) => c.name),
        () => undefined,
      )
    : undefined;
  const types = columnTypesFor(folder, file, columns);
  return types ? { types } : undefined;
}

function kindsOf(x: unknown): Record<string, ColumnKind> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return {};
  const kinds: Record<string, ColumnKind> = {};
  for (const [column, kind] of Object.entries(x as Record<string, unknown>))
    if (typeof kind === 'string' && isColumnKind(kind)) kinds[column] = kind;
  return kinds;
}

function nonEmptyString(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
}

/** A number in [0, max]; anything else (a hand-edited settings.json) falls back to the default. */
function fraction(x: unknown, max: number): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= max ? x : undefined;
}

function positiveInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x > 0 ? x : undefined;
}

function nonNegativeInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : undefined;
}
