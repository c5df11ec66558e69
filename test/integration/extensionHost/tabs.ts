// Webview panels reach the tab model a moment after createWebviewPanel returns (the workbench is in
// the browser, the extension host in Node), so tab checks poll briefly instead of reading once.
import * as vscode from 'vscode';

export function openTabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
}

export async function waitForTab(matches: (label: string) => boolean, timeoutMs = 10_000): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const labels = openTabLabels();
    if (labels.some(matches) || Date.now() > end) return labels;
    await new Promise((r) => setTimeout(r, 100));
  }
}
