// The Studio: a view in MedSynth's activity bar listing the workspace's datasets by modality (tables
// can start a run; images, signals and text open Inspect Dataset) and the past runs under the output
// folder, each with its dataset, modality, date and headline verdict. It is a native tree rather than a
// webview so it is keyboard- and screen-reader-friendly and costs nothing when hidden. Every node is
// passed as-is to the commands its actions run; parseCommandArgs reads the node's Uri or folder.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VerdictLevel } from '../core/report/verdict';
import { reportVerdict } from '../core/report/verdict';
import { outputRoot } from './commandContext';
import { readSettings } from './settings';
import { findStudioDatasets, updateDatasetFolderContext } from './studioDatasets';
import type { StudioDataset, StudioModality } from './studioDatasets';
import { describeRun, overallLevel, readRunSummary, shortDate } from './runSummary';
import type { RunSummary } from './runSummary';
import { MODALITIES, modalityById } from '../core/modalities/registry';

export type StudioGroup = 'tables' | 'images' | 'signals' | 'text' | 'runs';

export type StudioNode =
  | { readonly type: 'group'; readonly group: StudioGroup }
  | ({ readonly type: 'dataset' } & StudioDataset)
  | { readonly type: 'run'; readonly dir: string; readonly summary: RunSummary; readonly hasGenerator: boolean }
  | { readonly type: 'file'; readonly uri: vscode.Uri };

export interface StudioListing {
  /** Every dataset's path, tables first. */
  readonly datasets: readonly string[];
  readonly byModality: Readonly<Record<StudioModality, readonly string[]>>;
  readonly runs: readonly string[];
}

const GROUPS: readonly {
  readonly group: Exclude<StudioGroup, 'runs'>;
  readonly modality: StudioModality;
  readonly label: string;
  readonly icon: string;
}[] = [
  { group: 'tables', modality: 'table', label: 'Tables', icon: 'table' },
  { group: 'images', modality: 'image', label: 'Images', icon: 'file-media' },
  { group: 'signals', modality: 'signal', label: 'Signals', icon: 'pulse' },
  { group: 'text', modality: 'text', label: 'Text', icon: 'symbol-text' },
];

const LEVEL_ICON: Readonly<Record<VerdictLevel, { readonly icon: string; readonly color?: string }>> = {
  good: { icon: 'pass', color: 'testing.iconPassed' },
  fair: { icon: 'warning', color: 'list.warningForeground' },
  poor: { icon: 'error', color: 'list.errorForeground' },
  unknown: { icon: 'graph' },
};

const FOLDER_CONTEXT_DELAY_MS = 500;
/** Watcher events come in bursts (a run writes hundreds of files): one refresh a moment after the last. */
const WATCH_DELAY_MS = 300;

interface Scan {
  readonly datasets: readonly StudioDataset[];
  readonly runs: readonly StudioNode[];
}

export class StudioView implements vscode.TreeDataProvider<StudioNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StudioNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One workspace scan serves the root and every group until the next refresh. */
  private scan: Promise<Scan> | undefined;
  /** The explorer's folder context key is recomputed a moment after the last change, not per file. */
  private folderContextTimer: ReturnType<typeof setTimeout> | undefined;
  private watchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    void updateDatasetFolderContext();
  }

  refresh(): void {
    this.scan = undefined;
    this.changed.fire(undefined);
    if (this.folderContextTimer) clearTimeout(this.folderContextTimer);
    this.folderContextTimer = setTimeout(() => void updateDatasetFolderContext(), FOLDER_CONTEXT_DELAY_MS);
  }

  /** refresh() a moment after the last of a burst of file-system events. */
  refreshSoon(): void {
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = setTimeout(() => this.refresh(), WATCH_DELAY_MS);
  }

  dispose(): void {
    if (this.folderContextTimer) clearTimeout(this.folderContextTimer);
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.changed.dispose();
  }

  /** What the Studio lists, for the Open Studio command's result. */
  async listing(): Promise<StudioListing> {
    const { datasets, runs } = await this.scanned();
    const of = (m: StudioModality): string[] => datasets.filter((d) => d.modality === m).map((d) => d.uri.fsPath);
    // In the registry's order (tables, images, signals, text).
    const byModality = Object.fromEntries(MODALITIES.map((m) => [m.id, of(m.id)])) as Record<StudioModality, string[]>;
    return {
      datasets: MODALITIES.flatMap((m) => byModality[m.id]),
      byModality,
      runs: runs.flatMap((r) => (r.type === 'run' ? [r.dir] : [])),
    };
  }

  getTreeItem(node: StudioNode): vscode.TreeItem {
    switch (node.type) {
      case 'group':
        return groupItem(node.group);
      case 'dataset':
        return datasetItem(node);
      case 'run':
        return runItem(node);
      case 'file': {
        const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.None);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
        return item;
      }
    }
  }

  async getChildren(node?: StudioNode): Promise<StudioNode[]> {
    if (!node) {
      if (!vscode.workspace.workspaceFolders?.length) return [];
      const { datasets, runs } = await this.scanned();
      // An empty workspace returns no rows, so the view's welcome content says what to do first.
      const groups: StudioNode[] = GROUPS.filter((g) => datasets.some((d) => d.modality === g.modality)).map((g) => ({
        type: 'group',
        group: g.group,
      }));
      return runs.length > 0 ? [...groups, { type: 'group', group: 'runs' }] : groups;
    }
    if (node.type === 'group') {
      const { datasets, runs } = await this.scanned();
      if (node.group === 'runs') return [...runs];
      const modality = GROUPS.find((g) => g.group === node.group)?.modality;
      return datasets.filter((d) => d.modality === modality).map((d) => ({ type: 'dataset', ...d }));
    }
    if (node.type === 'run') {
      const names = await fs.readdir(node.dir).catch(() => [] as string[]);
      return names.sort().map((n) => ({ type: 'file', uri: vscode.Uri.file(path.join(node.dir, n)) }));
    }
    return [];
  }

  /** The run folders, newest first, for commands that pick runs (Compare Runs from the palette). */
  async runDirs(): Promise<string[]> {
    return (await this.scanned()).runs.flatMap((r) => (r.type === 'run' ? [r.dir] : []));
  }

  private scanned(): Promise<Scan> {
    this.scan ??= (async (): Promise<Scan> => {
      const roots = outputRoots();
      const [datasets, runs] = await Promise.all([findStudioDatasets(roots), listRuns(roots)]);
      return { datasets, runs };
    })();
    return this.scan;
  }
}

function groupItem(group: StudioGroup): vscode.TreeItem {
  const g = GROUPS.find((x) => x.group === group);
  const item = new vscode.TreeItem(g?.label ?? 'Runs', vscode.TreeItemCollapsibleState.Expanded);
  item.iconPath = new vscode.ThemeIcon(g?.icon ?? 'history');
  item.contextValue = `group.${group}`;
  if (group === 'tables') item.tooltip = 'Click a table to preview it; ▶ fits a generator, generates synthetic rows and evaluates them';
  else if (g) {
    // What the registry's modality can do decides what the group promises.
    const fits = (modalityById(g.modality)?.fitters.length ?? 0) > 0;
    item.tooltip = fits
      ? `Click to inspect (read-only); ▶ fits a generator, generates synthetic ${modalityById(g.modality)?.noun ?? 'data'} and evaluates them`
      : 'Click to inspect (read-only); generators for this modality come later';
  }
  return item;
}

function datasetItem(node: Extract<StudioNode, { type: 'dataset' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.None);
  const folder = vscode.workspace.getWorkspaceFolder(node.uri);
  const dir = folder
    ? path.relative(folder.uri.fsPath, path.dirname(node.uri.fsPath)).split(path.sep).join('/')
    : path.dirname(node.uri.fsPath);
  item.description = [node.detail, dir === '' ? undefined : dir].filter((x) => x !== undefined).join(' · ') || undefined;
  item.contextValue = `dataset.${node.modality}`;
  // A modality with a preview panel opens it on click (tables: the table preview); others are inspected.
  if (modalityById(node.modality)?.preview !== undefined) {
    item.tooltip = 'Click to preview; ▶ fits, generates and evaluates';
    item.command = { command: 'medsynth.previewTable', title: 'Preview Table', arguments: [node.uri] };
  } else {
    if (node.detail) item.iconPath = new vscode.ThemeIcon('folder-library');
    const fits = (modalityById(node.modality)?.fitters.length ?? 0) > 0;
    item.tooltip = fits ? 'Click to inspect (read-only summary); ▶ fits, generates and evaluates' : 'Click to inspect (read-only summary)';
    item.command = { command: 'medsynth.inspectDataset', title: 'Inspect Dataset', arguments: [node.uri] };
  }
  return item;
}

function runItem(node: Extract<StudioNode, { type: 'run' }>): vscode.TreeItem {
  const s = node.summary;
  const item = new vscode.TreeItem(s.dataset ?? s.id, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `run:${node.dir}`;
  item.description = describeRun(s);
  const look = LEVEL_ICON[overallLevel(s)];
  item.iconPath = s.report
    ? new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined)
    : new vscode.ThemeIcon('folder');
  item.contextValue = ['run', s.report ? 'report' : undefined, node.hasGenerator ? 'generator' : undefined]
    .filter((x) => x !== undefined)
    .join(' ');
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${s.dataset ?? 'run'}**: ${s.modality}, ${s.createdAt ? shortDate(s.createdAt) : 'date unknown'} UTC\n\n`);
  tooltip.appendText(`Run ${s.id} (${s.contents})\n`);
  if (s.report) for (const line of reportVerdict(s.report)) tooltip.appendMarkdown(`\n- ${line.level}: `).appendText(line.text);
  item.tooltip = tooltip;
  if (s.report)
    item.command = {
      command: 'medsynth.openReport',
      title: 'Open Report',
      arguments: [vscode.Uri.file(path.join(node.dir, 'report.json'))],
    };
  return item;
}

/** Run folders under every output root, newest first (run ids start with a UTC timestamp). */
async function listRuns(roots: readonly string[]): Promise<StudioNode[]> {
  const runs: StudioNode[] = [];
  for (const root of roots) {
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    // A hidden folder is a run still being assembled (.<id>.partial): not a run yet.
    for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith('.'))) {
      const dir = path.join(root, e.name);
      const [summary, hasGenerator] = await Promise.all([
        readRunSummary(dir),
        fs.stat(path.join(dir, 'medsynth.json')).then(
          () => true,
          () => false,
        ),
      ]);
      runs.push({ type: 'run', dir, summary, hasGenerator });
    }
  }
  return runs.sort((a, b) => (a.type === 'run' && b.type === 'run' ? b.dir.localeCompare(a.dir) : 0));
}

/** The output root of every workspace folder; a setting that leads outside lists nothing here. */
export function outputRoots(): string[] {
  const roots: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      roots.push(outputRoot(folder, readSettings(folder.uri).outputFolder));
    } catch {
      // A setting pointing outside the workspace is refused when a run starts; here it just lists nothing.
    }
  }
  return roots;
}
