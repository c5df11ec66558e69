// Creates MedSynth's webview panels the same way every time: scripts enabled, resources only from the
// extension's dist/webview and media folders, a fresh nonce per render, and the strict CSP from
// webviewHtml.ts. Panels register their disposables here so closing one leaves nothing behind.
import * as vscode from 'vscode';
import { createNonce, renderWebviewHtml } from './webviewHtml';

/** The browser apps esbuild builds from webview/<app>/main.ts into dist/webview/<app>.js. */
export type WebviewApp = 'tablePreview' | 'report';

export interface PanelSpec {
  readonly viewType: string;
  readonly title: string;
  readonly app: WebviewApp;
  readonly column?: vscode.ViewColumn;
}

export function createMedSynthPanel(extensionUri: vscode.Uri, spec: PanelSpec): vscode.WebviewPanel {
  const distWebview = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, spec.column ?? vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [distWebview, media],
  });
  const webview = panel.webview;
  panel.webview.html = renderWebviewHtml({
    title: spec.title,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(distWebview, `${spec.app}.js`)).toString(),
    styleUris: [vscode.Uri.joinPath(distWebview, 'codicon.css'), vscode.Uri.joinPath(distWebview, `${spec.app}.css`)].map((u) =>
      webview.asWebviewUri(u).toString(),
    ),
    cspSource: webview.cspSource,
    nonce: createNonce(),
  });
  return panel;
}

/**
 * Wires a panel's incoming messages through a validator: a malformed message is logged and dropped,
 * never acted on. Returns the disposables to release with the panel.
 */
export function onValidatedMessage<M>(
  panel: vscode.WebviewPanel,
  parse: (x: unknown) => M | undefined,
  handle: (message: M) => void | Promise<void>,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return panel.webview.onDidReceiveMessage((raw: unknown) => {
    const message = parse(raw);
    if (message === undefined) {
      log.warn(`dropped a malformed message from the ${panel.viewType} webview`);
      return;
    }
    Promise.resolve(handle(message)).catch((e: unknown) => log.error(`${panel.viewType}: ${e instanceof Error ? e.message : String(e)}`));
  });
}

/** Disposes everything tied to a panel when the user closes it. */
export function disposeWithPanel(panel: vscode.WebviewPanel, disposables: vscode.Disposable[]): void {
  panel.onDidDispose(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });
}
