// The correlation heatmaps (real, synthetic, difference) behind fidelity.correlationSimilarity. The
// SVG comes from the engine's pure builder, so the webview and the exported report.html agree.
import type { Report } from '../../src/core/report/model';
import { HEATMAP_TITLES, renderCorrelationHeatmapSvg } from '../../src/core/report/correlationHeatmap';
import type { HeatmapView } from '../../src/core/report/correlationHeatmap';
import { h, svgFromMarkup } from '../shared/dom';

/** Null when the report has no correlation matrices (fewer than two numeric columns, or an older report). */
export function correlationSection(report: Report): HTMLElement | null {
  const m = report.correlations;
  if (!m || m.columns.length < 2) return null;
  return h(
    'section',
    { class: 'correlations' },
    h('h2', {}, 'Correlations between numeric columns'),
    h(
      'p',
      { class: 'hint' },
      'Pearson correlation of every pair of numeric and date columns: blue positive, red negative, stronger colour = stronger correlation (the difference map is at full colour from ±0.5). It shows where the synthetic data loses or invents a relationship; hover a cell for its numbers.',
    ),
    m.omittedColumns > 0
      ? h(
          'p',
          { class: 'hint' },
          `Only the first ${m.columns.length} numeric columns are drawn; ${m.omittedColumns} more count in the score but are not shown.`,
        )
      : null,
    h(
      'div',
      { class: 'heatmaps' },
      ...(Object.keys(HEATMAP_TITLES) as HeatmapView[]).map((view) =>
        h(
          'figure',
          { class: 'heatmap-figure', 'data-view': view },
          h('figcaption', {}, HEATMAP_TITLES[view]),
          svgFromMarkup(renderCorrelationHeatmapSvg(m, view)),
        ),
      ),
    ),
  );
}
