// Pure SVG string builders for the report: no DOM, no scripts, no external references, so the same
// markup works in the self-contained HTML export and in the report webview. Colours come from CSS
// classes (.real, .synth, .bar) that each page styles for its theme.
import type { ColumnComparison, Histogram } from './model';

export interface ChartSize {
  readonly width?: number;
  readonly height?: number;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const PAD = { left: 36, right: 8, top: 8, bottom: 34 };

function axis(width: number, height: number, max: number, format: (v: number) => string): string {
  const y0 = height - PAD.bottom;
  return [
    `<line class="axis" x1="${PAD.left}" y1="${y0}" x2="${width - PAD.right}" y2="${y0}"/>`,
    `<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${y0}"/>`,
    `<text class="tick" x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${escapeXml(format(max))}</text>`,
    `<text class="tick" x="${PAD.left - 4}" y="${y0}" text-anchor="end">0</text>`,
  ].join('');
}

/** Shows at most ~6 x labels, each cut to the room it has; a range label shows only its lower end. */
function xLabels(labels: readonly string[], x: (i: number) => number, slot: number, height: number): string {
  const step = Math.max(1, Math.ceil(labels.length / 6));
  const room = Math.max(3, Math.floor((slot * step) / 6));
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += step) {
    const full = labels[i].split('–')[0];
    const text = full.length > room ? `${full.slice(0, room - 1)}…` : full;
    out.push(`<text class="tick" x="${(x(i) + slot / 2).toFixed(1)}" y="${height - PAD.bottom + 14}" text-anchor="middle">${escapeXml(text)}</text>`);
  }
  return out.join('');
}

/** Grouped real-vs-synthetic bars of one column's binned distribution (proportions). */
export function renderDistributionSvg(cmp: ColumnComparison, size: ChartSize = {}): string {
  const width = size.width ?? 360;
  const height = size.height ?? 170;
  const n = Math.max(cmp.bins.length, 1);
  const max = Math.max(1e-9, ...cmp.real, ...cmp.synth);
  const slot = (width - PAD.left - PAD.right) / n;
  const bar = Math.max(1, slot * 0.4);
  const plotH = height - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + i * slot;
  const rect = (cls: string, i: number, v: number, dx: number): string => {
    const h = (v / max) * plotH;
    return `<rect class="${cls}" x="${(x(i) + dx).toFixed(1)}" y="${(height - PAD.bottom - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeXml(`${cmp.bins[i] ?? ''}: ${cls} ${(v * 100).toFixed(1)}%`)}</title></rect>`;
  };
  const bars: string[] = [];
  for (let i = 0; i < cmp.bins.length; i++) {
    bars.push(rect('real', i, cmp.real[i] ?? 0, slot * 0.1), rect('synth', i, cmp.synth[i] ?? 0, slot * 0.5));
  }
  return [
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(`${cmp.name}: real vs synthetic`)}">`,
    axis(width, height, max, (v) => `${(v * 100).toFixed(0)}%`),
    bars.join(''),
    xLabels(cmp.bins, x, slot, height),
    `<rect class="real" x="${width - 130}" y="${height - 14}" width="10" height="10"/><text class="tick" x="${width - 116}" y="${height - 5}">real</text>`,
    `<rect class="synth" x="${width - 76}" y="${height - 14}" width="10" height="10"/><text class="tick" x="${width - 62}" y="${height - 5}">synthetic</text>`,
    '</svg>',
  ].join('');
}

/** Histogram of distances to the closest real record (counts per bin). */
export function renderHistogramSvg(hist: Histogram, title: string, size: ChartSize = {}): string {
  const width = size.width ?? 480;
  const height = size.height ?? 190;
  const n = Math.max(hist.counts.length, 1);
  const max = Math.max(1, ...hist.counts);
  const slot = (width - PAD.left - PAD.right) / n;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + i * slot;
  const labels = hist.counts.map((_, i) => formatNumber(hist.edges[i] ?? 0));
  const bars = hist.counts.map((c, i) => {
    const h = (c / max) * plotH;
    const range = `${formatNumber(hist.edges[i] ?? 0)}–${formatNumber(hist.edges[i + 1] ?? 0)}`;
    return `<rect class="bar" x="${(x(i) + 1).toFixed(1)}" y="${(height - PAD.bottom - h).toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeXml(`${range}: ${c} rows`)}</title></rect>`;
  });
  return [
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(title)}">`,
    axis(width, height, max, (v) => String(v)),
    bars.join(''),
    xLabels(labels, x, slot, height),
    '</svg>',
  ].join('');
}

/** Four significant digits; exponents only for very large or very small magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
