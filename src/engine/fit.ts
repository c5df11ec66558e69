// The fit job: read a table (or take one already in memory), fit the built-in Gaussian copula in
// TypeScript, and write it out as a real ONNX graph plus medsynth.json, so it then runs through the
// same path as any user model.
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import { fitCopulaAsync } from '../core/generators/copula';
import { buildCopulaGenerator } from '../core/generators/copulaGraph';
import type { GeneratorManifest } from '../core/generators/manifest';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { writeGenerator } from '../storage/generatorFolder';
import type { EngineProgress } from './progress';
import { inputLabel, inputPath, inputTrainedOn, isLoadedTable, loadTableInput } from './tableInput';
import type { TableInput } from './tableInput';

export type BuiltInGenerator = 'copula';

export interface FitOptions {
  /**
   * The file to fit on, or a table in memory (the full loop's training part): its name and source
   * hash become the manifest's trainedOn and trainingDataSha256.
   */
  readonly dataset: TableInput;
  readonly generator: BuiltInGenerator;
  readonly outDir: string;
  /** Caps on the dataset read (the host passes medsynth.maxRows / medsynth.maxCells). */
  readonly limits?: ReadLimits;
  /** The CSV dialect and column kinds given by the user (CLI --delimiter/--encoding/--comment/--types, medsynth.columns). */
  readonly read?: TableReadSettings;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
}

export interface FitResult {
  readonly outDir: string;
  readonly modelPath: string;
  readonly manifestPath: string;
  readonly manifest: GeneratorManifest;
  readonly rows: number;
  readonly columns: number;
  readonly datasetSha256?: string;
  /** What the reader assumed or repaired reading the dataset (table provenance notes); empty when nothing. */
  readonly datasetNotes: readonly string[];
}

/** True when `inner` is `outer` or lies inside it. */
export function isInsideOrSame(outer: string, inner: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export async function fitGenerator(opts: FitOptions): Promise<FitResult> {
  if (opts.generator !== 'copula')
    throw new MedSynthError('BAD_USAGE', `unknown generator '${String(opts.generator)}' (available: copula)`);
  const outDir = resolve(opts.outDir);
  const dataset = inputPath(opts.dataset);
  const label = inputLabel(opts.dataset);
  // The generator folder replaces outDir as a whole, so it must not hold the data it was fitted on.
  if (dataset !== undefined && isInsideOrSame(outDir, dataset))
    throw new MedSynthError('BAD_USAGE', `--out ${opts.outDir} would contain or replace the dataset ${label}`);
  if (outDir === dirname(outDir))
    throw new MedSynthError('BAD_USAGE', `--out must be a folder below the file-system root, got ${opts.outDir}`);

  if (!isLoadedTable(opts.dataset)) opts.onProgress?.({ phase: 'read', message: `reading ${label}` });
  const table = await loadTableInput(opts.dataset, { limits: opts.limits, read: opts.read, signal: opts.signal });
  if (table.rowCount < 2)
    throw new MedSynthError('BAD_INPUT', `a copula needs at least 2 rows, the table has ${table.rowCount}`, { file: label });
  throwIfAborted(opts.signal);

  opts.onProgress?.({ phase: 'fit', message: `fitting a Gaussian copula on ${table.rowCount} rows × ${table.columns.length} columns` });
  const model = await fitCopulaAsync(table, { signal: opts.signal });
  const { onnx, manifest } = buildCopulaGenerator(model, {
    createdBy: 'medsynth fit --generator copula',
    trainedOn: inputTrainedOn(opts.dataset),
    trainingDataSha256: table.provenance?.sha256,
    createdAt: new Date().toISOString(),
  });
  throwIfAborted(opts.signal);

  opts.onProgress?.({ phase: 'write', message: `writing ${opts.outDir}` });
  await writeGenerator(outDir, onnx, manifest, opts.signal);
  return {
    outDir,
    modelPath: join(outDir, manifest.model),
    manifestPath: join(outDir, 'medsynth.json'),
    manifest,
    rows: table.rowCount,
    columns: table.columns.length,
    datasetSha256: table.provenance?.sha256,
    datasetNotes: table.provenance?.notes ?? [],
  };
}
