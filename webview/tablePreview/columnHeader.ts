// One column header of the preview: name, kind (editable: the host decides whether to re-type the
// column and answers with a fresh `init`), a small histogram and the missing count.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { ColumnKind } from '../../src/core/data/table/table';
import type { ColumnHistogram, ColumnPreview } from '../../src/protocol/tablePreview';
import { COLUMN_KINDS } from '../../src/protocol/tablePreview';
import { barChart } from '../shared/charts';
import { custom, formatCount, h } from '../shared/dom';

const CHART_WIDTH = 140;
const CHART_HEIGHT = 36;

/** `saved`: the kind comes from medsynth.columns (the picker or the user's settings), not inference. */
export function columnHeader(
  column: ColumnPreview,
  rowCount: number,
  onKindChange: (kind: ColumnKind) => void,
  saved = false,
): HTMLTableCellElement {
  const select = custom(
    'vscode-single-select',
    { class: 'kind', 'aria-label': `Kind of column ${column.name}` },
    ...COLUMN_KINDS.map((k) => custom('vscode-option', { value: k, selected: k === column.kind }, k)),
  );
  select.addEventListener('change', () => {
    const value = (select as HTMLElement & { value: string }).value as ColumnKind;
    if (value !== column.kind) onKindChange(value);
  });
  const missingPct = rowCount > 0 ? (100 * column.missing) / rowCount : 0;
  return h(
    'th',
    { class: `column kind-${column.kind}${saved ? ' saved' : ''}`, scope: 'col', 'data-column': column.name, 'data-kind': column.kind },
    h(
      'div',
      { class: 'name', title: column.name },
      column.name,
      saved ? h('span', { class: 'saved-mark', title: 'Kind set in medsynth.columns: Fit and Run use it' }, 'saved') : null,
    ),
    select,
    h('div', { class: 'hist' }, histogram(column.histogram)),
    h(
      'div',
      { class: 'meta' },
      h(
        'span',
        {
          class: column.missing > 0 ? 'missing-count has-missing' : 'missing-count',
          title: `${formatCount(column.missing)} missing of ${formatCount(rowCount)}`,
        },
        `missing ${formatCount(column.missing)}${column.missing > 0 ? ` (${missingPct < 0.1 ? '<0.1' : missingPct.toFixed(1)}%)` : ''}`,
      ),
      h('span', { class: 'distinct' }, `${formatCount(column.distinct)} distinct`),
    ),
    statsLine(column),
  );
}

function histogram(hist: ColumnHistogram): Node {
  switch (hist.type) {
    case 'bins':
      return barChart(hist.counts, { width: CHART_WIDTH, height: CHART_HEIGHT, labels: hist.labels, className: 'numeric' });
    case 'categories': {
      const counts = hist.otherCount > 0 ? [...hist.counts, hist.otherCount] : hist.counts;
      const labels = hist.otherCount > 0 ? [...hist.labels, '(other)'] : hist.labels;
      return barChart(counts, { width: CHART_WIDTH, height: CHART_HEIGHT, labels, className: 'categorical' });
    }
    case 'none':
      return h('div', { class: 'no-hist' }, 'no histogram');
  }
}

function statsLine(column: ColumnPreview): HTMLElement | null {
  if (column.histogram.type === 'categories' && column.histogram.labels.length > 0) {
    // Bars of a categorical histogram carry no labels; the most frequent category is named here instead.
    const top = `${column.histogram.labels[0]} (${formatCount(column.histogram.counts[0])})`;
    return h('div', { class: 'stats', title: `most frequent: ${top}` }, `top: ${top}`);
  }
  const { min, max, mean } = column.stats;
  if (min === undefined || max === undefined) return null;
  const meanText = mean !== undefined ? ` · mean ${Number(mean.toPrecision(4))}` : '';
  return h('div', { class: 'stats', title: `min ${min}, max ${max}` }, `${min} … ${max}${meanText}`);
}
