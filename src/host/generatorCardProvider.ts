// The generator card: a read-only custom editor for .onnx files (the default editor for them) and,
// through Open With, medsynth.json. A folder cannot be a custom editor, so the command
// medsynth.openGeneratorCard (explorer menu of folders holding a medsynth.json: the context key
// medsynth.generatorFolders kept here) opens the folder's medsynth.json in it. The card is read on
// the host from storage/core code (generatorCardModel.ts: small files, the model's header up to the
// signature cap); what the host answers is in generatorCardMessages.ts; here the VS Code wiring.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseGeneratorCardMessage } from '../protocol/generatorCard';
import { uriOfArg } from './commandContext';
import type { HostServices } from './hostServices';
import { generatorCardHandler } from './generatorCardMessages';
import { readGeneratorCard } from './generatorCardModel';
import { createNonce, renderWebviewHtml } from './webviewHtml';
import { disposeWithPanel, onValidatedMessage } from './webviewPanels';

/** The default editor for *.onnx (package.json contributes.customEditors). */
export const GENERATOR_CARD_VIEW_TYPE = 'medsynth.generatorCard';
/** The same card offered under Open With for medsynth.json (priority "option"). */
export const GENERATOR_CARD_MANIFEST_VIEW_TYPE = 'medsynth.generatorCard.manifest';
export const OPEN_GENERATOR_CARD_COMMAND = 'medsynth.openGeneratorCard';
/** The context key package.json's explorer menu reads: folders holding a medsynth.json. */
export const GENERATOR_FOLDERS_KEY = 'medsynth.generatorFolders';

const MANIFEST_FILE = 'medsynth.json';

class GeneratorCardDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // Nothing is held: the card is read afresh on every `ready`.
  }
}

export class GeneratorCardProvider implements vscode.CustomReadonlyEditorProvider<GeneratorCardDocument> {
  constructor(private readonly services: HostServices) {}

  openCustomDocument(uri: vscode.Uri): GeneratorCardDocument {
    return new GeneratorCardDocument(uri);
  }

  resolveCustomEditor(document: GeneratorCardDocument, panel: vscode.WebviewPanel): void {
    const { log, extensionUri } = this.services;
    const distWebview = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [distWebview] };
    const file = document.uri.fsPath;
    // A medsynth.json is titled by its folder: that is the generator.
    const title = path.basename(path.basename(file) === MANIFEST_FILE ? path.dirname(file) : file);
    webview.html = renderWebviewHtml({
      title,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'generatorCard.js')).toString(),
      styleUris: [vscode.Uri.joinPath(distWebview, 'codicon.css'), vscode.Uri.joinPath(distWebview, 'generatorCard.css')].map((u) =>
        webview.asWebviewUri(u).toString(),
      ),
      cspSource: webview.cspSource,
      nonce: createNonce(),
    });
    const handler = generatorCardHandler({
      file,
      read: async () => {
        if (document.uri.scheme !== 'file') throw new Error(`the generator card reads files on disk, not ${document.uri.scheme}: URIs`);
        return readGeneratorCard(file);
      },
      post: (m) => Promise.resolve(webview.postMessage(m)),
      generate: (generator) => Promise.resolve(vscode.commands.executeCommand('medsynth.generate', vscode.Uri.file(generator))),
      log,
    });
    disposeWithPanel(panel, [
      onValidatedMessage(panel, parseGeneratorCardMessage, (m) => handler.handle(m), log),
      { dispose: () => handler.dispose() },
    ]);
  }
}

/** Opens the card for a generator folder (its medsynth.json), a medsynth.json or an .onnx; asks for one when none is given. */
async function openGeneratorCard(arg: unknown): Promise<void> {
  const given = uriOfArg(arg);
  const uri =
    given ??
    (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: true,
        filters: { 'ONNX generator': ['onnx', 'json'] },
        title: 'Pick a generator folder or .onnx',
      })
    )?.[0];
  if (!uri) return;
  const isFolder = await vscode.workspace.fs.stat(uri).then(
    (s) => (s.type & vscode.FileType.Directory) !== 0,
    () => false,
  );
  const target = isFolder ? vscode.Uri.joinPath(uri, MANIFEST_FILE) : uri;
  const viewType = target.path.toLowerCase().endsWith('.onnx') ? GENERATOR_CARD_VIEW_TYPE : GENERATOR_CARD_MANIFEST_VIEW_TYPE;
  await vscode.commands.executeCommand('vscode.openWith', target, viewType);
}

/** The list last set, so an unchanged list sets nothing (every setContext is a context change event). */
let lastGeneratorFolders: string | undefined;

/** Sets GENERATOR_FOLDERS_KEY (explorer `resourcePath in medsynth.generatorFolders`) when it changed; a failure leaves it as it was. */
async function updateGeneratorFolderContext(): Promise<void> {
  const manifests = await Promise.resolve(vscode.workspace.findFiles(`**/${MANIFEST_FILE}`, '**/node_modules/**', 5000)).catch(
    () => undefined,
  );
  if (!manifests) return;
  const folders = [...new Set(manifests.map((u) => path.dirname(u.fsPath)))].sort();
  if (JSON.stringify(folders) === lastGeneratorFolders) return;
  lastGeneratorFolders = JSON.stringify(folders);
  await vscode.commands.executeCommand('setContext', GENERATOR_FOLDERS_KEY, folders);
}

/** Registers the card under both view types, the folder command and the generator-folders context key. */
export function registerGeneratorCard(services: HostServices): vscode.Disposable {
  const provider = new GeneratorCardProvider(services);
  const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${MANIFEST_FILE}`);
  const refresh = (): void => void updateGeneratorFolderContext().catch(() => undefined);
  refresh();
  return vscode.Disposable.from(
    vscode.window.registerCustomEditorProvider(GENERATOR_CARD_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(GENERATOR_CARD_MANIFEST_VIEW_TYPE, provider, options),
    vscode.commands.registerCommand(OPEN_GENERATOR_CARD_COMMAND, (arg: unknown) => openGeneratorCard(arg)),
    watcher,
    watcher.onDidCreate(refresh),
    watcher.onDidDelete(refresh),
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
  );
}
