// The table preview app: a ready -> init handshake, then a virtualised grid whose pages are requested
// from the host by id. It renders and messages only; the host owns the file and validates requests.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '../../media/webview.css';
import '../../media/tablePreview.css';
import type { ColumnKind } from '../../src/core/data/table/table';
import type {
  ColumnTypeSettings,
  TablePreviewHostMessage,
  TablePreviewModel,
  TablePreviewUiState,
  TablePreviewWebviewMessage,
} from '../../src/protocol/tablePreview';
import { assertNever } from '../../src/protocol/messageChecks';
import { custom, formatCount, h } from '../shared/dom';
import { connectHost, PendingRequests } from '../shared/hostChannel';
import { columnHeader } from './columnHeader';
import { RowWindow } from './rowWindow';
import { typesBar } from './typesBar';

const REQUEST_TIMEOUT_MS = 15_000;

let rowWindow: RowWindow | undefined;
let current: TablePreviewModel | undefined;
let restoredScroll = false;
const app = document.getElementById('app') ?? document.body;

const host = connectHost<TablePreviewHostMessage, TablePreviewWebviewMessage, TablePreviewUiState>(onHostMessage);
const pending = new PendingRequests<number>(REQUEST_TIMEOUT_MS, (page) => rowWindow?.dropRequest(page));

function onHostMessage(message: TablePreviewHostMessage): void {
  switch (message.type) {
    case 'init':
      render(message.model, message.types);
      break;
    case 'notice':
      showNotice(message.message);
      break;
    case 'rows':
      // An answer to an expired or unknown request is dropped: the page was asked for again.
      if (pending.close(message.id) !== undefined) rowWindow?.addPage(message.offset, message.rows);
      break;
    case 'error':
      if (message.id !== undefined) {
        const page = pending.close(message.id);
        if (page !== undefined) rowWindow?.dropRequest(page);
      }
      showError(message.message);
      break;
    default:
      assertNever(message);
  }
}

function render(model: TablePreviewModel, types: ColumnTypeSettings): void {
  current = model;
  const onKind =
    (column: string) =>
    (kind: ColumnKind): void =>
      host.post({ type: 'setColumnKind', column, kind });
  const headRow = h(
    'tr',
    {},
    h('th', { class: 'rownum corner', scope: 'col' }, '#'),
    ...model.columns.map((c) => columnHeader(c, model.rowCount, onKind(c.name), types.saved[c.name] !== undefined)),
  );
  const body = h('tbody');
  const scroller = h(
    'div',
    { class: 'scroller', tabindex: 0 },
    h('table', { class: 'grid', 'aria-rowcount': model.rowCount + 1 }, h('thead', {}, headRow), body),
  );
  const toolbar = h(
    'header',
    { class: 'toolbar' },
    h('span', { class: 'title', title: model.file ?? model.title }, model.title),
    custom('vscode-badge', { class: 'shape' }, `${formatCount(model.rowCount)} rows × ${model.columns.length} columns`),
    model.format ? h('span', { class: 'format' }, model.format.toUpperCase()) : null,
    h('span', { class: 'error', role: 'alert', hidden: true }),
  );
  const notice = app.querySelector<HTMLElement>('.types-bar .notice')?.textContent ?? '';
  // What the reader assumed or repaired reading the file, one small line each, above the grid.
  const notes =
    model.notes.length > 0
      ? h(
          'div',
          { class: 'reader-notes', role: 'note' },
          ...model.notes.map((n) => h('p', { class: 'reader-note' }, `Read with a note: ${n}`)),
        )
      : null;
  app.replaceChildren(...[toolbar, typesBar(types, (m) => host.post(m)), notes, scroller].filter((el): el is HTMLElement => el !== null));
  if (notice) showNotice(notice);

  const pageSize = Math.max(1, model.pageSize);
  rowWindow = new RowWindow(scroller, body, {
    rowCount: model.rowCount,
    columnCount: model.columns.length,
    pageSize,
    requestPage: (page): void => {
      const offset = page * pageSize;
      const id = pending.open(page);
      host.post({ type: 'requestRows', id, offset, count: Math.min(pageSize, model.rowCount - offset) });
    },
  });
  if (model.firstRows.length > 0) rowWindow.addPage(0, model.firstRows);

  scroller.addEventListener('scroll', () => host.saveState({ scrollTop: scroller.scrollTop }), { passive: true });
  const saved = host.savedState;
  if (!restoredScroll && saved && Number.isFinite(saved.scrollTop)) scroller.scrollTop = saved.scrollTop;
  restoredScroll = true;
  rowWindow.render();
}

function showNotice(text: string): void {
  const el = app.querySelector<HTMLElement>('.types-bar .notice');
  if (el) el.textContent = text;
  const error = app.querySelector<HTMLElement>('.toolbar .error');
  if (error) error.hidden = true;
}

function showError(text: string): void {
  // A refused kind change leaves the selects showing a kind the host did not apply: put them back.
  app.querySelectorAll<HTMLElement & { value: string }>('th.column vscode-single-select').forEach((select, i) => {
    const kind = current?.columns[i]?.kind;
    if (kind !== undefined && select.value !== kind) select.value = kind;
  });
  const el = app.querySelector<HTMLElement>('.toolbar .error');
  if (!el) return;
  el.textContent = text;
  el.hidden = false;
}

host.post({ type: 'ready' });
