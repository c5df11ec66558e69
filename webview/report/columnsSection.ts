// Per-column views of the report: real-vs-synthetic histograms and the table of per-column fidelity
// scores taken from the ksComplement / tvComplement details. The charts come from the engine's pure SVG
// builders so that the webview and the exported report.html draw the same picture.
import type { ColumnComparison, Report } from '../../src/core/report/model';
import { renderDistributionSvg } from '../../src/core/report/charts';
import { formatScore, h, svgFromMarkup } from '../shared/dom';

const CHART_W = 300;
const CHART_H = 150;

/** details.perColumn of one metric as a name -> score map; anything else in details is ignored. */
export function perColumnScores(report: Report, metricId: string): ReadonlyMap<string, number> {
  const per = report.metrics.find((m) => m.id === metricId)?.details.perColumn;
  const out = new Map<string, number>();
  if (typeof per === 'object' && per !== null) {
    for (const [name, v] of Object.entries(per as Record<string, unknown>)) if (typeof v === 'number') out.set(name, v);
  }
  return out;
}

export function columnCharts(columns: readonly ColumnComparison[]): HTMLElement {
  if (columns.length === 0) return h('p', { class: 'empty' }, 'No column comparisons in this report.');
  return h(
    'div',
    { class: 'column-grid' },
    ...columns.map((c) =>
      h(
        'figure',
        { class: 'column-chart', 'data-column': c.name },
        svgFromMarkup(renderDistributionSvg(c, { width: CHART_W, height: CHART_H })),
        h('figcaption', {}, h('span', { class: 'col-name', title: c.name }, c.name), h('span', { class: 'col-kind' }, c.kind)),
      ),
    ),
  );
}

export function columnTable(report: Report): HTMLElement {
  const ks = perColumnScores(report, 'fidelity.ksComplement');
  const tv = perColumnScores(report, 'fidelity.tvComplement');
  const names = report.columns.length > 0 ? report.columns.map((c) => c.name) : [...new Set([...ks.keys(), ...tv.keys()])];
  const byName = new Map(report.columns.map((c) => [c.name, c]));
  const cell = (v: number | undefined, cls: string): HTMLTableCellElement =>
    h('td', { class: `num ${cls}${v !== undefined ? ` level-${level(v)}` : ''}` }, v === undefined ? '' : formatScore(v));
  const pct = (v: number | undefined): string => (v === undefined ? '' : `${(v * 100).toFixed(1)}%`);
  return h(
    'table',
    { class: 'columns-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Column'),
        h('th', {}, 'Kind'),
        h('th', { class: 'num' }, '1 − KS'),
        h('th', { class: 'num' }, '1 − TVD'),
        h('th', { class: 'num' }, 'Missing real'),
        h('th', { class: 'num' }, 'Missing synth'),
      ),
    ),
    h(
      'tbody',
      {},
      ...names.map((n) => {
        const c = byName.get(n);
        return h(
          'tr',
          { 'data-column': n },
          h('td', { class: 'col-name', title: n }, n),
          h('td', {}, c?.kind ?? ''),
          cell(ks.get(n), 'ks'),
          cell(tv.get(n), 'tv'),
          h('td', { class: 'num' }, pct(c?.missingReal)),
          h('td', { class: 'num' }, pct(c?.missingSynth)),
        );
      }),
    ),
  );
}

function level(v: number): 'good' | 'fair' | 'poor' {
  return v >= 0.9 ? 'good' : v >= 0.75 ? 'fair' : 'poor';
}
