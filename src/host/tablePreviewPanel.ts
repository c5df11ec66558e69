// The table preview: the host reads the file once (streamed; only the first medsynth.maxRows rows of
// a larger file, so any size opens), sends the
// schema, histograms and first page in `init`, then serves further pages only on request so a large
// table is never serialised to the webview at once.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { ColumnKind, Table } from '../core/data/table';
import { buildTablePreview, tableRows } from '../core/preview/tablePreview';
import { assertNever } from '../protocol/messageChecks';
import { MAX_ROWS_PER_REQUEST, parseTablePreviewMessage } from '../protocol/tablePreview';
import type { TablePreviewHostMessage, TablePreviewWebviewMessage } from '../protocol/tablePreview';
import { readTableFile } from '../storage/tables';
import { createMedSynthPanel, disposeWithPanel, onValidatedMessage } from './webviewPanels';

export interface TablePreviewResult {
  readonly ok: true;
  readonly file: string;
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly kind: string }[];
}

export async function readTableForPreview(file: string, maxRows: number, signal?: AbortSignal, types?: Readonly<Record<string, ColumnKind>>): Promise<Table> {
  return readTableFile(file, { headRows: maxRows, signal, types });
}

/** Opens (or reveals) a preview panel for an already-read table and answers its messages. */
export function showTablePreview(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, file: string, first: Table, maxRows: number): TablePreviewResult {
  let table = first;
  // Type overrides the user picked in the preview; a re-read applies them all, as `inspect` would.
  const overrides: Record<string, ColumnKind> = {};
  const title = `Preview: ${path.basename(file)}`;
  const panel = createMedSynthPanel(extensionUri, { viewType: 'medsynth.tablePreview', title, app: 'tablePreview' });
  let model = buildTablePreview(table, { title: path.basename(file) });
  const post = (m: TablePreviewHostMessage): void => {
    void panel.webview.postMessage(m);
  };
  const handle = (m: TablePreviewWebviewMessage): void => {
    switch (m.type) {
      case 'ready':
        post({ type: 'init', model });
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
        overrides[m.column] = m.kind;
        readTableForPreview(file, maxRows, undefined, { ...overrides }).then(
          (retyped) => {
            table = retyped;
            model = buildTablePreview(table, { title: path.basename(file) });
            post({ type: 'init', model });
          },
          (e: unknown) => {
            delete overrides[m.column];
            post({ type: 'error', message: `"${m.column}" cannot be read as ${m.kind}: ${e instanceof Error ? e.message : String(e)}` });
          },
        );
        return;
      default:
        assertNever(m);
    }
  };
  disposeWithPanel(panel, [onValidatedMessage(panel, parseTablePreviewMessage, handle, log)]);
  log.info(`preview ${file}: ${table.rowCount} rows, ${table.columns.length} columns`);
  return { ok: true, file, rows: table.rowCount, columns: table.columns.map((c) => ({ name: c.name, kind: c.kind })) };
}
