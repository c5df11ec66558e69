// The table preview: the host reads the file once (streamed; only the first medsynth.maxRows rows of
// a larger file, so any size opens), sends the schema, histograms and first page in `init`, then
// serves further pages only on request so a large table is never serialised to the webview at once.
// The type picker writes medsynth.columns, the setting Fit and Run read, so what the preview shows is
// what the generator gets; one panel per file, re-opening it brings it to the front.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ColumnKind, Table } from '../core/data/table/table';
import { clearedNotice, previewOnlyNotice, savedNotice, withColumnKind, withoutTable } from '../core/preview/columnOverrides';
import { buildTablePreview, tableRows } from '../core/preview/tablePreview';
import { assertNever } from '../protocol/messageChecks';
import { MAX_ROWS_PER_REQUEST, parseTablePreviewMessage } from '../protocol/tablePreview';
import type { ColumnTypeSettings, TablePreviewHostMessage, TablePreviewWebviewMessage } from '../protocol/tablePreview';
import { readTableFile } from '../storage/tables';
import { PanelsByFile } from './panelsByFile';
import { columnsKeyFor, columnTypesFor, tableReadSettings } from './settings';
import { createMedSynthPanel, disposeWithPanel, onValidatedMessage } from './webviewPanels';

export interface TablePreviewResult {
  readonly ok: true;
  readonly file: string;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly kind: string }[];
}

/** Reads the head of a table; without explicit `types`, with the kinds medsynth.columns gives it. */
export async function readTableForPreview(
  file: string,
  maxRows: number,
  signal?: AbortSignal,
  types?: Readonly<Record<string, ColumnKind>>,
): Promise<Table> {
  const uri = vscode.Uri.file(file);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const saved = types ?? (folder ? (await tableReadSettings(folder, uri, signal))?.types : undefined);
  return readTableFile(file, { headRows: maxRows, signal, types: saved });
}

/** A preview panel's way to take a freshly read table when its file is opened again. */
type Refresh = (table: Table) => void;

const previews = new PanelsByFile<vscode.WebviewPanel, Refresh>();

/** Opens a preview panel for an already-read table, or brings the file's open preview to the front. */
export function showTablePreview(
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
  file: string,
  first: Table,
  maxRows: number,
): TablePreviewResult {
  const result: TablePreviewResult = {
    ok: true,
    file,
    rows: first.rowCount,
    columns: first.columns.map((c) => ({ name: c.name, kind: c.kind })),
  };
  const open = previews.reveal(file);
  if (open) {
    open.state(first);
    return result;
  }
  const uri = vscode.Uri.file(file);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const key = folder ? columnsKeyFor(folder, uri) : undefined;
  // Kinds picked for a file outside every workspace folder live only in this panel.
  const previewOnly: Record<string, ColumnKind> = {};
  let table = first;
  const title = path.basename(file);
  const panel = createMedSynthPanel(extensionUri, { viewType: 'medsynth.tablePreview', title: `Preview: ${title}`, app: 'tablePreview' });
  const post = (m: TablePreviewHostMessage): void => {
    void panel.webview.postMessage(m);
  };
  const typeSettings = (): ColumnTypeSettings => {
    if (!folder || key === undefined) return { saved: { ...previewOnly } };
    return {
      key,
      saved:
        columnTypesFor(
          folder,
          uri,
          table.columns.map((c) => c.name),
        ) ?? {},
    };
  };
  const sendInit = (): void => post({ type: 'init', model: buildTablePreview(table, { title }), types: typeSettings() });
  const refresh: Refresh = (fresh) => {
    table = fresh;
    sendInit();
  };
  // Writes go to the workspace folder's own level (never a copy of the merged user + workspace value).
  const updateSetting = async (next: (current: unknown) => Record<string, unknown> | undefined): Promise<void> => {
    if (!folder) return;
    const config = vscode.workspace.getConfiguration('medsynth', folder.uri);
    await config.update(
      'columns',
      next(config.inspect<unknown>('columns')?.workspaceFolderValue),
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
  };
  const setKind = async (column: string, kind: ColumnKind): Promise<void> => {
    const types = { ...typeSettings().saved, [column]: kind };
    let retyped: Table;
    try {
      retyped = await readTableForPreview(file, maxRows, undefined, types);
    } catch (e) {
      // Nothing is saved for a kind the column cannot be read as.
      post({ type: 'error', message: `"${column}" cannot be read as ${kind}: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    if (key === undefined) {
      previewOnly[column] = kind;
      refresh(retyped);
      post({ type: 'notice', message: previewOnlyNotice(column, kind) });
      return;
    }
    await updateSetting((current) => withColumnKind(current, key, column, kind));
    refresh(retyped);
    post({ type: 'notice', message: savedNotice(key, column, kind) });
  };
  const clearKinds = async (): Promise<void> => {
    if (key === undefined) {
      for (const column of Object.keys(previewOnly)) delete previewOnly[column];
    } else {
      await updateSetting((current) => withoutTable(current, key));
    }
    refresh(await readTableForPreview(file, maxRows));
    post({ type: 'notice', message: key === undefined ? 'Type changes cleared: the preview infers the types again.' : clearedNotice(key) });
  };
  const handle = async (m: TablePreviewWebviewMessage): Promise<void> => {
    switch (m.type) {
      case 'ready':
        sendInit();
        return;
      case 'requestRows': {
        const count = Math.min(m.count, MAX_ROWS_PER_REQUEST);
        try {
          post({ type: 'rows', id: m.id, offset: m.offset, rows: tableRows(table, m.offset, count) });
        } catch (e) {
          post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
        }
        return;
      }
      case 'setColumnKind':
      case 'clearColumnKinds':
        try {
          await (m.type === 'setColumnKind' ? setKind(m.column, m.kind) : clearKinds());
        } catch (e) {
          post({ type: 'error', message: `medsynth.columns could not be written: ${e instanceof Error ? e.message : String(e)}` });
        }
        return;
      case 'runCommand':
        // The command reads medsynth.columns itself, so it uses the types the preview just saved.
        post({
          type: 'notice',
          message: `${m.command === 'fitGenerator' ? 'Fit Generator' : 'Run Full Loop'} started on ${title}${key !== undefined ? ' with the types in medsynth.columns' : ''}.`,
        });
        await vscode.commands.executeCommand(`medsynth.${m.command}`, uri);
        return;
      default:
        assertNever(m);
    }
  };
  previews.add(file, panel, refresh);
  disposeWithPanel(panel, [onValidatedMessage(panel, parseTablePreviewMessage, handle, log)]);
  log.info(`preview ${file}: ${table.rowCount} rows, ${table.columns.length} columns`);
  return result;
}
