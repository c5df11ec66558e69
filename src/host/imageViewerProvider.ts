// The image viewer: a read-only custom editor for DICOM, DICOMDIR and NIfTI files (the default editor
// for them) and, through Open With, PNG/JPEG. The file is decoded in the dataset worker
// (openImageSession), never on the extension host's thread; the worker holds the decoded volumes for as
// long as the document is open and hands out one frame at a time. What the host answers is in
// imageViewerMessages.ts (init, the first frames pushed, frames on request, revealed metadata); here the
// custom editor wiring: the page, the validated messages (parseImageViewerMessage), the worker's life.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImageFrameSession } from '../engine/datasetInspection';
import { openImageSession } from '../engine/datasetInspection';
import { parseImageViewerMessage } from '../protocol/imageViewer';
import type { HostServices } from './hostServices';
import { imageViewerHandler } from './imageViewerMessages';
import { decodeLimits, readSettings } from './settings';
import { createNonce, renderWebviewHtml } from './webviewHtml';
import { disposeWithPanel, onValidatedMessage } from './webviewPanels';

/** The default editor for .dcm, DICOMDIR, .nii and .nii.gz (package.json contributes.customEditors). */
export const IMAGE_VIEWER_VIEW_TYPE = 'medsynth.imageViewer';
/** The same viewer offered under Open With for PNG and JPEG (priority "option"). */
export const IMAGE_VIEWER_RASTER_VIEW_TYPE = 'medsynth.imageViewer.raster';

/** One open image file: its worker session starts on the first editor's `ready` and ends with the document. */
class ImageDocument implements vscode.CustomDocument {
  private session: Promise<ImageFrameSession> | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly uri: vscode.Uri,
    private readonly script: string,
  ) {}

  open(): Promise<ImageFrameSession> {
    this.session ??= (async () => {
      if (this.uri.scheme !== 'file') throw new Error(`the image viewer reads files on disk, not ${this.uri.scheme}: URIs`);
      const session = await openImageSession(this.uri.fsPath, {
        script: this.script,
        limits: decodeLimits(readSettings(this.uri)),
        signal: this.abort.signal,
      });
      // Closed while the worker was still reading: end it now.
      if (this.abort.signal.aborted) session.close();
      return session;
    })();
    return this.session;
  }

  dispose(): void {
    this.abort.abort();
    void this.session?.then(
      (s) => s.close(),
      () => undefined,
    );
  }
}

export class ImageViewerProvider implements vscode.CustomReadonlyEditorProvider<ImageDocument> {
  constructor(private readonly services: HostServices) {}

  openCustomDocument(uri: vscode.Uri): ImageDocument {
    return new ImageDocument(uri, path.join(this.services.extensionPath, 'dist', 'datasetWorker.js'));
  }

  resolveCustomEditor(document: ImageDocument, panel: vscode.WebviewPanel): void {
    const { log, extensionUri } = this.services;
    const distWebview = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [distWebview, vscode.Uri.joinPath(extensionUri, 'media')] };
    const title = path.basename(document.uri.fsPath);
    webview.html = renderWebviewHtml({
      title,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'imageViewer.js')).toString(),
      styleUris: [vscode.Uri.joinPath(distWebview, 'codicon.css'), vscode.Uri.joinPath(distWebview, 'imageViewer.css')].map((u) =>
        webview.asWebviewUri(u).toString(),
      ),
      cspSource: webview.cspSource,
      nonce: createNonce(),
    });
    const handler = imageViewerHandler({
      title,
      file: document.uri.fsPath,
      open: () => document.open(),
      post: (m) => Promise.resolve(webview.postMessage(m)),
      log,
    });
    disposeWithPanel(panel, [
      onValidatedMessage(panel, parseImageViewerMessage, (m) => handler.handle(m), log),
      { dispose: () => handler.dispose() },
    ]);
  }
}

/** Registers the viewer under both view types (default for DICOM/NIfTI, an option for PNG/JPEG). */
export function registerImageViewer(services: HostServices): vscode.Disposable {
  const provider = new ImageViewerProvider(services);
  const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } };
  return vscode.Disposable.from(
    vscode.window.registerCustomEditorProvider(IMAGE_VIEWER_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(IMAGE_VIEWER_RASTER_VIEW_TYPE, provider, options),
  );
}
