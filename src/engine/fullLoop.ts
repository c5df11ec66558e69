// split → fit → generate → evaluate into <outputFolder>/<run-id>/ of the workspace (synthetic/ by
// default). The run is assembled in a hidden sibling folder and renamed into place at the end, so a
// cancelled or failed run leaves nothing behind; the report records the final names, not the hidden
// folder's. A share of the rows is held out first (holdout.ts): the generator is fitted on the rest,
// and the privacy verdict compares synthetic rows with training rows against unseen holdout rows.
// The source is read once and split in memory; no file the loop writes holds a real row, because
// the run folder is what users share as synthetic data.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import type { MetricOptions } from '../core/metrics/metricOptions';
import type { Report } from '../core/report/model';
import { DEFAULT_MAX_CELLS } from '../core/data/limits';
import { ioError, writeFileAtomic } from '../storage/atomic';
import { resolveInside } from '../storage/paths';
import { requireFitter, requireOutputs } from '../core/modalities/registry';
import type { ExecutionProviderName } from '../protocol/inference';
import { evaluateSynthetic } from './evaluate';
import {
  checkHoldoutOption,
  DEFAULT_HOLDOUT_FRACTION,
  holdoutRecord,
  itemWord,
  partName,
  prepareHoldout,
  verifySourceUnchanged,
} from './holdout';
import type { HoldoutRecord } from './holdout';
import { fitGenerator } from './fit';
import type { FitOptions } from './fit';
import { generateSynthetic, samplePostprocess } from './generate';
import { MAX_SAMPLE_VALUES } from '../inference/sampleLimits';
import type { GenerateResult } from './generate';
import type { InferenceClient } from './inferenceClient';
import type { EngineProgress } from './progress';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { inputModality } from './tableInput';
import type { LoadedDataset } from './tableInput';

export interface FullLoopOptions {
  readonly dataset: string;
  readonly workspaceRoot: string;
  /**
   * The output root relative to the workspace (the host's medsynth.outputFolder); default 'synthetic'.
   * It must stay inside the workspace: '..', absolute paths and symlinks out are PATH_ESCAPE.
   */
  readonly outputFolder?: string;
  /** The built-in fitter's tuning (PPCA: sizeCap, varianceKept, maxComponents). */
  readonly fitSettings?: Readonly<Record<string, number>>;
  /** Rows to generate; defaults to the dataset's row count. */
  readonly n?: number;
  /** Defaults to a random 32-bit seed, recorded in run.json and the report. */
  readonly seed?: number;
  readonly batch?: number;
  /**
   * Share of the dataset's rows held out from fitting, in [0, 0.9]; default 0.2, 0 disables. The
   * split is seeded with `seed`. A table too small to split runs without a holdout and run.json says why.
   */
  readonly holdoutFraction?: number;
  /** Metric ids to compute; defaults to every table metric. */
  readonly metrics?: readonly string[];
  /** Quasi-identifiers, secret, k, target and bootstrap for the privacy and utility metrics (seeded with `seed`). */
  readonly metricOptions?: MetricOptions;
  /** Caps on every table read (the host passes medsynth.maxRows / medsynth.maxCells). */
  readonly limits?: FitOptions['limits'];
  /** The CSV dialect and column kinds given by the user (CLI --delimiter/--encoding/--comment/--types, medsynth.columns). */
  readonly read?: TableReadSettings;
  readonly executionProviders?: readonly ExecutionProviderName[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: EngineProgress) => void;
  readonly inferenceScript?: string;
  readonly client?: InferenceClient;
  readonly onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Defaults to a timestamp plus a random suffix. */
  readonly runId?: string;
  /**
   * For generators that write a folder of one file per sample (images): the file format (png, dcm,
   * nii, nii.gz, npy; generate's `format`); the modality's first format when absent.
   */
  readonly format?: string;
  /** Images: the embedder folder (medsynth.embedder/1) the evaluation compares through; the built-in one when absent. */
  readonly embedder?: string;
}

export interface FullLoopResult {
  readonly runId: string;
  readonly runDir: string;
  readonly report: Report;
  readonly generate: GenerateResult;
  /** What run.json records about the holdout: the split, or why there is none. */
  readonly holdout: HoldoutRecord;
  /** What the reader assumed or repaired reading the dataset (run.json's dataset.notes); empty when nothing. */
  readonly notes: readonly string[];
  readonly files: {
    readonly model: string;
    readonly manifest: string;
    readonly synthetic: string;
    readonly reportJson: string;
    readonly reportHtml: string;
    readonly run: string;
  };
}

export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export const DEFAULT_OUTPUT_FOLDER = 'synthetic';

/** The output root inside the workspace; throws PATH_ESCAPE for a folder that leaves it (or is it). */
export function resolveOutputRoot(workspaceRoot: string, outputFolder: string = DEFAULT_OUTPUT_FOLDER): string {
  const root = resolve(workspaceRoot);
  const folder = outputFolder.trim();
  const out = resolveInside(root, folder === '' ? '.' : folder);
  if (out === root)
    throw new MedSynthError(
      'PATH_ESCAPE',
      `the output folder ${JSON.stringify(outputFolder)} must be a folder inside the workspace, not the workspace itself`,
      { file: root },
    );
  return out;
}

/** How a report names a file: relative to `base` when inside it, otherwise the absolute path. */
export function recordedName(base: string, file: string): string {
  const rel = relative(base, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : file;
}

/**
 * Creates the output root and returns the first folder it had to create (undefined when the root was
 * there already), so a failed run can take away what it made. A recursive mkdir on a read-only file
 * system reports ENOENT, which would read as the user's mistake; creating the last level alone then
 * gives the real reason (EROFS, EACCES).
 */
async function makeOutputRoot(outRoot: string): Promise<string | undefined> {
  try {
    return await mkdir(outRoot, { recursive: true });
  } catch (e) {
    const again = await mkdir(outRoot).then(
      () => undefined,
      (e2: unknown) => e2,
    );
    if (again === undefined) return outRoot;
    const code = (again as NodeJS.ErrnoException).code;
    throw ioError('cannot create the output folder', outRoot, code === 'ENOENT' || code === 'EEXIST' ? e : again);
  }
}

/**
 * Removes the folders a failed run created, from the output root up to the first one it made, each only
 * if it is empty: another run may have started in the same root meanwhile, and its files stay.
 */
async function removeCreatedFolders(outRoot: string, firstCreated: string | undefined): Promise<void> {
  if (firstCreated === undefined) return;
  for (let folder = outRoot; ; folder = dirname(folder)) {
    const removed = await rmdir(folder).then(
      () => true,
      () => false,
    );
    if (!removed || folder === firstCreated || dirname(folder) === folder) return;
  }
}

/** The workspace must be an existing folder: the loop creates only its output folder inside it. */
async function checkWorkspace(root: string): Promise<void> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory())
    throw new MedSynthError('BAD_USAGE', info ? 'the workspace is not a folder' : 'the workspace folder does not exist', { file: root });
}

/**
 * The evaluation reads the synthetic table under the same caps as the source: a run whose n rows would
 * pass them is refused before anything is fitted or written, with the numbers and the options to change.
 */
export function checkOutputFitsLimits(n: number, columns: number, limits: FitOptions['limits']): void {
  const maxCells = limits?.maxCells ?? DEFAULT_MAX_CELLS;
  const maxRows = limits?.maxRows;
  if (maxRows !== undefined && n > maxRows) {
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `${n} synthetic rows is more than the row limit of ${maxRows} that the evaluation reads them under (--max-rows / medsynth.maxRows)`,
      { expected: `--n of at most ${maxRows}, or --max-rows of at least ${n}` },
    );
  }
  if (n * columns > maxCells) {
    throw new MedSynthError(
      'LIMIT_EXCEEDED',
      `${n} synthetic rows × ${columns} columns is ${n * columns} cells, more than the limit of ${maxCells} cells that the evaluation reads them under (--max-cells / medsynth.maxCells)`,
      {
        expected: `--n of at most ${Math.floor(maxCells / Math.max(columns, 1))}, or --max-cells of at least ${n * columns}`,
      },
    );
  }
}

export async function runFullLoop(opts: FullLoopOptions): Promise<FullLoopResult> {
  const runId = opts.runId ?? newRunId();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new MedSynthError('BAD_USAGE', `run id '${runId}' must be a plain folder name`);
  const holdoutFraction = opts.holdoutFraction ?? DEFAULT_HOLDOUT_FRACTION;
  checkHoldoutOption(holdoutFraction);
  const root = resolve(opts.workspaceRoot);
  const outRoot = resolveOutputRoot(root, opts.outputFolder);
  const runDir = resolveInside(outRoot, runId);
  const work = resolveInside(outRoot, `.${runId}.partial`);
  const seed = opts.seed ?? randomInt(0, 2 ** 32);
  // A missing dataset is named first (the workspace defaults to its folder, so that would be missing too).
  await stat(opts.dataset).catch((e: unknown) => {
    throw ioError('cannot read the table', opts.dataset, e);
  });
  await checkWorkspace(root);
  // The dataset's modality says which generator the loop fits (its default built-in fitter) and which
  // file the synthetic sample goes to; a modality without them is refused before anything is read.
  const isFolder = await stat(opts.dataset).then(
    (st) => st.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    const modality = inputModality(opts.dataset);
    requireFitter(modality, undefined, opts.dataset);
    requireOutputs(modality, opts.dataset);
  }
  // The source is read before anything is created: a missing or unreadable dataset leaves no folder.
  const split = await prepareHoldout({
    dataset: opts.dataset,
    holdoutFraction,
    seed,
    limits: opts.limits,
    read: opts.read,
    signal: opts.signal,
    onProgress: opts.onProgress,
    onLog: opts.onLog,
  });
  const fitter = requireFitter(split.modality, undefined, opts.dataset);
  // A column the privacy options name but the dataset lacks is refused before anything is fitted.
  if (opts.metricOptions) split.modality.evaluation?.checkOptions?.(split.source, opts.metricOptions);
  const syntheticName = requireOutputs(split.modality, opts.dataset).defaultFile;
  const n = opts.n ?? split.sourceRows;
  checkOutputFitsLimits(n, split.modality.size?.(split.source).columns ?? 0, opts.limits);
  throwIfAborted(opts.signal);
  const createdRoot = await makeOutputRoot(outRoot);
  try {
    // The source as the run names it: relative to the workspace, absolute when it lies outside.
    const sourceName = recordedName(root, resolve(opts.dataset));
    const sha256 = split.sourceSha256;
    const inMemory = (dataset: unknown, name: string): LoadedDataset => ({ dataset, modality: split.modality, name, sha256 });
    const whole = inMemory(split.source, sourceName);
    const train = split.parts
      ? inMemory(
          split.parts.train,
          partName(sourceName, 'training', split.parts.trainRows, split.sourceRows, seed, itemWord(split.modality)),
        )
      : whole;
    const holdoutPart = split.parts
      ? inMemory(
          split.parts.holdout,
          partName(sourceName, 'holdout', split.parts.holdoutRows, split.sourceRows, seed, itemWord(split.modality)),
        )
      : undefined;
    const fit = await fitGenerator({
      // The manifest names the file by its base name, as `medsynth fit` does.
      dataset: {
        ...train,
        name: split.parts
          ? partName(basename(opts.dataset), 'training', split.parts.trainRows, split.sourceRows, seed, itemWord(split.modality))
          : basename(opts.dataset),
      },
      generator: fitter.id,
      outDir: work,
      limits: opts.limits,
      ...(opts.fitSettings ? { settings: opts.fitSettings } : {}),
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    // Sampling has its own limit (rows × model outputs); run names the --n that fits, as --shard is generate's.
    const features = samplePostprocess(fit.manifest, work).features;
    if (n * features > MAX_SAMPLE_VALUES) {
      throw new MedSynthError(
        'LIMIT_EXCEEDED',
        `${n} rows × ${features} values per row is more than the ${MAX_SAMPLE_VALUES} values one generate run produces`,
        {
          expected: `--n of at most ${Math.floor(MAX_SAMPLE_VALUES / features)}, or medsynth generate with --shard i/k on the run's model`,
        },
      );
    }
    const synthetic = join(work, syntheticName);
    const gen = await generateSynthetic({
      generatorPath: work,
      n,
      seed,
      out: synthetic,
      ...(opts.format !== undefined ? { format: opts.format } : {}),
      batch: opts.batch,
      executionProviders: opts.executionProviders,
      signal: opts.signal,
      onProgress: opts.onProgress,
      client: opts.client,
      inferenceScript: opts.inferenceScript,
      onLog: opts.onLog,
    });
    const report = await evaluateSynthetic({
      // With a holdout, "real" is the training part the generator saw and the holdout the part it did
      // not; both come from memory and are recorded under their part names.
      real: train,
      synth: synthetic,
      holdout: holdoutPart,
      metrics: opts.metrics,
      metricOptions: { seed, ...opts.metricOptions },
      limits: opts.limits,
      json: join(work, 'report.json'),
      html: join(work, 'report.html'),
      generator: {
        name: fit.manifest.name,
        family: fit.manifest.family,
        seed,
        executionProvider: gen.executionProvider,
        manifestSha256: gen.generator.manifestSha256,
      },
      // report.json lies in the run folder: the synthetic table is named relative to it, never by the
      // hidden work folder.
      recordAs: { synth: syntheticName },
      // Images are embedded through the same inference process that generated them.
      ...(opts.embedder !== undefined ? { embedder: opts.embedder } : {}),
      client: opts.client,
      inferenceScript: opts.inferenceScript,
      runId,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    await verifySourceUnchanged(opts.dataset, sha256, opts.signal, split.sourceFiles);
    const holdout = holdoutRecord(split, holdoutFraction, seed, sourceName);
    const notes = split.notes;
    const outputs = ['model.onnx', 'medsynth.json', syntheticName, 'report.json', 'report.html'];
    const run = {
      schema: 'medsynth.run/1',
      runId,
      createdAt: new Date().toISOString(),
      // The kinds the run worked with, and which of them the user set (--types, medsynth.columns).
      dataset: {
        file: basename(opts.dataset),
        sha256,
        rows: split.sourceRows,
        ...split.modality.runFacts?.(split.source),
        typeOverrides: { ...opts.read?.types },
        // What the reader assumed or repaired (encoding, comment lines, padded rows, decimal commas).
        notes: [...notes],
      },
      holdout,
      generator: {
        kind: fitter.id,
        name: fit.manifest.name,
        trainedOn: train.name,
        trainingRows: fit.rows,
        modelSha256: gen.generator.modelSha256,
        manifestSha256: gen.generator.manifestSha256,
      },
      generate: {
        n: gen.n,
        seed,
        batch: opts.batch,
        executionProvider: gen.executionProvider,
        msPerBatch: gen.msPerBatch,
        sampleMs: gen.sampleMs,
      },
      outputs,
    };
    await writeFileAtomic(join(work, 'run.json'), new TextEncoder().encode(`${JSON.stringify(run, null, 2)}\n`), opts.signal);
    throwIfAborted(opts.signal);
    try {
      await rename(work, runDir);
    } catch (e) {
      throw ioError('cannot move the finished run into place', runDir, e);
    }
    const at = (f: string): string => join(runDir, f);
    return {
      runId,
      runDir,
      report,
      generate: { ...gen, out: at(syntheticName) },
      holdout,
      notes,
      files: {
        model: at(fit.manifest.model),
        manifest: at('medsynth.json'),
        synthetic: at(syntheticName),
        reportJson: at('report.json'),
        reportHtml: at('report.html'),
        run: at('run.json'),
      },
    };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    await removeCreatedFolders(outRoot, createdRoot);
    throw e;
  }
}
