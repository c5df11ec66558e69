// Commands that only read: preview a table, pick a table from the workspace. They work in Restricted
// Mode too, because looking at data loads no model and writes nothing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withCancellableProgress } from './cancellation';
import type { Refusal } from './commandContext';
import { describeError, isTablePath, refuse } from './commandContext';
import type { HostServices } from './hostServices';
import { readSettings } from './settings';
import { readTableForPreview, showTablePreview } from './tablePreviewPanel';
import type { TablePreviewResult } from './tablePreviewPanel';

/** Tables anywhere in the workspace, leaving out dependencies and MedSynth's own outputs. */
export const TABLE_GLOB = '**/*.{csv,tsv,parquet,jsonl}';
export const TABLE_EXCLUDE = '**/{node_modules,.git}/**';

export async function findWorkspaceTables(limit = 500): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(TABLE_GLOB, TABLE_EXCLUDE, limit);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

export async function pickTable(placeHolder: string): Promise<vscode.Uri | undefined> {
  const tables = await findWorkspaceTables();
  if (tables.length === 0) {
    void vscode.window.showWarningMessage('MedSynth: no .csv, .tsv, .parquet or .jsonl table in this workspace.');
    return undefined;
  }
  const items = tables.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.uri;
}

export async function previewTableFile(services: HostServices, uri: vscode.Uri | undefined): Promise<TablePreviewResult | Refusal> {
  const target = uri ?? (await pickTable('Pick a table to preview'));
  if (!target) return { ok: false, reason: 'no table picked' };
  if (!isTablePath(target.fsPath)) return refuse(`${path.basename(target.fsPath)} is not a table (.csv, .tsv, .parquet or .jsonl).`);
  const { maxRows } = readSettings(target);
  try {
    const table = await withCancellableProgress(`MedSynth: reading ${path.basename(target.fsPath)}`, (signal) =>
      readTableForPreview(target.fsPath, maxRows, signal),
    );
    return showTablePreview(services.extensionUri, services.log, target.fsPath, table, maxRows);
  } catch (e) {
    const reason = describeError(e);
    services.log.error(`preview ${target.fsPath}: ${reason}`);
    return refuse(`cannot preview ${path.basename(target.fsPath)}: ${reason}`);
  }
}
