// Pure SVG string builders for the report: no DOM, no scripts, no external references, so the same
// markup works in the self-contained HTML export and in the report webview. Colours come from CSS
// classes (.real, .synth, .bar, .holdout) that each page styles for its theme; positions and ticks are
// computed here, so both pages draw exactly the same picture.
import type { ColumnComparison, Histogram } from './model';
import { categoryAxis, legend, linearAxisX, niceDomain, PAD, valueAxisY } from './chartAxes';
import type { PlotFrame } from './chartAxes';
import { escapeXml, formatNumber } from './svgText';

// The report, markdown and CLI summary import these two from here; they live in svgText.ts so that the
// axis builders can use them without an import cycle.
export { escapeXml, formatNumber } from './svgText';

export interface ChartSize {
  readonly width?: number;
  readonly height?: number;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** The bin edges of a numeric or datetime comparison, when the report carries them and they fit the bins. */
function numericEdges(cmp: ColumnComparison): readonly number[] | undefined {
  const e = cmp.edges;
  return e && e.length === cmp.bins.length + 1 && e.every(Number.isFinite) && e[e.length - 1] > e[0] ? e : undefined;
}

/** Grouped real-vs-synthetic bars of one column's binned distribution (proportions). */
export function renderDistributionSvg(cmp: ColumnComparison, size: ChartSize = {}): string {
  const width = size.width ?? 360;
  const n = Math.max(cmp.bins.length, 1);
  const slot = (width - PAD.left - PAD.right) / n;
  const edges = numericEdges(cmp);
  // Category names get the room they need below the plot (rotated when they do not fit side by side).
  const xAxis = edges
    ? undefined
    : categoryAxis(cmp.kind === 'datetime' || cmp.kind === 'numeric' ? cmp.bins.map((b) => b.split('–')[0]) : cmp.bins, slot);
  const bottom = xAxis?.height ?? PAD.bottom;
  const height = (size.height ?? 170) + Math.max(0, bottom - PAD.bottom);
  const frame: PlotFrame = { left: PAD.left, right: width - PAD.right, top: PAD.top, bottom: height - bottom };
  const y = niceDomain(Math.max(1e-9, ...cmp.real, ...cmp.synth), false);
  const plotH = frame.bottom - frame.top;
  const x = (i: number): number => frame.left + i * slot;
  const bar = Math.max(1, slot * 0.4);
  const rect = (cls: 'real' | 'synth', i: number, v: number, dx: number): string => {
    const h = (v / y.top) * plotH;
    const who = cls === 'real' ? 'real' : 'synthetic';
    return `<rect class="${cls}" x="${(x(i) + dx).toFixed(1)}" y="${(frame.bottom - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeXml(`${cmp.bins[i] ?? ''}: ${who} ${percent(v)}`)}</title></rect>`;
  };
  const bars: string[] = [];
  for (let i = 0; i < cmp.bins.length; i++) {
    bars.push(rect('real', i, cmp.real[i] ?? 0, slot * 0.1), rect('synth', i, cmp.synth[i] ?? 0, slot * 0.5));
  }
  return [
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(`${cmp.name}: real vs synthetic`)}">`,
    valueAxisY(frame, y, (v) => percentTick(v, y.step)),
    bars.join(''),
    edges ? linearAxisX(frame, edges[0], edges[edges.length - 1], cmp.kind === 'datetime') : (xAxis?.markup(frame, x) ?? ''),
    legend(width, [
      ['real', 'real'],
      ['synth', 'synthetic'],
    ]),
    '</svg>',
  ].join('');
}

/** A proportion tick with as many decimals as the tick step needs (5%, 2.5%, 0.5%). */
function percentTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(step * 100) + 1e-9)));
  return `${(v * 100).toFixed(decimals)}%`;
}

/**
 * Histogram of distances to the closest real record. With `holdoutCounts` (holdout rows' distances to
 * the training rows, on the same edges) both are drawn as shares of their own rows, the synthetic rows
 * as bars and the holdout rows as a step line, so the two sets can be compared whatever their sizes.
 */
export function renderHistogramSvg(hist: Histogram, title: string, size: ChartSize = {}): string {
  const width = size.width ?? 480;
  const height = size.height ?? 190;
  const n = Math.max(hist.counts.length, 1);
  const overlay = hist.holdoutCounts && hist.holdoutCounts.length === hist.counts.length ? hist.holdoutCounts : undefined;
  const total = (c: readonly number[]): number =>
    Math.max(
      1,
      c.reduce((s, v) => s + v, 0),
    );
  const synthTotal = total(hist.counts);
  const holdoutTotal = overlay ? total(overlay) : 1;
  const value = (c: number, of: number): number => (overlay ? c / of : c);
  const frame: PlotFrame = { left: PAD.left, right: width - PAD.right, top: PAD.top, bottom: height - PAD.bottom };
  const peak = Math.max(
    overlay ? 1e-9 : 1,
    ...hist.counts.map((c) => value(c, synthTotal)),
    ...(overlay ?? []).map((c) => value(c, holdoutTotal)),
  );
  const y = niceDomain(peak, !overlay);
  const slot = (frame.right - frame.left) / n;
  const plotH = frame.bottom - frame.top;
  const x = (i: number): number => frame.left + i * slot;
  const yOf = (v: number): number => frame.bottom - (v / y.top) * plotH;
  const range = (i: number): string => `${formatNumber(hist.edges[i] ?? 0)}–${formatNumber(hist.edges[i + 1] ?? 0)}`;
  const bars = hist.counts.map((c, i) => {
    const v = value(c, synthTotal);
    const tip = overlay ? `${range(i)}: ${c} synthetic rows (${percent(v)})` : `${range(i)}: ${c} rows`;
    return `<rect class="bar" x="${(x(i) + 1).toFixed(1)}" y="${yOf(v).toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${(frame.bottom - yOf(v)).toFixed(1)}"><title>${escapeXml(tip)}</title></rect>`;
  });
  let step = '';
  if (overlay) {
    // A closed step outline: along the baseline to each bin's height, across, and down at the end.
    const points: string[] = [`M${frame.left.toFixed(1)},${frame.bottom.toFixed(1)}`];
    overlay.forEach((c, i) => {
      const yy = yOf(value(c, holdoutTotal)).toFixed(1);
      points.push(`L${x(i).toFixed(1)},${yy}`, `L${x(i + 1).toFixed(1)},${yy}`);
    });
    points.push(`L${x(n).toFixed(1)},${frame.bottom.toFixed(1)}`);
    const tips = overlay.map(
      (c, i) =>
        `<rect class="hit" x="${x(i).toFixed(1)}" y="${frame.top}" width="${slot.toFixed(1)}" height="${plotH.toFixed(1)}" fill-opacity="0"><title>${escapeXml(`${range(i)}: ${hist.counts[i] ?? 0} synthetic rows (${percent(value(hist.counts[i] ?? 0, synthTotal))}), ${c} holdout rows (${percent(value(c, holdoutTotal))})`)}</title></rect>`,
    );
    step = `<path class="holdout" d="${points.join('')}"/>${tips.join('')}`;
  }
  const lo = hist.edges[0] ?? 0;
  const hi = hist.edges[hist.edges.length - 1] ?? 1;
  return [
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(title)}">`,
    valueAxisY(frame, y, overlay ? (v) => percentTick(v, y.step) : (v) => String(v)),
    bars.join(''),
    step,
    hi > lo ? linearAxisX(frame, lo, hi, false) : '',
    overlay
      ? legend(width, [
          ['real', 'synthetic rows → training rows'],
          ['holdout', 'holdout rows → training rows'],
        ])
      : '',
    '</svg>',
  ].join('');
}
