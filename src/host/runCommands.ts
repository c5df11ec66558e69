// The commands that do work: fit, generate, evaluate, the full loop and enabling CUDA. Each one checks
// it can run (workspace, trust, a dataset whose modality the registry can fit or evaluate: a table,
// DICOM/NIfTI/PNG images or a folder of them), runs the engine under a cancellable progress
// notification, writes only into a new run folder, and returns a result object that integration tests read.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MedSynthError } from '../core/errors';
import { datasetKindOf } from '../core/data/datasetKind';
import type { ModalityDefinition } from '../core/modalities/modality';
import { modalityById } from '../core/modalities/registry';
import type { Report } from '../core/report/model';
import { enableCudaAcceleration } from '../engine/cuda';
import { evaluateSynthetic } from '../engine/evaluate';
import { fitGenerator } from '../engine/fit';
import { newRunId, resolveOutputRoot, runFullLoop } from '../engine/fullLoop';
import { generateSynthetic } from '../engine/generate';
import type { HoldoutRecord } from '../engine/holdout';
import { withCancellableProgress } from './cancellation';
import type { EngineProgress } from '../engine/progress';
import type { CommandOptions, DatasetUse, HostDataset, Refusal } from './commandContext';
import {
  describeError,
  isDatasetProblem,
  refuse,
  refuseIfUntrusted,
  resolveDataset,
  singularNoun,
  toUri,
  workspaceFolderFor,
} from './commandContext';
import type { HostServices } from './hostServices';
import { readReport, scoresOf, showReport } from './reportPanel';
import type { MedSynthSettings } from './settings';
import { datasetReadSettings, decodeLimits, readSettings, resolveImageEmbedder, tableLimits } from './settings';
import { previewTableFile } from './tableCommands';
import { isInRunFolder, pickDataset, pickHoldoutDataset, pickRealDataset, pickSyntheticDataset, runOutputOf } from './evaluatePickers';
import { announceFit, announceGenerated, askRowsAndSeed } from './runPrompts';

export interface FitResult {
  readonly ok: true;
  /** The dataset's modality (the registry's id). */
  readonly modality: string;
  readonly runDir: string;
  readonly generatorDir: string;
  readonly manifestPath: string;
}
export interface GenerateResult {
  readonly ok: true;
  readonly runDir: string;
  readonly out: string;
  readonly rows: number;
  readonly executionProvider: string;
  /** Folder outputs (images): the file format written. */
  readonly format?: string;
}
export interface EvaluateResult {
  readonly ok: true;
  readonly modality?: string;
  readonly reportPath: string;
  readonly scores: Record<string, number | null>;
  readonly holdoutFile?: string;
}
export interface FullLoopResult extends EvaluateResult {
  readonly runDir: string;
  readonly executionProvider?: string;
  /** The split the run made (fraction, seed, row counts) or why it made none, as run.json records it. */
  readonly holdout?: HoldoutRecord;
}

type Outcome<T> = Promise<T | Refusal>;

/** Runs one job, turning a failure into a shown error and a refusal result (cancel is not an error). */
async function runJob<T>(
  services: HostServices,
  title: string,
  job: (signal: AbortSignal, onProgress: (p: EngineProgress) => void) => Promise<T>,
): Outcome<T> {
  services.log.info(`${title}: started`);
  try {
    const result = await withCancellableProgress(`MedSynth: ${title}`, job);
    services.log.info(`${title}: done`);
    return result;
  } catch (e) {
    const reason = describeError(e);
    if (e instanceof MedSynthError && e.code === 'CANCELLED') {
      services.log.info(`${title}: cancelled`);
      return { ok: false, reason: `${title} cancelled` };
    }
    services.log.error(`${title}: ${reason}`);
    void vscode.window.showErrorMessage(`MedSynth: ${title} failed: ${reason}`, 'Show Log').then((b) => b && services.log.show());
    return { ok: false, reason };
  } finally {
    services.studio?.refresh();
  }
}

/**
 * Resolves the dataset a command works on (the clicked file or folder, else a pick from the workspace)
 * and its modality through the registry; a generator folder is pointed to Generate.
 */
async function datasetFrom(uri: vscode.Uri | undefined, use: DatasetUse): Promise<HostDataset | Refusal> {
  const target = uri ?? (await pickDataset(use, 'Pick the real dataset (a table, images or a folder of images)'));
  if (!target) return { ok: false, reason: 'no dataset picked' };
  return resolvedOrRefused(target, use);
}

async function resolvedOrRefused(target: vscode.Uri, use: DatasetUse): Promise<HostDataset | Refusal> {
  const resolved = await resolveDataset(target, use);
  if (!isDatasetProblem(resolved)) return resolved;
  return refuse(resolved.problem, resolved.generatorFolder ? [{ title: 'Generate…', command: 'medsynth.generate' }] : []);
}

/** What a modality's items are called in prompts and messages ('rows', 'frames'). */
function itemsOf(modality: ModalityDefinition | undefined): string {
  return modality?.itemNoun ?? 'rows';
}

/** medsynth.imageFormat for a modality that writes a folder of one file per sample; undefined for the others. */
function folderFormat(modality: ModalityDefinition | undefined, settings: MedSynthSettings): string | Refusal | undefined {
  const formats = modality?.outputs?.itemFormats;
  if (!formats) return undefined;
  if (!formats.includes(settings.imageFormat))
    return refuse(`medsynth.imageFormat "${settings.imageFormat}" is not one of ${formats.join(', ')}.`);
  return settings.imageFormat;
}

/**
 * The full loop evaluates the files it writes, so their format must be one a reader takes (the dataset
 * kinds by name): .npy is written, not read. Refused before anything is fitted.
 */
function refuseUnreadableFormat(format: string, modality: ModalityDefinition): Refusal | undefined {
  const readable = (f: string): boolean => datasetKindOf(`synthetic.${f}`) !== undefined;
  if (readable(format)) return undefined;
  const instead = (modality.outputs?.itemFormats ?? []).filter(readable);
  return refuse(
    `medsynth.imageFormat is "${format}": the full loop evaluates the ${modality.noun} it writes, and MedSynth reads no .${format} files. Use ${instead.join(', ')} for Run Full Loop (Generate writes .${format}).`,
  );
}

/** The modality a generator folder's manifest names (medsynth.json), when it can be read. */
async function generatorModality(generator: vscode.Uri): Promise<ModalityDefinition | undefined> {
  const manifest = await fs
    .readFile(path.join(generator.fsPath, 'medsynth.json'), 'utf8')
    .then((t) => JSON.parse(t) as { modality?: unknown })
    .catch(() => undefined);
  const id = manifest?.modality;
  return typeof id === 'string' ? modalityById(id) : undefined;
}

function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && (x as Refusal).ok === false;
}

/** Creates a run folder for one job and removes it again if the job fails or is cancelled. */
async function inFreshRunDir<T>(runDir: string, job: () => Promise<T>): Promise<T> {
  await fs.mkdir(runDir, { recursive: true });
  try {
    return await job();
  } catch (e) {
    await fs.rm(runDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A new run folder's path; fitting creates it (the generator writer replaces its target as a whole).
 * The output folder setting is resolved like the full loop's: inside the workspace, no symlink out.
 */
function newRunDir(folder: vscode.WorkspaceFolder): string {
  return path.join(resolveOutputRoot(folder.uri.fsPath, readSettings(folder.uri).outputFolder), newRunId());
}

export async function fitCommand(services: HostServices, uri: vscode.Uri | undefined, _options: CommandOptions): Outcome<FitResult> {
  const blocked = refuseIfUntrusted('Fitting a generator');
  if (blocked) return blocked;
  const resolved = await datasetFrom(uri, 'fit');
  if (isRefusal(resolved)) return resolved;
  const dataset = resolved.uri;
  const folder = workspaceFolderFor(dataset);
  if (!folder)
    return refuse(
      `Fitting writes synthetic/<run-id>/ in the workspace: open the folder that holds the ${singularNoun(resolved.modality)} first.`,
    );
  const result = await runJob(services, `Fit generator on ${path.basename(dataset.fsPath)}`, async (signal, onProgress) => {
    const runDir = newRunDir(folder);
    const settings = readSettings(folder.uri);
    // medsynth.columns: the user's column kinds replace inference (an identifier is never sampled).
    const read = await datasetReadSettings(folder, resolved, signal);
    const fit = await fitGenerator({
      // The dataset's modality picks its default built-in fitter (tables: the Gaussian copula; images: PPCA).
      dataset: dataset.fsPath,
      outDir: runDir,
      limits: tableLimits(settings),
      decodeLimits: decodeLimits(settings),
      read,
      signal,
      onProgress,
    });
    logReaderNotes(services, dataset, fit.datasetNotes);
    services.log.info(`fitted ${fit.generator.title} on ${fit.sizeWords}`);
    return {
      ok: true as const,
      modality: resolved.modality.id,
      runDir,
      generatorDir: runDir,
      manifestPath: path.join(runDir, 'medsynth.json'),
    };
  });
  if (result.ok) announceFit(dataset.fsPath, result.runDir);
  return result;
}

export async function generateCommand(
  services: HostServices,
  uri: vscode.Uri | undefined,
  options: CommandOptions,
): Outcome<GenerateResult> {
  const blocked = refuseIfUntrusted('Generating');
  if (blocked) return blocked;
  const given = options.generator ? toUri(options.generator) : uri;
  const generator =
    given ??
    (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: true,
        filters: { 'ONNX generator': ['onnx', 'json'] },
        title: 'Pick a generator folder or .onnx',
      })
    )?.[0];
  if (!generator) return { ok: false, reason: 'no generator picked' };
  const folder = workspaceFolderFor(generator) ?? workspaceFolderFor(undefined);
  if (!folder) return refuse('Generating writes synthetic/<run-id>/ in the workspace: open a folder first.');
  const settings = readSettings(folder.uri);
  // The manifest's modality names what is counted and, for images, the file format (medsynth.imageFormat).
  const modality = await generatorModality(generator);
  const format = folderFormat(modality, settings);
  if (isRefusal(format)) return format;
  const items = itemsOf(modality);
  const asked = await askRowsAndSeed(settings, options, `Generate from ${path.basename(generator.fsPath)}`, items);
  if (!asked) return { ok: false, reason: `no ${items} count or seed given` };
  const { rows, seed } = asked;
  if (rows > settings.maxRows) return refuse(`${rows} ${items} is more than medsynth.maxRows (${settings.maxRows}).`);
  const result = await runJob(services, `Generate ${rows} ${items}`, async (signal, onProgress) => {
    const runDir = newRunDir(folder);
    // The sample goes to the default file of the generator's modality (tables: synthetic.csv; images: a synthetic/ folder).
    const result = await inFreshRunDir(runDir, () =>
      generateSynthetic({
        generatorPath: generator.fsPath,
        n: rows,
        seed,
        outFolder: runDir,
        ...(format !== undefined ? { format } : {}),
        executionProviders: settings.executionProviders,
        signal,
        onProgress,
        client: services.inference,
        onLog: services.logInference,
      }),
    );
    const ms = result.msPerBatch.map((t) => t.toFixed(1)).join(', ');
    services.log.info(`generated ${result.rows} ${items} with ${result.executionProvider} (ms per batch: ${ms})`);
    return {
      ok: true as const,
      runDir,
      out: result.out,
      rows: result.rows,
      executionProvider: result.executionProvider,
      ...(result.format !== undefined ? { format: result.format } : {}),
    };
  });
  if (result.ok) announceGenerated(result.out, result.rows, seed, result.executionProvider, { items, folder: result.format !== undefined });
  return result;
}

export async function evaluateCommand(
  services: HostServices,
  uri: vscode.Uri | undefined,
  options: CommandOptions,
): Outcome<EvaluateResult> {
  const blocked = refuseIfUntrusted('Evaluating');
  if (blocked) return blocked;
  const clicked = uri ? await resolvedOrRefused(uri, 'evaluate') : undefined;
  if (isRefusal(clicked)) return clicked;
  // A dataset in a run folder is the synthetic side (an image inside a run's synthetic/ folder stands
  // for that folder); any other clicked dataset is the real side, unless the caller names the real side.
  const clickedIsReal = clicked !== undefined && options.real === undefined && options.synth === undefined && !isInRunFolder(clicked.uri);
  const known = clicked?.modality;
  const synth = options.synth
    ? toUri(options.synth)
    : clicked && !clickedIsReal
      ? runOutputOf(clicked.uri)
      : await pickSyntheticDataset(known);
  if (!synth) return { ok: false, reason: `no synthetic ${known ? singularNoun(known) : 'dataset'} picked` };
  const synthSide = clicked && synth.fsPath === clicked.uri.fsPath ? clicked : await resolvedOrRefused(synth, 'evaluate');
  if (isRefusal(synthSide)) return synthSide;
  const modality = synthSide.modality;
  const noun = singularNoun(modality);
  const real = options.real ? toUri(options.real) : clickedIsReal ? clicked.uri : await pickRealDataset(synth, modality);
  if (!real) return { ok: false, reason: `no real ${noun} picked` };
  if (real.fsPath === synth.fsPath)
    return refuse(
      `${path.basename(real.fsPath)} cannot be judged against itself: pick a synthetic ${noun} and the real ${noun} it imitates.`,
    );
  const realSide = clickedIsReal ? clicked : await resolvedOrRefused(real, 'evaluate');
  if (isRefusal(realSide)) return realSide;
  // A holdout is offered to the user; a caller that names the real dataset names the holdout too (or none).
  const holdoutPick =
    options.holdout !== undefined
      ? options.holdout === null
        ? null
        : toUri(options.holdout)
      : options.real !== undefined
        ? null
        : await pickHoldoutDataset(real, realSide.modality);
  if (holdoutPick === undefined) return { ok: false, reason: 'no holdout choice made' };
  const holdout = holdoutPick ?? undefined;
  const folder = workspaceFolderFor(synth) ?? workspaceFolderFor(undefined);
  if (!folder) return refuse('Evaluating writes report.json in the workspace: open a folder first.');
  let root: string;
  try {
    root = resolveOutputRoot(folder.uri.fsPath, readSettings(folder.uri).outputFolder);
  } catch (e) {
    return refuse(describeError(e));
  }
  // A synthetic dataset from a run (its synthetic.csv or synthetic/ folder) gets its report beside it;
  // any other gets a new run folder, so nothing is ever written next to the user's own files.
  const inRun = path.dirname(path.dirname(synth.fsPath)) === root;
  const unreadable = readSettings(folder.uri).metricOptionsError;
  if (unreadable !== undefined) return refuse(unreadable);
  return runJob(services, `Evaluate ${path.basename(synth.fsPath)}`, async (signal, onProgress) => {
    const runDir = inRun ? path.dirname(synth.fsPath) : newRunDir(folder);
    const reportPath = path.join(runDir, 'report.json');
    const settings = readSettings(folder.uri);
    // medsynth.columns types the real table; the synthetic and holdout tables are conformed to it.
    const read = await datasetReadSettings(workspaceFolderFor(real) ?? folder, realSide, signal);
    const embedder = resolveImageEmbedder(settings, folder);
    const evaluate = (): Promise<Report> =>
      evaluateSynthetic({
        real: real.fsPath,
        synth: synth.fsPath,
        holdout: holdout?.fsPath,
        limits: tableLimits(settings),
        decodeLimits: decodeLimits(settings),
        read,
        // medsynth.quasiIdentifiers, secretColumn, smallClass, targetColumn, bootstrapResamples.
        ...(settings.metricOptions ? { metricOptions: settings.metricOptions } : {}),
        // Images are compared through medsynth.imageEmbedder (the built-in embedder when empty).
        ...(embedder !== undefined ? { embedder } : {}),
        client: services.inference,
        executionProviders: settings.executionProviders,
        json: reportPath,
        html: path.join(runDir, 'report.html'),
        signal,
        onProgress,
      });
    const report = inRun ? await evaluate() : await inFreshRunDir(runDir, evaluate);
    if (options.openReport !== false) await openReportPanel(services, reportPath, report);
    return {
      ok: true as const,
      modality: report.modality,
      reportPath,
      scores: scoresOf(report),
      ...(holdout ? { holdoutFile: holdout.fsPath } : {}),
    };
  });
}

export async function fullLoopCommand(
  services: HostServices,
  uri: vscode.Uri | undefined,
  options: CommandOptions,
): Outcome<FullLoopResult> {
  const blocked = refuseIfUntrusted('Running the full loop');
  if (blocked) return blocked;
  const resolved = await datasetFrom(uri, 'fit');
  if (isRefusal(resolved)) return resolved;
  const dataset = resolved.uri;
  const modality = resolved.modality;
  const folder = workspaceFolderFor(dataset);
  if (!folder)
    return refuse(
      `The full loop writes <medsynth.outputFolder>/<run-id>/ in the workspace: open the folder that holds the ${singularNoun(modality)} first.`,
    );
  const settings = readSettings(folder.uri);
  if (settings.metricOptionsError !== undefined) return refuse(settings.metricOptionsError);
  const format = folderFormat(modality, settings);
  if (isRefusal(format)) return format;
  const unreadable = format !== undefined ? refuseUnreadableFormat(format, modality) : undefined;
  if (unreadable) return unreadable;
  const items = itemsOf(modality);
  // A modality that writes one file per sample (images) makes as many samples as the dataset holds
  // unless told (medsynth.defaultRows is a row count); tables make medsynth.defaultRows rows.
  const n = options.rows ?? (format !== undefined ? undefined : settings.defaultRows);
  if (n !== undefined && n > settings.maxRows) return refuse(`${n} ${items} is more than medsynth.maxRows (${settings.maxRows}).`);
  const seed = options.seed ?? settings.seed;
  const embedder = resolveImageEmbedder(settings, folder);
  const count = n !== undefined ? `${n} ${items}` : `as many ${items} as the source`;
  // The title shows the row count and seed the run uses (medsynth.defaultRows / medsynth.seed change them).
  return runJob(
    services,
    `Fit, generate and evaluate ${path.basename(dataset.fsPath)} (${count}, seed ${seed})`,
    async (signal, onProgress) => {
      const read = await datasetReadSettings(folder, resolved, signal);
      const result = await runFullLoop({
        dataset: dataset.fsPath,
        workspaceRoot: folder.uri.fsPath,
        // The engine resolves it inside the workspace and refuses a setting that leads out (PATH_ESCAPE).
        outputFolder: settings.outputFolder,
        n,
        seed,
        limits: tableLimits(settings),
        // medsynth.columns: the user's column kinds replace inference for the source table.
        read,
        // Held out from fitting so the report's privacy verdict has unseen rows to compare with.
        holdoutFraction: settings.holdoutFraction,
        ...(settings.metricOptions ? { metricOptions: settings.metricOptions } : {}),
        // Images: the file format written (medsynth.imageFormat) and the embedder compared through (medsynth.imageEmbedder).
        ...(format !== undefined ? { format } : {}),
        ...(embedder !== undefined ? { embedder } : {}),
        signal,
        onProgress,
        executionProviders: settings.executionProviders,
        client: services.inference,
        onLog: services.logInference,
      });
      logReaderNotes(services, dataset, result.notes);
      const reportPath = path.join(result.runDir, 'report.json');
      if (options.openReport !== false) await openReportPanel(services, reportPath, result.report);
      return {
        ok: true as const,
        modality: result.report.modality,
        runDir: result.runDir,
        reportPath,
        scores: scoresOf(result.report),
        executionProvider: result.generate.executionProvider,
        holdout: result.holdout,
      };
    },
  );
}

export async function openReportCommand(services: HostServices, uri: vscode.Uri | undefined): Outcome<EvaluateResult> {
  const target =
    uri ?? (await vscode.window.showOpenDialog({ filters: { 'MedSynth report': ['json'] }, title: 'Pick a report.json' }))?.[0];
  if (!target) return { ok: false, reason: 'no report picked' };
  const reportPath = (await fs.stat(target.fsPath).then(
    (s) => s.isDirectory(),
    () => false,
  ))
    ? path.join(target.fsPath, 'report.json')
    : target.fsPath;
  try {
    const report = await readReport(reportPath);
    await openReportPanel(services, reportPath, report);
    return { ok: true, reportPath, scores: scoresOf(report) };
  } catch (e) {
    return refuse(describeError(e));
  }
}

async function openReportPanel(services: HostServices, reportPath: string, report: Report): Promise<void> {
  await showReport(services.extensionUri, services.log, reportPath, report, {
    openTable: (file) => previewTableFile(services, vscode.Uri.file(file)),
  });
}

export async function enableCudaCommand(services: HostServices): Outcome<{ readonly ok: true; readonly message: string }> {
  const blocked = refuseIfUntrusted('Enabling CUDA acceleration');
  if (blocked) return blocked;
  const outcome = await runJob(services, 'Enable CUDA acceleration', (signal) =>
    enableCudaAcceleration({
      ortRoot: path.join(services.extensionPath, 'node_modules', 'onnxruntime-node'),
      signal,
      onLog: (line) => services.log.info(`cuda installer: ${line}`),
    }),
  );
  if ('reason' in outcome) return outcome;
  if (!outcome.ok) return refuse(outcome.message);
  void vscode.window.showInformationMessage(`MedSynth: ${outcome.message}`);
  return { ok: true, message: outcome.message };
}

/** What the reader assumed or repaired reading the table (padding, comments, encoding) goes to the log, as the CLI prints it. */
function logReaderNotes(services: HostServices, dataset: vscode.Uri, notes: readonly string[] | undefined): void {
  for (const note of notes ?? []) services.log.info(`note: ${path.basename(dataset.fsPath)}: ${note}`);
}
