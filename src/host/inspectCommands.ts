// "Inspect Dataset": what an image, signal or tokenizer file (or a DICOM folder) holds, shown as a
// read-only document. Inspection loads no model and writes nothing, so it works in Restricted Mode;
// the summary carries no patient identifiers (the readers keep none).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { humanInspect } from '../core/data/inspectText';
import { inspectInWorker } from '../engine/datasetInspection';
import { finiteOrNull } from '../storage/datasets';
import { withCancellableProgress } from './cancellation';
import type { Refusal } from './commandContext';
import { describeError, refuse } from './commandContext';
import type { HostServices } from './hostServices';
import { decodeLimits, readSettings } from './settings';

export const INSPECT_SCHEME = 'medsynth-inspect';

/** Holds the text of each read-only document MedSynth opens (inspections, run comparisons); VS Code asks for it by URI. */
export class InspectDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

export interface InspectResult {
  readonly ok: true;
  readonly description: Record<string, unknown>;
  readonly document: string;
}

export async function inspectDataset(services: HostServices, uri: vscode.Uri | undefined): Promise<InspectResult | Refusal> {
  const documents = services.inspectDocuments;
  if (!documents) return refuse('MedSynth is not activated yet.');
  uri ??= (
    await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: 'Inspect',
      title: 'MedSynth: inspect an image, signal or tokenizer file, or a DICOM folder',
    })
  )?.[0];
  if (!uri) return { ok: false, reason: 'nothing picked' };
  const name = path.basename(uri.fsPath);
  try {
    const limits = decodeLimits(readSettings(uri));
    // Read in a worker thread: decoders never run on the extension host's thread, and cancel ends them at once.
    const script = path.join(services.extensionPath, 'dist', 'datasetWorker.js');
    const description = await withCancellableProgress(`MedSynth: reading ${name}`, (signal) =>
      inspectInWorker(uri.fsPath, { script, limits, signal }),
    );
    const docUri = vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${name}.txt`, query: uri.toString() });
    documents.set(docUri, `${humanInspect(description)}\n${JSON.stringify(description, finiteOrNull, 2)}\n`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(docUri), { preview: true });
    services.log.info(`inspected ${uri.fsPath} (${String(description.format)})`);
    return { ok: true, description, document: docUri.toString() };
  } catch (e) {
    const reason = describeError(e);
    services.log.error(`inspect ${uri.fsPath}: ${reason}`);
    return refuse(`cannot inspect ${name}: ${reason}`);
  }
}
