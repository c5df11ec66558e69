// What every command needs to know before it runs: which file it was invoked on, the workspace folder
// that holds it, whether the workspace is trusted, and where its run folder goes. A command that cannot
// run refuses with a reason the user can act on, and returns that reason so tests can read it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MedSynthError } from '../core/errors';

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
