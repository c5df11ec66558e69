// The commands that do work: fit, generate, evaluate, the full loop and enabling CUDA. Each one checks
// it can run (workspace, trust, a table), runs the engine under a cancellable progress notification,
// writes only into a new run folder, and returns a result object that integration tests read.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MedSynthError } from '../core/errors';
import type { Report } from '../core/report/model';
import { enableCudaAcceleration } from '../engine/cuda';
import { evaluateSynthetic } from '../engine/evaluate';
import { fitGenerator } from '../engine/fit';
import { newRunId, resolveOutputRoot, runFullLoop } from '../engine/fullLoop';
import { generateSynthetic } from '../engine/generate';
import type { HoldoutRecord } from '../engine/holdout';
import { withCancellableProgress } from './cancellation';
import type { EngineProgress } from '../engine/progress';
import type { CommandOptions, Refusal } from './commandContext';
import { describeError, isTablePath, refuse, refuseIfUntrusted, toUri, workspaceFolderFor } from './commandContext';
import type { HostServices } from './hostServices';
import { readReport, scoresOf, showReport } from './reportPanel';
import { readSettings, tableLimits, tableReadSettings } from './settings';
import { pickTable, previewTableFile } from './tableCommands';
import { isInRunFolder, pickHoldoutTable, pickRealTable, pickSyntheticTable } from './evaluatePickers';
import { announceFit, announceGenerated, askRowsAndSeed } from './runPrompts';

export interface FitResult {
  readonly ok: true;
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
}
export interface EvaluateResult {
  readonly ok: true;
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

/** Resolves the dataset a command works on: the clicked table, else a pick from the workspace. */
async function datasetFrom(uri: vscode.Uri | undefined): Promise<vscode.Uri | Refusal> {
  if (uri && isTablePath(uri.fsPath)) return uri;
  if (uri) return refuse(`${path.basename(uri.fsPath)} is not a table (.csv, .tsv, .parquet or .jsonl).`);
  const picked = await pickTable('Pick the real table');
  return picked ?? { ok: false, reason: 'no table picked' };
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
  const dataset = await datasetFrom(uri);
  if (isRefusal(dataset)) return dataset;
  const folder = workspaceFolderFor(dataset);
  if (!folder) return refuse('Fitting writes synthetic/<run-id>/ in the workspace: open the folder that holds the table first.');
  const result = await runJob(services, `Fit generator on ${path.basename(dataset.fsPath)}`, async (signal, onProgress) => {
    const runDir = newRunDir(folder);
    // medsynth.columns: the user's column kinds replace inference (an identifier is never sampled).
    const read = await tableReadSettings(folder, dataset, signal);
    const fit = await fitGenerator({
      // The dataset's modality picks its default built-in fitter (tables: the Gaussian copula).
      dataset: dataset.fsPath,
      outDir: runDir,
      limits: tableLimits(readSettings(folder.uri)),
      read,
      signal,
      onProgress,
    });
    logReaderNotes(services, dataset, fit.datasetNotes);
    return { ok: true as const, runDir, generatorDir: runDir, manifestPath: path.join(runDir, 'medsynth.json') };
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
  const asked = await askRowsAndSeed(settings, options, `Generate from ${path.basename(generator.fsPath)}`);
  if (!asked) return { ok: false, reason: 'no row count or seed given' };
  const { rows, seed } = asked;
  if (rows > settings.maxRows) return refuse(`${rows} rows is more than medsynth.maxRows (${settings.maxRows}).`);
  const result = await runJob(services, `Generate ${rows} rows`, async (signal, onProgress) => {
    const runDir = newRunDir(folder);
    // The sample goes to the default file of the generator's modality (tables: synthetic.csv).
    const result = await inFreshRunDir(runDir, () =>
      generateSynthetic({
        generatorPath: generator.fsPath,
        n: rows,
        seed,
        outFolder: runDir,
        executionProviders: settings.executionProviders,
        signal,
        onProgress,
        client: services.inference,
        onLog: services.logInference,
      }),
    );
    const ms = result.msPerBatch.map((t) => t.toFixed(1)).join(', ');
    services.log.info(`generated ${result.rows} rows with ${result.executionProvider} (ms per batch: ${ms})`);
    return { ok: true as const, runDir, out: result.out, rows: result.rows, executionProvider: result.executionProvider };
  });
  if (result.ok) announceGenerated(result.out, result.rows, seed, result.executionProvider);
  return result;
}

export async function evaluateCommand(
  services: HostServices,
  uri: vscode.Uri | undefined,
  options: CommandOptions,
): Outcome<EvaluateResult> {
  const blocked = refuseIfUntrusted('Evaluating');
  if (blocked) return blocked;
  if (uri && !isTablePath(uri.fsPath)) return refuse(`${path.basename(uri.fsPath)} is not a table (.csv, .tsv, .parquet or .jsonl).`);
  // A table in a run folder is the synthetic side; any other clicked table is the real side, unless
  // the caller names the real table itself.
  const clickedIsReal = uri !== undefined && options.real === undefined && options.synth === undefined && !isInRunFolder(uri);
  const synth = options.synth ? toUri(options.synth) : uri && !clickedIsReal ? uri : await pickSyntheticTable();
  if (!synth) return { ok: false, reason: 'no synthetic table picked' };
  const real = options.real ? toUri(options.real) : clickedIsReal ? uri : await pickRealTable(synth);
  if (!real) return { ok: false, reason: 'no real table picked' };
  if (real.fsPath === synth.fsPath)
    return refuse(`${path.basename(real.fsPath)} cannot be judged against itself: pick a synthetic table and the real table it imitates.`);
  // A holdout is offered to the user; a caller that names the real table names the holdout too (or none).
  const holdoutPick =
    options.holdout !== undefined
      ? options.holdout === null
        ? null
        : toUri(options.holdout)
      : options.real !== undefined
        ? null
        : await pickHoldoutTable(real);
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
  // A synthetic table from a run gets its report beside it; any other table gets a new run folder, so
  // nothing is ever written next to the user's own files.
  const inRun = path.dirname(path.dirname(synth.fsPath)) === root;
  return runJob(services, `Evaluate ${path.basename(synth.fsPath)}`, async (signal, onProgress) => {
    const runDir = inRun ? path.dirname(synth.fsPath) : newRunDir(folder);
    const reportPath = path.join(runDir, 'report.json');
    // medsynth.columns types the real table; the synthetic and holdout tables are conformed to it.
    const read = await tableReadSettings(workspaceFolderFor(real) ?? folder, real, signal);
    const evaluate = (): Promise<Report> =>
      evaluateSynthetic({
        real: real.fsPath,
        synth: synth.fsPath,
        holdout: holdout?.fsPath,
        limits: tableLimits(readSettings(folder.uri)),
        read,
        json: reportPath,
        html: path.join(runDir, 'report.html'),
        signal,
        onProgress,
      });
    const report = inRun ? await evaluate() : await inFreshRunDir(runDir, evaluate);
    if (options.openReport !== false) await openReportPanel(services, reportPath, report);
    return { ok: true as const, reportPath, scores: scoresOf(report), ...(holdout ? { holdoutFile: holdout.fsPath } : {}) };
  });
}

export async function fullLoopCommand(
  services: HostServices,
  uri: vscode.Uri | undefined,
  options: CommandOptions,
): Outcome<FullLoopResult> {
  const blocked = refuseIfUntrusted('Running the full loop');
  if (blocked) return blocked;
  const dataset = await datasetFrom(uri);
  if (isRefusal(dataset)) return dataset;
  const folder = workspaceFolderFor(dataset);
  if (!folder)
    return refuse('The full loop writes <medsynth.outputFolder>/<run-id>/ in the workspace: open the folder that holds the table first.');
  const settings = readSettings(folder.uri);
  const n = options.rows ?? settings.defaultRows;
  if (n > settings.maxRows) return refuse(`${n} rows is more than medsynth.maxRows (${settings.maxRows}).`);
  const seed = options.seed ?? settings.seed;
  // The title shows the row count and seed the run uses (medsynth.defaultRows / medsynth.seed change them).
  return runJob(
    services,
    `Fit, generate and evaluate ${path.basename(dataset.fsPath)} (${n} rows, seed ${seed})`,
    async (signal, onProgress) => {
      const read = await tableReadSettings(folder, dataset, signal);
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
