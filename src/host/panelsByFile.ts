// One panel per file: opening a report or a table that already has a panel brings that panel to the
// front (and hands it the fresh content) instead of stacking a second tab. No `vscode` import, so the
// unit tier checks it with a stand-in panel; vscode.WebviewPanel fits the interface as it is.
import * as path from 'node:path';

/** The two things the registry needs from a panel. */
export interface RevealablePanel {
  reveal(): void;
  onDidDispose(listener: () => void): unknown;
}

/** The same file whatever the spelling: resolved, and case-folded where the file system folds case. */
export function fileKey(file: string, platform: NodeJS.Platform = process.platform): string {
  const resolved = path.resolve(file);
  return platform === 'win32' || platform === 'darwin' ? resolved.toLowerCase() : resolved;
}

export class PanelsByFile<P extends RevealablePanel, S> {
  private readonly open = new Map<string, { readonly panel: P; readonly state: S }>();

  /** The panel showing `file`, revealed; undefined when none is open. */
  reveal(file: string): { readonly panel: P; readonly state: S } | undefined {
    const entry = this.open.get(fileKey(file));
    entry?.panel.reveal();
    return entry;
  }

  /** Records a new panel for `file`; it is forgotten when the user closes it. */
  add(file: string, panel: P, state: S): void {
    const key = fileKey(file);
    this.open.set(key, { panel, state });
    panel.onDidDispose(() => {
      if (this.open.get(key)?.panel === panel) this.open.delete(key);
    });
  }

  get size(): number {
    return this.open.size;
  }
}
