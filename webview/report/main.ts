// The report app: a ready -> init handshake, then the Report rendered as header, score cards, the
// privacy questions (before the scores when any answer is a risk, as in report.html), the TSTR vs TRTR
// utility table, per-column charts, the DCR histogram and a per-column score table; an image report shows its
// samples, nearest neighbours and embedding (imagesSection.ts) instead of the empty column sections. Buttons only send messages;
// the host exports or opens files and answers with the same request id.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '../../media/webview.css';
import '../../media/report.css';
import type { Report } from '../../src/core/report/model';
import type { ReportAction, ReportHostMessage, ReportUiState, ReportWebviewMessage } from '../../src/protocol/report';
import { assertNever } from '../../src/protocol/messageChecks';
import { renderHistogramSvg } from '../../src/core/report/charts';
import { provenanceEntries, readerNoteLines, reportNouns } from '../../src/core/report/reportText';
import { privacyFirst, privacyQuestions } from '../../src/core/report/privacyQuestions';
import { dcrBaseline, reportVerdict } from '../../src/core/report/verdict';
import { custom, formatScore, h, svgFromMarkup } from '../shared/dom';
import { connectHost, PendingRequests } from '../shared/hostChannel';
import { columnCharts, columnTable } from './columnsSection';
import { correlationSection } from './correlationSection';
import { imageSections } from './imagesSection';
import { privacySection } from './privacySection';
import { scoreCard } from './scoreCards';
import { utilitySection } from './utilitySection';

const ACTION_TIMEOUT_MS = 120_000;
const ACTION_LABELS: Readonly<Record<ReportAction, string>> = {
  exportHtml: 'Export HTML',
  exportMarkdown: 'Export Markdown',
  openSynthetic: 'Open synthetic data',
};

const app = document.getElementById('app') ?? document.body;
const host = connectHost<ReportHostMessage, ReportWebviewMessage, ReportUiState>(onHostMessage);
const pending = new PendingRequests<ReportAction>(ACTION_TIMEOUT_MS, (action) => setStatus(`${ACTION_LABELS[action]}: no answer`, true));
let restoredScroll = false;

function onHostMessage(message: ReportHostMessage): void {
  switch (message.type) {
    case 'init':
      render(message.report, message.canOpenSynthetic);
      break;
    case 'actionResult': {
      const action = pending.close(message.id);
      if (action !== undefined) setStatus(message.message ?? `${ACTION_LABELS[action]}: ${message.ok ? 'done' : 'failed'}`, !message.ok);
      break;
    }
    default:
      assertNever(message);
  }
}

function render(report: Report, canOpenSynthetic: boolean): void {
  const actions = (Object.keys(ACTION_LABELS) as ReportAction[]).map((action) => {
    const button = custom(
      'vscode-button',
      { 'data-action': action, secondary: action !== 'exportHtml', disabled: action === 'openSynthetic' && !canOpenSynthetic },
      ACTION_LABELS[action],
    );
    button.addEventListener('click', () => {
      if (button.hasAttribute('disabled')) return;
      host.post({ type: 'action', id: pending.open(action), action });
      setStatus(`${ACTION_LABELS[action]}…`, false);
    });
    return button;
  });
  const dcr = report.dcrHistogram;
  const image = report.modality === 'image';
  const dcrTitle = image ? 'Distance to closest real image' : 'Distance to closest real record';
  const dcrHint = image
    ? "Per synthetic image, the distance of its embedder features to the nearest real image's (0 = the same features). Mass piled at 0 means copied patients."
    : 'Per synthetic row, the distance to its nearest real row (0 = a copy). Mass piled at 0 means memorised records.';
  // Table-only sections stay out of a report that has nothing for them (an image report has no columns).
  const hasColumns = report.columns.length > 0 || report.modality === 'table';
  // The privacy questions go before the scores when any answer is a risk, after them otherwise.
  const privacy = privacySection(report);
  const first = privacyFirst(privacyQuestions(report));
  const sections: (HTMLElement | null)[] = [
    h(
      'header',
      { class: 'report-header' },
      h('div', { class: 'heading' }, h('h1', {}, 'Synthetic data report'), custom('vscode-badge', {}, report.modality)),
      h('div', { class: 'actions' }, ...actions, h('span', { class: 'status', role: 'status' })),
      provenance(report),
      h(
        'ul',
        { class: 'verdicts' },
        ...reportVerdict(report).map((v) =>
          h(
            'li',
            { class: `verdict-line ${v.level}`, 'data-topic': v.topic },
            h('span', { class: `verdict ${v.level}` }, v.topic),
            ' ',
            v.text,
          ),
        ),
      ),
    ),
    first ? privacy : null,
    h('section', { class: 'scores' }, h('h2', {}, 'Scores'), h('div', { class: 'cards' }, ...report.metrics.map(scoreCard))),
    first ? null : privacy,
    utilitySection(report),
    hasColumns ? h('section', { class: 'columns' }, h('h2', {}, 'Real vs synthetic, per column'), columnCharts(report.columns)) : null,
    correlationSection(report),
    dcr
      ? h(
          'section',
          { class: 'dcr' },
          h('h2', {}, dcrTitle),
          h('p', { class: 'hint' }, `${dcrHint}${dcrBaselineHint(report)}`),
          svgFromMarkup(renderHistogramSvg(dcr, dcrTitle, { width: 560, height: 190 })),
        )
      : null,
    ...imageSections(report),
    hasColumns ? h('section', { class: 'column-scores' }, h('h2', {}, 'Per-column fidelity'), columnTable(report)) : null,
  ];
  app.replaceChildren(...sections.filter((s): s is HTMLElement => s !== null));
  const saved = host.savedState;
  if (!restoredScroll && saved && Number.isFinite(saved.scrollTop)) window.scrollTo(0, saved.scrollTop);
  restoredScroll = true;
}

/** What the holdout baseline says about the DCR histogram; empty without a holdout. */
function dcrBaselineHint(report: Report): string {
  const base = dcrBaseline(report.metrics.find((m) => m.id === 'privacy.dcr'));
  if (!base) return '';
  const { samples } = reportNouns(report.modality);
  return ` The holdout ${samples} (real patients the generator never saw) lie at a median distance of ${formatScore(base.median)} from the training ${samples}: synthetic ${samples} at about that distance or more are as far from the training patients as new patients are.`;
}

function provenance(report: Report): HTMLElement {
  const g = report.generator;
  // Real, holdout and synthetic with their hashes, the run id and the MedSynth version, as every view words them.
  const rows: [string, string][] = provenanceEntries(report);
  if (g) {
    rows.push(['Generator', `${g.name} (${g.family})`]);
    rows.push(['Provider', g.executionProvider ?? 'unknown']);
    rows.push(['Seed', g.seed !== undefined ? String(g.seed) : 'unknown']);
  }
  rows.push(['Created', report.createdAt]);
  // What a reader assumed or repaired (padding, comments, encoding) is said here, as in report.html.
  const notes = readerNoteLines(report);
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'provenance' },
      ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { title: v, 'data-field': k.toLowerCase() }, v)]),
    ),
    ...(notes.length > 0 ? [h('ul', { class: 'reader-notes' }, ...notes.map((n) => h('li', {}, n)))] : []),
  );
}

function setStatus(text: string, isError: boolean): void {
  const el = app.querySelector<HTMLElement>('.status');
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('error', isError);
}

window.addEventListener('scroll', () => host.saveState({ scrollTop: window.scrollY }), { passive: true });
host.post({ type: 'ready' });
