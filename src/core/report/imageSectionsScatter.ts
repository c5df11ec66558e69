// The embedding scatter of an image report as a pure SVG string (no DOM, no scripts, no external
// references), for report.html and the report webview alike: real and synthetic points on the first
// two principal components of the real features. The two series differ in colour (the theme-checked
// .real/.synth pair of chartStyle.ts and media/webview.css) and in shape (squares vs diamonds), so the
// picture reads without colour too.
import { linearAxisX, niceStep, niceTicks, formatTick } from './chartAxes';
import type { PlotFrame } from './chartAxes';
import { axisLabel } from './imageSections';
import type { ImageReportSection } from './model';
import { escapeXml } from './svgText';

export interface ScatterSize {
  readonly width?: number;
  readonly height?: number;
}

const MARK = 5;
const PAD = { left: 52, right: 10, top: 22, bottom: 40 } as const;

type Point = readonly [number, number];

function finite(points: readonly Point[]): Point[] {
  return points.filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

/** [lo, hi] widened to the nice ticks around it; a single value gets a unit span. */
function niceRange(values: readonly number[]): { lo: number; hi: number; ticks: number[]; step: number } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [-1, 1];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 1, hi + 1];
  const step = niceStep(hi - lo, 5);
  lo = Math.floor(lo / step - 1e-9) * step;
  hi = Math.ceil(hi / step + 1e-9) * step;
  return { lo, hi, ticks: niceTicks(lo, hi, 5), step };
}

function marks(points: readonly Point[], cls: 'real' | 'synth', x: (v: number) => number, y: (v: number) => number): string {
  const half = MARK / 2;
  return points
    .map(([px, py]) => {
      const cx = x(px).toFixed(1);
      const cy = y(py).toFixed(1);
      return cls === 'real'
        ? `<rect class="real" x="${(x(px) - half).toFixed(1)}" y="${(y(py) - half).toFixed(1)}" width="${MARK}" height="${MARK}"/>`
        : `<rect class="synth" x="${-half}" y="${-half}" width="${MARK}" height="${MARK}" transform="translate(${cx} ${cy}) rotate(45)"/>`;
    })
    .join('');
}

/** Real points as squares, synthetic points as diamonds, with PCA axes labelled by their variance share. */
export function renderEmbeddingScatterSvg(scatter: ImageReportSection['scatter'], size: ScatterSize = {}): string {
  const width = size.width ?? 480;
  const height = size.height ?? 360;
  const real = finite(scatter.real);
  const synth = finite(scatter.synth);
  const frame: PlotFrame = { left: PAD.left, right: width - PAD.right, top: PAD.top, bottom: height - PAD.bottom };
  const all = [...real, ...synth];
  const xr = niceRange(all.length > 0 ? all.map((p) => p[0]) : [0]);
  const yr = niceRange(all.length > 0 ? all.map((p) => p[1]) : [0]);
  const x = (v: number): number => frame.left + ((v - xr.lo) / (xr.hi - xr.lo)) * (frame.right - frame.left);
  const y = (v: number): number => frame.bottom - ((v - yr.lo) / (yr.hi - yr.lo)) * (frame.bottom - frame.top);
  const yAxis: string[] = [];
  for (const t of yr.ticks) {
    const ty = y(t).toFixed(1);
    yAxis.push(`<line class="gridline" x1="${frame.left}" y1="${ty}" x2="${frame.right}" y2="${ty}"/>`);
    yAxis.push(`<text class="tick" x="${frame.left - 4}" y="${ty}" dy="3" text-anchor="end">${escapeXml(formatTick(t, yr.step))}</text>`);
  }
  const box = [
    `<line class="axis" x1="${frame.left}" y1="${frame.bottom}" x2="${frame.right}" y2="${frame.bottom}"/>`,
    `<line class="axis" x1="${frame.left}" y1="${frame.top}" x2="${frame.left}" y2="${frame.bottom}"/>`,
  ].join('');
  const xLabel = `<text class="tick axis-label" x="${((frame.left + frame.right) / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle">${escapeXml(axisLabel(0, scatter.explained))}</text>`;
  const yLabel = `<text class="tick axis-label" text-anchor="middle" transform="translate(12 ${((frame.top + frame.bottom) / 2).toFixed(1)}) rotate(-90)">${escapeXml(axisLabel(1, scatter.explained))}</text>`;
  const realName = `real (${real.length})`;
  const synthName = `synthetic (${synth.length})`;
  const legendX = frame.right - (realName.length + synthName.length) * 6 - 44;
  const legend =
    `<g class="legend">` +
    `<rect class="real" x="${legendX}" y="6" width="${MARK + 2}" height="${MARK + 2}"/>` +
    `<text class="tick legend-label" x="${legendX + 10}" y="12">${escapeXml(realName)}</text>` +
    `<rect class="synth" x="${-(MARK + 2) / 2}" y="${-(MARK + 2) / 2}" width="${MARK + 2}" height="${MARK + 2}" transform="translate(${legendX + 22 + realName.length * 6} 9) rotate(45)"/>` +
    `<text class="tick legend-label" x="${legendX + 30 + realName.length * 6}" y="12">${escapeXml(synthName)}</text>` +
    `</g>`;
  const empty =
    all.length === 0
      ? `<text class="tick" x="${((frame.left + frame.right) / 2).toFixed(1)}" y="${((frame.top + frame.bottom) / 2).toFixed(1)}" text-anchor="middle">no points (fewer than two real images)</text>`
      : '';
  return [
    `<svg class="chart scatter" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(`Embedding: ${real.length} real and ${synth.length} synthetic images on the first two principal components`)}">`,
    yAxis.join(''),
    linearAxisX(frame, xr.lo, xr.hi, false),
    box,
    `<g class="points real-points">${marks(real, 'real', x, y)}</g>`,
    `<g class="points synth-points">${marks(synth, 'synth', x, y)}</g>`,
    empty,
    xLabel,
    yLabel,
    legend,
    '</svg>',
  ].join('');
}
