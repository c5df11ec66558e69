// The pickers commands show when they were not told their datasets: the dataset to fit or run the
// full loop on, and Evaluate's synthetic side (run outputs first: a run's synthetic.csv or synthetic/
// folder of images), its real side (workspace datasets of the same modality outside run folders, the
// run's own dataset first) and an optional holdout (data the generator never saw, for the privacy
// verdict). Real and synthetic lists are kept apart so a synthetic dataset is never offered as the real
// data it is judged against. Which datasets a modality has comes from the registry (studioDatasets.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModalityDefinition } from '../core/modalities/modality';
import { modalityById } from '../core/modalities/registry';
import type { DatasetUse } from './commandContext';
import { singularNoun } from './commandContext';
import { readRunSummary } from './runSummary';
import { findPickableDatasets } from './studioDatasets';
import type { StudioDataset } from './studioDatasets';
import { outputRoots } from './studioView';

interface DatasetItem extends vscode.QuickPickItem {
  readonly uri?: vscode.Uri;
}

/** True when `file` lies in a run folder (a child of an output root). */
export function isInRunFolder(file: vscode.Uri, roots: readonly string[] = outputRoots()): boolean {
  return roots.some((r) => file.fsPath.startsWith(r + path.sep));
}

/**
 * The run output a path in a run folder belongs to: the entry right under the run folder (a run's
 * synthetic.csv is itself; an image inside a run's synthetic/ folder is that folder). Other paths are themselves.
 */
export function runOutputOf(file: vscode.Uri, roots: readonly string[] = outputRoots()): vscode.Uri {
  const root = roots.find((r) => file.fsPath.startsWith(r + path.sep));
  if (!root) return file;
  const parts = path.relative(root, file.fsPath).split(path.sep);
  return parts.length > 2 ? vscode.Uri.file(path.join(root, parts[0], parts[1])) : file;
}

/** The run folder a run output lies in. */
function runDirOf(file: vscode.Uri, roots: readonly string[]): string | undefined {
  const root = roots.find((r) => file.fsPath.startsWith(r + path.sep));
  return root ? path.join(root, path.relative(root, file.fsPath).split(path.sep)[0]) : undefined;
}

function datasetItem(d: StudioDataset | vscode.Uri, description?: string): DatasetItem {
  const uri = d instanceof vscode.Uri ? d : d.uri;
  const detail = d instanceof vscode.Uri ? undefined : d.detail;
  return {
    label: path.basename(uri.fsPath),
    description: description ?? [detail, vscode.workspace.asRelativePath(uri)].filter((x) => x !== undefined).join(' · '),
    uri,
  };
}

function separator(label: string): DatasetItem {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}

/** What the pickers call the data they list: 'table' for tables only, 'dataset' when modalities mix. */
function what(modality: ModalityDefinition | undefined, all: readonly StudioDataset[]): string {
  if (modality) return singularNoun(modality);
  const ids = new Set(all.map((d) => d.modality));
  const only = ids.size === 1 ? modalityById([...ids][0]) : undefined;
  return only ? singularNoun(only) : 'dataset';
}

/** Datasets that serve `use`, of one modality when given, split into run outputs and the rest. */
async function listed(
  use: DatasetUse,
  modality: ModalityDefinition | undefined,
  roots: readonly string[],
): Promise<{ readonly inRuns: StudioDataset[]; readonly others: StudioDataset[] }> {
  const all = (await findPickableDatasets(use)).filter((d) => modality === undefined || d.modality === modality.id);
  // In a run folder only its outputs count (synthetic.csv, synthetic/), not each image inside them.
  const inRuns = all
    .filter((d) => isInRunFolder(d.uri, roots) && runOutputOf(d.uri, roots).fsPath === d.uri.fsPath)
    .sort((a, b) => b.uri.fsPath.localeCompare(a.uri.fsPath));
  return { inRuns, others: all.filter((d) => !isInRunFolder(d.uri, roots)) };
}

function noneFound(thing: string, where = ' in this workspace'): undefined {
  void vscode.window.showWarningMessage(`MedSynth: no ${thing}${where}.`);
  return undefined;
}

/** Fit Generator and Run Full Loop from the palette: a dataset outside the run folders. */
export async function pickDataset(use: DatasetUse, placeHolder: string): Promise<vscode.Uri | undefined> {
  const { others } = await listed(use, undefined, outputRoots());
  if (others.length === 0) return noneFound('dataset to fit (a table, DICOM, NIfTI or PNG/JPEG images)');
  return (
    await vscode.window.showQuickPick(
      others.map((d) => datasetItem(d)),
      { placeHolder, matchOnDescription: true },
    )
  )?.uri;
}

/** Evaluate (1/3): run outputs first, then any other dataset (of the real side's modality when known). */
export async function pickSyntheticDataset(modality?: ModalityDefinition): Promise<vscode.Uri | undefined> {
  const roots = outputRoots();
  const { inRuns, others } = await listed('evaluate', modality, roots);
  const thing = what(modality, [...inRuns, ...others]);
  const runItems = await Promise.all(
    inRuns.map(async (d) => {
      const s = await readRunSummary(runDirOf(d.uri, roots) ?? path.dirname(d.uri.fsPath));
      return datasetItem(d, `${s.id}${s.dataset ? ` (from ${s.dataset})` : ''}`);
    }),
  );
  const items = [
    ...(runItems.length ? [separator('Run outputs'), ...runItems] : []),
    ...(others.length ? [separator(`Other ${modality?.noun ?? 'datasets'}`), ...others.map((d) => datasetItem(d))] : []),
  ];
  if (items.length === 0) return noneFound(modality ? singularNoun(modality) : 'table or image dataset');
  return (
    await vscode.window.showQuickPick(items, {
      title: `Evaluate (1/3): the synthetic ${thing}`,
      placeHolder: `Pick the synthetic ${thing} to evaluate`,
      matchOnDescription: true,
    })
  )?.uri;
}

/** Evaluate (2/3): datasets of the synthetic side's modality outside run folders; the run's own dataset comes first. */
export async function pickRealDataset(synth: vscode.Uri | undefined, modality?: ModalityDefinition): Promise<vscode.Uri | undefined> {
  const roots = outputRoots();
  const { others } = await listed('evaluate', modality, roots);
  const thing = what(modality, others);
  if (others.length === 0) return noneFound(`real ${thing} (outside the run folders)`);
  const runDir = synth ? runDirOf(synth, roots) : undefined;
  const source = runDir ? (await readRunSummary(runDir)).dataset : undefined;
  const fromRun = others.filter((d) => source !== undefined && path.basename(d.uri.fsPath) === path.basename(source));
  const rest = others.filter((d) => !fromRun.includes(d));
  const items = [
    ...fromRun.map((d) => datasetItem(d, `${vscode.workspace.asRelativePath(d.uri)} · the ${thing} this run was made from`)),
    ...rest.map((d) => datasetItem(d)),
  ];
  const compare = synth ? ` to compare ${path.basename(synth.fsPath)} with` : '';
  return (
    await vscode.window.showQuickPick(items, {
      title: `Evaluate (2/3): the real ${thing}`,
      placeHolder: `Pick the real ${thing}${compare}`,
      matchOnDescription: true,
    })
  )?.uri;
}

/** Evaluate (3/3). Undefined = cancelled; null = no holdout. */
export async function pickHoldoutDataset(real: vscode.Uri, modality?: ModalityDefinition): Promise<vscode.Uri | null | undefined> {
  const roots = outputRoots();
  const candidates = (await listed('evaluate', modality, roots)).others.filter((d) => d.uri.fsPath !== real.fsPath);
  const items = modality?.itemNoun ?? 'rows';
  const none: DatasetItem = {
    label: 'No holdout',
    description: `judge privacy by distances to the real ${items} only`,
    detail: `A holdout is real ${items} the generator never saw (medsynth split makes one); with it, the report can tell memorisation from chance.`,
  };
  const picked = await vscode.window.showQuickPick(
    [none, ...(candidates.length ? [separator(`Holdout ${modality?.noun ?? 'datasets'}`), ...candidates.map((d) => datasetItem(d))] : [])],
    {
      title: 'Evaluate (3/3): a holdout (optional)',
      placeHolder: `${items.charAt(0).toUpperCase()}${items.slice(1)} of ${path.basename(real.fsPath)}'s population the generator never saw, or none`,
      matchOnDescription: true,
    },
  );
  if (!picked) return undefined;
  return picked.uri ?? null;
}
