// The table preview's mini histograms, built as DOM nodes (not markup strings), coloured by CSS classes that map to the
// VS Code chart theme variables, so they follow the user's theme and need no inline styles under the CSP.
import { svg } from './dom';

export interface BarChartOptions {
  readonly width: number;
  readonly height: number;
  /** Tooltip per bar (the bin or category label). */
  readonly labels?: readonly string[];
  readonly className?: string;
}

/** A compact histogram: one bar per count, scaled to the largest count, with a tooltip per bar. */
export function barChart(counts: readonly number[], opts: BarChartOptions): SVGSVGElement {
  const { width, height } = opts;
  const max = Math.max(1, ...counts);
  const n = Math.max(1, counts.length);
  const step = width / n;
  const gap = step > 4 ? 1 : 0;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: `chart ${opts.className ?? ''}`.trim(), role: 'img' });
  counts.forEach((c, i) => {
    const bh = c === 0 ? 0 : Math.max(1, (c / max) * (height - 1));
    const label = opts.labels?.[i];
    root.append(
      svg(
        'rect',
        {
          x: (i * step).toFixed(2),
          y: (height - bh).toFixed(2),
          width: Math.max(0.5, step - gap).toFixed(2),
          height: bh.toFixed(2),
          class: 'bar',
        },
        svg('title', {}, `${label ?? i}: ${c}`),
      ),
    );
  });
  root.append(svg('line', { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, class: 'axis' }));
  return root;
}
