// What every command needs to know before it runs: which file it was invoked on, the workspace folder
// that holds it, whether the workspace is trusted, and where its run folder goes. A command that cannot
// run refuses with a reason the user can act on, and returns that reason so tests can read it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { datasetExtensions, datasetKindOf } from '../core/data/datasetKind';
import type { DatasetKind } from '../core/data/datasetKind';
import { MedSynthError } from '../core/errors';
import type { ModalityDefinition } from '../core/modalities/modality';
import { MODALITIES, modalityForKind } from '../core/modalities/registry';

/** Optional arguments after the Uri: for tests and for callers that must not prompt. */
export interface CommandOptions {
  readonly rows?: number;
  readonly seed?: number;
  /** Evaluate: the real table when the Uri is the synthetic one (absolute path or Uri). */
  readonly real?: string | vscode.Uri;
  readonly synth?: string | vscode.Uri;
  /** Evaluate: rows the generator never saw, for the privacy verdict; null = none, without asking. */
  readonly holdout?: string | vscode.Uri | null;
  /** Generate: the generator folder or .onnx. */
  readonly generator?: string | vscode.Uri;
  /** Open the report webview at the end (default true). */
  readonly openReport?: boolean;
  /** Delete Run: the caller already confirmed, so the modal confirmation is skipped (tests). */
  readonly confirmed?: boolean;
}

export interface Refusal {
  readonly ok: false;
  readonly reason: string;
}

export const TABLE_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.parquet', '.jsonl'];

export function isTablePath(p: string): boolean {
  return TABLE_EXTENSIONS.includes(path.extname(p).toLowerCase());
}

/** What a command needs of a dataset's modality: fit and the full loop a fitter, Evaluate an evaluation. */
export type DatasetUse = 'fit' | 'evaluate';

/** A file or folder a command works on, with the modality the registry gives its dataset kind. */
export interface HostDataset {
  readonly uri: vscode.Uri;
  readonly modality: ModalityDefinition;
  readonly isFolder: boolean;
}

/** Why a file or folder is not a dataset for a use; `generatorFolder` when it is a generator (medsynth.json). */
export interface DatasetProblem {
  readonly problem: string;
  readonly generatorFolder?: boolean;
}

export function isDatasetProblem(x: HostDataset | DatasetProblem): x is DatasetProblem {
  return 'problem' in x;
}

/** True when a modality can serve `use` (the registry's capabilities: fitters, evaluation). */
export function modalityServes(modality: ModalityDefinition, use: DatasetUse): boolean {
  return use === 'fit' ? modality.fitters.length > 0 : modality.evaluation !== undefined;
}

/**
 * A folder is a dataset of the modalities whose readers take folders (a DICOM series, a folder of
 * PNG/JPEG/NIfTI images: storage/datasets.ts); the modality that reads single files by their content
 * (tables) reads no folders.
 */
export function readsFolders(modality: ModalityDefinition): boolean {
  return modality.readsUnnamedFiles !== true;
}

/** 'a table', 'an image': a modality's noun in the singular, for messages. */
export function aNoun(modality: ModalityDefinition): string {
  const one = singularNoun(modality);
  return `${/^[aeiou]/.test(one) ? 'an' : 'a'} ${one}`;
}

export function singularNoun(modality: ModalityDefinition): string {
  return modality.noun.replace(/s$/, '');
}

/** The names a dataset kind's files go by: extensions, or a file name (DICOMDIR). */
function kindNames(kind: DatasetKind): string[] {
  const extensions = datasetExtensions(kind).map((e) => `.${e}`);
  if (extensions.length > 0) return extensions;
  return [...TABLE_EXTENSIONS.map((e) => `x${e}`), 'DICOMDIR']
    .filter((name) => datasetKindOf(name) === kind)
    .map((name) => (name.startsWith('x.') ? name.slice(1) : name));
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** 'a table (.csv, .tsv, .parquet or .jsonl)': one modality's inputs, for messages. */
export function describeInputs(modality: ModalityDefinition): string {
  const names = modality.datasetKinds.flatMap(kindNames);
  return `${aNoun(modality)} (${orList(readsFolders(modality) ? [...names, 'a folder of them'] : names)})`;
}

/** Every modality a use can take, as 'not a table (...) or an image (...)'. */
export function notADataset(name: string, use: DatasetUse): string {
  const inputs = MODALITIES.filter((m) => modalityServes(m, use)).map(describeInputs);
  return `${name} is not ${orList(inputs)}.`;
}

const HEAD_BYTES = 132;

async function headOf(file: string): Promise<Uint8Array | undefined> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** At most this many unnamed files of a folder are sniffed (DICOM files named by number). */
const SNIFFED_FILES = 16;

/** The modality of a folder's dataset: its files' kinds by name, else the first bytes of a few of them. */
async function folderModality(dir: string, use: DatasetUse): Promise<ModalityDefinition | undefined> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  const of = (kind: DatasetKind | undefined): ModalityDefinition | undefined => {
    const m = kind !== undefined ? modalityForKind(kind) : undefined;
    return m && readsFolders(m) && modalityServes(m, use) ? m : undefined;
  };
  for (const name of files) {
    const m = of(datasetKindOf(name));
    if (m) return m;
  }
  for (const name of files.filter((n) => datasetKindOf(n) === undefined).slice(0, SNIFFED_FILES)) {
    const m = of(datasetKindOf(name, await headOf(path.join(dir, name))));
    if (m) return m;
  }
  return undefined;
}

/**
 * The dataset a command was pointed at, and its modality by the registry: a file by its name (or its
 * first bytes: a DICOM file named by number), a folder by the files it holds. A generator folder
 * (medsynth.json) is not a dataset. A path that does not exist is left to the job to report.
 */
export async function resolveDataset(uri: vscode.Uri, use: DatasetUse): Promise<HostDataset | DatasetProblem> {
  const name = path.basename(uri.fsPath);
  const info = await fs.stat(uri.fsPath).catch(() => undefined);
  if (info?.isDirectory()) {
    const isGenerator = await fs.stat(path.join(uri.fsPath, 'medsynth.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isGenerator)
      return {
        problem: `${name} is a generator folder (it holds medsynth.json): use Generate on it to make synthetic data; fitting, evaluating and the full loop take a dataset.`,
        generatorFolder: true,
      };
    const modality = await folderModality(uri.fsPath, use);
    if (!modality) {
      const readers = MODALITIES.filter((m) => readsFolders(m) && modalityServes(m, use));
      const names = readers.flatMap((m) => m.datasetKinds.flatMap(kindNames));
      return { problem: `the folder ${name} holds no ${orList(readers.map((m) => m.noun))} (${orList(names)} files).` };
    }
    return { uri, modality, isFolder: true };
  }
  const kind = datasetKindOf(uri.fsPath) ?? (info?.isFile() ? datasetKindOf(uri.fsPath, await headOf(uri.fsPath)) : undefined);
  const modality = kind !== undefined ? modalityForKind(kind) : undefined;
  if (!modality) return { problem: notADataset(name, use) };
  if (!modalityServes(modality, use)) {
    const inputs = MODALITIES.filter((m) => modalityServes(m, use)).map((m) => m.noun);
    const what = use === 'fit' ? 'no built-in fitter' : 'no evaluation';
    return {
      problem: `${name} holds ${modality.noun}, for which MedSynth has ${what} yet (it ${use === 'fit' ? 'fits' : 'evaluates'} ${orList(inputs)}).`,
    };
  }
  return { uri, modality, isFolder: false };
}

/** The arguments a command was invoked with, whoever invoked it. */
export interface CommandArgs {
  /** The clicked file, folder, Studio dataset or run (a run as its folder). */
  readonly uri?: vscode.Uri;
  /** Every selected item (explorer or Studio multi-select), the clicked one first; [uri] when one. */
  readonly uris: readonly vscode.Uri[];
  readonly options: CommandOptions;
}

/**
 * The explorer calls a command with (clicked Uri, selected Uris[]); the Studio's inline and context
 * actions with (clicked StudioNode, selected StudioNodes[]); the palette with nothing; tests and other
 * panels with (Uri, options) or (Uri, Uri[], options). A Studio node is recognised by its `type` before anything is read as
 * options, because a node is a plain object too and would otherwise be mistaken for options.
 */
export function parseCommandArgs(args: readonly unknown[]): CommandArgs {
  const uri = uriOfArg(args[0]);
  const second = args[1];
  // Options follow the Uri, or the selection when one is passed (node, [nodes], options).
  const options = ([second, args[2], args[0]].find(isOptions) as CommandOptions | undefined) ?? {};
  const fromArray = (x: unknown): vscode.Uri[] => (Array.isArray(x) ? x.map(uriOfArg).filter((u): u is vscode.Uri => u !== undefined) : []);
  const selected = Array.isArray(args[0]) ? fromArray(args[0]) : fromArray(second);
  const first = uri ?? selected[0];
  // The clicked item leads; a selection that does not contain it (a click outside it) is ignored.
  const uris =
    first === undefined
      ? []
      : selected.some((u) => u.toString() === first.toString())
        ? [first, ...selected.filter((u) => u.toString() !== first.toString())]
        : [first];
  return { uri: first, uris, options };
}

/** A Uri from whatever a caller passed: a Uri, a path, or a Studio tree node. */
export function uriOfArg(x: unknown): vscode.Uri | undefined {
  if (x instanceof vscode.Uri) return x;
  if (typeof x === 'string' && x !== '') return vscode.Uri.file(x);
  if (isStudioNodeLike(x)) {
    if ((x.type === 'dataset' || x.type === 'file') && x.uri instanceof vscode.Uri) return x.uri;
    if (x.type === 'run' && typeof x.dir === 'string') return vscode.Uri.file(x.dir);
  }
  return undefined;
}

interface StudioNodeLike {
  readonly type: string;
  readonly uri?: unknown;
  readonly dir?: unknown;
}

function isStudioNodeLike(x: unknown): x is StudioNodeLike {
  return (
    typeof x === 'object' && x !== null && typeof (x as StudioNodeLike).type === 'string' && ('uri' in x || 'dir' in x || 'group' in x)
  );
}

function isOptions(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof vscode.Uri) && !isStudioNodeLike(x);
}

export function toUri(x: string | vscode.Uri): vscode.Uri {
  return typeof x === 'string' ? vscode.Uri.file(x) : x;
}

/** Says why a command cannot run, and hands the reason back as the command's result. */
export function refuse(reason: string, actions: readonly { title: string; command: string }[] = []): Refusal {
  void vscode.window.showWarningMessage(`MedSynth: ${reason}`, ...actions.map((a) => a.title)).then((picked) => {
    const action = actions.find((a) => a.title === picked);
    if (action) void vscode.commands.executeCommand(action.command);
  });
  return { ok: false, reason };
}

/** Fitting, generating and evaluating load models and write files: not in Restricted Mode. */
export function refuseIfUntrusted(what: string): Refusal | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  return refuse(
    `${what} is disabled in Restricted Mode. Trust this workspace (Manage Workspace Trust) to fit generators, generate and evaluate.`,
    [{ title: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
  );
}

/** The workspace folder that contains `uri`, or the only/first one when no file was given. */
export function workspaceFolderFor(uri: vscode.Uri | undefined): vscode.WorkspaceFolder | undefined {
  if (uri) return vscode.workspace.getWorkspaceFolder(uri);
  return vscode.workspace.workspaceFolders?.[0];
}

/**
 * The output root (`<workspace>/<outputFolder>`), refusing a setting that points outside the workspace:
 * source data is never written, and outputs stay where the user can see them.
 */
export function outputRoot(folder: vscode.WorkspaceFolder, outputFolder: string): string {
  const root = folder.uri.fsPath;
  const resolved = path.resolve(root, outputFolder);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new MedSynthError('PATH_ESCAPE', `medsynth.outputFolder "${outputFolder}" must be a folder inside the workspace`);
  }
  return resolved;
}

/** Turns any error into one line for the user; a MedSynthError already carries file and location. */
export function describeError(e: unknown): string {
  if (e instanceof MedSynthError) return e.code === 'CANCELLED' ? 'cancelled' : e.message;
  return e instanceof Error ? e.message : String(e);
}
