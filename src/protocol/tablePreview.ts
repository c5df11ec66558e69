// Messages between the host and the table preview webview. Both sides import these unions, so a change
// here breaks the build on whichever side forgot it. The webview asks; the host validates and answers.
import type { ColumnKind } from '../core/data/table/table';
import type { TablePreviewModel } from '../core/preview/model';
import { isBoundedInt, isRecord, isRequestId, isShortString } from './messageChecks';

export type { ColumnHistogram, ColumnPreview, ColumnStats, TablePreviewModel } from '../core/preview/model';

export const COLUMN_KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'datetime', 'boolean', 'identifier', 'text'];

/** The most rows one `requestRows` may ask for: the host must never serialise a whole table at once. */
export const MAX_ROWS_PER_REQUEST = 2000;

/** The MedSynth commands the preview offers for its table; the host runs them with the table's URI. */
export type TablePreviewCommand = 'fitGenerator' | 'runFullLoop';

export const TABLE_PREVIEW_COMMANDS: readonly TablePreviewCommand[] = ['fitGenerator', 'runFullLoop'];

/** Where the preview's type changes go: the table's entry in the medsynth.columns setting. */
export interface ColumnTypeSettings {
  /** The table's key in medsynth.columns; absent for a file outside every workspace folder (nothing is saved). */
  readonly key?: string;
  /** The kinds medsynth.columns gives this table (its own entry over "*"): what Fit and Run use. */
  readonly saved: Readonly<Record<string, ColumnKind>>;
}

/** What the webview keeps through `vscode.setState`: only UI state, never data. */
export interface TablePreviewUiState {
  readonly scrollTop: number;
}

export type TablePreviewHostMessage =
  | { readonly type: 'init'; readonly model: TablePreviewModel; readonly types: ColumnTypeSettings }
  /** What an action did, in a sentence (a saved type, a cleared entry, a started command). */
  | { readonly type: 'notice'; readonly message: string }
  | { readonly type: 'rows'; readonly id: number; readonly offset: number; readonly rows: readonly (readonly string[])[] }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };

export type TablePreviewWebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'requestRows'; readonly id: number; readonly offset: number; readonly count: number }
  | { readonly type: 'setColumnKind'; readonly column: string; readonly kind: ColumnKind }
  /** Removes this table's entry from medsynth.columns, so its types are inferred again. */
  | { readonly type: 'clearColumnKinds' }
  | { readonly type: 'runCommand'; readonly command: TablePreviewCommand };

/**
 * Validates a message posted by the table preview webview: known type, integer ids, bounded sizes.
 * Returns the typed message, or undefined for anything malformed (the host drops and logs it).
 */
export function parseTablePreviewMessage(x: unknown): TablePreviewWebviewMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'requestRows':
      if (!isRequestId(x.id) || !isBoundedInt(x.offset, 0, Number.MAX_SAFE_INTEGER) || !isBoundedInt(x.count, 1, MAX_ROWS_PER_REQUEST))
        return undefined;
      return { type: 'requestRows', id: x.id, offset: x.offset, count: x.count };
    case 'setColumnKind':
      if (!isShortString(x.column) || typeof x.kind !== 'string' || !(COLUMN_KINDS as readonly string[]).includes(x.kind)) return undefined;
      return { type: 'setColumnKind', column: x.column, kind: x.kind as ColumnKind };
    case 'clearColumnKinds':
      return { type: 'clearColumnKinds' };
    case 'runCommand':
      if (typeof x.command !== 'string' || !(TABLE_PREVIEW_COMMANDS as readonly string[]).includes(x.command)) return undefined;
      return { type: 'runCommand', command: x.command as TablePreviewCommand };
    default:
      return undefined;
  }
}
