// How one table cell reads in the preview. The same text shows in the grid and in histogram labels,
// so a datetime or a float looks identical wherever the user meets it.
import type { Column } from '../data/table';

/** Formats a number compactly: integers as is, others to 6 significant digits without trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

/** Formats epoch milliseconds as ISO text; a whole date drops its time part. */
export function formatDatetime(ms: number, precision: 'date' | 'datetime'): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return precision === 'date' ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** The text of one cell; a missing value is the empty string (the webview marks it). */
export function formatCell(column: Column, row: number): string {
  switch (column.kind) {
    case 'numeric': {
      const v = column.values[row];
      return Number.isNaN(v) ? '' : formatNumber(v);
    }
    case 'datetime':
      return formatDatetime(column.values[row], column.precision);
    case 'categorical':
    case 'boolean': {
      const code = column.codes[row];
      return code < 0 ? '' : (column.categories[code] ?? '');
    }
    case 'identifier':
    case 'text':
      return column.values[row] ?? '';
  }
}
