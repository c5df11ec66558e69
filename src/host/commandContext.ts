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
  /** Generate: the generator folder or .onnx. */
  readonly generator?: string | vscode.Uri;
  /** Open the report webview at the end (default true). */
  readonly openReport?: boolean;
}

export interface Refusal {
  readonly ok: false;
  readonly reason: string;
}

export const TABLE_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.parquet', '.jsonl'];

export function isTablePath(p: string): boolean {
  return TABLE_EXTENSIONS.includes(path.extname(p).toLowerCase());
}

/**
 * The explorer calls a command with (clicked Uri, selected Uris[]); the palette with nothing; tests with
 * (Uri, options). Only a plain object counts as options, so the explorer's selection array is ignored.
 */
export function parseCommandArgs(args: readonly unknown[]): { uri?: vscode.Uri; options: CommandOptions } {
  const uri = args[0] instanceof vscode.Uri ? args[0] : typeof args[0] === 'string' ? vscode.Uri.file(args[0]) : undefined;
  const second = args[1];
  const options = isPlainObject(second) ? (second as CommandOptions) : isPlainObject(args[0]) ? (args[0] as CommandOptions) : {};
  return { uri, options };
}

function isPlainObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof vscode.Uri);
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
  return refuse(`${what} is disabled in Restricted Mode. Trust this workspace (Manage Workspace Trust) to fit generators, generate and evaluate.`, [
    { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
  ]);
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
