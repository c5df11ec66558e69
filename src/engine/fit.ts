// The fit job: read a dataset (or take a table already in memory), fit one of its modality's built-in
// generators in TypeScript (tables: the Gaussian copula), and write it out as a real ONNX graph plus
// medsynth.json, so it then runs through the same path as any user model. The modality comes from the
// registry; reading is still table-only (loadTableInput), and a dataset of a modality without a
// built-in fitter is refused by the registry before anything is read.
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import type { GeneratorManifest } from '../core/generators/manifest';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { requireFitter } from '../core/modalities/registry';
import { writeGenerator } from '../storage/generatorFolder';
import type { EngineProgress } from './progress';
import { stat } from 'node:fs/promises';
import type { DecodeLimits } from '../core/data/decodeLimits';
import { readDataset } from '../storage/datasets';
import type { ReadDataset } from '../storage/datasets';
import {
  inputLabel,
  inputModality,
  inputPath,
  inputTrainedOn,
  isLoadedDataset,
  isLoadedTable,
  loadTableInput,
  namedInMemory,
} from './tableInput';
import type { TableInput } from './tableInput';

/** A built-in fitter's id (the registry's modality definitions list them: tables have 'copula'). */
export type BuiltInGenerator = string;

export interface FitOptions {
  /**
   * The file to fit on, or a table in memory (the full loop's training part): its name and source
   * hash become the manifest's trainedOn and trainingDataSha256.
   */
  readonly dataset: TableInput;
  /** The fitter's id; the dataset modality's default fitter when absent. */
  readonly generator?: BuiltInGenerator;
  readonly outDir: string;
  /** Caps on the dataset read (the host passes medsynth.maxRows / medsynth.maxCells). */
  readonly limits?: ReadLimits;
  /** The CSV dialect and column kinds given by the user (CLI --delimiter/--encoding/--comment/--types, medsynth.columns). */
  readonly read?: TableReadSettings;
  /** Caps on decoding images and signals (pixels, samples, bytes: medsynth.maxPixels and friends). */
  readonly decodeLimits?: DecodeLimits;
  /** The fitter's tuning (PPCA: sizeCap, varianceKept, maxComponents), passed through as FitContext.settings. */
  readonly settings?: Readonly<Record<string, number>>;
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
  /** The fitter that ran and how messages say the dataset's size. */
  readonly generator: { readonly id: string; readonly title: string };
  readonly sizeWords: string;
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
  const label = inputLabel(opts.dataset);
  const dataset = inputPath(opts.dataset);
  const isFolder =
    dataset !== undefined &&
    (await stat(dataset).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  // A file's modality is known from its name, so a wrong generator id is refused before reading; a
  // folder's (DICOM series, a folder of slices) from what it holds.
  if (!isFolder) requireFitter(inputModality(opts.dataset), opts.generator, label);
  const outDir = resolve(opts.outDir);
  // The generator folder replaces outDir as a whole, so it must not hold the data it was fitted on.
  if (dataset !== undefined && isInsideOrSame(outDir, dataset))
    throw new MedSynthError('BAD_USAGE', `--out ${opts.outDir} would contain or replace the dataset ${label}`);
  if (outDir === dirname(outDir))
    throw new MedSynthError('BAD_USAGE', `--out must be a folder below the file-system root, got ${opts.outDir}`);

  if (!isLoadedTable(opts.dataset)) opts.onProgress?.({ phase: 'read', message: `reading ${label}` });
  const read = await readInput(opts);
  const fitter = requireFitter(read.modality, opts.generator, label);
  const { onnx, manifest } = await fitter.fit(read.dataset, {
    label,
    trainedOn: inputTrainedOn(opts.dataset),
    trainingDataSha256: read.sha256,
    createdAt: new Date().toISOString(),
    signal: opts.signal,
    onProgress: (message) => opts.onProgress?.({ phase: 'fit', message }),
    ...(opts.settings ? { settings: opts.settings } : {}),
  });
  throwIfAborted(opts.signal);

  opts.onProgress?.({ phase: 'write', message: `writing ${opts.outDir}` });
  await writeGenerator(outDir, onnx, manifest, opts.signal);
  const size = read.modality.size?.(read.dataset) ?? { rows: 0, columns: 0 };
  return {
    outDir,
    modelPath: join(outDir, manifest.model),
    manifestPath: join(outDir, 'medsynth.json'),
    manifest,
    rows: size.rows,
    columns: size.columns,
    generator: { id: fitter.id, title: fitter.title },
    sizeWords: size.words ?? `${size.rows} rows × ${size.columns} columns`,
    datasetSha256: read.sha256,
    datasetNotes: read.notes,
  };
}

/** The fit input read: a table in memory as it is, a path by the reader of its kind (storage/datasets.ts). */
async function readInput(opts: FitOptions): Promise<ReadDataset> {
  if (isLoadedDataset(opts.dataset)) return namedInMemory(opts.dataset);
  if (isLoadedTable(opts.dataset)) {
    const table = await loadTableInput(opts.dataset, { signal: opts.signal });
    return {
      modality: inputModality(opts.dataset),
      dataset: table,
      sha256: table.provenance?.sha256,
      notes: table.provenance?.notes ?? [],
      files: [],
    };
  }
  return readDataset(resolve(opts.dataset), {
    table: { ...opts.read, ...opts.limits, signal: opts.signal },
    decode: { limits: opts.decodeLimits, signal: opts.signal },
  });
}
