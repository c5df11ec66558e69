// Correlation heatmaps for fidelity.correlationSimilarity: the real matrix, the synthetic matrix and
// their difference, as pure SVG strings like the other report charts. A cell's colour says the sign
// (classes .pos and .neg, themed by each page) and its opacity the size, so 0 fades into the page
// background in every theme; every cell carries its three numbers as a tooltip.
import type { ChartSize } from './charts';
import type { CorrelationMatrices } from './model';
import { escapeXml } from './svgText';

export type HeatmapView = 'real' | 'synth' | 'difference';

export const HEATMAP_TITLES: Readonly<Record<HeatmapView, string>> = {
  real: 'Real',
  synth: 'Synthetic',
  difference: 'Difference (synthetic − real)',
};

/** A generous glyph width of the 10px tick font, so that labels are never clipped at the edge. */
const CHAR_W = 6.5;
const MAX_LABEL_CHARS = 14;
const LEGEND_H = 26;
const DIFFERENCE_FULL = 0.5;
/** Room the colour key needs: its labels, nine swatches and "+0.5 or more". */
const SCALE_W = 220;

/** A signed value with two decimals and a true minus sign, as the tooltips and cells show it. */
function signed(v: number | null): string {
  if (v === null) return 'undefined';
  const text = Math.abs(v).toFixed(2);
  return v < 0 && text !== '0.00' ? `−${text}` : text;
}

function cellValue(m: CorrelationMatrices, view: HeatmapView, i: number, j: number): number | null {
  const r = m.real[i]?.[j] ?? null;
  const s = m.synth[i]?.[j] ?? null;
  if (view === 'real') return r;
  if (view === 'synth') return s;
  return r === null || s === null ? null : s - r;
}

function clip(label: string): string {
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
}

/** One heatmap; the cells shrink with the number of columns, labels thin out so they never overlap. */
export function renderCorrelationHeatmapSvg(m: CorrelationMatrices, view: HeatmapView, size: ChartSize = {}): string {
  const n = m.columns.length;
  const chars = Math.min(MAX_LABEL_CHARS, Math.max(1, ...m.columns.map((c) => c.length)));
  const left = Math.ceil(chars * CHAR_W) + 8;
  // Without a width, cells get 12–40px: a wide table makes a wider map rather than unreadable cells.
  const width = size.width ?? Math.max(left + SCALE_W, left + n * Math.max(12, Math.min(40, Math.floor(360 / Math.max(1, n)))) + 4);
  const cell = Math.max(4, Math.min(40, Math.floor((width - left - 4) / Math.max(1, n))));
  // Column names run upwards (rotated a quarter turn), so they never spill past the right edge.
  const top = Math.ceil(chars * CHAR_W) + 8;
  const height = top + n * cell + LEGEND_H;
  const every = Math.max(1, Math.ceil(11 / cell));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % every !== 0) continue;
    const name = m.columns[i];
    const mid = i * cell + cell / 2;
    out.push(
      `<text class="tick" x="${left - 4}" y="${(top + mid + 3).toFixed(1)}" text-anchor="end">${escapeXml(clip(name))}<title>${escapeXml(name)}</title></text>`,
    );
    out.push(
      `<text class="tick" text-anchor="start" transform="translate(${(left + mid + 3).toFixed(1)} ${top - 4}) rotate(-90)">${escapeXml(clip(name))}<title>${escapeXml(name)}</title></text>`,
    );
  }
  const showValues = cell >= 26;
  // Differences of a few tenths already matter, so the difference map reaches full colour at ±0.5.
  const full = view === 'difference' ? DIFFERENCE_FULL : 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = cellValue(m, view, i, j);
      const x = left + j * cell;
      const y = top + i * cell;
      const tip = `${m.columns[i]} × ${m.columns[j]}: real ${signed(m.real[i]?.[j] ?? null)}, synthetic ${signed(m.synth[i]?.[j] ?? null)}, difference ${signed(cellValue(m, 'difference', i, j))}`;
      const cls = v === null ? 'none' : v < 0 ? 'neg' : 'pos';
      const opacity = v === null ? 1 : Math.min(1, Math.abs(v) / full);
      out.push(
        `<rect class="cell ${cls}" x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill-opacity="${opacity.toFixed(3)}"><title>${escapeXml(tip)}</title></rect>`,
      );
      if (showValues && v !== null)
        out.push(`<text class="cell-value" x="${x + (cell - 1) / 2}" y="${y + cell / 2 + 3}" text-anchor="middle">${signed(v)}</text>`);
    }
  }
  out.push(scale(left, top + n * cell + 8, full));
  return [
    `<svg class="chart heatmap" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(`Correlations: ${HEATMAP_TITLES[view]}`)}" data-view="${view}">`,
    out.join(''),
    '</svg>',
  ].join('');
}

/** The colour key under a heatmap: −full to +full in nine steps of the same opacity rule as the cells. */
function scale(x0: number, y0: number, full: number): string {
  const label = full === 1 ? '1' : String(full);
  const out: string[] = [`<text class="tick" x="${x0}" y="${y0 + 8}">−${label}</text>`];
  const w = 12;
  const start = x0 + label.length * CHAR_W + 10;
  for (let k = -4; k <= 4; k++) {
    const v = k / 4;
    out.push(
      `<rect class="cell ${v < 0 ? 'neg' : 'pos'}" x="${start + (k + 4) * w}" y="${y0}" width="${w - 1}" height="9" fill-opacity="${Math.abs(v)}"/>`,
    );
  }
  out.push(`<text class="tick" x="${start + 9 * w + 4}" y="${y0 + 8}">+${label}${full === 1 ? '' : ' or more'}</text>`);
  return `<g class="scale">${out.join('')}</g>`;
}

/** The three heatmaps with captions, as the HTML export shows them (the webview builds the same from DOM nodes). */
export function renderCorrelationSectionHtml(m: CorrelationMatrices): string {
  const omitted =
    m.omittedColumns > 0
      ? `<p class="doc">Only the first ${m.columns.length} numeric columns are drawn; ${m.omittedColumns} more are in the score but not in the heatmaps.</p>`
      : '';
  const figures = (Object.keys(HEATMAP_TITLES) as HeatmapView[])
    .map(
      (view) =>
        `<figure class="heatmap-figure"><figcaption>${escapeXml(HEATMAP_TITLES[view])}</figcaption>${renderCorrelationHeatmapSvg(m, view)}</figure>`,
    )
    .join('');
  return `<h2>Correlations between numeric columns</h2><p class="doc">Pearson correlation of every pair of numeric and date columns (blue positive, red negative, stronger colour = stronger correlation; the difference map reaches full colour at ±0.5). The difference map shows where the synthetic data loses or invents a relationship; the pairwise-correlations score is 1 − |difference| / 2 averaged over pairs.</p>${omitted}<div class="heatmaps">${figures}</div>`;
}
