// The pickers Evaluate shows when it was not told its tables: the synthetic table (run outputs first),
// the real table (workspace tables outside run folders, the run's own dataset first) and an optional
// holdout (rows the generator never saw, for the privacy verdict). Real and synthetic lists are kept
// apart so a synthetic table is never offered as the real data it is judged against.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRunSummary } from './runSummary';
import { outputRoots } from './studioView';
import { findWorkspaceTables } from './tableCommands';

interface TableItem extends vscode.QuickPickItem {
  readonly uri?: vscode.Uri;
}

/** True when `file` lies in a run folder (a child of an output root). */
export function isInRunFolder(file: vscode.Uri, roots: readonly string[] = outputRoots()): boolean {
  return roots.some((r) => file.fsPath.startsWith(r + path.sep));
}

function tableItem(uri: vscode.Uri, description?: string): TableItem {
  return { label: path.basename(uri.fsPath), description: description ?? vscode.workspace.asRelativePath(uri), uri };
}

function separator(label: string): TableItem {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}

export async function pickSyntheticTable(): Promise<vscode.Uri | undefined> {
  const roots = outputRoots();
  const tables = await findWorkspaceTables();
  const inRuns = tables.filter((u) => isInRunFolder(u, roots)).sort((a, b) => b.fsPath.localeCompare(a.fsPath));
  const others = tables.filter((u) => !isInRunFolder(u, roots));
  const runItems = await Promise.all(
    inRuns.map(async (u) => {
      const s = await readRunSummary(path.dirname(u.fsPath));
      return tableItem(u, `${s.id}${s.dataset ? ` (from ${s.dataset})` : ''}`);
    }),
  );
  const items = [
    ...(runItems.length ? [separator('Run outputs'), ...runItems] : []),
    ...(others.length ? [separator('Other tables'), ...others.map((u) => tableItem(u))] : []),
  ];
  if (items.length === 0) {
    void vscode.window.showWarningMessage('MedSynth: no .csv, .tsv, .parquet or .jsonl table in this workspace.');
    return undefined;
  }
  return (
    await vscode.window.showQuickPick(items, {
      title: 'Evaluate (1/3): the synthetic table',
      placeHolder: 'Pick the synthetic table to evaluate',
      matchOnDescription: true,
    })
  )?.uri;
}

/** Workspace tables outside run folders; the dataset the synthetic table's run names comes first. */
export async function pickRealTable(synth: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const roots = outputRoots();
  const tables = (await findWorkspaceTables()).filter((u) => !isInRunFolder(u, roots));
  if (tables.length === 0) {
    void vscode.window.showWarningMessage('MedSynth: no real table (outside the run folders) in this workspace.');
    return undefined;
  }
  const source = synth && isInRunFolder(synth, roots) ? (await readRunSummary(path.dirname(synth.fsPath))).dataset : undefined;
  const fromRun = tables.filter((u) => source !== undefined && path.basename(u.fsPath) === path.basename(source));
  const rest = tables.filter((u) => !fromRun.includes(u));
  const items = [
    ...fromRun.map((u) => tableItem(u, `${vscode.workspace.asRelativePath(u)} · the table this run was made from`)),
    ...rest.map((u) => tableItem(u)),
  ];
  const what = synth ? ` to compare ${path.basename(synth.fsPath)} with` : '';
  return (
    await vscode.window.showQuickPick(items, {
      title: 'Evaluate (2/3): the real table',
      placeHolder: `Pick the real table${what}`,
      matchOnDescription: true,
    })
  )?.uri;
}

/** Undefined = cancelled; null = no holdout. */
export async function pickHoldoutTable(real: vscode.Uri): Promise<vscode.Uri | null | undefined> {
  const roots = outputRoots();
  const tables = (await findWorkspaceTables()).filter((u) => !isInRunFolder(u, roots) && u.fsPath !== real.fsPath);
  const none: TableItem = {
    label: 'No holdout',
    description: 'judge privacy by distances to the real rows only',
    detail:
      'A holdout is real rows the generator never saw (medsynth split makes one); with it, the report can tell memorisation from chance.',
  };
  const picked = await vscode.window.showQuickPick(
    [none, ...(tables.length ? [separator('Holdout tables'), ...tables.map((u) => tableItem(u))] : [])],
    {
      title: 'Evaluate (3/3): a holdout (optional)',
      placeHolder: `Rows of ${path.basename(real.fsPath)}'s population the generator never saw, or none`,
      matchOnDescription: true,
    },
  );
  if (!picked) return undefined;
  return picked.uri ?? null;
}
