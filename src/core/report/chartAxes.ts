// Axes for the report's SVG charts: "nice" ticks (1, 2 or 5 × 10^k, the rule of Heckbert's "Nice
// numbers for graph labels", Graphics Gems 1990, with d3-array's thresholds), calendar ticks for
// dates, category labels that rotate instead of being cut off, and a legend above the plot.
import { escapeXml, formatNumber } from './svgText';

/** Room around the plot for the y labels (left), the legend (top) and the x labels (bottom). */
export const PAD = { left: 40, right: 8, top: 18, bottom: 22 } as const;

export interface PlotFrame {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** An average glyph width of the 10px tick font, to decide whether labels fit. */
const CHAR_W = 6;
const LABEL_ANGLE = 40;
const MAX_LABEL_CHARS = 16;

/** The nice step (1, 2 or 5 × 10^k) closest to span / count. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = Math.floor(Math.log10(raw));
  const f = raw / 10 ** power;
  const nice = f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.sqrt(2) ? 2 : 1;
  return nice * 10 ** power;
}

/** The multiple i × step, computed so that 3 × 0.1 reads 0.3 and not 0.30000000000000004. */
function multiple(i: number, step: number): number {
  return step < 1 ? i / Math.round(1 / step) : i * step;
}

/** Ticks at multiples of a nice step inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return [];
  if (hi === lo) return [lo];
  const step = niceStep(hi - lo, count);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  // Adding 0 turns the -0 that Math.ceil gives just below zero into 0.
  for (let i = first; i <= last; i++) out.push(multiple(i, step) + 0);
  return out;
}

export interface ValueDomain {
  /** The top of the axis: the first tick at or above the largest value. */
  readonly top: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** A y domain from 0 to a nice top with 4–6 ticks; counts step by whole numbers. */
export function niceDomain(max: number, integer: boolean): ValueDomain {
  const peak = max > 0 && Number.isFinite(max) ? max : 1;
  // Three to seven ticks: the plots are short, so labels stay apart.
  const step = integer ? Math.max(1, niceStep(peak, 3)) : niceStep(peak, 3);
  const n = Math.max(1, Math.ceil(peak / step - 1e-9));
  const ticks = Array.from({ length: n + 1 }, (_, i) => multiple(i, step));
  return { top: ticks[n], step, ticks };
}

/** The y axis: a label and a faint grid line per tick, and the axis lines. */
export function valueAxisY(frame: PlotFrame, domain: ValueDomain, format: (v: number) => string): string {
  const out: string[] = [];
  for (const t of domain.ticks) {
    const y = (frame.bottom - (t / domain.top) * (frame.bottom - frame.top)).toFixed(1);
    if (t > 0) out.push(`<line class="gridline" x1="${frame.left}" y1="${y}" x2="${frame.right}" y2="${y}"/>`);
    out.push(`<text class="tick" x="${frame.left - 4}" y="${y}" dy="3" text-anchor="end">${escapeXml(format(t))}</text>`);
  }
  out.push(`<line class="axis" x1="${frame.left}" y1="${frame.bottom}" x2="${frame.right}" y2="${frame.bottom}"/>`);
  out.push(`<line class="axis" x1="${frame.left}" y1="${frame.top}" x2="${frame.left}" y2="${frame.bottom}"/>`);
  return out.join('');
}

/** A tick value with the decimals its step needs (0.25 steps show two, 5 steps none). */
export function formatTick(v: number, step: number): string {
  if (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)) return formatNumber(v);
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

const DAY = 86_400_000;
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200];
const DAY_STEPS = [1, 2, 7, 14];

/** Calendar ticks for epoch milliseconds: whole days, months or years, about `count` of them (UTC). */
export function timeTicks(lo: number, hi: number, count = 5): { readonly ticks: number[]; readonly label: (t: number) => string } {
  const iso = (t: number): string => new Date(t).toISOString();
  for (const days of DAY_STEPS) {
    if ((hi - lo) / (days * DAY) > count) continue;
    const ticks: number[] = [];
    for (let d = Math.ceil(lo / DAY / days) * days; d * DAY <= hi; d += days) ticks.push(d * DAY);
    return { ticks, label: (t) => iso(t).slice(0, 10) };
  }
  const from = new Date(lo);
  const startMonth = from.getUTCFullYear() * 12 + from.getUTCMonth();
  const to = new Date(hi);
  const span = to.getUTCFullYear() * 12 + to.getUTCMonth() - startMonth;
  const months = MONTH_STEPS.find((m) => span / m <= count) ?? MONTH_STEPS[MONTH_STEPS.length - 1];
  const ticks: number[] = [];
  for (let m = Math.ceil(startMonth / months) * months; ; m += months) {
    const t = Date.UTC(Math.floor(m / 12), m % 12, 1);
    if (t > hi) break;
    if (t >= lo) ticks.push(t);
  }
  return { ticks, label: (t) => (months >= 12 ? iso(t).slice(0, 4) : iso(t).slice(0, 7)) };
}

/** A linear x axis from lo to hi with nice numeric ticks, or calendar ticks for dates. */
export function linearAxisX(frame: PlotFrame, lo: number, hi: number, isTime: boolean): string {
  const count = Math.max(2, Math.floor((frame.right - frame.left) / 70));
  const step = niceStep(hi - lo, count);
  const { ticks, label } = isTime
    ? timeTicks(lo, hi, count)
    : { ticks: niceTicks(lo, hi, count), label: (t: number) => formatTick(t, step) };
  const out: string[] = [];
  for (const t of ticks) {
    const x = (frame.left + ((t - lo) / (hi - lo)) * (frame.right - frame.left)).toFixed(1);
    out.push(`<line class="axis" x1="${x}" y1="${frame.bottom}" x2="${x}" y2="${frame.bottom + 3}"/>`);
    out.push(`<text class="tick" x="${x}" y="${frame.bottom + 13}" text-anchor="middle">${escapeXml(label(t))}</text>`);
  }
  return out.join('');
}

export interface CategoryAxis {
  /** The room the labels need below the plot. */
  readonly height: number;
  markup(frame: PlotFrame, x: (i: number) => number): string;
}

/**
 * Category labels under their bars: side by side when they fit, otherwise rotated so that long names
 * still read; a name longer than the room ends in "…" and keeps its full text as a tooltip.
 */
export function categoryAxis(labels: readonly string[], slot: number): CategoryAxis {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  if (longest * CHAR_W <= slot - 2) {
    return {
      height: PAD.bottom,
      markup: (frame, x) =>
        labels
          .map(
            (l, i) =>
              `<text class="tick" x="${(x(i) + slot / 2).toFixed(1)}" y="${frame.bottom + 13}" text-anchor="middle">${escapeXml(l)}</text>`,
          )
          .join(''),
    };
  }
  const rad = (LABEL_ANGLE * Math.PI) / 180;
  // Rotated labels are slot × sin(angle) apart; keep at least one line height (11px) between them.
  const every = Math.max(1, Math.ceil(11 / (slot * Math.sin(rad))));
  const chars = Math.min(MAX_LABEL_CHARS, longest);
  return {
    height: Math.ceil(10 + chars * CHAR_W * Math.sin(rad) + 8),
    markup: (frame, x) => {
      const out: string[] = [];
      for (let i = 0; i < labels.length; i += every) {
        const full = labels[i];
        const text = full.length > chars ? `${full.slice(0, chars - 1)}…` : full;
        const cx = (x(i) + slot / 2 + 3).toFixed(1);
        out.push(
          `<text class="tick" text-anchor="end" transform="translate(${cx} ${frame.bottom + 10}) rotate(-${LABEL_ANGLE})">${escapeXml(text)}<title>${escapeXml(full)}</title></text>`,
        );
      }
      return out.join('');
    },
  };
}

/** A legend along the top right: a swatch (a line for step outlines) and a name per series. */
export function legend(width: number, items: readonly (readonly [cls: string, name: string])[]): string {
  const out: string[] = [];
  let right = width - PAD.right;
  for (const [cls, name] of [...items].reverse()) {
    const textX = right - name.length * CHAR_W;
    const swatchX = textX - 14;
    out.push(
      cls === 'holdout'
        ? `<line class="holdout" x1="${swatchX}" y1="6" x2="${swatchX + 10}" y2="6"/>`
        : `<rect class="${cls}" x="${swatchX}" y="1" width="10" height="10"/>`,
      `<text class="tick legend-label" x="${textX}" y="10">${escapeXml(name)}</text>`,
    );
    right = swatchX - 12;
  }
  return `<g class="legend">${out.join('')}</g>`;
}
