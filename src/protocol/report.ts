// Messages between the host and the report webview. The report itself is the engine's Report model
// (report.json), sent whole in `init`: it is small, pre-binned, and holds no raw rows.
import type { Report } from '../core/report/model';
import { isRecord, isRequestId } from './messageChecks';

export type ReportAction = 'exportHtml' | 'exportMarkdown' | 'openSynthetic';

export const REPORT_ACTIONS: readonly ReportAction[] = ['exportHtml', 'exportMarkdown', 'openSynthetic'];

/** What the report webview keeps through `vscode.setState`: only UI state. */
export interface ReportUiState {
  readonly scrollTop: number;
  readonly expandedColumns?: readonly string[];
}

export type ReportHostMessage =
  | { readonly type: 'init'; readonly report: Report; readonly canOpenSynthetic: boolean }
  | { readonly type: 'actionResult'; readonly id: number; readonly ok: boolean; readonly message?: string };

export type ReportWebviewMessage =
  { readonly type: 'ready' } | { readonly type: 'action'; readonly id: number; readonly action: ReportAction };

/**
 * Validates a message posted by the report webview. Returns the typed message, or undefined for
 * anything malformed; the host never acts on an unvalidated message.
 */
export function parseReportMessage(x: unknown): ReportWebviewMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'action':
      if (!isRequestId(x.id) || typeof x.action !== 'string' || !(REPORT_ACTIONS as readonly string[]).includes(x.action)) return undefined;
      return { type: 'action', id: x.id, action: x.action as ReportAction };
    default:
      return undefined;
  }
}
