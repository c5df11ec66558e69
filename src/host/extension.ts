// The extension entry (bundled to dist/extension.js). Activation wires the log, the shared services,
// the Studio view and the command table; everything disposable goes into context.subscriptions so
// deactivation (or a reload) leaves no process, listener or panel behind.
import { installKnnWorkers } from '../engine/knnPool';
import * as vscode from 'vscode';
import { COMMANDS } from './commandTable';
import { registerGeneratorCard } from './generatorCardProvider';
import { HostServices } from './hostServices';
import { registerImageViewer } from './imageViewerProvider';
import { INSPECT_SCHEME, InspectDocuments } from './inspectCommands';
import { COMPARE_SCHEME } from './runManagement';
import { StudioView } from './studioView';

/** What activate() returns: the extension's API, which tests read through `extension.exports`. */
export interface MedSynthApi {
  readonly commandIds: readonly string[];
  /** The Studio's tree provider: integration tests read its nodes and pass them to commands as VS Code does. */
  readonly studio: StudioView;
}

export function activate(context: vscode.ExtensionContext): MedSynthApi {
  const log = vscode.window.createOutputChannel('MedSynth', { log: true });
  context.subscriptions.push(log);
  const services = new HostServices(context.extensionUri, context.extensionPath, log);
  context.subscriptions.push(services);

  const inspectDocuments = new InspectDocuments();
  services.inspectDocuments = inspectDocuments;
  context.subscriptions.push(inspectDocuments, vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, inspectDocuments));

  const compareDocuments = new InspectDocuments();
  services.compareDocuments = compareDocuments;
  context.subscriptions.push(compareDocuments, vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, compareDocuments));

  const studio = new StudioView();
  services.studio = studio;
  // Many runs can be selected at once: Compare Runs takes two, Delete Run any number.
  context.subscriptions.push(studio, vscode.window.createTreeView('medsynth.studio', { treeDataProvider: studio, canSelectMany: true }));

  // DICOM, DICOMDIR and NIfTI open in the image viewer (PNG/JPEG through Open With).
  context.subscriptions.push(registerImageViewer(services));
  // .onnx files (and, through Open With, medsynth.json) open in the generator card.
  context.subscriptions.push(registerGeneratorCard(services));

  // The privacy metrics' neighbour searches run on worker threads (dist/knnWorker.js), stopped on deactivation.
  const stopKnnWorkers = installKnnWorkers();
  context.subscriptions.push({ dispose: () => void stopKnnWorkers() });

  for (const [id, factory] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, factory(services, studio)));
  }

  // New datasets, folders and finished runs show up in the Studio (and the explorer's folder menus) without
  // a manual refresh. Folders are watched too: a folder copied in at once (a DICOM series, `cp -r`) can
  // reach the watcher as the folder alone, its files created before the folder itself was watched.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(() => studio.refreshSoon()),
    watcher.onDidDelete(() => studio.refreshSoon()),
  );
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: fitting and generating enabled')),
  );

  log.info(
    `MedSynth ${String(context.extension.packageJSON.version)} activated (${vscode.workspace.isTrusted ? 'trusted' : 'Restricted Mode'}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`,
  );
  return { commandIds: Object.keys(COMMANDS), studio };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it, which also kills the inference child.
}
