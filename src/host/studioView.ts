// The Studio: a view in MedSynth's activity bar listing the workspace's tables (each can start a run)
// and the past runs under the output folder (each opens its report). It is a native tree rather than a
// webview so it is keyboard- and screen-reader-friendly and costs nothing when hidden.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { outputRoot } from './commandContext';
import { findWorkspaceTables } from './tableCommands';
import { readSettings } from './settings';

type StudioNode =
  | { readonly type: 'group'; readonly group: 'datasets' | 'runs' }
  | { readonly type: 'dataset'; readonly uri: vscode.Uri }
  | { readonly type: 'run'; readonly dir: string; readonly hasReport: boolean }
  | { readonly type: 'file'; readonly uri: vscode.Uri };

export interface StudioListing {
  readonly datasets: readonly string[];
  readonly runs: readonly string[];
}

export class StudioView implements vscode.TreeDataProvider<StudioNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StudioNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** What the Studio lists, for the Open Studio command's result. */
  async listing(): Promise<StudioListing> {
    const datasets = await this.datasets();
    const runs = await this.runs();
    return { datasets: datasets.flatMap((d) => (d.type === 'dataset' ? [d.uri.fsPath] : [])), runs: runs.flatMap((r) => (r.type === 'run' ? [r.dir] : [])) };
  }

  getTreeItem(node: StudioNode): vscode.TreeItem {
    switch (node.type) {
      case 'group': {
        const item = new vscode.TreeItem(node.group === 'datasets' ? 'Datasets' : 'Runs', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.group === 'datasets' ? 'database' : 'history');
        return item;
      }
      case 'dataset': {
        const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.None);
        const folder = vscode.workspace.getWorkspaceFolder(node.uri);
        const dir = folder ? path.relative(folder.uri.fsPath, path.dirname(node.uri.fsPath)) : path.dirname(node.uri.fsPath);
        item.description = dir === '' ? undefined : dir;
        item.contextValue = 'dataset';
        item.tooltip = 'Click to preview; use ▶ to fit, generate and evaluate';
        item.command = { command: 'medsynth.previewTable', title: 'Preview Table', arguments: [node.uri] };
        return item;
      }
      case 'run': {
        const item = new vscode.TreeItem(path.basename(node.dir), vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon(node.hasReport ? 'graph' : 'folder');
        item.contextValue = node.hasReport ? 'run' : 'incompleteRun';
        item.resourceUri = vscode.Uri.file(node.dir);
        if (node.hasReport) item.command = { command: 'medsynth.openReport', title: 'Open Report', arguments: [vscode.Uri.file(path.join(node.dir, 'report.json'))] };
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.None);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
        return item;
      }
    }
  }

  async getChildren(node?: StudioNode): Promise<StudioNode[]> {
    if (!node) return vscode.workspace.workspaceFolders?.length ? [{ type: 'group', group: 'datasets' }, { type: 'group', group: 'runs' }] : [];
    if (node.type === 'group') return node.group === 'datasets' ? this.datasets() : this.runs();
    if (node.type === 'run') {
      const names = await fs.readdir(node.dir).catch(() => [] as string[]);
      return names.sort().map((n) => ({ type: 'file', uri: vscode.Uri.file(path.join(node.dir, n)) }));
    }
    return [];
  }

  /** Tables outside the output folders: the runs' own synthetic tables are listed under Runs. */
  private async datasets(): Promise<StudioNode[]> {
    const roots = this.outputRoots();
    const tables = await findWorkspaceTables();
    return tables.filter((u) => !roots.some((r) => u.fsPath.startsWith(r + path.sep))).map((uri) => ({ type: 'dataset', uri }));
  }

  /** Run folders, newest first (run ids start with a UTC timestamp). */
  private async runs(): Promise<StudioNode[]> {
    const runs: StudioNode[] = [];
    for (const root of this.outputRoots()) {
      const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const dir = path.join(root, e.name);
        const hasReport = await fs.stat(path.join(dir, 'report.json')).then(() => true, () => false);
        runs.push({ type: 'run', dir, hasReport });
      }
    }
    return runs.sort((a, b) => (a.type === 'run' && b.type === 'run' ? b.dir.localeCompare(a.dir) : 0));
  }

  private outputRoots(): string[] {
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
}
