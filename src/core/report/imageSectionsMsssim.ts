// The MS-SSIM distributions of an image report as a pure SVG string (no DOM, no scripts, no external
// references), for report.html and the report webview alike: per bin of a pair's MS-SSIM (0..1), the
// share of real pairs and of synthetic pairs as bars side by side, real on the left, in the
// theme-checked .real/.synth pair of chartStyle.ts and media/webview.css, so a synthetic set piled near
// 1 beside a real one spread lower (mode collapse) shows at a glance. Position keeps the two apart
// without colour; the legend names the pair counts and means.
import { legend, linearAxisX, niceDomain, PAD, valueAxisY } from './chartAxes';
import type { PlotFrame } from './chartAxes';
import { MSSSIM_AXIS, msssimBinLabel } from './imageSections';
import type { ImageReportSection } from './model';
import { escapeXml, formatNumber } from './svgText';

export interface MsssimChartSize {
  readonly width?: number;
  readonly height?: number;
}

/** Room below the plot for the tick labels and the axis title. */
const BOTTOM = 36;

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Side-by-side bars of the real and synthetic pairs' shares per MS-SSIM bin (the caller checked `m` with validMsssim). */
export function renderMsssimSvg(m: NonNullable<ImageReportSection['msssim']>, size: MsssimChartSize = {}): string {
  const width = size.width ?? 480;
  const height = size.height ?? 200;
  const bins = m.edges.length - 1;
  const lo = m.edges[0];
  const hi = m.edges[bins];
  const frame: PlotFrame = { left: PAD.left, right: width - PAD.right, top: PAD.top + 4, bottom: height - BOTTOM };
  const y = niceDomain(Math.max(1e-9, ...m.real, ...m.synth), false);
  const plotH = frame.bottom - frame.top;
  const x = (v: number): number => frame.left + ((v - lo) / (hi - lo)) * (frame.right - frame.left);
  const bars: string[] = [];
  for (let i = 0; i < bins; i++) {
    const x0 = x(m.edges[i]);
    const slot = x(m.edges[i + 1]) - x0;
    const bar = Math.max(1, slot * 0.4);
    for (const [cls, share, dx, who] of [
      ['real', m.real[i], slot * 0.1, 'real'],
      ['synth', m.synth[i], slot * 0.5, 'synthetic'],
    ] as const) {
      const h = (share / y.top) * plotH;
      bars.push(
        `<rect class="${cls}" x="${(x0 + dx).toFixed(1)}" y="${(frame.bottom - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeXml(`MS-SSIM ${msssimBinLabel(m, i)}: ${percent(share)} of ${who} pairs`)}</title></rect>`,
      );
    }
  }
  const tickDecimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(y.step * 100) + 1e-9)));
  const xLabel = `<text class="tick axis-label" x="${((frame.left + frame.right) / 2).toFixed(1)}" y="${height - 4}" text-anchor="middle">${escapeXml(MSSSIM_AXIS)}</text>`;
  const label = `MS-SSIM distributions: ${m.synthPairs} synthetic pairs (mean ${formatNumber(m.synthMean)}), ${m.realPairs} real pairs (mean ${formatNumber(m.realMean)})`;
  return [
    `<svg class="chart msssim" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(label)}">`,
    valueAxisY(frame, y, (v) => `${(v * 100).toFixed(tickDecimals)}%`),
    `<g class="bars">${bars.join('')}</g>`,
    linearAxisX(frame, lo, hi, false),
    xLabel,
    legend(width, [
      ['real', `real pairs (${m.realPairs}), mean ${formatNumber(m.realMean)}`],
      ['synth', `synthetic pairs (${m.synthPairs}), mean ${formatNumber(m.synthMean)}`],
    ]),
    '</svg>',
  ].join('');
}
